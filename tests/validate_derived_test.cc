// Tests of validate_derived_module: what the output check of kiln still catches when it reuses the input's bodies.
#include <doctest/doctest.h>

#include "kiln/decode/decode.h"
#include "kiln/validate/validate.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// An original module and the parts a derived one may change: f0 takes a
// reference to f1, which only the export "g" declares; f1 reads the global.
struct Parts {
  ByteVec globals = vec({{0x7F, 0x01, 0x41, 0x07, 0x0B}});  // (mut i32) = i32.const 7
  ByteVec exports = vec({cat({name("f"), {0x00, 0x00}}), cat({name("g"), {0x00, 0x01}})});
  ByteVec f1_code = {0x23, 0x00, 0x0B};  // global.get 0

  ByteVec bytes() const {
    return module({
        section(1, vec({func_type({}, {}), func_type({}, {0x7F})})),
        section(3, vec({{0x00}, {0x01}})),
        section(6, globals),
        section(7, exports),
        section(10, vec({body({0x00}, {0xD2, 0x01, 0x1A, 0x0B}), body({0x00}, f1_code)})),
    });
  }
};

Module decode(const ByteVec& bytes) {
  auto module = decode_module(bytes, Features::all());
  REQUIRE(module.ok());
  return std::move(module).value();
}

Result<BodyCheck> check(const Parts& derived, const Parts& original_parts = Parts{}) {
  const Module original = decode(original_parts.bytes());
  auto info = validate_module(original);
  REQUIRE(info.ok());
  return validate_derived_module(decode(derived.bytes()), original, *info);
}

}  // namespace

TEST_CASE("re-encoded globals and exports over the same bodies reuse the original's body check") {
  Parts derived;
  derived.globals = vec({{0x7F, 0x01, 0x41, 0x2A, 0x0B}});  // the snapshot's value, 42
  derived.exports = vec({cat({name("g"), {0x00, 0x01}}), cat({name("renamed"), {0x00, 0x00}})});
  const auto result = check(derived);
  REQUIRE(result.ok());
  CHECK(*result == BodyCheck::kReused);
}

TEST_CASE("a broken section kiln produced is caught while the bodies are reused") {
  Parts wrong_global;
  wrong_global.globals = vec({{0x7F, 0x01, 0x42, 0x2A, 0x0B}});  // an i64.const for an i32 global
  auto result = check(wrong_global);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kInvalid);
  CHECK(result.error().message.find("type mismatch") != std::string::npos);

  Parts unknown_export;
  unknown_export.exports = vec({cat({name("f"), {0x00, 0x00}}), cat({name("g"), {0x00, 0x05}})});
  result = check(unknown_export);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "unknown function 5");

  Parts twice;
  twice.exports = vec({cat({name("f"), {0x00, 0x00}}), cat({name("f"), {0x00, 0x01}})});
  result = check(twice);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("duplicate export name") != std::string::npos);
}

TEST_CASE("a removed export of a function no body references keeps the bodies reused") {
  Parts derived;
  derived.exports = vec({cat({name("g"), {0x00, 0x01}})});  // "f" (function 0) goes, as an init function does
  const auto result = check(derived);
  REQUIRE(result.ok());
  CHECK(*result == BodyCheck::kReused);
}

TEST_CASE("an immediate whose bytes look like ref.func of a removed export does not make the bodies be checked again") {
  Parts original;
  original.f1_code = {0x23, 0x00, 0x1A, 0x41, 0xD2, 0x00, 0x0B};  // global.get 0, drop, i32.const 82 as the bytes D2 00
  Parts derived = original;
  derived.exports = vec({cat({name("g"), {0x00, 0x01}})});  // "f" (function 0) goes; no ref.func names it
  const auto result = check(derived, original);
  REQUIRE(result.ok());
  CHECK(*result == BodyCheck::kReused);
}

TEST_CASE("a removed export that declared a ref.func target makes the bodies be checked again") {
  Parts derived;
  derived.exports = vec({cat({name("f"), {0x00, 0x00}})});
  const auto result = check(derived);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "undeclared function reference 1");
}

TEST_CASE("changed code bytes or a changed global type make the bodies be checked again") {
  Parts valid_change;
  valid_change.f1_code = {0x41, 0x00, 0x0B};  // i32.const 0: still valid
  auto result = check(valid_change);
  REQUIRE(result.ok());
  CHECK(*result == BodyCheck::kRevalidated);

  Parts invalid_change;
  invalid_change.f1_code = {0x42, 0x00, 0x0B};  // i64.const 0 where i32 is returned
  result = check(invalid_change);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message.find("type mismatch") != std::string::npos);

  Parts immutable;
  immutable.globals = vec({{0x7F, 0x00, 0x41, 0x07, 0x0B}});  // same value, no longer mutable
  result = check(immutable);
  REQUIRE(result.ok());
  CHECK(*result == BodyCheck::kRevalidated);
}

namespace {

// One memory, one passive data segment and its data count; f0's body is given.
ByteVec module_with_data(const ByteVec& f0_code, bool with_data) {
  const ByteVec types = section(1, vec({func_type({}, {})}));
  const ByteVec funcs = section(3, vec({{0x00}}));
  const ByteVec memory = section(5, vec({{0x00, 0x01}}));  // 1 page
  const ByteVec code = section(10, vec({body({0x00}, f0_code)}));
  if (!with_data) return module({types, funcs, memory, code});
  const ByteVec data_count = section(12, {0x01});
  const ByteVec data = section(11, vec({{0x01, 0x01, 0x2A}}));  // a passive segment holding 42
  return module({types, funcs, memory, data_count, code, data});
}

Result<BodyCheck> check_data_dropped(const ByteVec& f0_code) {
  const Module original = decode(module_with_data(f0_code, true));
  auto info = validate_module(original);
  REQUIRE(info.ok());
  return validate_derived_module(decode(module_with_data(f0_code, false)), original, *info);
}

}  // namespace

TEST_CASE("dropping the data count and segments no body names keeps the original's body check") {
  auto result = check_data_dropped({0x01, 0x0B});  // nop
  REQUIRE(result.ok());
  CHECK(*result == BodyCheck::kReused);
}

TEST_CASE("dropping the data count a body's memory.init needs is caught by checking the bodies again") {
  // i32.const 0 ×3, memory.init 0 0
  auto result = check_data_dropped({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B});
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kInvalid);
}
