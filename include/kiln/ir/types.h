// Value, reference, limit and external types of the WebAssembly type system, plus distinct index types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

// The one-byte binary codes of the value types. For a reference the code
// names the top of its hierarchy (func, extern, exn), so code alone decides
// how a value is represented and which family of references it belongs to.
enum class TypeCode : uint8_t {
  kI32 = 0x7F,
  kI64 = 0x7E,
  kF32 = 0x7D,
  kF64 = 0x7C,
  kV128 = 0x7B,
  kFuncRef = 0x70,
  kExternRef = 0x6F,
  kExnRef = 0x69,  // exception handling: a caught exception, rethrown with throw_ref
  kAnyRef = 0x6E,  // GC: the top of the internal-reference hierarchy (eq, i31, struct, array, none)
  // Packed storage types of GC struct fields and array elements; never the type of a value on the stack.
  kI8 = 0x78,
  kI16 = 0x77,
};

// The one-byte binary codes of the abstract heap types (as s33 they are negative).
namespace heap_code {
inline constexpr uint8_t kNoExn = 0x74, kNoFunc = 0x73, kNoExtern = 0x72, kNone = 0x71, kFunc = 0x70, kExtern = 0x6F,
                         kAny = 0x6E, kEq = 0x6D, kI31 = 0x6C, kStruct = 0x6B, kArray = 0x6A, kExn = 0x69;
}  // namespace heap_code

// A value type: a number or vector type, or a reference type (ref null? ht).
// The heap type ht is either an abstract heap type or a concrete type index;
// `code` is always the top of ht's hierarchy (func, extern, exn, any), so a
// concrete struct or array type has code kAnyRef and a concrete function type
// kFuncRef. Abstract heap types take sentinel values above the largest type
// index a module can declare: the top itself, the hierarchy's bottom (nofunc,
// noextern, noexn, none) and GC's eq, i31, struct and array (code kAnyRef).
// Eight bytes, compared member-wise; funcref and (ref null func) are one and
// the same value.
struct ValType {
  static constexpr uint32_t kTopHeap = 0xFFFF'FFFF;
  static constexpr uint32_t kBottomHeap = 0xFFFF'FFFE;
  static constexpr uint32_t kEqHeap = 0xFFFF'FFFD;
  static constexpr uint32_t kI31Heap = 0xFFFF'FFFC;
  static constexpr uint32_t kStructHeap = 0xFFFF'FFFB;
  static constexpr uint32_t kArrayHeap = 0xFFFF'FFFA;
  static constexpr uint32_t kFirstAbstractHeap = kArrayHeap;

  TypeCode code = TypeCode::kI32;
  bool nullable = false;  // references only; false for every number type
  uint32_t heap = kTopHeap;

  static const ValType kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef, kExnRef, kAnyRef;

  // Any code, including the validator's private non-codes (0, 1).
  static constexpr ValType from_code(uint8_t code) {
    const bool ref = code == 0x70 || code == 0x6F || code == 0x69 || code == 0x6E;
    return ValType{static_cast<TypeCode>(code), ref, kTopHeap};
  }
  // (ref null? ht) with an abstract top heap type.
  static constexpr ValType ref(TypeCode top, bool nullable) { return ValType{top, nullable, kTopHeap}; }
  // (ref null? $index): a concrete function type.
  static constexpr ValType func_ref(uint32_t type_index, bool nullable) {
    return ValType{TypeCode::kFuncRef, nullable, type_index};
  }

  // (ref null? ht) for an abstract ht of `top`'s hierarchy (kTopHeap, kBottomHeap, kEqHeap, ...).
  static constexpr ValType abstract(TypeCode top, uint32_t heap, bool nullable) { return ValType{top, nullable, heap}; }

  constexpr bool is_ref() const {
    return code == TypeCode::kFuncRef || code == TypeCode::kExternRef || code == TypeCode::kExnRef ||
           code == TypeCode::kAnyRef;
  }
  constexpr bool is_packed() const { return code == TypeCode::kI8 || code == TypeCode::kI16; }
  constexpr bool is_concrete() const { return is_ref() && heap < kFirstAbstractHeap; }
  constexpr bool is_bottom() const { return is_ref() && heap == kBottomHeap; }
  // The same reference type, nullable or not.
  constexpr ValType with_nullable(bool n) const { return ValType{code, n, heap}; }
  // Whether the binary one-byte form (numbers, packed types, funcref, anyref, i31ref, nullref, ...) spells it.
  constexpr bool has_short_form() const { return !is_ref() || (nullable && !is_concrete()); }
  // The one-byte code: a number type's, or an abstract reference's heap type code (also its short form).
  uint8_t byte() const;
  constexpr bool operator==(const ValType&) const = default;
};

inline constexpr ValType ValType::kI32 = from_code(0x7F);
inline constexpr ValType ValType::kI64 = from_code(0x7E);
inline constexpr ValType ValType::kF32 = from_code(0x7D);
inline constexpr ValType ValType::kF64 = from_code(0x7C);
inline constexpr ValType ValType::kV128 = from_code(0x7B);
inline constexpr ValType ValType::kFuncRef = from_code(0x70);
inline constexpr ValType ValType::kExternRef = from_code(0x6F);
inline constexpr ValType ValType::kExnRef = from_code(0x69);
inline constexpr ValType ValType::kAnyRef = from_code(0x6E);

// The reference type an abstract heap type's one-byte code names, (ref null? ht),
// or nullopt when `code` is no abstract heap type.
std::optional<ValType> abstract_heap_type(uint8_t code, bool nullable);

inline bool is_ref_type(ValType t) { return t.is_ref(); }
inline bool is_num_type(ValType t) { return !t.is_ref() && t.code != TypeCode::kV128; }
// What reading a GC field or element of this storage type leaves on the stack: packed storage reads as i32.
inline ValType unpacked(ValType storage) { return storage.is_packed() ? ValType::kI32 : storage; }
// "i32", "funcref", "i8", "(ref func)", "(ref null 3)", "(ref none)".
std::string val_type_name(ValType t);

// Index spaces are distinct types so a function index cannot be passed where
// a global index is expected.
enum class TypeIdx : uint32_t {};
enum class FuncIdx : uint32_t {};
enum class TableIdx : uint32_t {};
enum class MemIdx : uint32_t {};
enum class GlobalIdx : uint32_t {};
enum class ElemIdx : uint32_t {};
enum class DataIdx : uint32_t {};
enum class TagIdx : uint32_t {};

template <typename Idx>
constexpr uint32_t to_u32(Idx idx) {
  return static_cast<uint32_t>(idx);
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

std::string func_type_text(const FuncType& type);  // "(i32, i64) -> (f32)"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool is_64 = false;   // memory64: i64 addresses
  bool shared = false;  // threads; decoded, refused by the validator
  bool operator==(const Limits&) const = default;
};

// What addresses a memory or table with these limits: i64 for memory64's
// memories and 64-bit tables, i32 otherwise.
inline ValType address_type_of(const Limits& limits) { return limits.is_64 ? ValType::kI64 : ValType::kI32; }

struct TableType {
  ValType elem = ValType::kFuncRef;
  Limits limits;
  bool operator==(const TableType&) const = default;
};

struct MemoryType {
  Limits limits;
  bool operator==(const MemoryType&) const = default;
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool is_mutable = false;
  bool operator==(const GlobalType&) const = default;
};

enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3, kTag = 4 };
const char* extern_kind_name(ExternKind kind);

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint64_t kMaxPages32 = 65536;              // 4 GiB
inline constexpr uint64_t kMaxPages64 = uint64_t{1} << 48;  // 2^64 bytes / page size

}  // namespace kiln
