// Relaxed-SIMD ops with the results of the spec's deterministic profile (the first allowed choice).
#pragma once

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

// Unfused: the product is rounded before the addition. nmadd negates the first factor.
inline V128 F32x4RelaxedMadd(const V128& a, const V128& b, const V128& c) { return F32x4Add(F32x4Mul(a, b), c); }
inline V128 F32x4RelaxedNmadd(const V128& a, const V128& b, const V128& c) {
  return F32x4Add(F32x4Mul(F32x4Neg(a), b), c);
}
inline V128 F64x2RelaxedMadd(const V128& a, const V128& b, const V128& c) { return F64x2Add(F64x2Mul(a, b), c); }
inline V128 F64x2RelaxedNmadd(const V128& a, const V128& b, const V128& c) {
  return F64x2Add(F64x2Mul(F64x2Neg(a), b), c);
}

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

// Both operands are read as signed bytes; each pair of products is summed with signed
// saturation to 16 bits (-128 * -128 twice would otherwise wrap to -32768).
inline V128 I16x8RelaxedDotI8x16I7x16S(const V128& a, const V128& b) {
  V128 r;
  for (unsigned i = 0; i < 8; ++i) {
    int64_t s = detail::as_signed(a.lane<uint8_t>(2 * i)) * detail::as_signed(b.lane<uint8_t>(2 * i)) +
                detail::as_signed(a.lane<uint8_t>(2 * i + 1)) * detail::as_signed(b.lane<uint8_t>(2 * i + 1));
    r.set_lane<uint16_t>(i, static_cast<uint16_t>(detail::saturate<int16_t>(s)));
  }
  return r;
}
// The 16-bit dot products are added pairwise (sign-extended) into 32 bits, then c is added
// with wrap-around.
inline V128 I32x4RelaxedDotI8x16I7x16AddS(const V128& a, const V128& b, const V128& c) {
  return I32x4Add(I32x4ExtaddPairwiseI16x8S(I16x8RelaxedDotI8x16I7x16S(a, b)), c);
}

}  // namespace kiln::simd
