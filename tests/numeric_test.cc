// Unit tests for the interpreter's scalar value semantics (src/interp/numeric.h), on spec-suite boundary values.
#include "interp/numeric.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

namespace {

using namespace kiln::num;

uint32_t b32(float x) { return from_f32(x); }
uint64_t b64(double x) { return from_f64(x); }
constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();

bool is_canonical32(uint32_t a) { return (a & ~kF32SignBit) == kF32CanonicalNaN; }
bool is_arithmetic32(uint32_t a) { return f32_is_nan(a) && (a & kF32QuietBit) != 0; }
bool is_canonical64(uint64_t a) { return (a & ~kF64SignBit) == kF64CanonicalNaN; }
bool is_arithmetic64(uint64_t a) { return f64_is_nan(a) && (a & kF64QuietBit) != 0; }

template <typename Int, typename Float>
TruncStatus status_of(Float x) {
  Int out{};
  return trunc_checked<Int>(x, out);
}
template <typename Int, typename Float>
Int value_of(Float x) {
  Int out{};
  REQUIRE(trunc_checked<Int>(x, out) == TruncStatus::kOk);
  return out;
}

}  // namespace

TEST_CASE("trunc_checked i32 from f32 boundaries") {
  CHECK(value_of<int32_t>(-2147483648.0f) == std::numeric_limits<int32_t>::min());
  CHECK(value_of<int32_t>(2147483520.0f) == 2147483520);
  CHECK(status_of<int32_t>(2147483648.0f) == TruncStatus::kOverflow);
  CHECK(status_of<int32_t>(-2147483904.0f) == TruncStatus::kOverflow);
  CHECK(value_of<int32_t>(-1.9f) == -1);
  CHECK(value_of<int32_t>(-0.0f) == 0);
  CHECK(status_of<int32_t>(kInfF) == TruncStatus::kOverflow);
  CHECK(status_of<int32_t>(-kInfF) == TruncStatus::kOverflow);
  CHECK(status_of<int32_t>(to_f32(0x7FC00000)) == TruncStatus::kNaN);
  CHECK(status_of<int32_t>(to_f32(0xFFA00000)) == TruncStatus::kNaN);

  CHECK(value_of<uint32_t>(4294967040.0f) == 4294967040u);
  CHECK(value_of<uint32_t>(2147483648.0f) == 0x80000000u);
  CHECK(value_of<uint32_t>(-0x1.fffffep-1f) == 0u);
  CHECK(value_of<uint32_t>(-0x1p-149f) == 0u);
  CHECK(status_of<uint32_t>(4294967296.0f) == TruncStatus::kOverflow);
  CHECK(status_of<uint32_t>(-1.0f) == TruncStatus::kOverflow);
  CHECK(status_of<uint32_t>(to_f32(0x7FC00000)) == TruncStatus::kNaN);
}

TEST_CASE("trunc_checked i32 from f64 boundaries") {
  CHECK(value_of<int32_t>(-2147483648.9) == std::numeric_limits<int32_t>::min());
  CHECK(value_of<int32_t>(2147483647.9) == 2147483647);
  CHECK(status_of<int32_t>(-2147483649.0) == TruncStatus::kOverflow);
  CHECK(status_of<int32_t>(2147483648.0) == TruncStatus::kOverflow);
  CHECK(value_of<uint32_t>(4294967295.9) == 4294967295u);
  CHECK(value_of<uint32_t>(-0.9) == 0u);
  CHECK(value_of<uint32_t>(1e8) == 100000000u);
  CHECK(status_of<uint32_t>(4294967296.0) == TruncStatus::kOverflow);
  CHECK(status_of<uint32_t>(-1.0) == TruncStatus::kOverflow);
  CHECK(status_of<uint32_t>(1e16) == TruncStatus::kOverflow);
  CHECK(status_of<uint32_t>(to_f64(0x7FF4000000000000)) == TruncStatus::kNaN);
}

TEST_CASE("trunc_checked i64 boundaries") {
  CHECK(value_of<int64_t>(-9223372036854775808.0f) == std::numeric_limits<int64_t>::min());
  CHECK(status_of<int64_t>(9223372036854775808.0f) == TruncStatus::kOverflow);
  CHECK(status_of<int64_t>(-9223373136366403584.0f) == TruncStatus::kOverflow);
  CHECK(value_of<int64_t>(9223371487098961920.0f) == 9223371487098961920);
  CHECK(value_of<int64_t>(-9223372036854775808.0) == std::numeric_limits<int64_t>::min());
  CHECK(value_of<int64_t>(9223372036854774784.0) == 9223372036854774784);
  CHECK(status_of<int64_t>(9223372036854775808.0) == TruncStatus::kOverflow);
  CHECK(status_of<int64_t>(-9223372036854777856.0) == TruncStatus::kOverflow);

  CHECK(value_of<uint64_t>(18446742974197923840.0f) == 18446742974197923840u);
  CHECK(status_of<uint64_t>(18446744073709551616.0f) == TruncStatus::kOverflow);
  CHECK(value_of<uint64_t>(18446744073709549568.0) == 18446744073709549568u);
  CHECK(status_of<uint64_t>(18446744073709551616.0) == TruncStatus::kOverflow);
  CHECK(value_of<uint64_t>(-0.9) == 0u);
  CHECK(status_of<uint64_t>(-1.0) == TruncStatus::kOverflow);
  CHECK(status_of<uint64_t>(to_f64(0xFFF8000000000000)) == TruncStatus::kNaN);
}

TEST_CASE("trunc_sat saturates and maps NaN to zero") {
  CHECK(trunc_sat<int32_t>(2147483648.0f) == std::numeric_limits<int32_t>::max());
  CHECK(trunc_sat<int32_t>(-2147483904.0f) == std::numeric_limits<int32_t>::min());
  CHECK(trunc_sat<int32_t>(-2147483648.9) == std::numeric_limits<int32_t>::min());
  CHECK(trunc_sat<int32_t>(to_f32(0xFFC00000)) == 0);
  CHECK(trunc_sat<uint32_t>(-1.0f) == 0u);
  CHECK(trunc_sat<uint32_t>(-kInfF) == 0u);
  CHECK(trunc_sat<uint32_t>(4294967296.0) == 0xFFFFFFFFu);
  CHECK(trunc_sat<uint32_t>(4294967295.9) == 0xFFFFFFFFu);
  CHECK(trunc_sat<int64_t>(kInfD) == std::numeric_limits<int64_t>::max());
  CHECK(trunc_sat<int64_t>(-kInfF) == std::numeric_limits<int64_t>::min());
  CHECK(trunc_sat<uint64_t>(18446744073709551616.0) == ~uint64_t{0});
  CHECK(trunc_sat<uint64_t>(to_f64(0x7FF0000000000001)) == 0u);
  CHECK(trunc_sat<int64_t>(-1.5) == -1);
}

TEST_CASE("min and max: NaN propagation and signed zeros") {
  CHECK(f32_min(b32(0.0f), b32(-0.0f)) == b32(-0.0f));
  CHECK(f32_min(b32(-0.0f), b32(0.0f)) == b32(-0.0f));
  CHECK(f32_max(b32(0.0f), b32(-0.0f)) == b32(0.0f));
  CHECK(f32_max(b32(-0.0f), b32(0.0f)) == b32(0.0f));
  CHECK(f32_max(b32(-0.0f), b32(-0.0f)) == b32(-0.0f));
  CHECK(f32_min(b32(1.0f), b32(-kInfF)) == b32(-kInfF));
  CHECK(f32_max(b32(1.0f), b32(2.0f)) == b32(2.0f));
  CHECK(is_canonical32(f32_min(kF32CanonicalNaN, b32(1.0f))));
  CHECK(is_canonical32(f32_max(b32(1.0f), 0xFFC00000)));
  CHECK(is_arithmetic32(f32_min(0x7FA00000, b32(0.0f))));  // signalling in, quiet out
  CHECK(is_arithmetic32(f32_max(b32(-kInfF), 0xFF800001)));
  CHECK(f64_min(b64(0.0), b64(-0.0)) == b64(-0.0));
  CHECK(f64_max(b64(-0.0), b64(0.0)) == b64(0.0));
  CHECK(f64_min(b64(-3.0), b64(2.0)) == b64(-3.0));
  CHECK(is_canonical64(f64_max(kF64CanonicalNaN, b64(kInfD))));
  CHECK(is_arithmetic64(f64_min(b64(0.0), 0x7FF0000000000001)));
}

TEST_CASE("arithmetic results and NaN rules") {
  CHECK(f32_add(b32(1.0f), b32(0x1p-24f)) == b32(1.0f));  // tie rounds to even
  CHECK(f32_add(b32(1.0f), b32(0x1.000002p-24f)) == b32(0x1.000002p+0f));
  CHECK(f32_sub(b32(0.0f), b32(0.0f)) == b32(0.0f));
  CHECK(f32_sub(b32(-0.0f), b32(0.0f)) == b32(-0.0f));
  CHECK(f32_mul(b32(0x1p-126f), b32(0x1p-23f)) == b32(0x1p-149f));  // subnormals are not flushed
  CHECK(f32_div(b32(1.0f), b32(-0.0f)) == b32(-kInfF));
  CHECK(f64_add(b64(0x1p+53), b64(1.0)) == b64(0x1p+53));
  CHECK(f64_mul(b64(0x1p-1022), b64(0x1p-52)) == b64(0x0.0000000000001p-1022));
  // Invalid operations produce the positive canonical NaN on every host.
  CHECK(f32_sub(b32(kInfF), b32(kInfF)) == kF32CanonicalNaN);
  CHECK(f32_mul(b32(0.0f), b32(kInfF)) == kF32CanonicalNaN);
  CHECK(f64_div(b64(0.0), b64(0.0)) == kF64CanonicalNaN);
  CHECK(f32_sqrt(b32(-1.0f)) == kF32CanonicalNaN);
  CHECK(f64_sqrt(b64(-0.0)) == b64(-0.0));
  CHECK(f64_sqrt(b64(2.0)) == b64(0x1.6a09e667f3bcdp+0));
  // A NaN operand comes back quieted, payload kept.
  CHECK(f32_add(0x7F800001, b32(1.0f)) == 0x7FC00001);
  CHECK(f32_add(b32(1.0f), 0xFFA00000) == 0xFFE00000);
  CHECK(f64_sub(0x7FF0000000000001, b64(1.0)) == 0x7FF8000000000001);
  CHECK(is_canonical32(f32_div(kF32CanonicalNaN, b32(2.0f))));
  CHECK(f32_sqrt(0x7F800002) == 0x7FC00002);
}

TEST_CASE("sign operations keep NaN payloads") {
  CHECK(f32_neg(0x7FA00000) == 0xFFA00000);
  CHECK(f32_abs(0xFFA00001) == 0x7FA00001);
  CHECK(f32_copysign(0x7F800001, b32(-1.0f)) == 0xFF800001);
  CHECK(f64_neg(0x7FF0000000000001) == 0xFFF0000000000001);
  CHECK(f64_abs(b64(-0.0)) == b64(0.0));
  CHECK(f64_copysign(b64(2.0), b64(-0.0)) == b64(-2.0));
}

TEST_CASE("nearest rounds half to even and keeps the sign of zero") {
  CHECK(f32_nearest(b32(0.5f)) == b32(0.0f));
  CHECK(f32_nearest(b32(-0.5f)) == b32(-0.0f));
  CHECK(f32_nearest(b32(1.5f)) == b32(2.0f));
  CHECK(f32_nearest(b32(2.5f)) == b32(2.0f));
  CHECK(f32_nearest(b32(-3.5f)) == b32(-4.0f));
  CHECK(f32_nearest(b32(-0.4f)) == b32(-0.0f));
  CHECK(f32_nearest(b32(0x1.fffffep-1f)) == b32(1.0f));
  CHECK(f32_nearest(b32(4194304.5f)) == b32(4194304.0f));
  CHECK(f32_nearest(b32(4194305.5f)) == b32(4194306.0f));
  CHECK(f32_nearest(b32(8388609.0f)) == b32(8388609.0f));
  CHECK(f32_nearest(b32(-kInfF)) == b32(-kInfF));
  CHECK(f32_nearest(0x7FA00000) == 0x7FE00000);
  CHECK(f64_nearest(b64(0.5)) == b64(0.0));
  CHECK(f64_nearest(b64(-2.5)) == b64(-2.0));
  CHECK(f64_nearest(b64(4503599627370495.5)) == b64(4503599627370496.0));
  CHECK(f64_nearest(b64(-4503599627370495.5)) == b64(-4503599627370496.0));
  CHECK(f64_nearest(b64(0x1p-1074)) == b64(0.0));
  CHECK(f64_nearest(b64(-0.0)) == b64(-0.0));
  CHECK(is_canonical64(f64_nearest(kF64CanonicalNaN)));
}

TEST_CASE("ceil floor trunc") {
  CHECK(f32_ceil(b32(-0.5f)) == b32(-0.0f));
  CHECK(f32_ceil(b32(0x1p-149f)) == b32(1.0f));
  CHECK(f32_floor(b32(-0x1p-149f)) == b32(-1.0f));
  CHECK(f32_floor(b32(0.5f)) == b32(0.0f));
  CHECK(f32_trunc(b32(-0.9f)) == b32(-0.0f));
  CHECK(f32_trunc(0xFF800001) == 0xFFC00001);
  CHECK(f64_ceil(b64(4503599627370495.5)) == b64(4503599627370496.0));
  CHECK(f64_floor(b64(-4503599627370495.5)) == b64(-4503599627370496.0));
  CHECK(f64_trunc(b64(-1.5)) == b64(-1.0));
  CHECK(f64_floor(0x7FF0000000000001) == 0x7FF8000000000001);
}

TEST_CASE("integer to float conversions round once, to nearest even") {
  CHECK(f32_convert_i32_s(16777217) == b32(16777216.0f));
  CHECK(f32_convert_i32_s(-16777219) == b32(-16777220.0f));
  CHECK(f32_convert_i32_s(std::numeric_limits<int32_t>::min()) == b32(-2147483648.0f));
  CHECK(f32_convert_i32_s(1234567890) == b32(0x1.26580cp+30f));
  CHECK(f32_convert_i32_s(0) == b32(0.0f));
  CHECK(f32_convert_i32_u(0xFFFFFFFFu) == b32(4294967296.0f));
  CHECK(f32_convert_i32_u(0x80000080u) == b32(0x1.000000p+31f));
  CHECK(f32_convert_i32_u(0x80000081u) == b32(0x1.000002p+31f));
  CHECK(f32_convert_i32_u(0xFFFFFE80u) == b32(0x1.fffffcp+31f));
  CHECK(f32_convert_i32_u(0xFFFFFE81u) == b32(0x1.fffffep+31f));
  CHECK(f32_convert_i64_s(0x7FFFFF4000000001) == b32(0x1.fffffep+62f));
  CHECK(f32_convert_i64_s(static_cast<int64_t>(0x8000004000000001u)) == b32(-0x1.fffffep+62f));
  CHECK(f32_convert_i64_s(0x0020000020000001) == b32(0x1.000002p+53f));
  CHECK(f32_convert_i64_s(static_cast<int64_t>(0xFFDFFFFFDFFFFFFFu)) == b32(-0x1.000002p+53f));
  CHECK(f32_convert_i64_s(std::numeric_limits<int64_t>::min()) == b32(-0x1p+63f));
  CHECK(f32_convert_i64_s(314159265358979) == b32(0x1.1db9e8p+48f));
  // Each of these is rounded wrongly by a u64 -> f64 -> f32 path.
  CHECK(f32_convert_i64_u(0x8000008000000001u) == b32(0x1.000002p+63f));
  CHECK(f32_convert_i64_u(0xFFFFFE8000000001u) == b32(0x1.fffffep+63f));
  CHECK(f32_convert_i64_u(0x0020000020000001u) == b32(0x1.000002p+53f));
  CHECK(f32_convert_i64_u(0x7FFFFFBFFFFFFFFFu) == b32(0x1.fffffep+62f));
  CHECK(f32_convert_i64_u(0xFFFFFFFFFFFFFFFFu) == b32(0x1p+64f));
  CHECK(f32_convert_i64_u(0x8000008000000000u) == b32(0x1p+63f));  // exact tie, even stays
  CHECK(f32_convert_i64_u(0x8000018000000000u) == b32(0x1.000004p+63f));  // tie rounds up to even
  CHECK(f64_convert_i64_s(9007199254740993) == b64(9007199254740992.0));
  CHECK(f64_convert_i64_s(-9007199254740995) == b64(-9007199254740996.0));
  CHECK(f64_convert_i64_s(std::numeric_limits<int64_t>::max()) == b64(0x1p+63));
  CHECK(f64_convert_i64_u(0x8000000000000400u) == b64(0x1p+63));
  CHECK(f64_convert_i64_u(0x8000000000000401u) == b64(0x1.0000000000001p+63));
  CHECK(f64_convert_i64_u(0xFFFFFFFFFFFFF400u) == b64(0x1.ffffffffffffep+63));
  CHECK(f64_convert_i64_u(0xFFFFFFFFFFFFF401u) == b64(0x1.fffffffffffffp+63));
  CHECK(f64_convert_i64_u(0xFFFFFFFFFFFFFFFFu) == b64(0x1p+64));
  CHECK(f64_convert_i32_s(-2147483647 - 1) == b64(-2147483648.0));
  CHECK(f64_convert_i32_u(0xFFFFFFFFu) == b64(4294967295.0));
  CHECK(f64_convert_i32_s(-1) == b64(-1.0));
  CHECK(f64_convert_i64_u(0) == b64(0.0));
}

TEST_CASE("demote and promote") {
  CHECK(f32_demote_f64(b64(0x1.fffffe0000000p-127)) == b32(0x1p-126f));
  CHECK(f32_demote_f64(b64(0x1.fffffdfffffffp-127)) == b32(0x1.fffffcp-127f));
  CHECK(f32_demote_f64(b64(0x0.0000000000001p-1022)) == b32(0.0f));
  CHECK(f32_demote_f64(b64(-0x0.0000000000001p-1022)) == b32(-0.0f));
  CHECK(f32_demote_f64(b64(0x1.fffffd0000000p+127)) == b32(0x1.fffffcp+127f));
  CHECK(f32_demote_f64(b64(0x1.fffffefffffffp+127)) == b32(0x1.fffffep+127f));
  CHECK(f32_demote_f64(b64(0x1.ffffffp+127)) == b32(kInfF));
  CHECK(f32_demote_f64(b64(0x1.0000010000000p+0)) == b32(1.0f));
  CHECK(f32_demote_f64(b64(0x1.0000030000000p+0)) == b32(0x1.000004p+0f));
  CHECK(f32_demote_f64(kF64CanonicalNaN) == kF32CanonicalNaN);
  CHECK(f32_demote_f64(0xFFF8000000000000) == 0xFFC00000);
  CHECK(is_arithmetic32(f32_demote_f64(0x7FF4000000000000)));
  CHECK(is_arithmetic32(f32_demote_f64(0x7FF0000000000001)));  // payload below f32 precision
  CHECK(f64_promote_f32(b32(0x1p-149f)) == b64(0x1p-149));
  CHECK(f64_promote_f32(b32(-0x1.fffffep+127f)) == b64(-0x1.fffffep+127));
  CHECK(f64_promote_f32(kF32CanonicalNaN) == kF64CanonicalNaN);
  CHECK(f64_promote_f32(0xFFC00000) == 0xFFF8000000000000);
  CHECK(f64_promote_f32(0x7FA00000) == 0x7FFC000000000000);
  CHECK(is_arithmetic64(f64_promote_f32(0x7F800001)));
}

TEST_CASE("integer helpers") {
  CHECK(rotl32(0x80000001u, 1) == 0x00000003u);
  CHECK(rotl32(0x12345678u, 36) == 0x23456781u);
  CHECK(rotr32(0x00000003u, 33) == 0x80000001u);
  CHECK(rotl64(0x8000000000000001u, 65) == 3u);
  CHECK(rotr64(1u, 0xFFFFFFFFFFFFFFFFu) == 2u);
  CHECK(clz(uint32_t{0}) == 32u);
  CHECK(clz(uint32_t{1}) == 31u);
  CHECK(clz(uint64_t{0}) == 64u);
  CHECK(ctz(uint32_t{0x80000000u}) == 31u);
  CHECK(ctz(uint64_t{0}) == 64u);
  CHECK(popcnt(uint32_t{0xFFFFFFFFu}) == 32u);
  CHECK(popcnt(uint64_t{0xAAAAAAAAAAAAAAAAu}) == 32u);
  CHECK(shl32(1, 33) == 2u);
  CHECK(shr_s32(0x80000000u, 63) == 0xFFFFFFFFu);
  CHECK(shr_u32(0x80000000u, 31) == 1u);
  CHECK(shr_s64(0x8000000000000000u, 127) == ~uint64_t{0});
  CHECK(shl64(1, 64) == 1u);
  CHECK(extend8_s32(0x80u) == 0xFFFFFF80u);
  CHECK(extend16_s32(0x12347FFFu) == 0x7FFFu);
  CHECK(extend32_s64(0x80000000u) == 0xFFFFFFFF80000000u);
  CHECK(extend8_s64(0x7Fu) == 0x7Fu);
  CHECK(extend16_s64(0x8000u) == 0xFFFFFFFFFFFF8000u);
}

TEST_CASE("division traps and results") {
  uint32_t r32 = 7;
  CHECK(div_s32(1, 0, r32) == DivStatus::kDivideByZero);
  CHECK(div_s32(0x80000000u, 0xFFFFFFFFu, r32) == DivStatus::kOverflow);
  CHECK(r32 == 7u);
  REQUIRE(div_s32(static_cast<uint32_t>(-7), 2, r32) == DivStatus::kOk);
  CHECK(r32 == static_cast<uint32_t>(-3));
  REQUIRE(div_u32(0x80000000u, 2, r32) == DivStatus::kOk);
  CHECK(r32 == 0x40000000u);
  CHECK(div_u32(1, 0, r32) == DivStatus::kDivideByZero);
  REQUIRE(rem_s32(0x80000000u, 0xFFFFFFFFu, r32) == DivStatus::kOk);
  CHECK(r32 == 0u);
  REQUIRE(rem_s32(static_cast<uint32_t>(-7), 2, r32) == DivStatus::kOk);
  CHECK(r32 == static_cast<uint32_t>(-1));
  CHECK(rem_s32(5, 0, r32) == DivStatus::kDivideByZero);
  REQUIRE(rem_u32(0xFFFFFFFFu, 10, r32) == DivStatus::kOk);
  CHECK(r32 == 5u);
  CHECK(rem_u32(5, 0, r32) == DivStatus::kDivideByZero);

  uint64_t r64 = 0;
  CHECK(div_s64(0x8000000000000000u, ~uint64_t{0}, r64) == DivStatus::kOverflow);
  CHECK(div_s64(1, 0, r64) == DivStatus::kDivideByZero);
  REQUIRE(div_s64(static_cast<uint64_t>(-9), 4, r64) == DivStatus::kOk);
  CHECK(r64 == static_cast<uint64_t>(-2));
  REQUIRE(div_u64(~uint64_t{0}, 2, r64) == DivStatus::kOk);
  CHECK(r64 == 0x7FFFFFFFFFFFFFFFu);
  REQUIRE(rem_s64(0x8000000000000000u, ~uint64_t{0}, r64) == DivStatus::kOk);
  CHECK(r64 == 0u);
  REQUIRE(rem_s64(static_cast<uint64_t>(-9), 4, r64) == DivStatus::kOk);
  CHECK(r64 == static_cast<uint64_t>(-1));
  REQUIRE(rem_u64(~uint64_t{0}, 10, r64) == DivStatus::kOk);
  CHECK(r64 == 5u);
  CHECK(rem_u64(1, 0, r64) == DivStatus::kDivideByZero);
  CHECK(div_u64(1, 0, r64) == DivStatus::kDivideByZero);
}
