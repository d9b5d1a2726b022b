// Relaxed-SIMD ops with the results of the spec's deterministic profile (the first allowed choice).
#pragma once

#include <cmath>
#include <cstdint>

#include "numeric.h"
#include "simd_convert.h"
#include "simd_float.h"
#include "simd_int.h"
#include "simd_lanes.h"

namespace kiln::simd {

// The deterministic profile resolves every relaxed choice to the non-relaxed instruction's
// result, so a snapshot does not depend on the host that produced it.

inline V128 I8x16RelaxedSwizzle(const V128& a, const V128& s) { return I8x16Swizzle(a, s); }

inline V128 I32x4RelaxedTruncF32x4S(const V128& a) { return I32x4TruncSatF32x4S(a); }
inline V128 I32x4RelaxedTruncF32x4U(const V128& a) { return I32x4TruncSatF32x4U(a); }
inline V128 I32x4RelaxedTruncF64x2SZero(const V128& a) { return I32x4TruncSatF64x2SZero(a); }
inline V128 I32x4RelaxedTruncF64x2UZero(const V128& a) { return I32x4TruncSatF64x2UZero(a); }

// Fused: one rounding of a * b + c, as the reference interpreter and Wasmtime's deterministic
// relaxed SIMD (Wizer's default) compute it, so kiln snapshots the value Wizer would. nmadd
// negates the first factor. A NaN result is rebuilt like every other float result.
namespace detail {
inline uint32_t f32_fma(uint32_t a, uint32_t b, uint32_t c) {
  const float r = std::fma(num::to_f32(a), num::to_f32(b), num::to_f32(c));
  if (r != r) [[unlikely]] return num::f32_is_nan(a) || num::f32_is_nan(b) ? num::f32_nan_result(a, b) : num::f32_nan_result(c, c);
  return num::from_f32(r);
}
inline uint64_t f64_fma(uint64_t a, uint64_t b, uint64_t c) {
  const double r = std::fma(num::to_f64(a), num::to_f64(b), num::to_f64(c));
  if (r != r) [[unlikely]] return num::f64_is_nan(a) || num::f64_is_nan(b) ? num::f64_nan_result(a, b) : num::f64_nan_result(c, c);
  return num::from_f64(r);
}
template <typename L, L (*kFma)(L, L, L)>
inline V128 fma_lanes(const V128& a, const V128& b, const V128& c) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) r.set_lane<L>(i, kFma(a.lane<L>(i), b.lane<L>(i), c.lane<L>(i)));
  return r;
}
}  // namespace detail

inline V128 F32x4RelaxedMadd(const V128& a, const V128& b, const V128& c) {
  return detail::fma_lanes<uint32_t, detail::f32_fma>(a, b, c);
}
inline V128 F32x4RelaxedNmadd(const V128& a, const V128& b, const V128& c) { return F32x4RelaxedMadd(F32x4Neg(a), b, c); }
inline V128 F64x2RelaxedMadd(const V128& a, const V128& b, const V128& c) {
  return detail::fma_lanes<uint64_t, detail::f64_fma>(a, b, c);
}
inline V128 F64x2RelaxedNmadd(const V128& a, const V128& b, const V128& c) { return F64x2RelaxedMadd(F64x2Neg(a), b, c); }

// The mask is used bit by bit, as v128.bitselect does, whatever the lane width.
inline V128 I8x16RelaxedLaneselect(const V128& a, const V128& b, const V128& m) { return V128Bitselect(a, b, m); }
inline V128 I16x8RelaxedLaneselect(const V128& a, const V128& b, const V128& m) { return V128Bitselect(a, b, m); }
inline V128 I32x4RelaxedLaneselect(const V128& a, const V128& b, const V128& m) { return V128Bitselect(a, b, m); }
inline V128 I64x2RelaxedLaneselect(const V128& a, const V128& b, const V128& m) { return V128Bitselect(a, b, m); }

inline V128 F32x4RelaxedMin(const V128& a, const V128& b) { return F32x4Min(a, b); }
inline V128 F32x4RelaxedMax(const V128& a, const V128& b) { return F32x4Max(a, b); }
inline V128 F64x2RelaxedMin(const V128& a, const V128& b) { return F64x2Min(a, b); }
inline V128 F64x2RelaxedMax(const V128& a, const V128& b) { return F64x2Max(a, b); }

inline V128 I16x8RelaxedQ15mulrS(const V128& a, const V128& b) { return I16x8Q15mulrSatS(a, b); }

// Both operands are read as signed bytes; each pair of products is summed with 16-bit
// wrap-around (-128 * -128 twice gives -32768), as the reference interpreter and Wasmtime's
// deterministic relaxed SIMD do.
inline V128 I16x8RelaxedDotI8x16I7x16S(const V128& a, const V128& b) {
  V128 r;
  for (unsigned i = 0; i < 8; ++i) {
    int64_t s = detail::as_signed(a.lane<uint8_t>(2 * i)) * detail::as_signed(b.lane<uint8_t>(2 * i)) +
                detail::as_signed(a.lane<uint8_t>(2 * i + 1)) * detail::as_signed(b.lane<uint8_t>(2 * i + 1));
    r.set_lane<uint16_t>(i, static_cast<uint16_t>(s));
  }
  return r;
}
// The 16-bit dot products are added pairwise (sign-extended) into 32 bits, then c is added
// with wrap-around.
inline V128 I32x4RelaxedDotI8x16I7x16AddS(const V128& a, const V128& b, const V128& c) {
  return I32x4Add(I32x4ExtaddPairwiseI16x8S(I16x8RelaxedDotI8x16I7x16S(a, b)), c);
}

}  // namespace kiln::simd
