// Unit tests for the SIMD value semantics (src/interp/simd_ops.h): opcode coverage and spec-suite edge cases.
#include "interp/simd_ops.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "kiln/ir/opcode.h"

using kiln::V128;

namespace {

template <typename L, typename T>
V128 make(std::initializer_list<T> values) {
  REQUIRE(values.size() == 16 / sizeof(L));
  V128 r;
  unsigned i = 0;
  for (T x : values) r.set_lane<L>(i++, static_cast<L>(x));
  return r;
}
V128 i8(std::initializer_list<int> v) { return make<uint8_t>(v); }
V128 i16(std::initializer_list<int> v) { return make<uint16_t>(v); }
V128 i32(std::initializer_list<int64_t> v) { return make<uint32_t>(v); }
V128 i64(std::initializer_list<int64_t> v) { return make<uint64_t>(v); }
V128 f32(std::initializer_list<float> v) {
  V128 r;
  unsigned i = 0;
  for (float x : v) r.set_lane<uint32_t>(i++, kiln::num::from_f32(x));
  return r;
}
V128 f64(std::initializer_list<double> v) {
  V128 r;
  unsigned i = 0;
  for (double x : v) r.set_lane<uint64_t>(i++, kiln::num::from_f64(x));
  return r;
}
V128 f32_bits(std::initializer_list<uint32_t> v) { return make<uint32_t>(v); }
V128 f64_bits(std::initializer_list<uint64_t> v) { return make<uint64_t>(v); }

std::string show(const V128& v) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < 16; ++i) {
    s += kHex[v.bytes[i] >> 4];
    s += kHex[v.bytes[i] & 15];
    s += i % 4 == 3 && i != 15 ? " " : "";
  }
  return s;
}
#define CHECK_V(actual, expected) CHECK(show(actual) == show(expected))

constexpr float kInfF = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();
constexpr float kMaxF = std::numeric_limits<float>::max();
constexpr double kMaxD = std::numeric_limits<double>::max();

// ---- signature coverage: every pure SIMD opcode has a function of the mechanical signature ----

struct Missing {};

template <typename T>
char letter() {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, V128>) return 'v';
  else if constexpr (std::is_same_v<U, uint32_t>) return 'i';
  else if constexpr (std::is_same_v<U, uint64_t>) return 'l';
  else if constexpr (std::is_same_v<U, const uint8_t*>) return 'p';
  else if constexpr (std::is_same_v<U, uint8_t*>) return 'P';
  else if constexpr (std::is_same_v<U, void>) return '_';
  else return '?';
}
template <typename R, typename... A>
std::string signature_of(R (*)(A...)) {
  std::string s(1, letter<R>());
  s += '(';
  ((s += letter<A>()), ...);
  return s + ')';
}
std::string signature_of(const Missing*) { return "missing"; }

std::string map_letters(const std::string& s) {
  std::string r;
  for (char c : s) r += c == 'f' ? 'i' : c == 'd' ? 'l' : c;
  return r;
}

// The signature the dispatcher expects from the opcode's row in opcodes.def; empty when the
// opcode has no value function (v128.const).
std::string expected_signature(kiln::Imm imm, const std::string& params, const std::string& results) {
  using kiln::Imm;
  std::string result = results.empty() ? "_" : map_letters(results);
  switch (imm) {
    case Imm::kNone: return result + "(" + map_letters(params) + ")";
    case Imm::kShuffle: return "v(vvp)";
    case Imm::kLane2: case Imm::kLane4: case Imm::kLane8: case Imm::kLane16:
      return result + "(vi" + map_letters(params.substr(1)) + ")";
    case Imm::kMemArg1: case Imm::kMemArg2: case Imm::kMemArg4: case Imm::kMemArg8: case Imm::kMemArg16:
      return results.empty() ? "_(Pv)" : "v(p)";
    case Imm::kMemLane1: case Imm::kMemLane2: case Imm::kMemLane4: case Imm::kMemLane8:
      return results.empty() ? "_(Pvi)" : "v(pvi)";
    default: return "";
  }
}

struct OpRow {
  const char* ident;
  kiln::Imm imm;
  const char* params;
  const char* results;
  kiln::OpFeature feature;
  std::string actual;
};

}  // namespace

// Each ident resolves to kiln::simd's function when there is one, else to this placeholder.
namespace kiln {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) [[maybe_unused]] inline constexpr ::Missing ident{};
#include "kiln/ir/opcodes.def"
#undef KILN_OP
}  // namespace kiln

namespace kiln::simd::probe {
inline std::vector<OpRow> all_rows() {
  return {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) \
  {#ident, Imm::imm, params, results, OpFeature::feature, signature_of(&ident)},
#include "kiln/ir/opcodes.def"
#undef KILN_OP
  };
}
}  // namespace kiln::simd::probe

TEST_CASE("every SIMD and relaxed-SIMD opcode has a function with the mechanical signature") {
  int checked = 0;
  for (const OpRow& row : kiln::simd::probe::all_rows()) {
    if (row.feature != kiln::OpFeature::kSimd && row.feature != kiln::OpFeature::kRelaxedSimd) continue;
    std::string expected = expected_signature(row.imm, row.params, row.results);
    if (expected.empty()) continue;
    INFO(row.ident);
    CHECK(row.actual == expected);
    ++checked;
  }
  CHECK(checked >= 250);  // guards against the loop silently matching nothing
}

// ---- lanes, shuffles, loads -----------------------------------------------------------------

TEST_CASE("splat extract replace") {
  using namespace kiln::simd;
  CHECK_V(I8x16Splat(0x1FF), i8({-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}));
  CHECK_V(I16x8Splat(0x12345), i16({0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345, 0x2345}));
  CHECK_V(I64x2Splat(0x0102030405060708u), i64({0x0102030405060708, 0x0102030405060708}));
  CHECK_V(F32x4Splat(0x7FA00001), f32_bits({0x7FA00001, 0x7FA00001, 0x7FA00001, 0x7FA00001}));
  V128 v = i8({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1});
  CHECK(I8x16ExtractLaneS(v, 15) == 0xFFFFFFFFu);
  CHECK(I8x16ExtractLaneU(v, 15) == 0xFFu);
  V128 w = i16({0, 0, 0, 0, 0, 0, 0, -32768});
  CHECK(I16x8ExtractLaneS(w, 7) == 0xFFFF8000u);
  CHECK(I16x8ExtractLaneU(w, 7) == 0x8000u);
  CHECK(I32x4ExtractLane(i32({1, 2, 3, 4}), 2) == 3u);
  CHECK(I64x2ExtractLane(i64({1, -2}), 1) == 0xFFFFFFFFFFFFFFFEu);
  CHECK(F32x4ExtractLane(f32_bits({0, 0, 0, 0xFFC00001}), 3) == 0xFFC00001u);
  CHECK(F64x2ExtractLane(f64({1.5, -0.0}), 1) == 0x8000000000000000u);
  CHECK_V(I8x16ReplaceLane(V128{}, 3, 0x1AB), i8({0, 0, 0, 0xAB, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I16x8ReplaceLane(V128{}, 0, 0xFFFF8001), i16({-32767, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I32x4ReplaceLane(i32({1, 2, 3, 4}), 1, 9), i32({1, 9, 3, 4}));
  CHECK_V(I64x2ReplaceLane(i64({1, 2}), 1, 7), i64({1, 7}));
  CHECK_V(F32x4ReplaceLane(V128{}, 2, 0x7F800001), f32_bits({0, 0, 0x7F800001, 0}));
  CHECK_V(F64x2ReplaceLane(V128{}, 0, 0x7FF0000000000001), f64_bits({0x7FF0000000000001, 0}));
}

TEST_CASE("shuffle and swizzle") {
  using namespace kiln::simd;
  V128 a = i8({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  V128 b = i8({16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31});
  const uint8_t lanes[16] = {31, 0, 16, 15, 1, 17, 30, 14, 5, 5, 5, 5, 20, 21, 2, 3};
  CHECK_V(I8x16Shuffle(a, b, lanes), i8({31, 0, 16, 15, 1, 17, 30, 14, 5, 5, 5, 5, 20, 21, 2, 3}));
  V128 table = i8({100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115});
  V128 idx = i8({15, 0, 16, 17, 255, 0x80, 0x7F, 3, 1, 2, 3, 4, 5, 6, 7, 8});
  CHECK_V(I8x16Swizzle(table, idx), i8({115, 100, 0, 0, 0, 0, 0, 103, 101, 102, 103, 104, 105, 106, 107, 108}));
}

TEST_CASE("loads") {
  using namespace kiln::simd;
  const uint8_t mem[16] = {0x80, 0x7F, 0xFF, 0x01, 0x00, 0x80, 0xFE, 0xFF, 9, 10, 11, 12, 13, 14, 15, 16};
  CHECK_V(V128Load(mem), i8({0x80, 0x7F, 0xFF, 1, 0, 0x80, 0xFE, 0xFF, 9, 10, 11, 12, 13, 14, 15, 16}));
  CHECK_V(V128Load8x8S(mem), i16({-128, 127, -1, 1, 0, -128, -2, -1}));
  CHECK_V(V128Load8x8U(mem), i16({128, 127, 255, 1, 0, 128, 254, 255}));
  CHECK_V(V128Load16x4S(mem), i32({0x7F80, 0x01FF, static_cast<int32_t>(0xFFFF8000), static_cast<int32_t>(0xFFFFFFFE)}));
  CHECK_V(V128Load16x4U(mem), i32({0x7F80, 0x01FF, 0x8000, 0xFFFE}));
  CHECK_V(V128Load32x2S(mem), i64({0x01FF7F80, static_cast<int64_t>(0xFFFFFFFFFFFE8000)}));
  CHECK_V(V128Load32x2U(mem), i64({0x01FF7F80, 0xFFFE8000}));
  CHECK_V(V128Load8Splat(mem + 2), I8x16Splat(0xFF));
  CHECK_V(V128Load16Splat(mem), I16x8Splat(0x7F80));
  CHECK_V(V128Load32Splat(mem + 4), I32x4Splat(0xFFFE8000));
  CHECK_V(V128Load64Splat(mem), I64x2Splat(0xFFFE800001FF7F80));
  CHECK_V(V128Load32Zero(mem), i32({0x01FF7F80, 0, 0, 0}));
  CHECK_V(V128Load64Zero(mem), i64({static_cast<int64_t>(0xFFFE800001FF7F80), 0}));
  CHECK_V(V128Load16Lane(mem, V128{}, 7), i16({0, 0, 0, 0, 0, 0, 0, 0x7F80}));
  CHECK_V(V128Load64Lane(mem + 8, i64({1, 2}), 0), i64({0x100F0E0D0C0B0A09, 2}));
  uint8_t out[16] = {};
  V128Store32Lane(out, i32({1, 2, 0x0A0B0C0D, 4}), 2);
  CHECK(out[0] == 0x0D);
  CHECK(out[3] == 0x0A);
  V128Store(out, i64({0x0706050403020100, 0x0F0E0D0C0B0A0908}));
  for (unsigned i = 0; i < 16; ++i) CHECK(out[i] == i);
  V128Store8Lane(out, i8({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x77}), 15);
  CHECK(out[0] == 0x77);
  V128Store64Lane(out, i64({0, -1}), 1);
  CHECK(out[7] == 0xFF);
  V128Store16Lane(out + 8, i16({0, 0, 0x1234, 0, 0, 0, 0, 0}), 2);
  CHECK(out[8] == 0x34);
  CHECK(out[9] == 0x12);
  CHECK_V(V128Load8Lane(mem, V128{}, 1), i8({0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(V128Load32Lane(mem, V128{}, 3), i32({0, 0, 0, 0x01FF7F80}));
}

TEST_CASE("bitwise, any_true, all_true, bitmask") {
  using namespace kiln::simd;
  V128 a = i64({static_cast<int64_t>(0xF0F0F0F0F0F0F0F0), 0x00FF00FF00FF00FF});
  V128 b = i64({static_cast<int64_t>(0xFF00FF00FF00FF00), 0x0F0F0F0F0F0F0F0F});
  CHECK_V(V128Not(a), i64({0x0F0F0F0F0F0F0F0F, static_cast<int64_t>(0xFF00FF00FF00FF00)}));
  CHECK_V(V128And(a, b), i64({static_cast<int64_t>(0xF000F000F000F000), 0x000F000F000F000F}));
  CHECK_V(V128Andnot(a, b), i64({0x00F000F000F000F0, 0x00F000F000F000F0}));
  CHECK_V(V128Or(a, b), i64({static_cast<int64_t>(0xFFF0FFF0FFF0FFF0), 0x0FFF0FFF0FFF0FFF}));
  CHECK_V(V128Xor(a, b), i64({0x0FF00FF00FF00FF0, 0x0FF00FF00FF00FF0}));
  CHECK_V(V128Bitselect(a, b, i64({-1, 0x00000000FFFFFFFF})), i64({static_cast<int64_t>(0xF0F0F0F0F0F0F0F0), 0x0F0F0F0F00FF00FF}));
  CHECK(V128AnyTrue(V128{}) == 0u);
  CHECK(V128AnyTrue(i64({0, static_cast<int64_t>(0x8000000000000000)})) == 1u);
  CHECK(I8x16AllTrue(i8({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})) == 1u);
  CHECK(I8x16AllTrue(i8({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0})) == 0u);
  CHECK(I16x8AllTrue(i16({0x100, 1, 1, 1, 1, 1, 1, 1})) == 1u);
  CHECK(I16x8AllTrue(i8({1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0})) == 0u);
  CHECK(I32x4AllTrue(i32({1, 1 << 16, 1, -1})) == 1u);
  CHECK(I64x2AllTrue(i64({1, 0})) == 0u);
  CHECK(I64x2AllTrue(i64({1LL << 40, -1})) == 1u);
  CHECK(I8x16Bitmask(i8({-1, 0, 0x80, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128})) == 0x8005u);
  CHECK(I16x8Bitmask(i16({-1, 0x7FFF, 0x8000, 0, 0, 0, 0, -2})) == 0x85u);
  CHECK(I32x4Bitmask(i32({0, -1, 0x7FFFFFFF, static_cast<int64_t>(0x80000000)})) == 0xAu);
  CHECK(I64x2Bitmask(i64({-1, 1})) == 1u);
}

// ---- integer lanes --------------------------------------------------------------------------

TEST_CASE("i8x16 arithmetic and saturation") {
  using namespace kiln::simd;
  V128 a = i8({127, -128, -1, 0, 100, -100, 1, 255, 0, 0, 0, 0, 0, 0, 0, 0});
  V128 b = i8({1, -1, -1, 1, 100, -100, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK_V(I8x16Add(a, b), i8({-128, 127, -2, 1, 200, 56, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16AddSatS(a, b), i8({127, -128, -2, 1, 127, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16AddSatU(a, b), i8({128, 255, 255, 1, 200, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16Sub(a, b), i8({126, -127, 0, -1, 0, 0, 2, -2, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16SubSatS(a, b), i8({126, -127, 0, -1, 0, 0, 2, -2, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16SubSatS(i8({-128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), i8({1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})),
          i8({-128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16SubSatU(a, b), i8({126, 0, 0, 0, 0, 0, 0, 254, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16Neg(a), i8({-127, -128, 1, 0, -100, 100, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16Abs(a), i8({127, -128, 1, 0, 100, 100, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16MinS(a, b), i8({1, -128, -1, 0, 100, -100, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16MinU(a, b), i8({1, 128, 255, 0, 100, 156, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16MaxS(a, b), i8({127, -1, -1, 1, 100, -100, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16MaxU(a, b), i8({127, 255, 255, 1, 100, 156, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16AvgrU(a, b), i8({64, 192, 255, 1, 100, 156, 128, 128, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16Popcnt(i8({0, 1, 3, 7, 0xF, 0x1F, 0x3F, 0x7F, 0xFF, 0x80, 0x55, 0xAA, 0x10, 0x11, 0x12, 0x13})),
          i8({0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 4, 4, 1, 2, 2, 3}));
}

TEST_CASE("integer compares") {
  using namespace kiln::simd;
  V128 a = i8({-1, 0, 1, 127, -128, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  V128 b = i8({0, -1, 1, -128, 127, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  CHECK_V(I8x16LtS(a, b), i8({-1, 0, 0, 0, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16LtU(a, b), i8({0, -1, 0, -1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16GeS(a, b), i8({0, -1, -1, -1, 0, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1}));
  CHECK_V(I8x16GeU(a, b), i8({-1, 0, -1, 0, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1}));
  CHECK_V(I8x16GtS(a, b), i8({0, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16GtU(a, b), i8({-1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I8x16LeS(a, b), i8({-1, 0, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}));
  CHECK_V(I8x16LeU(a, b), i8({0, -1, -1, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}));
  CHECK_V(I8x16Eq(a, b), i8({0, 0, -1, 0, 0, -1, 0, -1, -1, -1, -1, -1, -1, -1, -1, -1}));
  CHECK_V(I8x16Ne(a, b), i8({-1, -1, 0, -1, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));

  V128 c = i16({-1, 0, 0x7FFF, -32768, 3, 3, 0, 0});
  V128 d = i16({0, -1, -32768, 0x7FFF, 3, 4, 0, 0});
  CHECK_V(I16x8LtS(c, d), i16({-1, 0, 0, -1, 0, -1, 0, 0}));
  CHECK_V(I16x8LtU(c, d), i16({0, -1, -1, 0, 0, -1, 0, 0}));
  CHECK_V(I16x8GtS(c, d), i16({0, -1, -1, 0, 0, 0, 0, 0}));
  CHECK_V(I16x8GtU(c, d), i16({-1, 0, 0, -1, 0, 0, 0, 0}));
  CHECK_V(I16x8LeS(c, d), i16({-1, 0, 0, -1, -1, -1, -1, -1}));
  CHECK_V(I16x8LeU(c, d), i16({0, -1, -1, 0, -1, -1, -1, -1}));
  CHECK_V(I16x8GeS(c, d), i16({0, -1, -1, 0, -1, 0, -1, -1}));
  CHECK_V(I16x8GeU(c, d), i16({-1, 0, 0, -1, -1, 0, -1, -1}));
  CHECK_V(I16x8Eq(c, d), i16({0, 0, 0, 0, -1, 0, -1, -1}));
  CHECK_V(I16x8Ne(c, d), i16({-1, -1, -1, -1, 0, -1, 0, 0}));

  V128 e = i32({-1, 0, 0x7FFFFFFF, 5});
  V128 f = i32({0, -1, 0x80000000, 5});
  CHECK_V(I32x4LtS(e, f), i32({-1, 0, 0, 0}));
  CHECK_V(I32x4LtU(e, f), i32({0, -1, -1, 0}));
  CHECK_V(I32x4GtS(e, f), i32({0, -1, -1, 0}));
  CHECK_V(I32x4GtU(e, f), i32({-1, 0, 0, 0}));
  CHECK_V(I32x4LeS(e, f), i32({-1, 0, 0, -1}));
  CHECK_V(I32x4LeU(e, f), i32({0, -1, -1, -1}));
  CHECK_V(I32x4GeS(e, f), i32({0, -1, -1, -1}));
  CHECK_V(I32x4GeU(e, f), i32({-1, 0, 0, -1}));
  CHECK_V(I32x4Eq(e, f), i32({0, 0, 0, -1}));
  CHECK_V(I32x4Ne(e, f), i32({-1, -1, -1, 0}));

  V128 g = i64({-1, 0x7FFFFFFFFFFFFFFF});
  V128 h = i64({0, std::numeric_limits<int64_t>::min()});
  CHECK_V(I64x2LtS(g, h), i64({-1, 0}));
  CHECK_V(I64x2GtS(g, h), i64({0, -1}));
  CHECK_V(I64x2LeS(g, g), i64({-1, -1}));
  CHECK_V(I64x2GeS(g, h), i64({0, -1}));
  CHECK_V(I64x2Eq(g, i64({-1, 0})), i64({-1, 0}));
  CHECK_V(I64x2Ne(g, i64({-1, 0})), i64({0, -1}));
}

TEST_CASE("shifts take the count modulo the lane width") {
  using namespace kiln::simd;
  V128 a = i8({-128, 1, 0x40, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81});
  CHECK_V(I8x16Shl(a, 1), i8({0, 2, -128, -2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}));
  CHECK_V(I8x16Shl(a, 9), I8x16Shl(a, 1));
  CHECK_V(I8x16Shl(a, 8), a);
  CHECK_V(I8x16ShrS(a, 7), i8({-1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1}));
  CHECK_V(I8x16ShrU(a, 15), i8({1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  V128 b = i16({-32768, 1, 0x4000, -1, 0x1234, 0, 0, 0});
  CHECK_V(I16x8Shl(b, 17), i16({0, 2, -32768, -2, 0x2468, 0, 0, 0}));
  CHECK_V(I16x8ShrS(b, 15), i16({-1, 0, 0, -1, 0, 0, 0, 0}));
  CHECK_V(I16x8ShrU(b, 16 + 4), i16({0x0800, 0, 0x0400, 0x0FFF, 0x0123, 0, 0, 0}));
  V128 c = i32({0x80000000, 1, -1, 0x12345678});
  CHECK_V(I32x4Shl(c, 33), i32({0, 2, -2, 0x2468ACF0}));
  CHECK_V(I32x4ShrS(c, 31), i32({-1, 0, -1, 0}));
  CHECK_V(I32x4ShrU(c, 32 + 28), i32({8, 0, 15, 1}));
  CHECK_V(I32x4ShrS(c, 32), c);
  V128 d = i64({std::numeric_limits<int64_t>::min(), 3});
  CHECK_V(I64x2Shl(d, 65), i64({0, 6}));
  CHECK_V(I64x2ShrS(d, 63), i64({-1, 0}));
  CHECK_V(I64x2ShrU(d, 127), i64({1, 0}));
  CHECK_V(I64x2ShrU(d, 64), d);
  CHECK_V(I64x2ShrS(d, 0xFFFFFFFFu), i64({-1, 0}));
}

TEST_CASE("i16x8, i32x4, i64x2 arithmetic") {
  using namespace kiln::simd;
  V128 a = i16({0x7FFF, -32768, -1, 300, 0xFFFF, 2, 0, 0});
  V128 b = i16({1, -1, -1, 300, 1, -3, 0, 0});
  CHECK_V(I16x8Add(a, b), i16({-32768, 0x7FFF, -2, 600, 0, -1, 0, 0}));
  CHECK_V(I16x8AddSatS(a, b), i16({0x7FFF, -32768, -2, 600, 0, -1, 0, 0}));
  CHECK_V(I16x8AddSatU(a, b), i16({0x8000, 0xFFFF, 0xFFFF, 600, 0xFFFF, 0xFFFF, 0, 0}));
  CHECK_V(I16x8Sub(a, b), i16({0x7FFE, -32767, 0, 0, -2, 5, 0, 0}));
  CHECK_V(I16x8SubSatS(i16({-32768, 0x7FFF, 0, 0, 0, 0, 0, 0}), i16({1, -1, 0, 0, 0, 0, 0, 0})),
          i16({-32768, 0x7FFF, 0, 0, 0, 0, 0, 0}));
  CHECK_V(I16x8SubSatU(a, b), i16({0x7FFE, 0, 0, 0, 0xFFFE, 0, 0, 0}));
  CHECK_V(I16x8Mul(a, b), i16({0x7FFF, -32768, 1, 90000 & 0xFFFF, -1, -6, 0, 0}));
  CHECK_V(I16x8Mul(I16x8Splat(0xFFFF), I16x8Splat(0xFFFF)), I16x8Splat(1));
  CHECK_V(I16x8Neg(a), i16({-32767, -32768, 1, -300, 1, -2, 0, 0}));
  CHECK_V(I16x8Abs(a), i16({0x7FFF, -32768, 1, 300, 1, 2, 0, 0}));
  CHECK_V(I16x8MinS(a, b), i16({1, -32768, -1, 300, -1, -3, 0, 0}));
  CHECK_V(I16x8MinU(a, b), i16({1, 0x8000, 0xFFFF, 300, 1, 2, 0, 0}));
  CHECK_V(I16x8MaxS(a, b), i16({0x7FFF, -1, -1, 300, 1, 2, 0, 0}));
  CHECK_V(I16x8MaxU(a, b), i16({0x7FFF, 0xFFFF, 0xFFFF, 300, 0xFFFF, 0xFFFD, 0, 0}));
  CHECK_V(I16x8AvgrU(a, b), i16({0x4000, 0xC000, 0xFFFF, 300, 0x8000, 0x8000, 0, 0}));

  V128 c = i32({0x7FFFFFFF, std::numeric_limits<int32_t>::min(), -5, 65536});
  V128 d = i32({1, -1, 3, 65536});
  CHECK_V(I32x4Add(c, d), i32({std::numeric_limits<int32_t>::min(), 0x7FFFFFFF, -2, 131072}));
  CHECK_V(I32x4Sub(c, d), i32({0x7FFFFFFE, std::numeric_limits<int32_t>::min() + 1, -8, 0}));
  CHECK_V(I32x4Mul(c, d), i32({0x7FFFFFFF, std::numeric_limits<int32_t>::min(), -15, 0}));
  CHECK_V(I32x4Neg(c), i32({-0x7FFFFFFF, std::numeric_limits<int32_t>::min(), 5, -65536}));
  CHECK_V(I32x4Abs(c), i32({0x7FFFFFFF, std::numeric_limits<int32_t>::min(), 5, 65536}));
  CHECK_V(I32x4MinS(c, d), i32({1, std::numeric_limits<int32_t>::min(), -5, 65536}));
  CHECK_V(I32x4MinU(c, d), i32({1, std::numeric_limits<int32_t>::min(), 3, 65536}));
  CHECK_V(I32x4MaxS(c, d), i32({0x7FFFFFFF, -1, 3, 65536}));
  CHECK_V(I32x4MaxU(c, d), i32({0x7FFFFFFF, -1, -5, 65536}));

  V128 e = i64({std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()});
  V128 f = i64({2, -1});
  CHECK_V(I64x2Add(e, f), i64({std::numeric_limits<int64_t>::min() + 1, std::numeric_limits<int64_t>::max()}));
  CHECK_V(I64x2Sub(e, f), i64({0x7FFFFFFFFFFFFFFD, std::numeric_limits<int64_t>::min() + 1}));
  CHECK_V(I64x2Mul(e, f), i64({-2, std::numeric_limits<int64_t>::min()}));
  CHECK_V(I64x2Neg(e), i64({std::numeric_limits<int64_t>::min() + 1, std::numeric_limits<int64_t>::min()}));
  CHECK_V(I64x2Abs(i64({-7, std::numeric_limits<int64_t>::min()})), i64({7, std::numeric_limits<int64_t>::min()}));
}

TEST_CASE("narrowing saturates signed inputs") {
  using namespace kiln::simd;
  V128 a = i16({-129, 128, 300, -1, 127, -128, 0x7FFF, -32768});
  V128 b = i16({0, 1, 2, 255, 256, -300, 100, -100});
  CHECK_V(I8x16NarrowI16x8S(a, b), i8({-128, 127, 127, -1, 127, -128, 127, -128, 0, 1, 2, 127, 127, -128, 100, -100}));
  CHECK_V(I8x16NarrowI16x8U(a, b), i8({0, 128, 255, 0, 127, 0, 255, 0, 0, 1, 2, 255, 255, 0, 100, 0}));
  V128 c = i32({-32769, 32768, 70000, -1});
  V128 d = i32({65535, 65536, -70000, 1234});
  CHECK_V(I16x8NarrowI32x4S(c, d), i16({-32768, 0x7FFF, 0x7FFF, -1, 0x7FFF, 0x7FFF, -32768, 1234}));
  CHECK_V(I16x8NarrowI32x4U(c, d), i16({0, 0x8000, 0xFFFF, 0, 0xFFFF, 0xFFFF, 0, 1234}));
}

TEST_CASE("extend, extmul, extadd_pairwise") {
  using namespace kiln::simd;
  V128 a = i8({-1, 2, -128, 127, 0, 1, 2, 3, -2, 4, 0x80, 5, 6, 7, 8, -9});
  CHECK_V(I16x8ExtendLowI8x16S(a), i16({-1, 2, -128, 127, 0, 1, 2, 3}));
  CHECK_V(I16x8ExtendLowI8x16U(a), i16({255, 2, 128, 127, 0, 1, 2, 3}));
  CHECK_V(I16x8ExtendHighI8x16S(a), i16({-2, 4, -128, 5, 6, 7, 8, -9}));
  CHECK_V(I16x8ExtendHighI8x16U(a), i16({254, 4, 128, 5, 6, 7, 8, 247}));
  V128 b = i16({-1, 2, -32768, 0x7FFF, -2, 3, 4, -5});
  CHECK_V(I32x4ExtendLowI16x8S(b), i32({-1, 2, -32768, 0x7FFF}));
  CHECK_V(I32x4ExtendLowI16x8U(b), i32({0xFFFF, 2, 0x8000, 0x7FFF}));
  CHECK_V(I32x4ExtendHighI16x8S(b), i32({-2, 3, 4, -5}));
  CHECK_V(I32x4ExtendHighI16x8U(b), i32({0xFFFE, 3, 4, 0xFFFB}));
  V128 c = i32({-1, 2, std::numeric_limits<int32_t>::min(), 7});
  CHECK_V(I64x2ExtendLowI32x4S(c), i64({-1, 2}));
  CHECK_V(I64x2ExtendLowI32x4U(c), i64({0xFFFFFFFF, 2}));
  CHECK_V(I64x2ExtendHighI32x4S(c), i64({std::numeric_limits<int32_t>::min(), 7}));
  CHECK_V(I64x2ExtendHighI32x4U(c), i64({0x80000000, 7}));

  V128 m = i8({-1, -128, -128, 127, 0, 0, 0, 0, 0xFF, 0x80, 2, 3, 0, 0, 0, 0});
  V128 n = i8({-1, -128, 127, 127, 0, 0, 0, 0, 0xFF, 0x80, -3, 3, 0, 0, 0, 0});
  CHECK_V(I16x8ExtmulLowI8x16S(m, n), i16({1, 16384, -16256, 16129, 0, 0, 0, 0}));
  CHECK_V(I16x8ExtmulLowI8x16U(m, n), i16({65025, 16384, 16256, 16129, 0, 0, 0, 0}));
  CHECK_V(I16x8ExtmulHighI8x16S(m, n), i16({1, 16384, -6, 9, 0, 0, 0, 0}));
  CHECK_V(I16x8ExtmulHighI8x16U(m, n), i16({65025, 16384, 2 * 253, 9, 0, 0, 0, 0}));
  V128 p = i16({-32768, -32768, -1, 0x7FFF, 0xFFFF, 2, 0, 0});
  V128 q = i16({-32768, 0x7FFF, -1, 0x7FFF, 0xFFFF, -2, 0, 0});
  CHECK_V(I32x4ExtmulLowI16x8S(p, q), i32({0x40000000, -1073709056, 1, 0x3FFF0001}));
  CHECK_V(I32x4ExtmulLowI16x8U(p, q), i32({0x40000000, 0x3FFF8000, 0xFFFE0001, 0x3FFF0001}));
  CHECK_V(I32x4ExtmulHighI16x8S(p, q), i32({1, -4, 0, 0}));
  CHECK_V(I32x4ExtmulHighI16x8U(p, q), i32({0xFFFE0001, 2 * 65534, 0, 0}));
  V128 r = i32({std::numeric_limits<int32_t>::min(), -1, -1, 0x7FFFFFFF});
  V128 s = i32({std::numeric_limits<int32_t>::min(), -1, 2, 0x7FFFFFFF});
  CHECK_V(I64x2ExtmulLowI32x4S(r, s), i64({0x4000000000000000, 1}));
  CHECK_V(I64x2ExtmulLowI32x4U(r, s), i64({0x4000000000000000, static_cast<int64_t>(0xFFFFFFFE00000001u)}));
  CHECK_V(I64x2ExtmulHighI32x4S(r, s), i64({-2, 0x3FFFFFFF00000001}));
  CHECK_V(I64x2ExtmulHighI32x4U(r, s), i64({0x1FFFFFFFE, 0x3FFFFFFF00000001}));

  CHECK_V(I16x8ExtaddPairwiseI8x16S(I8x16Splat(0x80)), I16x8Splat(static_cast<uint32_t>(-256)));
  CHECK_V(I16x8ExtaddPairwiseI8x16U(I8x16Splat(0xFF)), I16x8Splat(510));
  CHECK_V(I16x8ExtaddPairwiseI8x16S(i8({1, -2, 127, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5})), i16({-1, 254, 0, 0, 0, 0, 0, 5}));
  CHECK_V(I32x4ExtaddPairwiseI16x8S(I16x8Splat(0x8000)), I32x4Splat(static_cast<uint32_t>(-65536)));
  CHECK_V(I32x4ExtaddPairwiseI16x8U(I16x8Splat(0xFFFF)), I32x4Splat(131070));
}

TEST_CASE("q15mulr_sat and dot") {
  using namespace kiln::simd;
  V128 a = i16({-32768, 16384, -1, 0x7FFF, -32768, 1, -16384, 3});
  V128 b = i16({-32768, 16384, 1, 0x7FFF, 0x7FFF, 0x4000, 16385, 0x5555});
  // (a*b + 0x4000) >> 15 rounds half up; only -32768 * -32768 overflows.
  CHECK_V(I16x8Q15mulrSatS(a, b), i16({0x7FFF, 8192, 0, 0x7FFE, -32767, 1, -8192, 2}));
  V128 c = i16({-32768, -32768, 1, 2, 0x7FFF, 0x7FFF, -1, 1});
  V128 d = i16({-32768, -32768, 3, 4, 0x7FFF, -32768, -1, 1});
  // 2^30 + 2^30 wraps to INT32_MIN.
  CHECK_V(I32x4DotI16x8S(c, d), i32({std::numeric_limits<int32_t>::min(), 11, -32767, 2}));
}

// ---- float lanes ----------------------------------------------------------------------------

TEST_CASE("f32x4 min max pmin pmax") {
  using namespace kiln::simd;
  V128 a = f32_bits({0x00000000, 0x80000000, 0x7FC00000, 0x3F800000});  // +0, -0, nan, 1
  V128 b = f32_bits({0x80000000, 0x00000000, 0x3F800000, 0x7FA00000});  // -0, +0, 1, snan
  CHECK_V(F32x4Min(a, b), f32_bits({0x80000000, 0x80000000, 0x7FC00000, 0x7FE00000}));
  CHECK_V(F32x4Max(a, b), f32_bits({0x00000000, 0x00000000, 0x7FC00000, 0x7FE00000}));
  // Pseudo forms return an operand unchanged, including NaNs and the sign of zero.
  CHECK_V(F32x4Pmin(a, b), a);
  CHECK_V(F32x4Pmax(a, b), a);
  CHECK_V(F32x4Pmin(f32({1.0f, -kInfF, 3.0f, 2.0f}), f32({2.0f, kInfF, -3.0f, 2.0f})), f32({1.0f, -kInfF, -3.0f, 2.0f}));
  CHECK_V(F32x4Pmax(f32({1.0f, -kInfF, 3.0f, 2.0f}), f32({2.0f, kInfF, -3.0f, 2.0f})), f32({2.0f, kInfF, 3.0f, 2.0f}));
  CHECK_V(F32x4Pmin(b, a), f32_bits({0x80000000, 0x00000000, 0x3F800000, 0x7FA00000}));
}

TEST_CASE("f64x2 min max pmin pmax") {
  using namespace kiln::simd;
  CHECK_V(F64x2Min(f64({0.0, -0.0}), f64({-0.0, 0.0})), f64({-0.0, -0.0}));
  CHECK_V(F64x2Max(f64({0.0, -0.0}), f64({-0.0, 0.0})), f64({0.0, 0.0}));
  CHECK_V(F64x2Min(f64_bits({0x7FF8000000000000, 0x3FF0000000000000}), f64_bits({0xBFF0000000000000, 0x7FF0000000000001})),
          f64_bits({0x7FF8000000000000, 0x7FF8000000000001}));
  CHECK_V(F64x2Max(f64({-kInfD, 1.0}), f64({-1.0, 2.0})), f64({-1.0, 2.0}));
  CHECK_V(F64x2Pmin(f64_bits({0x7FF8000000000000, 0x3FF0000000000000}), f64_bits({0xBFF0000000000000, 0x7FF8000000000000})),
          f64_bits({0x7FF8000000000000, 0x3FF0000000000000}));
  CHECK_V(F64x2Pmax(f64({-0.0, 1.0}), f64({0.0, 2.0})), f64({-0.0, 2.0}));
}

TEST_CASE("float lane arithmetic and rounding") {
  using namespace kiln::simd;
  CHECK_V(F32x4Add(f32({1.0f, kInfF, 1.0f, 0x1p-149f}), f32({0x1p-24f, -kInfF, -1.0f, 0x1p-149f})),
          f32_bits({0x3F800000, kiln::num::kF32CanonicalNaN, 0x00000000, 0x00000002}));
  CHECK_V(F32x4Sub(f32({1.0f, 0.0f, -0.0f, 3.0f}), f32({1.0f, 0.0f, 0.0f, 0.5f})), f32({0.0f, 0.0f, -0.0f, 2.5f}));
  CHECK_V(F32x4Mul(f32({kMaxF, -2.0f, 0.0f, 3.0f}), f32({2.0f, 0.5f, -1.0f, 3.0f})), f32({kInfF, -1.0f, -0.0f, 9.0f}));
  CHECK_V(F32x4Div(f32({1.0f, -1.0f, 1.0f, 6.0f}), f32({0.0f, 0.0f, 3.0f, -4.0f})), f32({kInfF, -kInfF, 0x1.555556p-2f, -1.5f}));
  CHECK_V(F32x4Sqrt(f32({4.0f, -0.0f, 2.0f, -1.0f})), f32_bits({0x40000000, 0x80000000, 0x3FB504F3, kiln::num::kF32CanonicalNaN}));
  CHECK_V(F32x4Abs(f32_bits({0xFFC00001, 0x80000000, 0xBF800000, 0x3F800000})), f32_bits({0x7FC00001, 0, 0x3F800000, 0x3F800000}));
  CHECK_V(F32x4Neg(f32_bits({0x7FC00001, 0x80000000, 0xBF800000, 0})), f32_bits({0xFFC00001, 0, 0x3F800000, 0x80000000}));
  CHECK_V(F32x4Nearest(f32({0.5f, -1.5f, 2.5f, -0.4f})), f32({0.0f, -2.0f, 2.0f, -0.0f}));
  CHECK_V(F32x4Ceil(f32({-0.5f, 0.1f, -1.5f, 8388607.5f})), f32({-0.0f, 1.0f, -1.0f, 8388608.0f}));
  CHECK_V(F32x4Floor(f32({-0.5f, 0.1f, -1.5f, -0.0f})), f32({-1.0f, 0.0f, -2.0f, -0.0f}));
  CHECK_V(F32x4Trunc(f32_bits({0x7F800001, 0xBF7FFFFF, 0x40600000, 0xFF800000})), f32_bits({0x7FC00001, 0x80000000, 0x40400000, 0xFF800000}));

  CHECK_V(F64x2Add(f64({0x1p+53, -0.0}), f64({1.0, -0.0})), f64({0x1p+53, -0.0}));
  CHECK_V(F64x2Sub(f64({kInfD, 1.0}), f64({kInfD, 0x1p-54})), f64_bits({kiln::num::kF64CanonicalNaN, 0x3FF0000000000000}));
  CHECK_V(F64x2Mul(f64({0x1p-1022, -3.0}), f64({0x1p-52, 3.0})), f64({0x1p-1074, -9.0}));
  CHECK_V(F64x2Div(f64({0.0, 1.0}), f64({0.0, -kInfD})), f64_bits({kiln::num::kF64CanonicalNaN, 0x8000000000000000}));
  CHECK_V(F64x2Sqrt(f64({2.0, -kInfD})), f64_bits({0x3FF6A09E667F3BCD, kiln::num::kF64CanonicalNaN}));
  CHECK_V(F64x2Abs(f64({-0.0, -2.0})), f64({0.0, 2.0}));
  CHECK_V(F64x2Neg(f64_bits({0x7FF8000000000001, 0})), f64_bits({0xFFF8000000000001, 0x8000000000000000}));
  CHECK_V(F64x2Nearest(f64({4503599627370495.5, -2.5})), f64({4503599627370496.0, -2.0}));
  CHECK_V(F64x2Ceil(f64({-0.5, 1.0000001})), f64({-0.0, 2.0}));
  CHECK_V(F64x2Floor(f64({-0.5, 1.9999})), f64({-1.0, 1.0}));
  CHECK_V(F64x2Trunc(f64({-0.5, 1.9999})), f64({-0.0, 1.0}));
}

TEST_CASE("float lane compares") {
  using namespace kiln::simd;
  V128 a = f32_bits({0x7FC00000, 0x80000000, 0x3F800000, 0x40000000});  // nan, -0, 1, 2
  V128 b = f32_bits({0x7FC00000, 0x00000000, 0x40000000, 0x3F800000});  // nan, +0, 2, 1
  CHECK_V(F32x4Eq(a, b), i32({0, -1, 0, 0}));
  CHECK_V(F32x4Ne(a, b), i32({-1, 0, -1, -1}));
  CHECK_V(F32x4Lt(a, b), i32({0, 0, -1, 0}));
  CHECK_V(F32x4Gt(a, b), i32({0, 0, 0, -1}));
  CHECK_V(F32x4Le(a, b), i32({0, -1, -1, 0}));
  CHECK_V(F32x4Ge(a, b), i32({0, -1, 0, -1}));
  V128 c = f64_bits({0x7FF8000000000000, 0x8000000000000000});
  V128 d = f64_bits({0x3FF0000000000000, 0x0000000000000000});
  CHECK_V(F64x2Eq(c, d), i64({0, -1}));
  CHECK_V(F64x2Ne(c, d), i64({-1, 0}));
  CHECK_V(F64x2Lt(c, d), i64({0, 0}));
  CHECK_V(F64x2Gt(f64({3.0, 1.0}), f64({2.0, 1.0})), i64({-1, 0}));
  CHECK_V(F64x2Le(c, d), i64({0, -1}));
  CHECK_V(F64x2Ge(f64({3.0, 1.0}), f64({2.0, 2.0})), i64({-1, 0}));
}

TEST_CASE("lane conversions") {
  using namespace kiln::simd;
  // nan, 2^31, just below -2^31, -1.99..
  CHECK_V(I32x4TruncSatF32x4S(f32_bits({0x7FC00000, 0x4F000000, 0xCF000001, 0xBFFFFFFF})),
          i32({0, 0x7FFFFFFF, std::numeric_limits<int32_t>::min(), -1}));
  CHECK_V(I32x4TruncSatF32x4U(f32({-1.0f, 4294967040.0f, 4294967296.0f, -0.9f})), i32({0, 4294967040, 0xFFFFFFFF, 0}));
  CHECK_V(F32x4ConvertI32x4S(i32({16777217, -16777219, std::numeric_limits<int32_t>::min(), 0x7FFFFFFF})),
          f32({16777216.0f, -16777220.0f, -2147483648.0f, 2147483648.0f}));
  CHECK_V(F32x4ConvertI32x4U(i32({0xFFFFFFFF, 0x80000081, 0xFFFFFE80, 1})), f32({4294967296.0f, 0x1.000002p+31f, 0x1.fffffcp+31f, 1.0f}));
  CHECK_V(I32x4TruncSatF64x2SZero(f64({-2147483648.9, 2147483648.0})), i32({std::numeric_limits<int32_t>::min(), 0x7FFFFFFF, 0, 0}));
  CHECK_V(I32x4TruncSatF64x2SZero(f64_bits({0xFFF8000000000000, 0xC1E0000000200000})), i32({0, std::numeric_limits<int32_t>::min(), 0, 0}));
  CHECK_V(I32x4TruncSatF64x2UZero(f64({4294967295.9, -0.9})), i32({0xFFFFFFFF, 0, 0, 0}));
  CHECK_V(I32x4TruncSatF64x2UZero(f64({1e20, -kInfD})), i32({0xFFFFFFFF, 0, 0, 0}));
  CHECK_V(F64x2ConvertLowI32x4S(i32({-1, std::numeric_limits<int32_t>::min(), 5, 6})), f64({-1.0, -2147483648.0}));
  CHECK_V(F64x2ConvertLowI32x4U(i32({-1, std::numeric_limits<int32_t>::min(), 5, 6})), f64({4294967295.0, 2147483648.0}));
  CHECK_V(F32x4DemoteF64x2Zero(f64({0x1.fffffefffffffp+127, 0x1.ffffffp+127})), f32({0x1.fffffep+127f, kInfF, 0.0f, 0.0f}));
  CHECK_V(F32x4DemoteF64x2Zero(f64_bits({0x7FF8000000000000, 0x0000000000000001})), f32_bits({0x7FC00000, 0, 0, 0}));
  CHECK_V(F64x2PromoteLowF32x4(f32_bits({0xFFC00000, 0x00000001, 0x3F800000, 0x3F800000})),
          f64_bits({0xFFF8000000000000, 0x36A0000000000000}));
}

// ---- relaxed SIMD, deterministic profile ----------------------------------------------------

TEST_CASE("relaxed ops take the deterministic-profile result") {
  using namespace kiln::simd;
  V128 table = i8({100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115});
  CHECK_V(I8x16RelaxedSwizzle(table, i8({0, 16, 17, 0x7F, 0x80, 0xFF, 15, 31, 1, 1, 1, 1, 1, 1, 1, 1})),
          i8({100, 0, 0, 0, 0, 0, 115, 0, 101, 101, 101, 101, 101, 101, 101, 101}));

  CHECK_V(I32x4RelaxedTruncF32x4S(f32({-2147483648.0f, -2147483904.0f, 2147483647.0f, 2147483904.0f})),
          i32({std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::min(), 0x7FFFFFFF, 0x7FFFFFFF}));
  CHECK_V(I32x4RelaxedTruncF32x4S(f32_bits({0x7FC00000, 0xFFC00000, 0x7FC44444, 0xFFC44444})), i32({0, 0, 0, 0}));
  CHECK_V(I32x4RelaxedTruncF32x4U(f32({0.0f, -1.0f, 4294967040.0f, 4294967296.0f})), i32({0, 0, 4294967040, 0xFFFFFFFF}));
  CHECK_V(I32x4RelaxedTruncF32x4U(f32_bits({0x7FC00000, 0xFFC00000, 0x7FC44444, 0xFFC44444})), i32({0, 0, 0, 0}));
  CHECK_V(I32x4RelaxedTruncF64x2SZero(f64({-2147483904.0, 2147483904.0})), i32({std::numeric_limits<int32_t>::min(), 0x7FFFFFFF, 0, 0}));
  CHECK_V(I32x4RelaxedTruncF64x2SZero(f64_bits({0x7FF8000000000000, 0xFFF8000000000000})), i32({0, 0, 0, 0}));
  CHECK_V(I32x4RelaxedTruncF64x2UZero(f64({-1.0, 4294967296.0})), i32({0, 0xFFFFFFFF, 0, 0}));

  // Fused (one rounding): FLT_MAX * 2 - FLT_MAX does not overflow, and the low bits of the
  // exact product survive the subtraction (two roundings would give inf and 0).
  CHECK_V(F32x4RelaxedMadd(f32({kMaxF, kMaxF, kMaxF, kMaxF}), f32({2.0f, 2.0f, 2.0f, 2.0f}), f32({-kMaxF, -kMaxF, -kMaxF, -kMaxF})),
          f32({kMaxF, kMaxF, kMaxF, kMaxF}));
  V128 x = f32({0x1.000004p+0f, 0x1.000004p+0f, 2.0f, 1.0f});
  V128 y = f32({0x1.0002p+0f, 0x1.0002p+0f, 3.0f, 1.0f});
  CHECK_V(F32x4RelaxedMadd(x, y, f32({-0x1.000204p+0f, -0x1.000204p+0f, 1.0f, -1.0f})), f32({0x1p-37f, 0x1p-37f, 7.0f, 0.0f}));
  CHECK_V(F32x4RelaxedNmadd(x, y, f32({0x1.000204p+0f, 0x1.000204p+0f, 1.0f, 1.0f})), f32({-0x1p-37f, -0x1p-37f, -5.0f, 0.0f}));
  CHECK_V(F64x2RelaxedMadd(f64({kMaxD, 0x1.00000004p+0}), f64({2.0, 0x1.000002p+0}), f64({-kMaxD, -0x1.00000204p+0})), f64({kMaxD, 0x1p-53}));
  CHECK_V(F64x2RelaxedNmadd(f64({0x1.00000004p+0, 2.0}), f64({0x1.000002p+0, 3.0}), f64({0x1.00000204p+0, 1.0})), f64({-0x1p-53, -5.0}));
  // NaN results follow the rule of every float op: the first NaN operand, quieted.
  CHECK_V(F32x4RelaxedMadd(f32_bits({0x7F800001, 0x3F800000, 0x3F800000, 0x7F800000}), f32_bits({0x3F800000, 0xFFA00000, 0x3F800000, 0}),
                           f32_bits({0x7FC00001, 0x7FC00002, 0xFF900000, 0x3F800000})),
          f32_bits({0x7FC00001, 0xFFE00000, 0xFFD00000, 0x7FC00000}));

  CHECK_V(I8x16RelaxedLaneselect(i8({0, 1, 0x12, 0x12, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}),
                                 i8({16, 17, 0x34, 0x34, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}),
                                 i8({0xFF, 0, 0xF0, 0x0F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})),
          i8({0, 17, 0x14, 0x32, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}));
  CHECK_V(I16x8RelaxedLaneselect(i16({0, 1, 0x1234, 0x1234, 4, 5, 6, 7}), i16({8, 9, 0x5678, 0x5678, 12, 13, 14, 15}),
                                 i16({0xFFFF, 0, 0xFF00, 0x00FF, 0, 0, 0, 0})),
          i16({0, 9, 0x1278, 0x5634, 12, 13, 14, 15}));
  CHECK_V(I32x4RelaxedLaneselect(i32({0, 1, 0x12341234, 0x12341234}), i32({4, 5, 0x56785678, 0x56785678}),
                                 i32({0xFFFFFFFF, 0, 0xFFFF0000, 0x0000FFFF})),
          i32({0, 5, 0x12345678, 0x56781234}));
  CHECK_V(I64x2RelaxedLaneselect(i64({0x1234123412341234, 0x1234123412341234}), i64({0x5678567856785678, 0x5678567856785678}),
                                 i64({static_cast<int64_t>(0xFFFFFFFF00000000), 0x00000000FFFFFFFF})),
          i64({0x1234123456785678, 0x5678567812341234}));

  V128 nz = f32_bits({0x7FC00000, 0x00000000, 0x80000000, 0x3F800000});
  V128 zn = f32_bits({0x3F800000, 0x80000000, 0x00000000, 0xFFC00000});
  CHECK_V(F32x4RelaxedMin(nz, zn), f32_bits({0x7FC00000, 0x80000000, 0x80000000, 0xFFC00000}));
  CHECK_V(F32x4RelaxedMax(nz, zn), f32_bits({0x7FC00000, 0x00000000, 0x00000000, 0xFFC00000}));
  CHECK_V(F64x2RelaxedMin(f64({0.0, 1.0}), f64_bits({0x8000000000000000, 0x7FF8000000000000})), f64_bits({0x8000000000000000, 0x7FF8000000000000}));
  CHECK_V(F64x2RelaxedMax(f64({-0.0, 1.0}), f64_bits({0x0000000000000000, 0xFFF8000000000000})), f64_bits({0, 0xFFF8000000000000}));

  CHECK_V(I16x8RelaxedQ15mulrS(i16({-32768, -32768, 16384, 0, 0, 0, 0, 0}), i16({-32768, 0x7FFF, 16384, 0, 0, 0, 0, 0})),
          i16({0x7FFF, -32767, 8192, 0, 0, 0, 0, 0}));

  // Second operand read as signed; pair sums wrap to 16 bits (-128 * -128 twice is -32768).
  V128 da = i8({-128, -128, 1, 2, 3, 4, 127, 127, -1, 0, 0, 0, 0, 0, 0, 0});
  V128 db = i8({-128, -128, 5, 6, 7, 8, 127, 127, 0x80, 0, 0, 0, 0, 0, 0, 0});
  CHECK_V(I16x8RelaxedDotI8x16I7x16S(da, db), i16({-32768, 17, 53, 32258, 128, 0, 0, 0}));
  CHECK_V(I32x4RelaxedDotI8x16I7x16AddS(da, db, i32({1, -1, 0x7FFFFFFF, 10})),
          i32({-32768 + 17 + 1, 53 + 32258 - 1, std::numeric_limits<int32_t>::min() + 127, 10}));
}
