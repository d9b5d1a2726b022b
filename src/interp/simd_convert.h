// SIMD conversions between integer and float lanes and between float widths.
#pragma once

#include <cstdint>

#include "numeric.h"
#include "simd_lanes.h"

namespace kiln::simd {

inline V128 I32x4TruncSatF32x4S(const V128& a) {
  return detail::map1<uint32_t>(a, [](uint32_t x) { return static_cast<uint32_t>(num::trunc_sat<int32_t>(num::to_f32(x))); });
}
inline V128 I32x4TruncSatF32x4U(const V128& a) {
  return detail::map1<uint32_t>(a, [](uint32_t x) { return num::trunc_sat<uint32_t>(num::to_f32(x)); });
}
inline V128 F32x4ConvertI32x4S(const V128& a) {
  return detail::map1<uint32_t>(a, [](uint32_t x) { return num::f32_convert_i32_s(static_cast<int32_t>(x)); });
}
inline V128 F32x4ConvertI32x4U(const V128& a) { return detail::map1<uint32_t>(a, num::f32_convert_i32_u); }

// The "_zero" forms fill lanes 2 and 3 with zeros.
inline V128 I32x4TruncSatF64x2SZero(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) r.set_lane<uint32_t>(i, static_cast<uint32_t>(num::trunc_sat<int32_t>(num::to_f64(a.lane<uint64_t>(i)))));
  return r;
}
inline V128 I32x4TruncSatF64x2UZero(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) r.set_lane<uint32_t>(i, num::trunc_sat<uint32_t>(num::to_f64(a.lane<uint64_t>(i))));
  return r;
}
inline V128 F64x2ConvertLowI32x4S(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) r.set_lane<uint64_t>(i, num::f64_convert_i32_s(static_cast<int32_t>(a.lane<uint32_t>(i))));
  return r;
}
inline V128 F64x2ConvertLowI32x4U(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) r.set_lane<uint64_t>(i, num::f64_convert_i32_u(a.lane<uint32_t>(i)));
  return r;
}
inline V128 F32x4DemoteF64x2Zero(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) r.set_lane<uint32_t>(i, num::f32_demote_f64(a.lane<uint64_t>(i)));
  return r;
}
inline V128 F64x2PromoteLowF32x4(const V128& a) {
  V128 r;
  for (unsigned i = 0; i < 2; ++i) r.set_lane<uint64_t>(i, num::f64_promote_f32(a.lane<uint32_t>(i)));
  return r;
}

}  // namespace kiln::simd
