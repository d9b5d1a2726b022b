// Runtime values: 128-bit vectors, references, and the typed Value used at API boundaries.
#pragma once

#include <cstdint>
#include <cstring>

#include "kiln/ir/types.h"

namespace kiln {

// A v128 as 16 little-endian bytes; lanes are read and written with memcpy.
struct V128 {
  alignas(16) uint8_t bytes[16] = {};

  template <typename Lane>
  Lane lane(unsigned i) const {
    Lane out;
    std::memcpy(&out, bytes + i * sizeof(Lane), sizeof(Lane));
    return out;
  }
  template <typename Lane>
  void set_lane(unsigned i, Lane value) {
    std::memcpy(bytes + i * sizeof(Lane), &value, sizeof(Lane));
  }
  uint64_t lo() const { return lane<uint64_t>(0); }
  uint64_t hi() const { return lane<uint64_t>(1); }
  static V128 from_halves(uint64_t lo, uint64_t hi) {
    V128 v;
    v.set_lane<uint64_t>(0, lo);
    v.set_lane<uint64_t>(1, hi);
    return v;
  }
  bool operator==(const V128& other) const { return std::memcmp(bytes, other.bytes, 16) == 0; }
};

struct FuncInstance;
struct ExceptionInstance;

// References are one 64-bit cell: 0 is null. A funcref holds a FuncInstance
// pointer; an externref holds the host's value plus one; an exnref holds an
// ExceptionInstance pointer.
using Ref = uint64_t;
inline constexpr Ref kNullRef = 0;
inline Ref func_ref(const FuncInstance* f) { return reinterpret_cast<uintptr_t>(f); }
inline FuncInstance* ref_func(Ref r) { return reinterpret_cast<FuncInstance*>(static_cast<uintptr_t>(r)); }
inline Ref extern_ref(uint64_t host_value) { return host_value + 1; }
inline uint64_t ref_extern(Ref r) { return r - 1; }
inline Ref exn_ref(const ExceptionInstance* e) { return reinterpret_cast<uintptr_t>(e); }
inline ExceptionInstance* ref_exn(Ref r) { return reinterpret_cast<ExceptionInstance*>(static_cast<uintptr_t>(r)); }

// GC's any hierarchy shares the cell: a GC object is its (8-aligned) pointer,
// an i31 is its 31 bits shifted up with the low bit set. any.convert_extern
// and extern.convert_any flip the top bit of a non-null reference, so a host
// value seen as any (top bit set) is neither an i31 nor an object, and each
// conversion undoes the other exactly. Host values stay below 2^63 - 1.
struct GcObject;
inline constexpr Ref kConvertedBit = uint64_t{1} << 63;
inline Ref convert_ref(Ref r) { return r == kNullRef ? r : r ^ kConvertedBit; }
inline Ref i31_ref(uint32_t value) { return (uint64_t{value & 0x7FFF'FFFFu} << 1) | 1; }
inline bool is_i31(Ref r) { return (r & 1) && !(r & kConvertedBit); }
inline uint32_t i31_unsigned(Ref r) { return static_cast<uint32_t>(r >> 1) & 0x7FFF'FFFFu; }
inline uint32_t i31_signed(Ref r) {
  const uint32_t u = i31_unsigned(r);
  return (u & 0x4000'0000u) ? (u | 0x8000'0000u) : u;
}
inline bool is_gc_object(Ref r) { return r != kNullRef && !(r & 1) && !(r & kConvertedBit); }
inline Ref gc_ref(const GcObject* o) { return reinterpret_cast<uintptr_t>(o); }
inline GcObject* ref_gc(Ref r) { return reinterpret_cast<GcObject*>(static_cast<uintptr_t>(r)); }

// A typed value: arguments, results, global contents, at API boundaries only
// (the interpreter's stack is untyped 8-byte cells).
struct Value {
  ValType type = ValType::kI32;
  uint64_t bits = 0;  // i32 zero-extended, i64, f32/f64 bit patterns, Ref; low half of a v128
  uint64_t hi = 0;    // high half of a v128

  static Value i32(uint32_t v) { return {ValType::kI32, v, 0}; }
  static Value i64(uint64_t v) { return {ValType::kI64, v, 0}; }
  static Value f32_bits(uint32_t v) { return {ValType::kF32, v, 0}; }
  static Value f64_bits(uint64_t v) { return {ValType::kF64, v, 0}; }
  static Value v128(const V128& v) { return {ValType::kV128, v.lo(), v.hi()}; }
  static Value ref(ValType t, Ref r) { return {t, r, 0}; }
  V128 as_v128() const { return V128::from_halves(bits, hi); }
  bool operator==(const Value&) const = default;
};

// Number of 8-byte stack cells a value of this type occupies.
inline uint32_t cell_count(ValType t) { return t == ValType::kV128 ? 2 : 1; }

}  // namespace kiln
