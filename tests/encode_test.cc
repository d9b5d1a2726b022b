// Tests of the encoder: verbatim copies, minimal re-encoding, and decode -> encode -> decode round trips.
#include <doctest/doctest.h>

#include "kiln/decode/decode.h"
#include "kiln/encode/encode.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// (module
//   (import "env" "f" (func (param i32)))
//   (table 2 10 funcref) (memory 1 2) (global (mut i64) (i64.const -5))
//   (export "run" (func 1)) (start 1)
//   (elem (i32.const 0) func 1) (elem funcref (ref.func 1)) (elem declare func 0)
//   (func (local i32 i32) (local f64) nop)
//   (data (i32.const 8) "hi") (data "passive")
//   (@custom "meta" "xyz"))
ByteVec full_module() {
  return module({
      section(1, vec({func_type({0x7F}, {}), func_type({}, {})})),
      section(2, vec({cat({name("env"), name("f"), {0x00, 0x00}})})),
      section(3, vec({{0x01}})),
      section(4, vec({{0x70, 0x01, 0x02, 0x0A}})),
      section(5, vec({{0x01, 0x01, 0x02}})),
      section(6, vec({{0x7E, 0x01, 0x42, 0x7B, 0x0B}})),
      section(7, vec({cat({name("run"), {0x00, 0x01}})})),
      section(8, {0x01}),
      section(9, vec({{0x00, 0x41, 0x00, 0x0B, 0x01, 0x01},
                      {0x05, 0x70, 0x01, 0xD2, 0x01, 0x0B},
                      {0x03, 0x00, 0x01, 0x00}})),
      section(12, {0x02}),
      section(10, vec({body({0x02, 0x02, 0x7F, 0x01, 0x7C}, {0x01, 0x0B})})),
      section(11, vec({cat({{0x00, 0x41, 0x08, 0x0B}, name("hi")}), cat({{0x01}, name("passive")})})),
      section(0, cat({name("meta"), {'x', 'y', 'z'}})),
  });
}

Module decode_ok(ByteVec bytes) {
  auto m = decode_module(std::move(bytes), Features{});
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : m.error().message));
  return std::move(m).value();
}

}  // namespace

TEST_CASE("copy mode reproduces the input byte for byte") {
  const ByteVec input = full_module();
  const Module m = decode_ok(input);
  CHECK(encode_module(m) == input);
}

TEST_CASE("re-encoding rebuilds every section and round-trips") {
  const Module m = decode_ok(full_module());
  const ByteVec once = encode_module(m, EncodeMode::kReencode);
  const Module again = decode_ok(once);
  CHECK(encode_module(again, EncodeMode::kReencode) == once);
  CHECK(again.types == m.types);
  CHECK(again.imports.size() == 1);
  CHECK(again.imports[0].name == "f");
  CHECK(again.tables == m.tables);
  CHECK(again.memories == m.memories);
  CHECK(again.global_types == m.global_types);
  CHECK(again.exports.size() == 1);
  CHECK(again.start.has_value());
  REQUIRE(again.elems.size() == 3);
  CHECK(again.elems[0].mode == SegmentMode::kActive);
  CHECK(again.elems[1].mode == SegmentMode::kPassive);
  CHECK(again.elems[1].uses_exprs);
  CHECK(again.elems[2].mode == SegmentMode::kDeclarative);
  CHECK(again.data_count == std::optional<uint32_t>(2));
  REQUIRE(again.datas.size() == 2);
  CHECK(again.datas[1].mode == SegmentMode::kPassive);
  CHECK(again.slice(again.datas[1].bytes).size() == 7);
  REQUIRE(again.codes.size() == 1);
  CHECK(again.codes[0].local_count == 3);
  CHECK(again.sections.back().name == "meta");
}

TEST_CASE("re-encoding shrinks padded LEBs to their minimal form") {
  // The type section's count is written as 0x81 0x00 (padded 1), its size as 0x84 0x80 0x00.
  ByteVec padded = header();
  const ByteVec types = {0x81, 0x00, 0x60, 0x00, 0x00};
  padded.insert(padded.end(), {0x01, 0x85, 0x80, 0x00});
  padded.insert(padded.end(), types.begin(), types.end());
  const Module m = decode_ok(padded);
  CHECK(encode_module(m) == padded);
  const ByteVec minimal = encode_module(m, EncodeMode::kReencode);
  CHECK(minimal == module({section(1, vec({func_type({}, {})}))}));
}
