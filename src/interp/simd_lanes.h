// SIMD lane plumbing and shape-independent v128 ops: lane-wise helpers, splat/extract/replace, shuffles, bitwise ops, loads.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kiln/runtime/value.h"

namespace kiln::simd {

namespace detail {

template <typename L>
inline constexpr unsigned kLanes = 16 / sizeof(L);

// Arithmetic type for a lane: narrow lanes are promoted to int by C++, so widen them to
// uint32_t first to keep every operation in unsigned, UB-free arithmetic.
template <typename L>
using Wide = std::conditional_t<(sizeof(L) < 4), uint32_t, L>;

template <typename L>
using Signed = std::make_signed_t<L>;

template <typename L, typename F>
inline V128 map1(const V128& a, F f) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) r.set_lane<L>(i, static_cast<L>(f(a.lane<L>(i))));
  return r;
}

template <typename L, typename F>
inline V128 map2(const V128& a, const V128& b, F f) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) r.set_lane<L>(i, static_cast<L>(f(a.lane<L>(i), b.lane<L>(i))));
  return r;
}

// Comparison lanes are all ones when the predicate holds.
template <typename L, typename F>
inline V128 compare(const V128& a, const V128& b, F pred) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) r.set_lane<L>(i, pred(a.lane<L>(i), b.lane<L>(i)) ? static_cast<L>(~L{0}) : L{0});
  return r;
}

template <typename L>
inline V128 splat(L x) {
  V128 r;
  for (unsigned i = 0; i < kLanes<L>; ++i) r.set_lane<L>(i, x);
  return r;
}

// Lane indices come from validated immediates; masking keeps a stray index inside the vector.
template <typename L>
inline L get(const V128& a, unsigned lane) {
  return a.lane<L>(lane % kLanes<L>);
}
template <typename L>
inline V128 with(const V128& a, unsigned lane, L x) {
  V128 r = a;
  r.set_lane<L>(lane % kLanes<L>, x);
  return r;
}

template <typename L>
inline uint32_t all_true(const V128& a) {
  for (unsigned i = 0; i < kLanes<L>; ++i)
    if (a.lane<L>(i) == 0) return 0;
  return 1;
}

template <typename L>
inline uint32_t bitmask(const V128& a) {
  uint32_t r = 0;
  for (unsigned i = 0; i < kLanes<L>; ++i) r |= static_cast<uint32_t>(a.lane<L>(i) >> (8 * sizeof(L) - 1)) << i;
  return r;
}

template <typename L>
inline L load_lane(const uint8_t* p) {
  L x;
  std::memcpy(&x, p, sizeof(L));
  return x;
}

// Reads kLanes<Wider> narrow values and widens each, signed or unsigned by Narrow's type.
template <typename Narrow, typename Wider>
inline V128 load_extend(const uint8_t* p) {
  V128 r;
  for (unsigned i = 0; i < 8 / sizeof(Narrow); ++i) {
    auto x = load_lane<std::make_unsigned_t<Narrow>>(p + i * sizeof(Narrow));
    r.set_lane<Wider>(i, static_cast<Wider>(static_cast<Narrow>(x)));
  }
  return r;
}

}  // namespace detail

// ---- splat / extract / replace --------------------------------------------------------------

inline V128 I8x16Splat(uint32_t x) { return detail::splat(static_cast<uint8_t>(x)); }
inline V128 I16x8Splat(uint32_t x) { return detail::splat(static_cast<uint16_t>(x)); }
inline V128 I32x4Splat(uint32_t x) { return detail::splat(x); }
inline V128 I64x2Splat(uint64_t x) { return detail::splat(x); }
inline V128 F32x4Splat(uint32_t bits) { return detail::splat(bits); }
inline V128 F64x2Splat(uint64_t bits) { return detail::splat(bits); }

inline uint32_t I8x16ExtractLaneS(const V128& a, unsigned lane) {
  return static_cast<uint32_t>(static_cast<int8_t>(detail::get<uint8_t>(a, lane)));
}
inline uint32_t I8x16ExtractLaneU(const V128& a, unsigned lane) { return detail::get<uint8_t>(a, lane); }
inline uint32_t I16x8ExtractLaneS(const V128& a, unsigned lane) {
  return static_cast<uint32_t>(static_cast<int16_t>(detail::get<uint16_t>(a, lane)));
}
inline uint32_t I16x8ExtractLaneU(const V128& a, unsigned lane) { return detail::get<uint16_t>(a, lane); }
inline uint32_t I32x4ExtractLane(const V128& a, unsigned lane) { return detail::get<uint32_t>(a, lane); }
inline uint64_t I64x2ExtractLane(const V128& a, unsigned lane) { return detail::get<uint64_t>(a, lane); }
inline uint32_t F32x4ExtractLane(const V128& a, unsigned lane) { return detail::get<uint32_t>(a, lane); }
inline uint64_t F64x2ExtractLane(const V128& a, unsigned lane) { return detail::get<uint64_t>(a, lane); }

inline V128 I8x16ReplaceLane(const V128& a, unsigned lane, uint32_t x) {
  return detail::with(a, lane, static_cast<uint8_t>(x));
}
inline V128 I16x8ReplaceLane(const V128& a, unsigned lane, uint32_t x) {
  return detail::with(a, lane, static_cast<uint16_t>(x));
}
inline V128 I32x4ReplaceLane(const V128& a, unsigned lane, uint32_t x) { return detail::with(a, lane, x); }
inline V128 I64x2ReplaceLane(const V128& a, unsigned lane, uint64_t x) { return detail::with(a, lane, x); }
inline V128 F32x4ReplaceLane(const V128& a, unsigned lane, uint32_t bits) { return detail::with(a, lane, bits); }
inline V128 F64x2ReplaceLane(const V128& a, unsigned lane, uint64_t bits) { return detail::with(a, lane, bits); }

// ---- shuffles -------------------------------------------------------------------------------

inline V128 I8x16Shuffle(const V128& a, const V128& b, const uint8_t* lanes) {
  V128 r;
  for (unsigned i = 0; i < 16; ++i) {
    unsigned j = lanes[i] & 31u;
    r.bytes[i] = j < 16 ? a.bytes[j] : b.bytes[j - 16];
  }
  return r;
}

inline V128 I8x16Swizzle(const V128& a, const V128& s) {
  V128 r;
  for (unsigned i = 0; i < 16; ++i) r.bytes[i] = s.bytes[i] < 16 ? a.bytes[s.bytes[i]] : uint8_t{0};
  return r;
}

// ---- bitwise --------------------------------------------------------------------------------

inline V128 V128Not(const V128& a) { return V128::from_halves(~a.lo(), ~a.hi()); }
inline V128 V128And(const V128& a, const V128& b) { return V128::from_halves(a.lo() & b.lo(), a.hi() & b.hi()); }
inline V128 V128Andnot(const V128& a, const V128& b) {
  return V128::from_halves(a.lo() & ~b.lo(), a.hi() & ~b.hi());
}
inline V128 V128Or(const V128& a, const V128& b) { return V128::from_halves(a.lo() | b.lo(), a.hi() | b.hi()); }
inline V128 V128Xor(const V128& a, const V128& b) { return V128::from_halves(a.lo() ^ b.lo(), a.hi() ^ b.hi()); }
// Bits of a where the mask is set, bits of b elsewhere.
inline V128 V128Bitselect(const V128& a, const V128& b, const V128& mask) {
  return V128::from_halves((a.lo() & mask.lo()) | (b.lo() & ~mask.lo()), (a.hi() & mask.hi()) | (b.hi() & ~mask.hi()));
}
inline uint32_t V128AnyTrue(const V128& a) { return (a.lo() | a.hi()) != 0 ? 1u : 0u; }

inline uint32_t I8x16AllTrue(const V128& a) { return detail::all_true<uint8_t>(a); }
inline uint32_t I16x8AllTrue(const V128& a) { return detail::all_true<uint16_t>(a); }
inline uint32_t I32x4AllTrue(const V128& a) { return detail::all_true<uint32_t>(a); }
inline uint32_t I64x2AllTrue(const V128& a) { return detail::all_true<uint64_t>(a); }
inline uint32_t I8x16Bitmask(const V128& a) { return detail::bitmask<uint8_t>(a); }
inline uint32_t I16x8Bitmask(const V128& a) { return detail::bitmask<uint16_t>(a); }
inline uint32_t I32x4Bitmask(const V128& a) { return detail::bitmask<uint32_t>(a); }
inline uint32_t I64x2Bitmask(const V128& a) { return detail::bitmask<uint64_t>(a); }

// ---- memory-shaped ops (p is already bounds-checked; memory is little-endian like V128) ------

inline V128 V128Load(const uint8_t* p) {
  V128 r;
  std::memcpy(r.bytes, p, 16);
  return r;
}
inline void V128Store(uint8_t* p, const V128& v) { std::memcpy(p, v.bytes, 16); }

inline V128 V128Load8x8S(const uint8_t* p) { return detail::load_extend<int8_t, uint16_t>(p); }
inline V128 V128Load8x8U(const uint8_t* p) { return detail::load_extend<uint8_t, uint16_t>(p); }
inline V128 V128Load16x4S(const uint8_t* p) { return detail::load_extend<int16_t, uint32_t>(p); }
inline V128 V128Load16x4U(const uint8_t* p) { return detail::load_extend<uint16_t, uint32_t>(p); }
inline V128 V128Load32x2S(const uint8_t* p) { return detail::load_extend<int32_t, uint64_t>(p); }
inline V128 V128Load32x2U(const uint8_t* p) { return detail::load_extend<uint32_t, uint64_t>(p); }

inline V128 V128Load8Splat(const uint8_t* p) { return detail::splat(detail::load_lane<uint8_t>(p)); }
inline V128 V128Load16Splat(const uint8_t* p) { return detail::splat(detail::load_lane<uint16_t>(p)); }
inline V128 V128Load32Splat(const uint8_t* p) { return detail::splat(detail::load_lane<uint32_t>(p)); }
inline V128 V128Load64Splat(const uint8_t* p) { return detail::splat(detail::load_lane<uint64_t>(p)); }

inline V128 V128Load32Zero(const uint8_t* p) {
  V128 r;
  std::memcpy(r.bytes, p, 4);
  return r;
}
inline V128 V128Load64Zero(const uint8_t* p) {
  V128 r;
  std::memcpy(r.bytes, p, 8);
  return r;
}

// Lane loads replace one lane of v; lane stores write one lane of v.
inline V128 V128Load8Lane(const uint8_t* p, const V128& v, unsigned lane) {
  return detail::with(v, lane, detail::load_lane<uint8_t>(p));
}
inline V128 V128Load16Lane(const uint8_t* p, const V128& v, unsigned lane) {
  return detail::with(v, lane, detail::load_lane<uint16_t>(p));
}
inline V128 V128Load32Lane(const uint8_t* p, const V128& v, unsigned lane) {
  return detail::with(v, lane, detail::load_lane<uint32_t>(p));
}
inline V128 V128Load64Lane(const uint8_t* p, const V128& v, unsigned lane) {
  return detail::with(v, lane, detail::load_lane<uint64_t>(p));
}
inline void V128Store8Lane(uint8_t* p, const V128& v, unsigned lane) { *p = detail::get<uint8_t>(v, lane); }
inline void V128Store16Lane(uint8_t* p, const V128& v, unsigned lane) {
  uint16_t x = detail::get<uint16_t>(v, lane);
  std::memcpy(p, &x, sizeof x);
}
inline void V128Store32Lane(uint8_t* p, const V128& v, unsigned lane) {
  uint32_t x = detail::get<uint32_t>(v, lane);
  std::memcpy(p, &x, sizeof x);
}
inline void V128Store64Lane(uint8_t* p, const V128& v, unsigned lane) {
  uint64_t x = detail::get<uint64_t>(v, lane);
  std::memcpy(p, &x, sizeof x);
}

}  // namespace kiln::simd
