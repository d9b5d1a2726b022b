// 64-bit tables (WebAssembly 3.0's table64, behind memory64): decoding, typing, the interpreter's table
// instructions with i64 addresses, the instantiation cap, and pre-initialization of a 64-bit table.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/text/wat.h"
#include "kiln/validate/validate.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

std::vector<uint8_t> assemble(std::string_view source) {
  auto bytes = text::wat_to_binary(source, Features::all());
  REQUIRE_MESSAGE(bytes.ok(), bytes.error().message);
  return std::move(bytes).value();
}

// Why decoding or validating `bytes` fails, "" when the module is valid.
std::string refusal(const std::vector<uint8_t>& bytes, const Features& features) {
  auto module = decode_module(bytes, features);
  if (!module.ok()) return module.error().message;
  auto info = validate_module(*module);
  return info.ok() ? std::string() : info.error().message;
}

std::string call(Loaded& loaded, const std::string& name, std::vector<Value> args = {}) {
  return outcome_text(call_export(*loaded.instance, name, args));
}

constexpr int64_t k2p32 = int64_t{1} << 32;  // an i64 address that wraps to 0 when cut to 32 bits

// $t is 64-bit, $s 32-bit; table.copy between them takes an i32 length.
constexpr std::string_view kTables = R"(
  (module
    (type $r (func (result i32)))
    (table $t i64 2 10 funcref)
    (table $s 4 funcref)
    (elem (table $t) (i64.const 1) func $one)
    (elem $pass func $two $three)
    (func $one (type $r) (i32.const 1))
    (func $two (type $r) (i32.const 2))
    (func $three (type $r) (i32.const 3))
    (func (export "size") (result i64) (table.size $t))
    (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
    (func (export "call") (param i64) (result i32) (call_indirect $t (type $r) (local.get 0)))
    (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
    (func (export "set") (param i64) (table.set $t (local.get 0) (ref.func $three)))
    (func (export "fill") (param i64 i64) (table.fill $t (local.get 0) (ref.func $two) (local.get 1)))
    (func (export "init") (param i64 i32 i32) (table.init $t $pass (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy_in") (param i32 i64 i32) (table.copy $s $t (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy_out") (param i64 i32 i32) (table.copy $t $s (local.get 0) (local.get 1) (local.get 2)))
    (func (export "call_s") (param i32) (result i32) (call_indirect $s (type $r) (local.get 0))))
)";

}  // namespace

TEST_CASE("table64: the table instructions take and return i64 addresses, never cut to 32 bits") {
  Loaded t = load_module(assemble(kTables), all_features());
  REQUIRE_MESSAGE(t.error.empty(), t.error);
  CHECK(call(t, "size") == "i64:2");
  CHECK(call(t, "call", {i64(1)}) == "i32:1");
  CHECK(call(t, "call", {i64(0)}).starts_with("trap: uninitialized element"));
  CHECK(call(t, "call", {i64(k2p32 + 1)}).starts_with("trap: undefined element"));
  CHECK(call(t, "is_null", {i64(k2p32)}) == "trap: out of bounds table access");

  CHECK(call(t, "grow", {i64(3)}) == "i64:2");
  CHECK(call(t, "grow", {i64(k2p32)}) == "i64:18446744073709551615");  // -1: beyond the maximum of 10
  CHECK(call(t, "size") == "i64:5");
  CHECK(call(t, "set", {i64(4)}) == "");
  CHECK(call(t, "call", {i64(4)}) == "i32:3");
  CHECK(call(t, "set", {i64(k2p32 + 4)}) == "trap: out of bounds table access");

  CHECK(call(t, "fill", {i64(2), i64(2)}) == "");
  CHECK(call(t, "call", {i64(3)}) == "i32:2");
  CHECK(call(t, "fill", {i64(4), i64(k2p32)}) == "trap: out of bounds table access");

  CHECK(call(t, "init", {i64(0), i32(0), i32(2)}) == "");
  CHECK(call(t, "call", {i64(0)}) == "i32:2");
  CHECK(call(t, "call", {i64(1)}) == "i32:3");
  CHECK(call(t, "init", {i64(k2p32), i32(0), i32(0)}) == "trap: out of bounds table access");

  CHECK(call(t, "copy_in", {i32(0), i64(3), i32(2)}) == "");  // $s[0..2] = $t[3..5]
  CHECK(call(t, "call_s", {i32(0)}) == "i32:2");
  CHECK(call(t, "call_s", {i32(1)}) == "i32:3");
  CHECK(call(t, "copy_in", {i32(0), i64(k2p32), i32(0)}) == "trap: out of bounds table access");
  CHECK(call(t, "copy_out", {i64(2), i32(0), i32(1)}) == "");  // $t[2] = $s[0]
  CHECK(call(t, "call", {i64(2)}) == "i32:2");
  CHECK(call(t, "copy_out", {i64(k2p32 + 2), i32(0), i32(1)}) == "trap: out of bounds table access");
}

TEST_CASE("table64: operands and segment offsets are typed by the table's address type") {
  const Features all = Features::all();
  CHECK(refusal(assemble("(table i64 1 funcref) (func (drop (table.get 0 (i64.const 0))))"), all) == "");
  CHECK(refusal(assemble("(table i64 1 funcref) (func (drop (table.get 0 (i32.const 0))))"), all)
            .starts_with("type mismatch"));
  CHECK(refusal(assemble("(table i64 1 funcref) (func (result i32) (table.size 0))"), all)
            .starts_with("type mismatch"));
  CHECK(refusal(assemble("(table i64 1 funcref) (func $f) (elem (i32.const 0) $f)"), all)
            .starts_with("type mismatch"));
  CHECK(refusal(assemble("(type $v (func)) (table i64 1 funcref) (func (call_indirect (type $v) (i32.const 0)))"),
                all)
            .starts_with("type mismatch"));
  // table.copy's length is i64 only when both tables are 64-bit.
  const std::string two = "(table $a i64 1 funcref) (table $b 1 funcref) ";
  CHECK(refusal(assemble(two + "(func (table.copy $a $b (i64.const 0) (i32.const 0) (i32.const 0)))"), all) == "");
  CHECK(refusal(assemble(two + "(func (table.copy $a $b (i64.const 0) (i32.const 0) (i64.const 0)))"), all)
            .starts_with("type mismatch"));
  CHECK(refusal(assemble(two + "(func (table.copy $a $a (i64.const 0) (i64.const 0) (i64.const 0)))"), all) == "");
  // A 32-bit table still stops at 2^32-1; a 64-bit one does not.
  CHECK(refusal(assemble("(table 0x1_0000_0000 funcref)"), all) == "table size must be at most 2^32-1");
  CHECK(refusal(assemble("(table i64 0x1_0000_0000 funcref)"), all) == "");
}

TEST_CASE("table64: without memory64 the address-type bit is refused, naming the feature") {
  // (table i64 0 funcref)
  const std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                      0x04, 0x04, 0x01, 0x70, 0x04, 0x00};
  Features off;
  auto module = decode_module(bytes, off);
  REQUIRE_FALSE(module.ok());
  CHECK(module.error().message == "integer too large");
  CHECK(module.error().feature == "memory64");
  CHECK(module.error().offset == 12);
  Features on;
  on.memory64 = true;
  CHECK(refusal(bytes, on) == "");
}

TEST_CASE("table64: a declared size beyond kiln's table cap is refused before anything is allocated") {
  const std::vector<uint8_t> huge = assemble("(table i64 0xffff_ffff_ffff_ffff funcref)");
  CHECK(refusal(huge, Features::all()) == "");
  Loaded loaded = load_module(huge, all_features());
  CHECK(loaded.error == "instantiate: table 0 of 18446744073709551615 elements exceeds the table limit of 10000000 elements");
  auto output = preinitialize(assemble("(table i64 0x1_0000_0000 funcref) (func (export \"wizer-initialize\"))"),
                              all_features());
  REQUIRE_FALSE(output.ok());
  CHECK(output.error().message.find("table 0 of 4294967296 elements exceeds the table limit") != std::string::npos);
}

TEST_CASE("table64: pre-initialization writes a 64-bit table's entries as segments with i64 offsets") {
  const std::vector<uint8_t> input = assemble(R"(
    (module
      (type $r (func (result i32)))
      (table $t (export "table") i64 2 10 funcref)
      (elem (table $t) (i64.const 0) func $one)
      (elem declare func $two $three)
      (func $one (type $r) (i32.const 1))
      (func $two (type $r) (i32.const 2))
      (func $three (type $r) (i32.const 3))
      (func (export "wizer-initialize")
        (drop (table.grow $t (ref.func $three) (i64.const 3)))
        (table.set $t (i64.const 1) (ref.func $two))
        (table.set $t (i64.const 3) (ref.null func)))
      (func (export "call") (param i64) (result i32) (call_indirect $t (type $r) (local.get 0)))
      (func (export "size") (result i64) (table.size $t))
      (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0))))
  )");
  std::vector<Probe> probes;
  for (int64_t i = 0; i < 6; ++i) probes.push_back({"call", {i64(i)}});
  probes.push_back({"size"});
  probes.push_back({"grow", {i64(5)}});
  probes.push_back({"grow", {i64(1)}});
  OracleChecks checks;
  checks.wabt = false;  // wabt 1.0.32: "tables may not be 64-bit"
  checks.node = false;  // node 20 has no 64-bit tables
  const OracleResult r = check_preinit(input, all_features(), probes, checks);
  CHECK_MESSAGE(r.error.empty(), r.error);
  CHECK_MESSAGE(r.differences.empty(), r.summary());
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "size") == "i64:5");
  CHECK(call_fresh(r.output, "call", {i64(1)}) == "i32:2");
  CHECK(call_fresh(r.output, "call", {i64(3)}).starts_with("trap: uninitialized element"));
  CHECK(call_fresh(r.output, "call", {i64(4)}) == "i32:3");

  auto out = decode_module(r.output, Features::all());
  REQUIRE(out.ok());
  REQUIRE(out->tables.size() == 1);
  CHECK(out->tables[0].limits.is_64);
  CHECK(out->tables[0].limits.min == 5);
  CHECK(out->tables[0].limits.max == 10);
  // Every active segment of the rewritten table has an i64.const offset.
  size_t active = 0;
  for (const ElemSegment& seg : out->elems) {
    if (seg.mode != SegmentMode::kActive) continue;
    ++active;
    CHECK(out->slice(seg.offset.code)[0] == 0x42);
  }
  CHECK(active == 2);  // [0, 1, 2] and [4]
}
