// Typed function references (WebAssembly 3.0) behind their feature switch: every encoding they add is refused
// naming the feature while it is off (as Wizer's engine words it); on, they are decoded, validated (subtyping,
// local initialization), run, and pre-initialized. Pre-initialization keeps the switch off by default, as Wizer
// does.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/kiln.h"
#include "kiln/text/wat.h"
#include "kiln/validate/validate.h"
#include "support/cli_refusal.h"
#include "support/preinit_oracle.h"
#include "support/running.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Features with_function_references() { return features_with(&Features::function_references); }

// The error decoding and then validating `bytes` ends with (function bodies are decoded by the validator).
Error first_error(const ByteVec& bytes, const Features& features) {
  auto module = decode_module(bytes, features);
  if (!module.ok()) return module.error();
  auto info = validate_module(*module);
  REQUIRE_FALSE(info.ok());
  return info.error();
}

std::vector<uint8_t> assemble(const std::string& wat) {
  auto bytes = text::wat_to_binary(wat);
  REQUIRE_MESSAGE(bytes.ok(), why(bytes));
  return std::move(bytes).value();
}

// The validation error of `wat`, or "" when it validates.
std::string invalid_because(const std::string& wat) {
  auto module = decode_module(assemble(wat), with_function_references());
  REQUIRE_MESSAGE(module.ok(), why(module));
  auto info = validate_module(*module);
  return why(info);
}

// An instance of `wasm` in its own store, ready to call.
struct Running : RunningModule {
  explicit Running(std::vector<uint8_t> wasm) : RunningModule(std::move(wasm), with_function_references()) {}
};

// A module of one () -> () function whose body is `code` (0x0B included), with type 0 () -> ().
ByteVec body_module(const ByteVec& code) { return one_func_module({}, {}, code); }

constexpr uint64_t kHeader = 8;

}  // namespace

TEST_CASE("function references: a typed value type is refused while the feature is off, naming it") {
  for (const uint8_t prefix : {uint8_t{0x63}, uint8_t{0x64}}) {
    CAPTURE(prefix);
    // Type 0: (param (ref null? 0)).
    const ByteVec types = section(1, vec({func_type({prefix, 0x00}, {})}));
    const Error off = first_error(module({types}), Features{});
    CHECK(off.message == "function references support is not enabled");
    CHECK(off.feature == "function-references");
    CHECK(off.offset == kHeader + 5);  // id, size, count, 0x60, param count, then the prefix

    // The same as a local's type, and as a table's element type.
    const Error local = first_error(one_func_module({}, {}, {0x0b}, cat({{0x01, 0x01}, {prefix, 0x00}})), Features{});
    CHECK(local.feature == "function-references");
    const Error table = first_error(module({section(4, vec({{prefix, 0x70, 0x00, 0x01}}))}), Features{});
    CHECK(table.feature == "function-references");
  }
  // A table with an initializer expression: 0x40 0x00, then the table type and the expression.
  const ByteVec init_table = section(4, vec({{0x40, 0x00, 0x70, 0x00, 0x01, 0xd0, 0x70, 0x0b}}));
  const Error init = first_error(module({init_table}), Features{});
  CHECK(init.feature == "function-references");
  CHECK(init.offset == kHeader + 3);
}

TEST_CASE("function references: each instruction is refused while the feature is off, naming it") {
  struct Case {
    const char* name;
    ByteVec code;
  };
  const std::vector<Case> cases = {
      {"call_ref", {0xd0, 0x70, 0x14, 0x00, 0x0b}},
      {"return_call_ref", {0xd0, 0x70, 0x15, 0x00, 0x0b}},
      {"ref.as_non_null", {0xd0, 0x70, 0xd4, 0x1a, 0x0b}},
      {"br_on_null", {0xd0, 0x70, 0xd5, 0x00, 0x1a, 0x0b}},
      {"br_on_non_null", {0xd0, 0x70, 0xd6, 0x00, 0x0b}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const ByteVec bytes = body_module(c.code);
    const Error off = first_error(bytes, Features{});
    CHECK(off.message == "function references support is not enabled");
    CHECK(off.feature == "function-references");
    CHECK(off.offset == bytes.size() - c.code.size() + 2);  // the body ends the module; ref.null takes two bytes

    // On, the instruction is decoded and typed (call_ref of a funcref is a type mismatch), not blamed on a switch.
    auto module = decode_module(bytes, with_function_references());
    REQUIRE_MESSAGE(module.ok(), why(module));
    auto info = validate_module(*module);
    if (!info.ok()) {
      CHECK(info.error().code == ErrorCode::kInvalid);
      CHECK(info.error().feature.empty());
    }
  }
  // ref.null of a type index: the heap type is a non-negative s33.
  const Error null_off = first_error(body_module({0xd0, 0x00, 0x1a, 0x0b}), Features{});
  CHECK(null_off.feature == "function-references");
  auto null_on = decode_module(body_module({0xd0, 0x00, 0x1a, 0x0b}), with_function_references());
  REQUIRE(null_on.ok());
  CHECK(validate_module(*null_on).ok());
  // Bytes that are no instruction at all stay illegal opcodes, whatever the switch.
  CHECK(first_error(body_module({0x16, 0x0b}), with_function_references()).message == "illegal opcode 16");
}

TEST_CASE("function references: hostile heap types are refused at their prefix while off, malformed while on") {
  // (ref null <2^33-ish>) as an s33 of ten bytes, and a nesting of prefixes where a heap type should be.
  const ByteVec huge = {0x63, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  ByteVec nested(4096, 0x63);
  for (const ByteVec& param : {huge, nested}) {
    const ByteVec bytes = module({section(1, vec({func_type(param, {})}))});
    const uint64_t prefix_at = bytes.size() - 1 - param.size();  // the params, then an empty result count
    const Error off = first_error(bytes, Features{});
    CHECK(off.feature == "function-references");
    CHECK(off.offset == prefix_at);
    const Error on = first_error(bytes, with_function_references());
    CHECK(on.code == ErrorCode::kMalformed);
  }
  // call_ref naming type 2^32-1.
  const Error call = first_error(body_module({0xd0, 0x70, 0x14, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b}), Features{});
  CHECK(call.feature == "function-references");
}

TEST_CASE("function references: the command line names the switch, and pre-initialization is off as in Wizer") {
  // init calls a function through call_ref.
  const ByteVec types = section(1, vec({func_type({}, {0x7f}), func_type({}, {})}));
  const ByteVec funcs = section(3, vec({{0x00}, {0x01}}));
  const ByteVec globals = section(6, vec({{0x7f, 0x01, 0x41, 0x00, 0x0b}}));
  const ByteVec exports = section(7, vec({cat({name("f"), {0x00, 0x00}}), cat({name("wizer-initialize"), {0x00, 0x01}})}));
  const ByteVec code = section(10, vec({body({0x00}, {0x41, 0x2a, 0x0b}),
                                        body({0x00}, {0xd2, 0x00, 0x14, 0x00, 0x24, 0x00, 0x0b})}));
  const ByteVec wasm = module({types, funcs, globals, exports, code});

  Options options;
  auto refused = preinitialize(wasm, options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("function references support is not enabled (turn it on with "
                                     "Options::features.function_references)") != std::string::npos);

  const Workspace ws(wasm);
  const CommandResult off = run_command(std::string(KILN_EXE) + " validate " + ws.input);
  CHECK(off.exit_code == 1);
  CHECK(off.output.find("function references support is not enabled (turn it on with "
                        "--enable-function-references)") != std::string::npos);
  const CommandResult on = run_command(std::string(KILN_EXE) + " validate --enable-function-references " + ws.input);
  CHECK_MESSAGE(on.exit_code == 0, on.output);

  // Switched on, init's call_ref runs and its result becomes the global's initial value.
  options.features.function_references = true;
  auto output = preinitialize(wasm, options);
  REQUIRE_MESSAGE(output.ok(), why(output));
  auto module = decode_module(std::move(output).value(), with_function_references());
  REQUIRE(module.ok());
  REQUIRE(module->globals.size() == 1);
  // global 0 is (mut i32) (i32.const 42): 0x41 0x2a 0x0b.
  const Bytes init = module->slice(module->globals[0].init.code);
  CHECK(std::vector<uint8_t>(init.begin(), init.end()) == std::vector<uint8_t>{0x41, 0x2a, 0x0b});
}

TEST_CASE("function references: typed references are subtypes of funcref, and a null one is not a (ref $t)") {
  CHECK(invalid_because(R"((module
    (type $t (func (result i32)))
    (func $f (type $t) (i32.const 1))
    (elem declare func $f)
    (func (result funcref) (ref.func $f))
    (func (result (ref null $t)) (ref.func $f))
    (func (param (ref $t)) (result (ref null func)) (local.get 0))))") == "");
  CHECK(invalid_because(R"((module
    (type $t (func))
    (func (result (ref $t)) (ref.null $t))))").starts_with("type mismatch"));
  CHECK(invalid_because(R"((module
    (type $t (func))
    (func (param funcref) (result (ref null $t)) (local.get 0))))").starts_with("type mismatch"));
}

TEST_CASE("function references: a local without a default must be set first, in its block or an outer one") {
  CHECK(invalid_because(R"((module
    (type $t (func))
    (func $f)
    (elem declare func $f)
    (func (local $r (ref $t))
      (local.set $r (ref.func $f))
      (call_ref $t (local.get $r)))))") == "");
  CHECK(invalid_because(R"((module
    (type $t (func))
    (func (local $r (ref $t)) (call_ref $t (local.get $r)))))")
            .starts_with("uninitialized local"));
  // Set inside a block: after its end, the local counts as unset again.
  CHECK(invalid_because(R"((module
    (type $t (func))
    (func $f)
    (elem declare func $f)
    (func (local $r (ref $t))
      (block (local.set $r (ref.func $f)))
      (call_ref $t (local.get $r)))))")
            .starts_with("uninitialized local"));
}

TEST_CASE("function references: call_ref, br_on_null, br_on_non_null and ref.as_non_null run") {
  Running run(assemble(R"((module
    (type $binop (func (param i32 i32) (result i32)))
    (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
    (elem declare func $sub)
    (table $ops 2 (ref null $binop))
    (func (export "call") (param i32) (result i32)
      (call_ref $binop (i32.const 50) (i32.const 8) (table.get $ops (local.get 0))))
    (func (export "set") (table.set $ops (i32.const 1) (ref.func $sub)))
    (func (export "tail") (result i32)
      (return_call_ref $binop (i32.const 1) (i32.const 2) (ref.func $sub)))
    ;; -1 for null, else the call's result.
    (func (export "on_null") (param i32) (result i32)
      (block $null
        (return (call_ref $binop (i32.const 3) (i32.const 1)
          (br_on_null $null (table.get $ops (local.get 0))))))
      (i32.const -1))
    (func (export "on_non_null") (param i32) (result i32) (local $f (ref $binop))
      (local.set $f
        (block $some (result (ref $binop))
          (br_on_non_null $some (table.get $ops (local.get 0)))
          (return (i32.const -1))))
      (call_ref $binop (i32.const 10) (i32.const 1) (local.get $f)))
    (func (export "as_non_null") (param i32) (result i32)
      (call_ref $binop (i32.const 7) (i32.const 2) (ref.as_non_null (table.get $ops (local.get 0)))))))"));
  auto null_call = run.call("call", {Value::i32(1)});
  REQUIRE(null_call.trap);
  CHECK(null_call.trap->kind == TrapKind::kNullFunctionReference);
  CHECK(std::string(trap_message(null_call.trap->kind)) == "null function reference");
  auto as_null = run.call("as_non_null", {Value::i32(1)});
  REQUIRE(as_null.trap);
  CHECK(std::string(trap_message(as_null.trap->kind)) == "null reference");
  CHECK(run.call("on_null", {Value::i32(1)}).results == std::vector<Value>{Value::i32(static_cast<uint32_t>(-1))});
  CHECK(run.call("on_non_null", {Value::i32(1)}).results == std::vector<Value>{Value::i32(static_cast<uint32_t>(-1))});

  REQUIRE_FALSE(run.call("set").trap);
  CHECK(run.call("call", {Value::i32(1)}).results == std::vector<Value>{Value::i32(42)});
  CHECK(run.call("tail").results == std::vector<Value>{Value::i32(static_cast<uint32_t>(-1))});
  CHECK(run.call("on_null", {Value::i32(1)}).results == std::vector<Value>{Value::i32(2)});
  CHECK(run.call("on_non_null", {Value::i32(1)}).results == std::vector<Value>{Value::i32(9)});
  CHECK(run.call("as_non_null", {Value::i32(1)}).results == std::vector<Value>{Value::i32(5)});
}

TEST_CASE("function references: a table with an initializer starts out holding its value") {
  const std::string wat = R"((module
    (type $t (func (result i32)))
    (func $seven (type $t) (i32.const 7))
    (table $fs 3 (ref $t) (ref.func $seven))
    (func (export "get") (param i32) (result i32) (call_ref $t (table.get $fs (local.get 0))))))";
  Running run(assemble(wat));
  CHECK(run.call("get", {Value::i32(2)}).results == std::vector<Value>{Value::i32(7)});
  // Without its initializer, a table of non-null references is invalid.
  CHECK(invalid_because(R"((module (type $t (func)) (table 1 (ref $t))))").starts_with("type mismatch"));
  // Tables come before the defined globals: an initializer cannot read one.
  CHECK(invalid_because(R"((module (global $g funcref (ref.null func)) (table 1 funcref (global.get $g))))")
            .starts_with("unknown global"));
}

TEST_CASE("function references: pre-initialization re-encodes typed reference globals and tables") {
  const std::vector<uint8_t> wasm = assemble(R"((module
    (type $t (func (result i32)))
    (func $five (type $t) (i32.const 5))
    (func $six (type $t) (i32.const 6))
    (elem declare func $five $six)
    (global $kept (mut (ref null $t)) (ref.null $t))
    (global $cleared (mut (ref null $t)) (ref.func $five))
    (table $fs 2 (ref null $t))
    (table $init 2 (ref null $t) (ref.func $five))
    (func (export "wizer-initialize")
      (global.set $kept (ref.func $six))
      (global.set $cleared (ref.null $t))
      (table.set $fs (i32.const 1) (ref.func $six))
      (table.set $init (i32.const 0) (ref.null $t))
      (table.set $init (i32.const 1) (ref.func $six)))
    (func (export "kept") (result i32) (call_ref $t (global.get $kept)))
    (func (export "cleared") (result i32) (ref.is_null (global.get $cleared)))
    (func (export "fs") (param i32) (result i32) (call_ref $t (table.get $fs (local.get 0))))
    (func (export "init_null") (result i32) (ref.is_null (table.get $init (i32.const 0))))
    (func (export "init") (param i32) (result i32) (call_ref $t (table.get $init (local.get 0))))))");
  Options options;
  options.features.function_references = true;
  auto output = preinitialize(wasm, options);
  REQUIRE_MESSAGE(output.ok(), why(output));
  Running after(std::move(output).value());
  CHECK(after.call("kept").results == std::vector<Value>{Value::i32(6)});
  CHECK(after.call("cleared").results == std::vector<Value>{Value::i32(1)});
  CHECK(after.call("fs", {Value::i32(1)}).results == std::vector<Value>{Value::i32(6)});
  CHECK(after.call("fs", {Value::i32(0)}).trap);
  CHECK(after.call("init_null").results == std::vector<Value>{Value::i32(1)});
  CHECK(after.call("init", {Value::i32(1)}).results == std::vector<Value>{Value::i32(6)});
}
