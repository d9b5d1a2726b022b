// Scalar value semantics of WebAssembly numeric instructions (UB-free, bit-exact, host-independent NaNs).
#pragma once

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#if defined(__FAST_MATH__)
#error "kiln's numerics need IEEE semantics; do not build with -ffast-math"
#endif
// Extended-precision intermediates (x87) would double-round every operation.
static_assert(FLT_EVAL_METHOD == 0, "float arithmetic must be evaluated in its own precision");
static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559);

namespace kiln::num {

// ---- bit-pattern plumbing -------------------------------------------------------------------

inline float to_f32(uint32_t bits) { return std::bit_cast<float>(bits); }
inline double to_f64(uint64_t bits) { return std::bit_cast<double>(bits); }
inline uint32_t from_f32(float x) { return std::bit_cast<uint32_t>(x); }
inline uint64_t from_f64(double x) { return std::bit_cast<uint64_t>(x); }

inline constexpr uint32_t kF32SignBit = 0x8000'0000u;
inline constexpr uint32_t kF32QuietBit = 0x0040'0000u;
inline constexpr uint32_t kF32CanonicalNaN = 0x7FC0'0000u;
inline constexpr uint64_t kF64SignBit = 0x8000'0000'0000'0000u;
inline constexpr uint64_t kF64QuietBit = 0x0008'0000'0000'0000u;
inline constexpr uint64_t kF64CanonicalNaN = 0x7FF8'0000'0000'0000u;

// Tested on the bits so that the check survives any optimisation of float compares.
constexpr bool f32_is_nan(uint32_t a) { return (a & ~kF32SignBit) > 0x7F80'0000u; }
constexpr bool f64_is_nan(uint64_t a) { return (a & ~kF64SignBit) > 0x7FF0'0000'0000'0000u; }

// Hardware NaN results differ between hosts (x86 yields a negative default NaN, ARM a positive
// one); a snapshot must not depend on the machine it was taken on, so every NaN result is
// rebuilt here: the first NaN operand, quieted, else the positive canonical NaN. This is what
// the spec allows (canonical in, canonical out; otherwise an arithmetic NaN).
constexpr uint32_t f32_nan_result(uint32_t a, uint32_t b) {
  if (f32_is_nan(a)) return a | kF32QuietBit;
  if (f32_is_nan(b)) return b | kF32QuietBit;
  return kF32CanonicalNaN;
}
constexpr uint64_t f64_nan_result(uint64_t a, uint64_t b) {
  if (f64_is_nan(a)) return a | kF64QuietBit;
  if (f64_is_nan(b)) return b | kF64QuietBit;
  return kF64CanonicalNaN;
}

// ---- float arithmetic -----------------------------------------------------------------------
// The NaN test is on the float result (`r != r`, one compare on the FPU side), not on its bits:
// the common path then never moves the value through an integer register.

inline uint32_t f32_add(uint32_t a, uint32_t b) {
  const auto r = to_f32(a) + to_f32(b);
  if (r != r) [[unlikely]] return f32_nan_result(a, b);
  return from_f32(r);
}
inline uint32_t f32_sub(uint32_t a, uint32_t b) {
  const auto r = to_f32(a) - to_f32(b);
  if (r != r) [[unlikely]] return f32_nan_result(a, b);
  return from_f32(r);
}
inline uint32_t f32_mul(uint32_t a, uint32_t b) {
  const auto r = to_f32(a) * to_f32(b);
  if (r != r) [[unlikely]] return f32_nan_result(a, b);
  return from_f32(r);
}
inline uint32_t f32_div(uint32_t a, uint32_t b) {
  const auto r = to_f32(a) / to_f32(b);
  if (r != r) [[unlikely]] return f32_nan_result(a, b);
  return from_f32(r);
}
inline uint64_t f64_add(uint64_t a, uint64_t b) {
  const auto r = to_f64(a) + to_f64(b);
  if (r != r) [[unlikely]] return f64_nan_result(a, b);
  return from_f64(r);
}
inline uint64_t f64_sub(uint64_t a, uint64_t b) {
  const auto r = to_f64(a) - to_f64(b);
  if (r != r) [[unlikely]] return f64_nan_result(a, b);
  return from_f64(r);
}
inline uint64_t f64_mul(uint64_t a, uint64_t b) {
  const auto r = to_f64(a) * to_f64(b);
  if (r != r) [[unlikely]] return f64_nan_result(a, b);
  return from_f64(r);
}
inline uint64_t f64_div(uint64_t a, uint64_t b) {
  const auto r = to_f64(a) / to_f64(b);
  if (r != r) [[unlikely]] return f64_nan_result(a, b);
  return from_f64(r);
}

inline uint32_t f32_sqrt(uint32_t a) {
  uint32_t r = from_f32(std::sqrt(to_f32(a)));
  return f32_is_nan(r) ? f32_nan_result(a, a) : r;
}
inline uint64_t f64_sqrt(uint64_t a) {
  uint64_t r = from_f64(std::sqrt(to_f64(a)));
  return f64_is_nan(r) ? f64_nan_result(a, a) : r;
}

// min/max: NaN wins, and -0 orders below +0 (IEEE minNum/maxNum and plain < do neither).
inline uint32_t f32_min(uint32_t a, uint32_t b) {
  if (f32_is_nan(a) || f32_is_nan(b)) return f32_nan_result(a, b);
  float x = to_f32(a), y = to_f32(b);
  if (x == y) return a | b;  // equal values differ only for ±0, where the sign bit must win
  return x < y ? a : b;
}
inline uint32_t f32_max(uint32_t a, uint32_t b) {
  if (f32_is_nan(a) || f32_is_nan(b)) return f32_nan_result(a, b);
  float x = to_f32(a), y = to_f32(b);
  if (x == y) return a & b;
  return x > y ? a : b;
}
inline uint64_t f64_min(uint64_t a, uint64_t b) {
  if (f64_is_nan(a) || f64_is_nan(b)) return f64_nan_result(a, b);
  double x = to_f64(a), y = to_f64(b);
  if (x == y) return a | b;
  return x < y ? a : b;
}
inline uint64_t f64_max(uint64_t a, uint64_t b) {
  if (f64_is_nan(a) || f64_is_nan(b)) return f64_nan_result(a, b);
  double x = to_f64(a), y = to_f64(b);
  if (x == y) return a & b;
  return x > y ? a : b;
}

// Sign operations never look at the value, so NaN payloads pass through untouched.
constexpr uint32_t f32_abs(uint32_t a) { return a & ~kF32SignBit; }
constexpr uint32_t f32_neg(uint32_t a) { return a ^ kF32SignBit; }
constexpr uint32_t f32_copysign(uint32_t a, uint32_t b) { return (a & ~kF32SignBit) | (b & kF32SignBit); }
constexpr uint64_t f64_abs(uint64_t a) { return a & ~kF64SignBit; }
constexpr uint64_t f64_neg(uint64_t a) { return a ^ kF64SignBit; }
constexpr uint64_t f64_copysign(uint64_t a, uint64_t b) { return (a & ~kF64SignBit) | (b & kF64SignBit); }

// ---- rounding to integral -------------------------------------------------------------------

// std::ceil/floor/trunc are exact and ignore the rounding mode; they keep the sign of zero
// (ceil(-0.5) = -0). Only the NaN result needs pinning down.
inline uint32_t f32_ceil(uint32_t a) { return f32_is_nan(a) ? a | kF32QuietBit : from_f32(std::ceil(to_f32(a))); }
inline uint32_t f32_floor(uint32_t a) { return f32_is_nan(a) ? a | kF32QuietBit : from_f32(std::floor(to_f32(a))); }
inline uint32_t f32_trunc(uint32_t a) { return f32_is_nan(a) ? a | kF32QuietBit : from_f32(std::trunc(to_f32(a))); }
inline uint64_t f64_ceil(uint64_t a) { return f64_is_nan(a) ? a | kF64QuietBit : from_f64(std::ceil(to_f64(a))); }
inline uint64_t f64_floor(uint64_t a) { return f64_is_nan(a) ? a | kF64QuietBit : from_f64(std::floor(to_f64(a))); }
inline uint64_t f64_trunc(uint64_t a) { return f64_is_nan(a) ? a | kF64QuietBit : from_f64(std::trunc(to_f64(a))); }

// Adding and subtracting 2^mantissa_bits forces the fraction out under round-to-nearest-even,
// the default mode wasm assumes; magnitudes at or above it are already integral (or inf).
inline uint32_t f32_nearest(uint32_t a) {
  if (f32_is_nan(a)) return a | kF32QuietBit;
  constexpr float kShift = 8388608.0f;  // 2^23
  float m = to_f32(f32_abs(a));
  if (!(m < kShift)) return a;
  float r = (m + kShift) - kShift;
  return f32_copysign(from_f32(r), a);
}
inline uint64_t f64_nearest(uint64_t a) {
  if (f64_is_nan(a)) return a | kF64QuietBit;
  constexpr double kShift = 4503599627370496.0;  // 2^52
  double m = to_f64(f64_abs(a));
  if (!(m < kShift)) return a;
  double r = (m + kShift) - kShift;
  return f64_copysign(from_f64(r), a);
}

// ---- float -> integer -----------------------------------------------------------------------

enum class TruncStatus { kOk, kNaN, kOverflow };

namespace detail {
template <typename Float>
constexpr Float two_pow(int n) {
  Float r = 1;
  for (int i = 0; i < n; ++i) r *= 2;
  return r;
}

// Whether trunc(x) is representable in Int, with the exact boundaries of the spec: signed N-bit
// needs -2^(N-1) - 1 < x < 2^(N-1), unsigned needs -1 < x < 2^N.
template <typename Int, typename Float>
constexpr bool trunc_in_range(Float x) {
  constexpr int kBits = std::numeric_limits<Int>::digits;  // 31 for int32_t, 32 for uint32_t
  constexpr Float kUpper = two_pow<Float>(kBits);
  if constexpr (std::is_signed_v<Int>) {
    constexpr Float kLower = -kUpper;
    // When -2^(N-1) - 1 is not representable it rounds to -2^(N-1), and then no Float lies
    // strictly between the two, so ">= -2^(N-1)" is the same test.
    constexpr Float kLowerMinusOne = kLower - Float(1);
    if constexpr (kLowerMinusOne != kLower) {
      return x > kLowerMinusOne && x < kUpper;
    } else {
      return x >= kLower && x < kUpper;
    }
  } else {
    return x > Float(-1) && x < kUpper;
  }
}
}  // namespace detail

template <typename Int, typename Float>
TruncStatus trunc_checked(Float x, Int& out) {
  static_assert(std::is_integral_v<Int> && std::is_floating_point_v<Float>);
  if (x != x) return TruncStatus::kNaN;
  if (!detail::trunc_in_range<Int>(x)) return TruncStatus::kOverflow;
  out = static_cast<Int>(x);  // in range, so the conversion truncates toward zero without UB
  return TruncStatus::kOk;
}

template <typename Int, typename Float>
Int trunc_sat(Float x) {
  static_assert(std::is_integral_v<Int> && std::is_floating_point_v<Float>);
  if (x != x) return 0;
  if (detail::trunc_in_range<Int>(x)) return static_cast<Int>(x);
  return x < 0 ? std::numeric_limits<Int>::min() : std::numeric_limits<Int>::max();
}

// ---- integer -> float -----------------------------------------------------------------------

namespace detail {
// Rounds magnitude to a float with kMantBits stored mantissa bits, nearest-even, in integer
// arithmetic: one rounding step, so no double rounding and no dependence on the host's
// conversion instructions. Integers never reach the overflow or subnormal range.
template <int kMantBits, int kBias>
constexpr uint64_t int_to_float_bits(uint64_t magnitude, bool negative) {
  const uint64_t sign = negative ? uint64_t{1} << (kMantBits == 23 ? 31 : 63) : 0;
  if (magnitude == 0) return 0;  // integers have no -0
  int top = 63 - std::countl_zero(magnitude);
  uint64_t mant;
  if (top <= kMantBits) {
    mant = magnitude << (kMantBits - top);
  } else {
    int shift = top - kMantBits;
    mant = magnitude >> shift;
    uint64_t rest = magnitude & ((uint64_t{1} << shift) - 1);
    uint64_t half = uint64_t{1} << (shift - 1);
    if (rest > half || (rest == half && (mant & 1) != 0)) {
      ++mant;
      if (mant == uint64_t{1} << (kMantBits + 1)) {  // rounded up to the next power of two
        mant >>= 1;
        ++top;
      }
    }
  }
  uint64_t exponent = static_cast<uint64_t>(top + kBias);
  return sign | (exponent << kMantBits) | (mant & ((uint64_t{1} << kMantBits) - 1));
}
constexpr uint64_t magnitude_of(int64_t v) { return v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v); }
}  // namespace detail

constexpr uint32_t f32_convert_i64_u(uint64_t v) {
  return static_cast<uint32_t>(detail::int_to_float_bits<23, 127>(v, false));
}
constexpr uint32_t f32_convert_i64_s(int64_t v) {
  return static_cast<uint32_t>(detail::int_to_float_bits<23, 127>(detail::magnitude_of(v), v < 0));
}
constexpr uint32_t f32_convert_i32_u(uint32_t v) { return f32_convert_i64_u(v); }
constexpr uint32_t f32_convert_i32_s(int32_t v) { return f32_convert_i64_s(v); }
constexpr uint64_t f64_convert_i64_u(uint64_t v) { return detail::int_to_float_bits<52, 1023>(v, false); }
constexpr uint64_t f64_convert_i64_s(int64_t v) {
  return detail::int_to_float_bits<52, 1023>(detail::magnitude_of(v), v < 0);
}
constexpr uint64_t f64_convert_i32_u(uint32_t v) { return f64_convert_i64_u(v); }
constexpr uint64_t f64_convert_i32_s(int32_t v) { return f64_convert_i64_s(v); }

// ---- float <-> float ------------------------------------------------------------------------

// A NaN keeps its sign and the top of its payload and comes out quiet, so canonical maps to
// canonical; done by hand because hosts differ on which payload bits survive.
inline uint32_t f32_demote_f64(uint64_t a) {
  if (f64_is_nan(a)) {
    auto sign = static_cast<uint32_t>(a >> 32) & kF32SignBit;
    auto payload = static_cast<uint32_t>((a >> 29) & 0x007F'FFFFu);
    return sign | 0x7F80'0000u | kF32QuietBit | payload;
  }
  return from_f32(static_cast<float>(to_f64(a)));
}
inline uint64_t f64_promote_f32(uint32_t a) {
  if (f32_is_nan(a)) {
    uint64_t sign = static_cast<uint64_t>(a & kF32SignBit) << 32;
    uint64_t payload = static_cast<uint64_t>(a & 0x007F'FFFFu) << 29;
    return sign | 0x7FF0'0000'0000'0000u | kF64QuietBit | payload;
  }
  return from_f64(static_cast<double>(to_f32(a)));
}

// ---- integers -------------------------------------------------------------------------------

constexpr uint32_t rotl32(uint32_t x, uint32_t n) { return std::rotl(x, static_cast<int>(n & 31)); }
constexpr uint32_t rotr32(uint32_t x, uint32_t n) { return std::rotr(x, static_cast<int>(n & 31)); }
constexpr uint64_t rotl64(uint64_t x, uint64_t n) { return std::rotl(x, static_cast<int>(n & 63)); }
constexpr uint64_t rotr64(uint64_t x, uint64_t n) { return std::rotr(x, static_cast<int>(n & 63)); }

constexpr uint32_t clz(uint32_t x) { return static_cast<uint32_t>(std::countl_zero(x)); }
constexpr uint32_t ctz(uint32_t x) { return static_cast<uint32_t>(std::countr_zero(x)); }
constexpr uint32_t popcnt(uint32_t x) { return static_cast<uint32_t>(std::popcount(x)); }
constexpr uint64_t clz(uint64_t x) { return static_cast<uint64_t>(std::countl_zero(x)); }
constexpr uint64_t ctz(uint64_t x) { return static_cast<uint64_t>(std::countr_zero(x)); }
constexpr uint64_t popcnt(uint64_t x) { return static_cast<uint64_t>(std::popcount(x)); }

// Shifts take the count modulo the width; right shifts of signed values are arithmetic
// (guaranteed since C++20).
constexpr uint32_t shl32(uint32_t x, uint32_t n) { return x << (n & 31); }
constexpr uint32_t shr_u32(uint32_t x, uint32_t n) { return x >> (n & 31); }
constexpr uint32_t shr_s32(uint32_t x, uint32_t n) {
  return static_cast<uint32_t>(static_cast<int32_t>(x) >> (n & 31));
}
constexpr uint64_t shl64(uint64_t x, uint64_t n) { return x << (n & 63); }
constexpr uint64_t shr_u64(uint64_t x, uint64_t n) { return x >> (n & 63); }
constexpr uint64_t shr_s64(uint64_t x, uint64_t n) {
  return static_cast<uint64_t>(static_cast<int64_t>(x) >> (n & 63));
}

// iNN.extendM_s: sign-extend the low M bits.
constexpr uint32_t extend8_s32(uint32_t x) { return static_cast<uint32_t>(static_cast<int8_t>(x)); }
constexpr uint32_t extend16_s32(uint32_t x) { return static_cast<uint32_t>(static_cast<int16_t>(x)); }
constexpr uint64_t extend8_s64(uint64_t x) { return static_cast<uint64_t>(static_cast<int8_t>(x)); }
constexpr uint64_t extend16_s64(uint64_t x) { return static_cast<uint64_t>(static_cast<int16_t>(x)); }
constexpr uint64_t extend32_s64(uint64_t x) { return static_cast<uint64_t>(static_cast<int32_t>(x)); }

// Division reports its traps instead of executing them; the caller raises "integer divide by
// zero" or "integer overflow".
enum class DivStatus { kOk, kDivideByZero, kOverflow };

constexpr DivStatus div_s32(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  if (a == 0x8000'0000u && b == 0xFFFF'FFFFu) return DivStatus::kOverflow;
  out = static_cast<uint32_t>(static_cast<int32_t>(a) / static_cast<int32_t>(b));
  return DivStatus::kOk;
}
constexpr DivStatus div_u32(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  out = a / b;
  return DivStatus::kOk;
}
constexpr DivStatus rem_s32(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  // INT_MIN % -1 is 0 in wasm but overflows in C++; every x % -1 is 0 anyway.
  out = b == 0xFFFF'FFFFu ? 0 : static_cast<uint32_t>(static_cast<int32_t>(a) % static_cast<int32_t>(b));
  return DivStatus::kOk;
}
constexpr DivStatus rem_u32(uint32_t a, uint32_t b, uint32_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  out = a % b;
  return DivStatus::kOk;
}
constexpr DivStatus div_s64(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  if (a == 0x8000'0000'0000'0000u && b == ~uint64_t{0}) return DivStatus::kOverflow;
  out = static_cast<uint64_t>(static_cast<int64_t>(a) / static_cast<int64_t>(b));
  return DivStatus::kOk;
}
constexpr DivStatus div_u64(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  out = a / b;
  return DivStatus::kOk;
}
constexpr DivStatus rem_s64(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  out = b == ~uint64_t{0} ? 0 : static_cast<uint64_t>(static_cast<int64_t>(a) % static_cast<int64_t>(b));
  return DivStatus::kOk;
}
constexpr DivStatus rem_u64(uint64_t a, uint64_t b, uint64_t& out) {
  if (b == 0) return DivStatus::kDivideByZero;
  out = a % b;
  return DivStatus::kOk;
}

}  // namespace kiln::num
