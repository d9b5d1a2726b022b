// Internal to the interpreter: how GC struct fields and array elements sit in an object's cells, casts resolved
// at lowering, and the array instructions' out-of-line helpers that read data and element segments.
#pragma once

#include <cstdint>

#include "kiln/runtime/gc.h"
#include "kiln/runtime/store.h"

namespace kiln::interp {

// The bits of an i32 a packed field keeps (set truncates); all of them otherwise.
inline uint64_t storage_mask(ValType storage) {
  if (storage.code == TypeCode::kI8) return 0xFF;
  if (storage.code == TypeCode::kI16) return 0xFFFF;
  return ~uint64_t{0};
}

// Bytes one element takes in a data segment (array.new_data, array.init_data): numbers, vectors and packed types.
uint32_t storage_bytes(ValType storage);


// A cast's (ref.test, ref.cast, br_on_cast) target heap type, resolved once at lowering and packed with its
// nullability into one code word; a concrete target also carries its StoreType.
enum class CastKind : uint8_t { kTop, kBottom, kEq, kI31, kStruct, kArray, kConcreteGc, kConcreteFunc };

inline uint64_t pack_cast(CastKind kind, bool nullable) {
  return static_cast<uint64_t>(kind) | (nullable ? uint64_t{1} << 8 : 0);
}

// Whether `ref` is a value of the target type. A host value seen from the any
// hierarchy (convert_ref) is neither an i31 nor an object: only any matches it.
inline bool cast_matches(Ref ref, uint64_t packed, const StoreType* target) {
  if (ref == kNullRef) return (packed >> 8) & 1;
  switch (static_cast<CastKind>(packed & 0xFF)) {
    case CastKind::kTop: return true;
    case CastKind::kBottom: return false;
    case CastKind::kEq: return is_i31(ref) || is_gc_object(ref);
    case CastKind::kI31: return is_i31(ref);
    case CastKind::kStruct: return is_gc_object(ref) && ref_gc(ref)->type->kind == TypeDef::Kind::kStruct;
    case CastKind::kArray: return is_gc_object(ref) && ref_gc(ref)->type->kind == TypeDef::Kind::kArray;
    case CastKind::kConcreteGc: return is_gc_object(ref) && ref_gc(ref)->type->is_subtype_of(target);
    case CastKind::kConcreteFunc: {
      const StoreType* type = ref_func(ref)->store_type;
      return type && type->is_subtype_of(target);
    }
  }
  return false;
}

// Whether `count` elements of `elem_bytes` each from byte `offset` lie inside
// data segment `segment` (a dropped one is empty). array.new_data checks this
// before allocating: a range past the segment traps even when the array could never be allocated.
bool data_in_bounds(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count, uint32_t elem_bytes);
// The same for `count` references of element segment `segment` from `offset`.
bool refs_in_bounds(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count);

// Reads `count` elements of `elem_bytes` each from data segment `segment` at
// byte `offset` into `cells` (one cell per element, two for a v128; smaller
// ones zero-extended). False when the range leaves the segment (a dropped one is empty).
bool read_data_elements(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count,
                        uint32_t elem_bytes, uint64_t* cells);

// Copies `count` references of element segment `segment` from `offset` into
// `cells`. False when the range leaves the segment (a dropped one is empty).
bool read_segment_refs(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count, uint64_t* cells);

// A new array of `length` elements of `width` cells each (zeroed), or null
// when the GC heap's limit would be exceeded.
GcObject* allocate_array(Instance& instance, const StoreType* type, uint64_t length, uint32_t width);

}  // namespace kiln::interp
