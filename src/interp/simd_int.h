// SIMD integer lane ops: arithmetic, saturation, compares, shifts, narrowing/widening, extmul, dot, q15mulr.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

#include "simd_lanes.h"

namespace kiln::simd {

namespace detail {

template <typename L>
inline int64_t as_signed(L x) {
  return static_cast<Signed<L>>(x);
}

// Saturates v into the range of T (a signed or unsigned lane type), returning T's bits.
template <typename T>
inline T saturate(int64_t v) {
  constexpr auto kMin = static_cast<int64_t>(std::numeric_limits<T>::min());
  constexpr auto kMax = static_cast<int64_t>(std::numeric_limits<T>::max());
  return static_cast<T>(v < kMin ? kMin : v > kMax ? kMax : v);
}

template <typename L>
inline V128 add(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return static_cast<L>(Wide<L>{x} + Wide<L>{y}); });
}
template <typename L>
inline V128 sub(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return static_cast<L>(Wide<L>{x} - Wide<L>{y}); });
}
template <typename L>
inline V128 mul(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return static_cast<L>(Wide<L>{x} * Wide<L>{y}); });
}
template <typename L>
inline V128 neg(const V128& a) {
  return map1<L>(a, [](L x) { return static_cast<L>(Wide<L>{0} - Wide<L>{x}); });
}
// abs of the most negative value wraps to itself.
template <typename L>
inline V128 abs(const V128& a) {
  return map1<L>(a, [](L x) { return as_signed(x) < 0 ? static_cast<L>(Wide<L>{0} - Wide<L>{x}) : x; });
}

template <typename L>
inline V128 add_sat_s(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return static_cast<L>(saturate<Signed<L>>(as_signed(x) + as_signed(y))); });
}
template <typename L>
inline V128 add_sat_u(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return saturate<L>(int64_t{x} + int64_t{y}); });
}
template <typename L>
inline V128 sub_sat_s(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return static_cast<L>(saturate<Signed<L>>(as_signed(x) - as_signed(y))); });
}
template <typename L>
inline V128 sub_sat_u(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return saturate<L>(int64_t{x} - int64_t{y}); });
}

template <typename L>
inline V128 min_s(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return as_signed(y) < as_signed(x) ? y : x; });
}
template <typename L>
inline V128 min_u(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return y < x ? y : x; });
}
template <typename L>
inline V128 max_s(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return as_signed(y) > as_signed(x) ? y : x; });
}
template <typename L>
inline V128 max_u(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return y > x ? y : x; });
}
template <typename L>
inline V128 avgr_u(const V128& a, const V128& b) {
  return map2<L>(a, b, [](L x, L y) { return static_cast<L>((uint32_t{x} + uint32_t{y} + 1) >> 1); });
}

template <typename L>
inline V128 shl(const V128& a, uint32_t n) {
  const uint32_t k = n % (8 * sizeof(L));
  return map1<L>(a, [k](L x) { return static_cast<L>(Wide<L>{x} << k); });
}
template <typename L>
inline V128 shr_s(const V128& a, uint32_t n) {
  const uint32_t k = n % (8 * sizeof(L));
  return map1<L>(a, [k](L x) { return static_cast<L>(as_signed(x) >> k); });
}
template <typename L>
inline V128 shr_u(const V128& a, uint32_t n) {
  const uint32_t k = n % (8 * sizeof(L));
  return map1<L>(a, [k](L x) { return static_cast<L>(x >> k); });
}

template <typename L>
inline V128 eq(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x == y; }); }
template <typename L>
inline V128 ne(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x != y; }); }
template <typename L>
inline V128 lt_s(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return as_signed(x) < as_signed(y); }); }
template <typename L>
inline V128 lt_u(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x < y; }); }
template <typename L>
inline V128 gt_s(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return as_signed(x) > as_signed(y); }); }
template <typename L>
inline V128 gt_u(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x > y; }); }
template <typename L>
inline V128 le_s(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return as_signed(x) <= as_signed(y); }); }
template <typename L>
inline V128 le_u(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x <= y; }); }
template <typename L>
inline V128 ge_s(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return as_signed(x) >= as_signed(y); }); }
template <typename L>
inline V128 ge_u(const V128& a, const V128& b) { return compare<L>(a, b, [](L x, L y) { return x >= y; }); }

// Narrowing takes a's lanes then b's, each saturated into the narrow signed or unsigned range
// (the inputs are always read as signed).
template <typename From, typename To, bool kSignedOut>
inline V128 narrow(const V128& a, const V128& b) {
  using Out = std::conditional_t<kSignedOut, Signed<To>, To>;
  constexpr unsigned kIn = kLanes<From>;
  V128 r;
  for (unsigned i = 0; i < kIn; ++i) {
    r.set_lane<To>(i, static_cast<To>(saturate<Out>(as_signed(a.lane<From>(i)))));
    r.set_lane<To>(i + kIn, static_cast<To>(saturate<Out>(as_signed(b.lane<From>(i)))));
  }
  return r;
}

// Reads a narrow lane as a signed or unsigned 64-bit value.
template <typename Narrow, bool kSigned>
inline int64_t widen(Narrow x) {
  if constexpr (kSigned) {
    return as_signed(x);
  } else {
    return static_cast<int64_t>(x);
  }
}

template <typename Narrow, typename WideL, bool kSigned, bool kHigh>
inline V128 extend(const V128& a) {
  constexpr unsigned kOut = kLanes<WideL>;
  constexpr unsigned kBase = kHigh ? kOut : 0;
  V128 r;
  for (unsigned i = 0; i < kOut; ++i) r.set_lane<WideL>(i, static_cast<WideL>(widen<Narrow, kSigned>(a.lane<Narrow>(kBase + i))));
  return r;
}

// Products of two N-bit values fit in 2N bits, so the 64-bit product never overflows; the
// unsigned 32x32 case is done in uint64_t for the same reason.
template <typename Narrow, typename WideL, bool kSigned, bool kHigh>
inline V128 extmul(const V128& a, const V128& b) {
  constexpr unsigned kOut = kLanes<WideL>;
  constexpr unsigned kBase = kHigh ? kOut : 0;
  V128 r;
  for (unsigned i = 0; i < kOut; ++i) {
    Narrow x = a.lane<Narrow>(kBase + i), y = b.lane<Narrow>(kBase + i);
    WideL p;
    if constexpr (kSigned) {
      p = static_cast<WideL>(as_signed(x) * as_signed(y));
    } else {
      p = static_cast<WideL>(uint64_t{x} * uint64_t{y});
    }
    r.set_lane<WideL>(i, p);
  }
  return r;
}

template <typename Narrow, typename WideL, bool kSigned>
inline V128 extadd_pairwise(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < kLanes<WideL>; ++i) {
    int64_t s = widen<Narrow, kSigned>(a.lane<Narrow>(2 * i)) + widen<Narrow, kSigned>(a.lane<Narrow>(2 * i + 1));
    r.set_lane<WideL>(i, static_cast<WideL>(s));
  }
  return r;
}

inline int16_t q15mulr_sat(uint16_t x, uint16_t y) {
  return saturate<int16_t>((as_signed(x) * as_signed(y) + 0x4000) >> 15);
}

}  // namespace detail

// ---- i8x16 ----------------------------------------------------------------------------------

inline V128 I8x16Eq(const V128& a, const V128& b) { return detail::eq<uint8_t>(a, b); }
inline V128 I8x16Ne(const V128& a, const V128& b) { return detail::ne<uint8_t>(a, b); }
inline V128 I8x16LtS(const V128& a, const V128& b) { return detail::lt_s<uint8_t>(a, b); }
inline V128 I8x16LtU(const V128& a, const V128& b) { return detail::lt_u<uint8_t>(a, b); }
inline V128 I8x16GtS(const V128& a, const V128& b) { return detail::gt_s<uint8_t>(a, b); }
inline V128 I8x16GtU(const V128& a, const V128& b) { return detail::gt_u<uint8_t>(a, b); }
inline V128 I8x16LeS(const V128& a, const V128& b) { return detail::le_s<uint8_t>(a, b); }
inline V128 I8x16LeU(const V128& a, const V128& b) { return detail::le_u<uint8_t>(a, b); }
inline V128 I8x16GeS(const V128& a, const V128& b) { return detail::ge_s<uint8_t>(a, b); }
inline V128 I8x16GeU(const V128& a, const V128& b) { return detail::ge_u<uint8_t>(a, b); }

inline V128 I8x16Abs(const V128& a) { return detail::abs<uint8_t>(a); }
inline V128 I8x16Neg(const V128& a) { return detail::neg<uint8_t>(a); }
inline V128 I8x16Popcnt(const V128& a) {
  return detail::map1<uint8_t>(a, [](uint8_t x) { return static_cast<uint8_t>(std::popcount(x)); });
}
inline V128 I8x16NarrowI16x8S(const V128& a, const V128& b) { return detail::narrow<uint16_t, uint8_t, true>(a, b); }
inline V128 I8x16NarrowI16x8U(const V128& a, const V128& b) { return detail::narrow<uint16_t, uint8_t, false>(a, b); }
inline V128 I8x16Shl(const V128& a, uint32_t n) { return detail::shl<uint8_t>(a, n); }
inline V128 I8x16ShrS(const V128& a, uint32_t n) { return detail::shr_s<uint8_t>(a, n); }
inline V128 I8x16ShrU(const V128& a, uint32_t n) { return detail::shr_u<uint8_t>(a, n); }
inline V128 I8x16Add(const V128& a, const V128& b) { return detail::add<uint8_t>(a, b); }
inline V128 I8x16AddSatS(const V128& a, const V128& b) { return detail::add_sat_s<uint8_t>(a, b); }
inline V128 I8x16AddSatU(const V128& a, const V128& b) { return detail::add_sat_u<uint8_t>(a, b); }
inline V128 I8x16Sub(const V128& a, const V128& b) { return detail::sub<uint8_t>(a, b); }
inline V128 I8x16SubSatS(const V128& a, const V128& b) { return detail::sub_sat_s<uint8_t>(a, b); }
inline V128 I8x16SubSatU(const V128& a, const V128& b) { return detail::sub_sat_u<uint8_t>(a, b); }
inline V128 I8x16MinS(const V128& a, const V128& b) { return detail::min_s<uint8_t>(a, b); }
inline V128 I8x16MinU(const V128& a, const V128& b) { return detail::min_u<uint8_t>(a, b); }
inline V128 I8x16MaxS(const V128& a, const V128& b) { return detail::max_s<uint8_t>(a, b); }
inline V128 I8x16MaxU(const V128& a, const V128& b) { return detail::max_u<uint8_t>(a, b); }
inline V128 I8x16AvgrU(const V128& a, const V128& b) { return detail::avgr_u<uint8_t>(a, b); }

// ---- i16x8 ----------------------------------------------------------------------------------

inline V128 I16x8Eq(const V128& a, const V128& b) { return detail::eq<uint16_t>(a, b); }
inline V128 I16x8Ne(const V128& a, const V128& b) { return detail::ne<uint16_t>(a, b); }
inline V128 I16x8LtS(const V128& a, const V128& b) { return detail::lt_s<uint16_t>(a, b); }
inline V128 I16x8LtU(const V128& a, const V128& b) { return detail::lt_u<uint16_t>(a, b); }
inline V128 I16x8GtS(const V128& a, const V128& b) { return detail::gt_s<uint16_t>(a, b); }
inline V128 I16x8GtU(const V128& a, const V128& b) { return detail::gt_u<uint16_t>(a, b); }
inline V128 I16x8LeS(const V128& a, const V128& b) { return detail::le_s<uint16_t>(a, b); }
inline V128 I16x8LeU(const V128& a, const V128& b) { return detail::le_u<uint16_t>(a, b); }
inline V128 I16x8GeS(const V128& a, const V128& b) { return detail::ge_s<uint16_t>(a, b); }
inline V128 I16x8GeU(const V128& a, const V128& b) { return detail::ge_u<uint16_t>(a, b); }

inline V128 I16x8ExtaddPairwiseI8x16S(const V128& a) { return detail::extadd_pairwise<uint8_t, uint16_t, true>(a); }
inline V128 I16x8ExtaddPairwiseI8x16U(const V128& a) { return detail::extadd_pairwise<uint8_t, uint16_t, false>(a); }
inline V128 I16x8Abs(const V128& a) { return detail::abs<uint16_t>(a); }
inline V128 I16x8Neg(const V128& a) { return detail::neg<uint16_t>(a); }
inline V128 I16x8Q15mulrSatS(const V128& a, const V128& b) {
  return detail::map2<uint16_t>(a, b, [](uint16_t x, uint16_t y) { return static_cast<uint16_t>(detail::q15mulr_sat(x, y)); });
}
inline V128 I16x8NarrowI32x4S(const V128& a, const V128& b) { return detail::narrow<uint32_t, uint16_t, true>(a, b); }
inline V128 I16x8NarrowI32x4U(const V128& a, const V128& b) { return detail::narrow<uint32_t, uint16_t, false>(a, b); }
inline V128 I16x8ExtendLowI8x16S(const V128& a) { return detail::extend<uint8_t, uint16_t, true, false>(a); }
inline V128 I16x8ExtendHighI8x16S(const V128& a) { return detail::extend<uint8_t, uint16_t, true, true>(a); }
inline V128 I16x8ExtendLowI8x16U(const V128& a) { return detail::extend<uint8_t, uint16_t, false, false>(a); }
inline V128 I16x8ExtendHighI8x16U(const V128& a) { return detail::extend<uint8_t, uint16_t, false, true>(a); }
inline V128 I16x8Shl(const V128& a, uint32_t n) { return detail::shl<uint16_t>(a, n); }
inline V128 I16x8ShrS(const V128& a, uint32_t n) { return detail::shr_s<uint16_t>(a, n); }
inline V128 I16x8ShrU(const V128& a, uint32_t n) { return detail::shr_u<uint16_t>(a, n); }
inline V128 I16x8Add(const V128& a, const V128& b) { return detail::add<uint16_t>(a, b); }
inline V128 I16x8AddSatS(const V128& a, const V128& b) { return detail::add_sat_s<uint16_t>(a, b); }
inline V128 I16x8AddSatU(const V128& a, const V128& b) { return detail::add_sat_u<uint16_t>(a, b); }
inline V128 I16x8Sub(const V128& a, const V128& b) { return detail::sub<uint16_t>(a, b); }
inline V128 I16x8SubSatS(const V128& a, const V128& b) { return detail::sub_sat_s<uint16_t>(a, b); }
inline V128 I16x8SubSatU(const V128& a, const V128& b) { return detail::sub_sat_u<uint16_t>(a, b); }
inline V128 I16x8Mul(const V128& a, const V128& b) { return detail::mul<uint16_t>(a, b); }
inline V128 I16x8MinS(const V128& a, const V128& b) { return detail::min_s<uint16_t>(a, b); }
inline V128 I16x8MinU(const V128& a, const V128& b) { return detail::min_u<uint16_t>(a, b); }
inline V128 I16x8MaxS(const V128& a, const V128& b) { return detail::max_s<uint16_t>(a, b); }
inline V128 I16x8MaxU(const V128& a, const V128& b) { return detail::max_u<uint16_t>(a, b); }
inline V128 I16x8AvgrU(const V128& a, const V128& b) { return detail::avgr_u<uint16_t>(a, b); }
inline V128 I16x8ExtmulLowI8x16S(const V128& a, const V128& b) { return detail::extmul<uint8_t, uint16_t, true, false>(a, b); }
inline V128 I16x8ExtmulHighI8x16S(const V128& a, const V128& b) { return detail::extmul<uint8_t, uint16_t, true, true>(a, b); }
inline V128 I16x8ExtmulLowI8x16U(const V128& a, const V128& b) { return detail::extmul<uint8_t, uint16_t, false, false>(a, b); }
inline V128 I16x8ExtmulHighI8x16U(const V128& a, const V128& b) { return detail::extmul<uint8_t, uint16_t, false, true>(a, b); }

// ---- i32x4 ----------------------------------------------------------------------------------

inline V128 I32x4Eq(const V128& a, const V128& b) { return detail::eq<uint32_t>(a, b); }
inline V128 I32x4Ne(const V128& a, const V128& b) { return detail::ne<uint32_t>(a, b); }
inline V128 I32x4LtS(const V128& a, const V128& b) { return detail::lt_s<uint32_t>(a, b); }
inline V128 I32x4LtU(const V128& a, const V128& b) { return detail::lt_u<uint32_t>(a, b); }
inline V128 I32x4GtS(const V128& a, const V128& b) { return detail::gt_s<uint32_t>(a, b); }
inline V128 I32x4GtU(const V128& a, const V128& b) { return detail::gt_u<uint32_t>(a, b); }
inline V128 I32x4LeS(const V128& a, const V128& b) { return detail::le_s<uint32_t>(a, b); }
inline V128 I32x4LeU(const V128& a, const V128& b) { return detail::le_u<uint32_t>(a, b); }
inline V128 I32x4GeS(const V128& a, const V128& b) { return detail::ge_s<uint32_t>(a, b); }
inline V128 I32x4GeU(const V128& a, const V128& b) { return detail::ge_u<uint32_t>(a, b); }

inline V128 I32x4ExtaddPairwiseI16x8S(const V128& a) { return detail::extadd_pairwise<uint16_t, uint32_t, true>(a); }
inline V128 I32x4ExtaddPairwiseI16x8U(const V128& a) { return detail::extadd_pairwise<uint16_t, uint32_t, false>(a); }
inline V128 I32x4Abs(const V128& a) { return detail::abs<uint32_t>(a); }
inline V128 I32x4Neg(const V128& a) { return detail::neg<uint32_t>(a); }
inline V128 I32x4ExtendLowI16x8S(const V128& a) { return detail::extend<uint16_t, uint32_t, true, false>(a); }
inline V128 I32x4ExtendHighI16x8S(const V128& a) { return detail::extend<uint16_t, uint32_t, true, true>(a); }
inline V128 I32x4ExtendLowI16x8U(const V128& a) { return detail::extend<uint16_t, uint32_t, false, false>(a); }
inline V128 I32x4ExtendHighI16x8U(const V128& a) { return detail::extend<uint16_t, uint32_t, false, true>(a); }
inline V128 I32x4Shl(const V128& a, uint32_t n) { return detail::shl<uint32_t>(a, n); }
inline V128 I32x4ShrS(const V128& a, uint32_t n) { return detail::shr_s<uint32_t>(a, n); }
inline V128 I32x4ShrU(const V128& a, uint32_t n) { return detail::shr_u<uint32_t>(a, n); }
inline V128 I32x4Add(const V128& a, const V128& b) { return detail::add<uint32_t>(a, b); }
inline V128 I32x4Sub(const V128& a, const V128& b) { return detail::sub<uint32_t>(a, b); }
inline V128 I32x4Mul(const V128& a, const V128& b) { return detail::mul<uint32_t>(a, b); }
inline V128 I32x4MinS(const V128& a, const V128& b) { return detail::min_s<uint32_t>(a, b); }
inline V128 I32x4MinU(const V128& a, const V128& b) { return detail::min_u<uint32_t>(a, b); }
inline V128 I32x4MaxS(const V128& a, const V128& b) { return detail::max_s<uint32_t>(a, b); }
inline V128 I32x4MaxU(const V128& a, const V128& b) { return detail::max_u<uint32_t>(a, b); }
// Two products of -32768 * -32768 sum to 2^31, which wraps; the sum is formed in 64 bits.
inline V128 I32x4DotI16x8S(const V128& a, const V128& b) {
  V128 r;
  for (unsigned i = 0; i < 4; ++i) {
    int64_t s = detail::as_signed(a.lane<uint16_t>(2 * i)) * detail::as_signed(b.lane<uint16_t>(2 * i)) +
                detail::as_signed(a.lane<uint16_t>(2 * i + 1)) * detail::as_signed(b.lane<uint16_t>(2 * i + 1));
    r.set_lane<uint32_t>(i, static_cast<uint32_t>(s));
  }
  return r;
}
inline V128 I32x4ExtmulLowI16x8S(const V128& a, const V128& b) { return detail::extmul<uint16_t, uint32_t, true, false>(a, b); }
inline V128 I32x4ExtmulHighI16x8S(const V128& a, const V128& b) { return detail::extmul<uint16_t, uint32_t, true, true>(a, b); }
inline V128 I32x4ExtmulLowI16x8U(const V128& a, const V128& b) { return detail::extmul<uint16_t, uint32_t, false, false>(a, b); }
inline V128 I32x4ExtmulHighI16x8U(const V128& a, const V128& b) { return detail::extmul<uint16_t, uint32_t, false, true>(a, b); }

// ---- i64x2 ----------------------------------------------------------------------------------

inline V128 I64x2Abs(const V128& a) { return detail::abs<uint64_t>(a); }
inline V128 I64x2Neg(const V128& a) { return detail::neg<uint64_t>(a); }
inline V128 I64x2ExtendLowI32x4S(const V128& a) { return detail::extend<uint32_t, uint64_t, true, false>(a); }
inline V128 I64x2ExtendHighI32x4S(const V128& a) { return detail::extend<uint32_t, uint64_t, true, true>(a); }
inline V128 I64x2ExtendLowI32x4U(const V128& a) { return detail::extend<uint32_t, uint64_t, false, false>(a); }
inline V128 I64x2ExtendHighI32x4U(const V128& a) { return detail::extend<uint32_t, uint64_t, false, true>(a); }
inline V128 I64x2Shl(const V128& a, uint32_t n) { return detail::shl<uint64_t>(a, n); }
inline V128 I64x2ShrS(const V128& a, uint32_t n) { return detail::shr_s<uint64_t>(a, n); }
inline V128 I64x2ShrU(const V128& a, uint32_t n) { return detail::shr_u<uint64_t>(a, n); }
inline V128 I64x2Add(const V128& a, const V128& b) { return detail::add<uint64_t>(a, b); }
inline V128 I64x2Sub(const V128& a, const V128& b) { return detail::sub<uint64_t>(a, b); }
inline V128 I64x2Mul(const V128& a, const V128& b) { return detail::mul<uint64_t>(a, b); }
inline V128 I64x2Eq(const V128& a, const V128& b) { return detail::eq<uint64_t>(a, b); }
inline V128 I64x2Ne(const V128& a, const V128& b) { return detail::ne<uint64_t>(a, b); }
inline V128 I64x2LtS(const V128& a, const V128& b) { return detail::lt_s<uint64_t>(a, b); }
inline V128 I64x2GtS(const V128& a, const V128& b) { return detail::gt_s<uint64_t>(a, b); }
inline V128 I64x2LeS(const V128& a, const V128& b) { return detail::le_s<uint64_t>(a, b); }
inline V128 I64x2GeS(const V128& a, const V128& b) { return detail::ge_s<uint64_t>(a, b); }
inline V128 I64x2ExtmulLowI32x4S(const V128& a, const V128& b) { return detail::extmul<uint32_t, uint64_t, true, false>(a, b); }
inline V128 I64x2ExtmulHighI32x4S(const V128& a, const V128& b) { return detail::extmul<uint32_t, uint64_t, true, true>(a, b); }
inline V128 I64x2ExtmulLowI32x4U(const V128& a, const V128& b) { return detail::extmul<uint32_t, uint64_t, false, false>(a, b); }
inline V128 I64x2ExtmulHighI32x4U(const V128& a, const V128& b) { return detail::extmul<uint32_t, uint64_t, false, true>(a, b); }

}  // namespace kiln::simd
