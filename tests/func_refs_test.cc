// Typed function references (WebAssembly 3.0) behind their feature switch: every encoding they add is
// recognized, refused naming the feature while it is off (as Wizer's engine words it), and refused as not yet
// supported while it is on; pre-initialization keeps it off by default, as Wizer does.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/validate/validate.h"
#include "support/cli_refusal.h"
#include "support/preinit_oracle.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Features with_function_references() {
  Features f;
  f.function_references = true;
  return f;
}

// The error decoding and then validating `bytes` ends with (function bodies are decoded by the validator).
Error first_error(const ByteVec& bytes, const Features& features) {
  auto module = decode_module(bytes, features);
  if (!module.ok()) return module.error();
  auto info = validate_module(*module);
  REQUIRE_FALSE(info.ok());
  return info.error();
}

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

    // On, the instruction is known but not run yet: named, and not blamed on a switch.
    const Error on = first_error(bytes, with_function_references());
    CHECK(on.code == ErrorCode::kUnsupported);
    CHECK(on.message == std::string("typed function references are not supported yet (") + c.name + ")");
    CHECK(on.feature.empty());
  }
  // ref.null of a type index: the heap type is a non-negative s33.
  const Error null_off = first_error(body_module({0xd0, 0x00, 0x1a, 0x0b}), Features{});
  CHECK(null_off.feature == "function-references");
  CHECK(first_error(body_module({0xd0, 0x00, 0x1a, 0x0b}), with_function_references()).message ==
        "typed function references are not supported yet (ref.null of a type index)");
  // Bytes that are no instruction at all stay illegal opcodes, whatever the switch.
  CHECK(first_error(body_module({0x16, 0x0b}), with_function_references()).message == "illegal opcode 16");
}

TEST_CASE("function references: hostile heap types are refused at their prefix, before any index is read") {
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
    CHECK(on.code == ErrorCode::kUnsupported);
    CHECK(on.offset == prefix_at);
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
  CHECK(on.exit_code == 1);
  CHECK(on.output.find("typed function references are not supported yet (call_ref)") != std::string::npos);
  CHECK(on.output.find("--enable-function-references") == std::string::npos);
}
