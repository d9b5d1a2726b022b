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
