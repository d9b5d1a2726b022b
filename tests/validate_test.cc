// Tests of the validator: one group per rule family, on hand-made modules.
#include "kiln/validate/validate.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "kiln/decode/decode.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Value and block type bytes.
constexpr uint8_t I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, V128 = 0x7b, FUNCREF = 0x70, EXTERNREF = 0x6f, EMPTY = 0x40;

Features with(bool Features::*flag) {
  Features features;
  features.*flag = true;
  return features;
}

Result<ModuleInfo> validate_bytes(const ByteVec& bytes, const Features& features = {}) {
  Result<Module> module = decode_module(bytes, features);
  REQUIRE_MESSAGE(module.ok(), "decode failed: ", module.error().message);
  return validate_module(*module);
}

// "ok", or "invalid: <message>" / "malformed: <message>".
std::string outcome(const ByteVec& bytes, const Features& features = {}) {
  Result<ModuleInfo> result = validate_bytes(bytes, features);
  if (result.ok()) return "ok";
  return std::string(error_code_name(result.error().code)) + ": " + result.error().message;
}

// The suite compares message prefixes; so do these tests.
#define CHECK_OUTCOME(actual, expected)                                          \
  do {                                                                           \
    const std::string outcome_ = (actual);                                       \
    CHECK_MESSAGE(outcome_.rfind((expected), 0) == 0, "got \"", outcome_, "\""); \
  } while (false)

ByteVec fn(const ByteVec& params, const ByteVec& results, const ByteVec& code, const ByteVec& locals = {0x00}) {
  return one_func_module(params, results, code, locals);
}

ByteVec code_section(std::initializer_list<ByteVec> codes) {
  ByteVec bodies = uleb(codes.size());
  for (const ByteVec& code : codes) bodies = cat({bodies, body({0x00}, code)});
  return section(10, bodies);
}

// (type (func)) + one function of that type per body, with an extra section
// (memory, table, ...) placed before the code section where needed.
ByteVec funcs_module(std::initializer_list<ByteVec> before_code, std::initializer_list<ByteVec> codes) {
  ByteVec out = cat({header(), section(1, vec({func_type({}, {})}))});
  ByteVec func_section = uleb(codes.size());
  for (size_t i = 0; i < codes.size(); ++i) func_section.push_back(0x00);
  out = cat({out, section(3, func_section)});
  for (const ByteVec& s : before_code) out = cat({out, s});
  return cat({out, code_section(codes)});
}

ByteVec memory_section(const ByteVec& limits) { return section(5, vec({limits})); }
ByteVec one_memory() { return memory_section({0x00, 0x01}); }
ByteVec one_table(uint8_t type = FUNCREF) { return section(4, vec({{type, 0x00, 0x01}})); }

}  // namespace

TEST_CASE("table-typed instructions take their operand types from opcodes.def") {
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  CHECK(outcome(fn({I32, I32}, {I32}, {0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b})) == "ok");
  // (func (param i32 i64) (result i32) local.get 0 local.get 1 i32.add)
  CHECK_OUTCOME(outcome(fn({I32, I64}, {I32}, {0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b})), "invalid: type mismatch");
  // (func (param f32) (result i64) local.get 0 i64.trunc_sat_f32_s)
  CHECK(outcome(fn({F32}, {I64}, {0x20, 0x00, 0xfc, 0x04, 0x0b})) == "ok");
  // (func (result i32) i32.const 1 i32.add): one operand short
  CHECK_OUTCOME(outcome(fn({}, {I32}, {0x41, 0x01, 0x6a, 0x0b})), "invalid: type mismatch");
}

TEST_CASE("the function's results must be exactly what is left on the stack") {
  // Worded as the reference interpreter words the ends of blocks (the 3.0 suite checks it for try blocks).
  // (func (result i32)) with an empty body
  CHECK(outcome(fn({}, {I32}, {0x0b})) == "invalid: type mismatch: instruction requires [i32] but stack has []");
  // (func i32.const 1): a value left over
  CHECK(outcome(fn({}, {}, {0x41, 0x01, 0x0b})) == "invalid: type mismatch: block requires [] but stack has [i32]");
  // (func (result i32) i64.const 1 i32.const 2): one value too many below the result
  CHECK(outcome(fn({}, {I32}, {0x42, 0x01, 0x41, 0x02, 0x0b})) ==
        "invalid: type mismatch: block requires [i32] but stack has [i64 i32]");
  // (func (result i32 i64) i32.const 1 i64.const 2): multi-value results
  CHECK(outcome(fn({}, {I32, I64}, {0x41, 0x01, 0x42, 0x02, 0x0b})) == "ok");
  // (func (result i32 i64) i64.const 2 i32.const 1): the right types in the wrong order
  CHECK(outcome(fn({}, {I32, I64}, {0x42, 0x02, 0x41, 0x01, 0x0b})) ==
        "invalid: type mismatch: instruction requires [i32 i64] but stack has [i64 i32]");
}

TEST_CASE("after unreachable, br and return the stack is polymorphic") {
  // (func (result i32) unreachable i32.add): operands come from the polymorphic stack
  CHECK(outcome(fn({}, {I32}, {0x00, 0x6a, 0x0b})) == "ok");
  // (func (result i32) unreachable i64.const 0): known values still have to match
  CHECK_OUTCOME(outcome(fn({}, {I32}, {0x00, 0x42, 0x00, 0x0b})), "invalid: type mismatch");
  // (func (result i32) (block (result i32) i32.const 1 br 0 f32.add drop i32.const 0))
  CHECK(outcome(fn({}, {I32}, {0x02, I32, 0x41, 0x01, 0x0c, 0x00, 0x92, 0x1a, 0x41, 0x00, 0x0b, 0x0b})) == "ok");
  // (func (result i32) i32.const 0 return i64.eqz): i64.eqz pops an unknown, pushes i32
  CHECK(outcome(fn({}, {I32}, {0x41, 0x00, 0x0f, 0x50, 0x0b})) == "ok");
  // (func (block unreachable) i32.add): the polymorphism ends with the block
  CHECK_OUTCOME(outcome(fn({}, {}, {0x02, EMPTY, 0x00, 0x0b, 0x6a, 0x1a, 0x0b})), "invalid: type mismatch");
  // (func unreachable i32.const 0 i64.add): the i32 is known and wrong
  CHECK_OUTCOME(outcome(fn({}, {}, {0x00, 0x41, 0x00, 0x7c, 0x1a, 0x0b})), "invalid: type mismatch");
}

TEST_CASE("blocks, loops and ifs with multi-value block types") {
  const ByteVec types = section(1, vec({func_type({}, {I32}), func_type({I32, I32}, {I32})}));
  auto module_with = [&](const ByteVec& code) {
    return module({types, section(3, vec({{0x00}})), code_section({code})});
  };
  // (func (result i32) i32.const 1 i32.const 2 (block (type 1) (param i32 i32) (result i32) i32.add))
  CHECK(outcome(module_with({0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6a, 0x0b, 0x0b})) == "ok");
  // the same block with only one argument on the stack
  CHECK_OUTCOME(outcome(module_with({0x41, 0x02, 0x02, 0x01, 0x6a, 0x0b, 0x0b})), "invalid: type mismatch");
  // (block (type 7)): no such type
  CHECK_OUTCOME(outcome(module_with({0x02, 0x07, 0x0b, 0x0b})), "invalid: unknown type");
  // (func (result i32) i32.const 1 i32.const 2 (loop (type 1) i32.add)): a loop's params
  CHECK(outcome(module_with({0x41, 0x01, 0x41, 0x02, 0x03, 0x01, 0x6a, 0x0b, 0x0b})) == "ok");
  // (func (result i32) i32.const 1 i32.const 2 i32.const 1 (if (type 1) (then i32.add) (else i32.sub)))
  CHECK(outcome(module_with({0x41, 0x01, 0x41, 0x02, 0x41, 0x01, 0x04, 0x01, 0x6a, 0x05, 0x6b, 0x0b, 0x0b})) == "ok");
  // (func (result i32) i32.const 1 (if (result i32) (then i32.const 2))): no else, params != results
  CHECK_OUTCOME(outcome(module_with({0x41, 0x01, 0x04, I32, 0x41, 0x02, 0x0b, 0x0b})), "invalid: type mismatch");
  // (func (result i32) i32.const 1 (if (result i32) (then i32.const 2) (else i64.const 3)))
  CHECK_OUTCOME(outcome(module_with({0x41, 0x01, 0x04, I32, 0x41, 0x02, 0x05, 0x42, 0x03, 0x0b, 0x0b})),
                "invalid: type mismatch");
  // (func (result i32) (if (result i32) (then ...))): the condition is missing
  CHECK_OUTCOME(outcome(module_with({0x04, I32, 0x41, 0x02, 0x05, 0x41, 0x03, 0x0b, 0x0b})), "invalid: type mismatch");
}

TEST_CASE("an if whose parameters equal its results needs no else") {
  const ByteVec types = section(1, vec({func_type({}, {I32}), func_type({I32}, {I32})}));
  // (func (result i32) i32.const 5 i32.const 1 (if (type 1) (param i32) (result i32) (then i32.const 1 i32.add)))
  const ByteVec m = module({types, section(3, vec({{0x00}})),
                            code_section({{0x41, 0x05, 0x41, 0x01, 0x04, 0x01, 0x41, 0x01, 0x6a, 0x0b, 0x0b}})});
  CHECK(outcome(m) == "ok");
}

TEST_CASE("br, br_if and br_table check labels and their types") {
  // (func (block br 1)): depth 1 is the function itself
  CHECK(outcome(fn({}, {}, {0x02, EMPTY, 0x0c, 0x01, 0x0b, 0x0b})) == "ok");
  // (func (block br 2))
  CHECK_OUTCOME(outcome(fn({}, {}, {0x02, EMPTY, 0x0c, 0x02, 0x0b, 0x0b})), "invalid: unknown label");
  // (func (result i32) (block (result i32) i32.const 1 i32.const 0 br_if 0)): br_if keeps the value
  CHECK(outcome(fn({}, {I32}, {0x02, I32, 0x41, 0x01, 0x41, 0x00, 0x0d, 0x00, 0x0b, 0x0b})) == "ok");
  // (func (result i32) (block (result i32) i64.const 1 i32.const 0 br_if 0 drop i32.const 0))
  CHECK_OUTCOME(outcome(fn({}, {I32}, {0x02, I32, 0x42, 0x01, 0x41, 0x00, 0x0d, 0x00, 0x1a, 0x41, 0x00, 0x0b, 0x0b})),
                "invalid: type mismatch");
  // (func (result i32) (block (result i32) (block i32.const 1 i32.const 0 br_table 0 1) ...)):
  // targets with arity 0 and 1
  CHECK_OUTCOME(outcome(fn({}, {I32},
                           {0x02, I32, 0x02, EMPTY, 0x41, 0x01, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x01, 0x0b, 0x41, 0x00,
                            0x0b, 0x0b})),
                "invalid: type mismatch");
  // (func (result i32) (block (result i32) i32.const 7 i32.const 0 br_table 0 1 0)): all targets take one i32
  CHECK(outcome(fn({}, {I32}, {0x02, I32, 0x41, 0x07, 0x41, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x00, 0x0b, 0x0b})) == "ok");
  // (func (block br_table 0 5)) with an index operand: the default label is unknown
  CHECK_OUTCOME(outcome(fn({}, {}, {0x02, EMPTY, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x05, 0x0b, 0x0b})),
                "invalid: unknown label");
  // (func (result i32) (block (result f32) unreachable br_table 0 1) ...): on a polymorphic stack the
  // operand can be both f32 and i32... but br_table insists on equal arities only, so this is valid
  CHECK(outcome(fn({}, {I32}, {0x02, F32, 0x00, 0x0e, 0x01, 0x00, 0x01, 0x0b, 0x1a, 0x41, 0x00, 0x0b})) == "ok");
  // (func (result i32) (block (result f32) unreachable f32.const 0 i32.const 0 br_table 1 0) ...): the
  // known f32 suits the default target but not the function's i32 label
  CHECK_OUTCOME(outcome(fn({}, {I32},
                           {0x02, F32, 0x00, 0x43, 0, 0, 0, 0, 0x41, 0x00, 0x0e, 0x01, 0x01, 0x00, 0x0b, 0x1a, 0x41,
                            0x00, 0x0b})),
                "invalid: type mismatch");
}

TEST_CASE("select: untyped only for numeric and vector operands, typed with exactly one type") {
  // (func (result i64) i64.const 1 i64.const 2 i32.const 0 select)
  CHECK(outcome(fn({}, {I64}, {0x42, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1b, 0x0b})) == "ok");
  // (func (result i64) i64.const 1 i32.const 2 i32.const 0 select)
  CHECK_OUTCOME(outcome(fn({}, {I64}, {0x42, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1b, 0x0b})), "invalid: type mismatch");
  // (func (result funcref) ref.null func ref.null func i32.const 0 select)
  CHECK_OUTCOME(outcome(fn({}, {FUNCREF}, {0xd0, 0x70, 0xd0, 0x70, 0x41, 0x00, 0x1b, 0x0b})), "invalid: type mismatch");
  // (func (result funcref) ref.null func ref.null func i32.const 0 select (result funcref))
  CHECK(outcome(fn({}, {FUNCREF}, {0xd0, 0x70, 0xd0, 0x70, 0x41, 0x00, 0x1c, 0x01, 0x70, 0x0b})) == "ok");
  // select (result i32 i32)
  CHECK_OUTCOME(outcome(fn({}, {I32}, {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1c, 0x02, I32, I32, 0x0b})),
                "invalid: invalid result arity");
  // (func (result i32) unreachable select): both operands unknown, the result is unknown too
  CHECK(outcome(fn({}, {I32}, {0x00, 0x1b, 0x0b})) == "ok");
}

TEST_CASE("locals: parameters first, then the declared runs") {
  // (func (param i32) (local i64 i64 f32) local.get 2 i64.eqz drop local.get 3 f32.neg drop)
  const ByteVec locals = vec({{0x02, I64}, {0x01, F32}});
  CHECK(outcome(fn({I32}, {}, {0x20, 0x02, 0x50, 0x1a, 0x20, 0x03, 0x8c, 0x1a, 0x0b}, locals)) == "ok");
  // local.tee 1 with an i32 into an i64 local
  CHECK_OUTCOME(outcome(fn({I32}, {}, {0x41, 0x00, 0x22, 0x01, 0x1a, 0x0b}, locals)), "invalid: type mismatch");
  // local.set 4: one past the last local
  CHECK_OUTCOME(outcome(fn({I32}, {}, {0x41, 0x00, 0x21, 0x04, 0x0b}, locals)), "invalid: unknown local 4");
}

TEST_CASE("globals: unknown indices and immutable globals") {
  const ByteVec globals =
      section(6, vec({cat({{I32, 0x00}, {0x41, 0x00, 0x0b}}), cat({{I64, 0x01}, {0x42, 0x00, 0x0b}})}));
  // (global i32 (i32.const 0)) (global (mut i64) (i64.const 0)) (func i64.const 1 global.set 1)
  CHECK(outcome(funcs_module({globals}, {{0x42, 0x01, 0x24, 0x01, 0x0b}})) == "ok");
  // ... (func i32.const 1 global.set 0)
  CHECK_OUTCOME(outcome(funcs_module({globals}, {{0x41, 0x01, 0x24, 0x00, 0x0b}})), "invalid: immutable global 0");
  // ... (func global.get 2 drop)
  CHECK_OUTCOME(outcome(funcs_module({globals}, {{0x23, 0x02, 0x1a, 0x0b}})), "invalid: unknown global 2");
}

TEST_CASE("memory instructions: memory index, alignment and the address type") {
  // (func i32.const 0 i32.load drop) without a memory
  CHECK_OUTCOME(outcome(funcs_module({}, {{0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}})), "invalid: unknown memory 0");
  // (memory 1) (func i32.const 0 i32.load align=4 drop)
  CHECK(outcome(funcs_module({one_memory()}, {{0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}})) == "ok");
  // (memory 1) (func i32.const 0 i32.load align=8 drop)
  CHECK_OUTCOME(outcome(funcs_module({one_memory()}, {{0x41, 0x00, 0x28, 0x03, 0x00, 0x1a, 0x0b}})),
                "invalid: alignment must not be larger than natural");
  // (memory 1) (func i64.const 0 i32.load drop): i32 addresses for an i32 memory
  CHECK_OUTCOME(outcome(funcs_module({one_memory()}, {{0x42, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}})),
                "invalid: type mismatch");

  const Features memory64 = with(&Features::memory64);
  const ByteVec memory_i64 = memory_section({0x04, 0x01});
  // (memory i64 1) (func i64.const 0 i32.load drop  memory.size i64.eqz drop)
  CHECK(outcome(funcs_module({memory_i64}, {{0x42, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x3f, 0x00, 0x50, 0x1a, 0x0b}}),
                memory64) == "ok");
  // (memory i64 1) (func i32.const 0 i32.load drop)
  CHECK_OUTCOME(outcome(funcs_module({memory_i64}, {{0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b}}), memory64),
                "invalid: type mismatch");
  // (memory 1) (func i32.const 0 i32.load offset=2^32 drop): an i32 memory's offsets stay below 2^32
  CHECK_OUTCOME(
      outcome(funcs_module({one_memory()}, {cat({{0x41, 0x00, 0x28, 0x02}, uleb(uint64_t{1} << 32), {0x1a, 0x0b}})}),
              memory64),
      "invalid: offset out of range");
}

TEST_CASE("memory.copy uses each memory's address type") {
  const Features features = [] {
    Features f;
    f.memory64 = f.multi_memory = true;
    return f;
  }();
  const ByteVec memories = section(5, vec({{0x04, 0x01}, {0x00, 0x01}}));
  // (memory $a i64 1) (memory $b 1) (func i64.const 0 i32.const 0 i32.const 1 memory.copy $a $b)
  CHECK(outcome(funcs_module({memories}, {{0x42, 0x00, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x0a, 0x00, 0x01, 0x0b}}),
                features) == "ok");
  // the same with the length as i64: only two i64 memories take an i64 length
  CHECK_OUTCOME(
      outcome(funcs_module({memories}, {{0x42, 0x00, 0x41, 0x00, 0x42, 0x01, 0xfc, 0x0a, 0x00, 0x01, 0x0b}}), features),
      "invalid: type mismatch");
}

TEST_CASE("multiple memories need the multi-memory feature") {
  const ByteVec memories = section(5, vec({{0x00, 0x01}, {0x00, 0x01}}));
  // (memory 1) (memory 1) (func i32.const 0 i32.load 1 drop)
  const ByteVec m = funcs_module({memories}, {{0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1a, 0x0b}});
  CHECK(outcome(m, with(&Features::multi_memory)) == "ok");
  CHECK_OUTCOME(outcome(funcs_module({memories}, {{0x0b}})), "invalid: multiple memories");
  // (memory 1) (memory 1) (func memory.size 2 drop)
  CHECK_OUTCOME(outcome(funcs_module({memories}, {{0x3f, 0x02, 0x1a, 0x0b}}), with(&Features::multi_memory)),
                "invalid: unknown memory 2");
}

TEST_CASE("limits of memories and tables") {
  // (memory 2 1)
  CHECK_OUTCOME(outcome(module({memory_section({0x01, 0x02, 0x01})})),
                "invalid: size minimum must not be greater than maximum");
  // (memory 65537)
  CHECK_OUTCOME(outcome(module({memory_section(cat({{0x00}, uleb(65537)}))})),
                "invalid: memory size must be at most 65536 pages (4GiB)");
  // (memory 0 65537)
  CHECK_OUTCOME(outcome(module({memory_section(cat({{0x01, 0x00}, uleb(65537)}))})),
                "invalid: memory size must be at most 65536 pages (4GiB)");
  // (memory i64 65537): fine for a 64-bit memory
  CHECK(outcome(module({memory_section(cat({{0x04}, uleb(65537)}))}), with(&Features::memory64)) == "ok");
  // (table 3 2 funcref)
  CHECK_OUTCOME(outcome(module({section(4, vec({{FUNCREF, 0x01, 0x03, 0x02}}))})),
                "invalid: size minimum must not be greater than maximum");
}

TEST_CASE("vector lane indices") {
  // (func (result i32) v128.const 0 i8x16.extract_lane_s 15)
  const ByteVec zero16(16, 0);
  CHECK(outcome(fn({}, {I32}, cat({{0xfd, 0x0c}, zero16, {0xfd, 0x15, 0x0f, 0x0b}}))) == "ok");
  // ... i8x16.extract_lane_s 16
  CHECK_OUTCOME(outcome(fn({}, {I32}, cat({{0xfd, 0x0c}, zero16, {0xfd, 0x15, 0x10, 0x0b}}))),
                "invalid: invalid lane index");
  // (func (result v128) v128.const 0 v128.const 0 i8x16.shuffle 0 ... 31)
  ByteVec lanes(16, 31);
  CHECK(outcome(fn({}, {V128}, cat({{0xfd, 0x0c}, zero16, {0xfd, 0x0c}, zero16, {0xfd, 0x0d}, lanes, {0x0b}}))) ==
        "ok");
  lanes[3] = 32;
  CHECK_OUTCOME(outcome(fn({}, {V128}, cat({{0xfd, 0x0c}, zero16, {0xfd, 0x0c}, zero16, {0xfd, 0x0d}, lanes, {0x0b}}))),
                "invalid: invalid lane index");
  // (memory 1) (func i32.const 0 v128.const 0 v128.load64_lane 2 drop)
  CHECK_OUTCOME(
      outcome(funcs_module({one_memory()},
                           {cat({{0x41, 0x00, 0xfd, 0x0c}, zero16, {0xfd, 0x57, 0x03, 0x00, 0x02, 0x1a, 0x0b}})})),
      "invalid: invalid lane index");
}

TEST_CASE("calls: direct, indirect and tail calls") {
  const ByteVec types = section(1, vec({func_type({I32}, {I32}), func_type({}, {I64})}));
  auto two_funcs = [&](const ByteVec& before_code, const ByteVec& code) {
    // func 0: (param i32) (result i32) <code>; func 1: (result i64) i64.const 0
    return module({types, section(3, vec({{0x00}, {0x01}})), before_code, code_section({code, {0x42, 0x00, 0x0b}})});
  };
  // (func (param i32) (result i32) local.get 0 call 0)
  CHECK(outcome(two_funcs({}, {0x20, 0x00, 0x10, 0x00, 0x0b})) == "ok");
  // (func (param i32) (result i32) call 1): returns i64
  CHECK_OUTCOME(outcome(two_funcs({}, {0x10, 0x01, 0x0b})), "invalid: type mismatch");
  CHECK_OUTCOME(outcome(two_funcs({}, {0x10, 0x02, 0x0b})), "invalid: unknown function 2");
  // local.get 0 local.get 0 call_indirect (type 0) without a table
  CHECK_OUTCOME(outcome(two_funcs({}, {0x20, 0x00, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b})), "invalid: unknown table 0");
  CHECK(outcome(two_funcs(one_table(), {0x20, 0x00, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b})) == "ok");
  CHECK_OUTCOME(outcome(two_funcs(one_table(), {0x20, 0x00, 0x20, 0x00, 0x11, 0x05, 0x00, 0x0b})),
                "invalid: unknown type");
  CHECK_OUTCOME(outcome(two_funcs(one_table(EXTERNREF), {0x20, 0x00, 0x20, 0x00, 0x11, 0x00, 0x00, 0x0b})),
                "invalid: type mismatch");

  const Features tail = with(&Features::tail_call);
  // (func (param i32) (result i32) local.get 0 return_call 0 i32.add): the rest is unreachable
  CHECK(outcome(two_funcs({}, {0x20, 0x00, 0x12, 0x00, 0x6a, 0x0b}), tail) == "ok");
  // return_call 1: callee results (i64) differ from the caller's (i32)
  CHECK_OUTCOME(outcome(two_funcs({}, {0x12, 0x01, 0x0b}), tail), "invalid: type mismatch");
  // local.get 0 local.get 0 return_call_indirect (type 0)
  CHECK(outcome(two_funcs(one_table(), {0x20, 0x00, 0x20, 0x00, 0x13, 0x00, 0x00, 0x0b}), tail) == "ok");
}

TEST_CASE("constant expressions") {
  auto global_module = [](const ByteVec& imports, ValType type, const ByteVec& init) {
    return module({imports, section(6, vec({cat({{type.byte(), 0x00}, init})}))});
  };
  // (global i32 (i32.const 0) nop)
  CHECK_OUTCOME(outcome(global_module({}, ValType::kI32, {0x41, 0x00, 0x01, 0x0b})),
                "invalid: constant expression required");
  // (global i64 (i32.const 0))
  CHECK_OUTCOME(outcome(global_module({}, ValType::kI64, {0x41, 0x00, 0x0b})), "invalid: type mismatch");
  // (global i32 (i32.const 0) (i32.const 1))
  CHECK_OUTCOME(outcome(global_module({}, ValType::kI32, {0x41, 0x00, 0x41, 0x01, 0x0b})), "invalid: type mismatch");
  // (global i32): no value at all
  CHECK_OUTCOME(outcome(global_module({}, ValType::kI32, {0x0b})), "invalid: type mismatch");
  // (global i32 (i32.add (i32.const 1) (i32.const 2))): extended-const only
  const ByteVec add = {0x41, 0x01, 0x41, 0x02, 0x6a, 0x0b};
  CHECK_OUTCOME(outcome(global_module({}, ValType::kI32, add)), "invalid: constant expression required");
  CHECK(outcome(global_module({}, ValType::kI32, add), with(&Features::extended_const)) == "ok");
  // (global i64 (i64.add (i32.const 1) (i32.const 2))) with extended-const
  CHECK_OUTCOME(
      outcome(global_module({}, ValType::kI64, {0x41, 0x01, 0x41, 0x02, 0x7c, 0x0b}), with(&Features::extended_const)),
      "invalid: type mismatch");
  // (global i32 (i32.const 0)) (global i32 (global.get 0)): only imported globals are visible
  const ByteVec two_globals =
      module({section(6, vec({cat({{I32, 0x00}, {0x41, 0x00, 0x0b}}), cat({{I32, 0x00}, {0x23, 0x00, 0x0b}})}))});
  CHECK_OUTCOME(outcome(two_globals), "invalid: unknown global 0");
  // (import "m" "g" (global i32)) (global i32 (global.get 0))
  const ByteVec import_const = section(2, vec({cat({name("m"), name("g"), {0x03, I32, 0x00}})}));
  CHECK(outcome(global_module(import_const, ValType::kI32, {0x23, 0x00, 0x0b})) == "ok");
  // (import "m" "g" (global (mut i32))) (global i32 (global.get 0))
  const ByteVec import_mut = section(2, vec({cat({name("m"), name("g"), {0x03, I32, 0x01}})}));
  CHECK_OUTCOME(outcome(global_module(import_mut, ValType::kI32, {0x23, 0x00, 0x0b})),
                "invalid: constant expression required");
  // (global funcref (ref.func 0)) without functions
  CHECK_OUTCOME(outcome(global_module({}, ValType::kFuncRef, {0xd2, 0x00, 0x0b})), "invalid: unknown function 0");
}

TEST_CASE("exports and the start function") {
  const ByteVec types = section(1, vec({func_type({}, {}), func_type({I32}, {})}));
  const ByteVec funcs = section(3, vec({{0x00}, {0x01}}));
  const ByteVec codes = code_section({{0x0b}, {0x0b}});
  auto exports = [](std::initializer_list<ByteVec> items) { return section(7, vec(items)); };
  // (export "a" (func 0)) (export "a" (func 1))
  CHECK_OUTCOME(
      outcome(module({types, funcs, exports({cat({name("a"), {0x00, 0x00}}), cat({name("a"), {0x00, 0x01}})}), codes})),
      "invalid: duplicate export name");
  // (export "a" (func 0)) (export "b" (func 0))
  CHECK(outcome(module(
            {types, funcs, exports({cat({name("a"), {0x00, 0x00}}), cat({name("b"), {0x00, 0x00}})}), codes})) == "ok");
  CHECK_OUTCOME(outcome(module({types, funcs, exports({cat({name("a"), {0x00, 0x02}})}), codes})),
                "invalid: unknown function 2");
  CHECK_OUTCOME(outcome(module({types, funcs, exports({cat({name("m"), {0x02, 0x00}})}), codes})),
                "invalid: unknown memory 0");
  CHECK_OUTCOME(outcome(module({types, funcs, exports({cat({name("g"), {0x03, 0x00}})}), codes})),
                "invalid: unknown global 0");
  CHECK_OUTCOME(outcome(module({types, funcs, exports({cat({name("t"), {0x01, 0x00}})}), codes})),
                "invalid: unknown table 0");
  // (start 0) is fine, (start 1) takes a parameter, (start 2) does not exist
  CHECK(outcome(module({types, funcs, section(8, {0x00}), codes})) == "ok");
  CHECK_OUTCOME(outcome(module({types, funcs, section(8, {0x01}), codes})), "invalid: start function");
  CHECK_OUTCOME(outcome(module({types, funcs, section(8, {0x02}), codes})), "invalid: unknown function 2");
  // (func (type 9))
  CHECK_OUTCOME(outcome(module({types, section(3, vec({{0x09}})), code_section({{0x0b}})})), "invalid: unknown type 9");
}

TEST_CASE("element and data segments") {
  const ByteVec offset0 = {0x41, 0x00, 0x0b};
  // (table 1 externref) (elem (i32.const 0) func 0): funcref segment, externref table
  CHECK_OUTCOME(
      outcome(funcs_module({one_table(EXTERNREF), section(9, vec({cat({{0x00}, offset0, vec({{0x00}})})}))}, {{0x0b}})),
      "invalid: type mismatch");
  // (elem (i32.const 0) func 0) without a table
  CHECK_OUTCOME(outcome(funcs_module({section(9, vec({cat({{0x00}, offset0, vec({{0x00}})})}))}, {{0x0b}})),
                "invalid: unknown table 0");
  // (table 1 funcref) (elem (i32.const 0) func 3)
  CHECK_OUTCOME(
      outcome(funcs_module({one_table(), section(9, vec({cat({{0x00}, offset0, vec({{0x03}})})}))}, {{0x0b}})),
      "invalid: unknown function 3");
  // (table 1 funcref) (elem (i64.const 0) func 0)
  CHECK_OUTCOME(outcome(funcs_module({one_table(), section(9, vec({cat({{0x00}, {0x42, 0x00, 0x0b}, vec({{0x00}})})}))},
                                     {{0x0b}})),
                "invalid: type mismatch");
  // (elem externref (ref.null func)): passive, expressions, wrong reference type
  CHECK_OUTCOME(
      outcome(funcs_module({section(9, vec({cat({{0x05, EXTERNREF}, vec({{0xd0, 0x70, 0x0b}})})}))}, {{0x0b}})),
      "invalid: type mismatch");
  // (data (i32.const 0) "") without a memory
  const ByteVec data = section(11, vec({cat({{0x00}, offset0, {0x00}})}));
  CHECK_OUTCOME(outcome(module({data})), "invalid: unknown memory 0");
  CHECK(outcome(module({one_memory(), data})) == "ok");
  // (memory i64 1) (data (i32.const 0) ""): offsets follow the memory's address type
  CHECK_OUTCOME(outcome(module({memory_section({0x04, 0x01}), data}), with(&Features::memory64)),
                "invalid: type mismatch");
}

TEST_CASE("ref.func needs a function declared outside function bodies") {
  // (func (result funcref) ref.func 0)
  const ByteVec code = {0xd2, 0x00, 0x0b};
  // one_func_module exports the function, which declares it
  CHECK(outcome(fn({}, {FUNCREF}, code)) == "ok");
  const ByteVec types = section(1, vec({func_type({}, {FUNCREF})}));
  const ByteVec funcs = section(3, vec({{0x00}}));
  CHECK_OUTCOME(outcome(module({types, funcs, code_section({code})})), "invalid: undeclared function reference");
  // (elem declare func 0)
  const ByteVec declare = section(9, vec({cat({{0x03, 0x00}, vec({{0x00}})})}));
  CHECK(outcome(module({types, funcs, declare, code_section({code})})) == "ok");
  // (func (result funcref) ref.func 4)
  CHECK_OUTCOME(outcome(module({types, funcs, declare, code_section({{0xd2, 0x04, 0x0b}})})),
                "invalid: unknown function 4");
}

TEST_CASE("references, tables and segments in code") {
  const ByteVec elem = section(9, vec({cat({{0x05, EXTERNREF}, vec({{0xd0, 0x6f, 0x0b}})})}));
  // (table 1 funcref) (func i32.const 0 table.get 0 ref.is_null drop)
  CHECK(outcome(funcs_module({one_table()}, {{0x41, 0x00, 0x25, 0x00, 0xd1, 0x1a, 0x0b}})) == "ok");
  // (func i32.const 0 ref.is_null drop)
  CHECK_OUTCOME(outcome(funcs_module({}, {{0x41, 0x00, 0xd1, 0x1a, 0x0b}})), "invalid: type mismatch");
  // (table 1 funcref) (func i32.const 0 ref.null extern table.set 0)
  CHECK_OUTCOME(outcome(funcs_module({one_table()}, {{0x41, 0x00, 0xd0, 0x6f, 0x26, 0x00, 0x0b}})),
                "invalid: type mismatch");
  // (table 1 funcref) (elem externref (ref.null extern)) (func i32.const 0 i32.const 0 i32.const 0 table.init 0 0)
  const ByteVec init = {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0c, 0x00, 0x00, 0x0b};
  CHECK_OUTCOME(outcome(funcs_module({one_table(), elem}, {init})), "invalid: type mismatch");
  CHECK(outcome(funcs_module({one_table(EXTERNREF), elem}, {init})) == "ok");
  // (func elem.drop 1)
  CHECK_OUTCOME(outcome(funcs_module({one_table(EXTERNREF), elem}, {{0xfc, 0x0d, 0x01, 0x0b}})),
                "invalid: unknown elem segment 1");
  // (table 1 funcref) (table 1 externref) (func i32.const 0 i32.const 0 i32.const 0 table.copy 0 1)
  const ByteVec two_tables = section(4, vec({{FUNCREF, 0x00, 0x01}, {EXTERNREF, 0x00, 0x01}}));
  CHECK_OUTCOME(
      outcome(funcs_module({two_tables}, {{0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0e, 0x00, 0x01, 0x0b}})),
      "invalid: type mismatch");
  CHECK(outcome(funcs_module({two_tables}, {{0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0e, 0x01, 0x01, 0x0b}})) ==
        "ok");
  // (func table.size 0 drop) without a table
  CHECK_OUTCOME(outcome(funcs_module({}, {{0xfc, 0x10, 0x00, 0x1a, 0x0b}})), "invalid: unknown table 0");
}

TEST_CASE("data segment indices and the data count section") {
  const ByteVec passive = section(11, vec({{0x01, 0x00}}));
  const ByteVec init = {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00, 0x0b};
  // (memory 1) (data "") (func ... memory.init 0) with a data count section
  auto with_count = [&](const ByteVec& code) {
    return module({section(1, vec({func_type({}, {})})), section(3, vec({{0x00}})), one_memory(), section(12, uleb(1)),
                   code_section({code}), passive});
  };
  CHECK(outcome(with_count(init)) == "ok");
  CHECK_OUTCOME(outcome(with_count({0xfc, 0x09, 0x01, 0x0b})), "invalid: unknown data segment 1");
  // the same without the data count section: a binary-format error
  CHECK_OUTCOME(outcome(cat({funcs_module({one_memory()}, {init}), passive})),
                "malformed: data count section required");
  // no data section at all: there is simply no segment 0
  CHECK_OUTCOME(outcome(funcs_module({one_memory()}, {{0xfc, 0x09, 0x00, 0x0b}})), "invalid: unknown data segment 0");
}

TEST_CASE("structure: the final end, misplaced else, and malformed code winning over invalid code") {
  // A body whose bytes run out inside a block, as the last thing in the module.
  CHECK_OUTCOME(outcome(funcs_module({}, {{0x02, EMPTY, 0x0b}})), "malformed: unexpected end");
  // ... and followed by another body.
  CHECK_OUTCOME(outcome(funcs_module({}, {{0x02, EMPTY, 0x0b}, {0x0b}})), "malformed: END opcode expected");
  // Bytes after the end that closes the function.
  CHECK_OUTCOME(outcome(funcs_module({}, {{0x0b, 0x01}})), "malformed: section size mismatch");
  // (block else end)
  CHECK_OUTCOME(outcome(funcs_module({}, {{0x02, EMPTY, 0x05, 0x0b, 0x0b}})), "malformed: END opcode expected");
  // Function 0 has a typing error, function 1 an illegal opcode: the spec decodes first.
  CHECK_OUTCOME(outcome(funcs_module({}, {{0x6a, 0x0b}, {0xff, 0x0b}})), "malformed: illegal opcode ff");
  // ... and a module-level error also loses to malformed code.
  CHECK_OUTCOME(outcome(funcs_module({section(7, vec({cat({name("x"), {0x00, 0x09}})}))}, {{0xff, 0x0b}})),
                "malformed: illegal opcode ff");
}

TEST_CASE("errors carry the offset of the offending instruction") {
  // (func (result i32) nop i32.const 0 i64.const 0 i32.add)
  const ByteVec m = fn({}, {I32}, {0x01, 0x41, 0x00, 0x42, 0x00, 0x6a, 0x0b});
  Result<ModuleInfo> result = validate_bytes(m);
  REQUIRE_FALSE(result.ok());
  Result<Module> decoded = decode_module(m);
  REQUIRE(decoded.ok());
  // i32.add is the sixth byte of the code: nop, i32.const 0, i64.const 0, i32.add
  CHECK(result.error().offset == decoded->codes[0].code.offset + 5);
}

