// SIMD float lane ops on bit patterns: arithmetic, min/max, pseudo-min/max, rounding, compares.
#pragma once

#include <cstdint>

#include "numeric.h"
#include "simd_lanes.h"

namespace kiln::simd {

namespace detail {

// Lanes are handled as bit patterns and go through the scalar semantics, so vector and scalar
// results (NaN payloads included) agree.
template <uint32_t (*kOp)(uint32_t)>
inline V128 f32_unary(const V128& a) {
  return map1<uint32_t>(a, kOp);
}
template <uint64_t (*kOp)(uint64_t)>
inline V128 f64_unary(const V128& a) {
  return map1<uint64_t>(a, kOp);
}
template <uint32_t (*kOp)(uint32_t, uint32_t)>
inline V128 f32_binary(const V128& a, const V128& b) {
  return map2<uint32_t>(a, b, kOp);
}
template <uint64_t (*kOp)(uint64_t, uint64_t)>
inline V128 f64_binary(const V128& a, const V128& b) {
  return map2<uint64_t>(a, b, kOp);
}

template <typename Bits, typename F>
inline V128 fcompare(const V128& a, const V128& b, F pred) {
  if constexpr (sizeof(Bits) == 4) {
    return compare<uint32_t>(a, b, [pred](uint32_t x, uint32_t y) { return pred(num::to_f32(x), num::to_f32(y)); });
  } else {
    return compare<uint64_t>(a, b, [pred](uint64_t x, uint64_t y) { return pred(num::to_f64(x), num::to_f64(y)); });
  }
}

// pmin/pmax are defined by a plain "<" and return an operand unchanged, NaN or not.
inline uint32_t f32_pmin(uint32_t a, uint32_t b) { return num::to_f32(b) < num::to_f32(a) ? b : a; }
inline uint32_t f32_pmax(uint32_t a, uint32_t b) { return num::to_f32(a) < num::to_f32(b) ? b : a; }
inline uint64_t f64_pmin(uint64_t a, uint64_t b) { return num::to_f64(b) < num::to_f64(a) ? b : a; }
inline uint64_t f64_pmax(uint64_t a, uint64_t b) { return num::to_f64(a) < num::to_f64(b) ? b : a; }

constexpr auto kEq = [](auto x, auto y) { return x == y; };
constexpr auto kNe = [](auto x, auto y) { return x != y; };
constexpr auto kLt = [](auto x, auto y) { return x < y; };
constexpr auto kGt = [](auto x, auto y) { return x > y; };
constexpr auto kLe = [](auto x, auto y) { return x <= y; };
constexpr auto kGe = [](auto x, auto y) { return x >= y; };

}  // namespace detail

// ---- f32x4 ----------------------------------------------------------------------------------

inline V128 F32x4Eq(const V128& a, const V128& b) { return detail::fcompare<uint32_t>(a, b, detail::kEq); }
inline V128 F32x4Ne(const V128& a, const V128& b) { return detail::fcompare<uint32_t>(a, b, detail::kNe); }
inline V128 F32x4Lt(const V128& a, const V128& b) { return detail::fcompare<uint32_t>(a, b, detail::kLt); }
inline V128 F32x4Gt(const V128& a, const V128& b) { return detail::fcompare<uint32_t>(a, b, detail::kGt); }
inline V128 F32x4Le(const V128& a, const V128& b) { return detail::fcompare<uint32_t>(a, b, detail::kLe); }
inline V128 F32x4Ge(const V128& a, const V128& b) { return detail::fcompare<uint32_t>(a, b, detail::kGe); }

inline V128 F32x4Ceil(const V128& a) { return detail::f32_unary<num::f32_ceil>(a); }
inline V128 F32x4Floor(const V128& a) { return detail::f32_unary<num::f32_floor>(a); }
inline V128 F32x4Trunc(const V128& a) { return detail::f32_unary<num::f32_trunc>(a); }
inline V128 F32x4Nearest(const V128& a) { return detail::f32_unary<num::f32_nearest>(a); }
inline V128 F32x4Abs(const V128& a) { return detail::f32_unary<num::f32_abs>(a); }
inline V128 F32x4Neg(const V128& a) { return detail::f32_unary<num::f32_neg>(a); }
inline V128 F32x4Sqrt(const V128& a) { return detail::f32_unary<num::f32_sqrt>(a); }
inline V128 F32x4Add(const V128& a, const V128& b) { return detail::f32_binary<num::f32_add>(a, b); }
inline V128 F32x4Sub(const V128& a, const V128& b) { return detail::f32_binary<num::f32_sub>(a, b); }
inline V128 F32x4Mul(const V128& a, const V128& b) { return detail::f32_binary<num::f32_mul>(a, b); }
inline V128 F32x4Div(const V128& a, const V128& b) { return detail::f32_binary<num::f32_div>(a, b); }
inline V128 F32x4Min(const V128& a, const V128& b) { return detail::f32_binary<num::f32_min>(a, b); }
inline V128 F32x4Max(const V128& a, const V128& b) { return detail::f32_binary<num::f32_max>(a, b); }
inline V128 F32x4Pmin(const V128& a, const V128& b) { return detail::f32_binary<detail::f32_pmin>(a, b); }
inline V128 F32x4Pmax(const V128& a, const V128& b) { return detail::f32_binary<detail::f32_pmax>(a, b); }

// ---- f64x2 ----------------------------------------------------------------------------------

inline V128 F64x2Eq(const V128& a, const V128& b) { return detail::fcompare<uint64_t>(a, b, detail::kEq); }
inline V128 F64x2Ne(const V128& a, const V128& b) { return detail::fcompare<uint64_t>(a, b, detail::kNe); }
inline V128 F64x2Lt(const V128& a, const V128& b) { return detail::fcompare<uint64_t>(a, b, detail::kLt); }
inline V128 F64x2Gt(const V128& a, const V128& b) { return detail::fcompare<uint64_t>(a, b, detail::kGt); }
inline V128 F64x2Le(const V128& a, const V128& b) { return detail::fcompare<uint64_t>(a, b, detail::kLe); }
inline V128 F64x2Ge(const V128& a, const V128& b) { return detail::fcompare<uint64_t>(a, b, detail::kGe); }

inline V128 F64x2Ceil(const V128& a) { return detail::f64_unary<num::f64_ceil>(a); }
inline V128 F64x2Floor(const V128& a) { return detail::f64_unary<num::f64_floor>(a); }
inline V128 F64x2Trunc(const V128& a) { return detail::f64_unary<num::f64_trunc>(a); }
inline V128 F64x2Nearest(const V128& a) { return detail::f64_unary<num::f64_nearest>(a); }
inline V128 F64x2Abs(const V128& a) { return detail::f64_unary<num::f64_abs>(a); }
inline V128 F64x2Neg(const V128& a) { return detail::f64_unary<num::f64_neg>(a); }
inline V128 F64x2Sqrt(const V128& a) { return detail::f64_unary<num::f64_sqrt>(a); }
inline V128 F64x2Add(const V128& a, const V128& b) { return detail::f64_binary<num::f64_add>(a, b); }
inline V128 F64x2Sub(const V128& a, const V128& b) { return detail::f64_binary<num::f64_sub>(a, b); }
inline V128 F64x2Mul(const V128& a, const V128& b) { return detail::f64_binary<num::f64_mul>(a, b); }
inline V128 F64x2Div(const V128& a, const V128& b) { return detail::f64_binary<num::f64_div>(a, b); }
inline V128 F64x2Min(const V128& a, const V128& b) { return detail::f64_binary<num::f64_min>(a, b); }
inline V128 F64x2Max(const V128& a, const V128& b) { return detail::f64_binary<num::f64_max>(a, b); }
inline V128 F64x2Pmin(const V128& a, const V128& b) { return detail::f64_binary<detail::f64_pmin>(a, b); }
inline V128 F64x2Pmax(const V128& a, const V128& b) { return detail::f64_binary<detail::f64_pmax>(a, b); }

}  // namespace kiln::simd
