// Tests of the spec harness's interpreter executor: the spectest host module, values both ways, traps, linking.
#include <doctest/doctest.h>
#include <unistd.h>

#include <bit>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/spectest/interp_executor.h"
#include "kiln/spectest/runner.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::spectest;
using kiln::test::body;
using kiln::test::ByteVec;
using kiln::test::cat;
using kiln::test::func_type;
using kiln::test::name;
using kiln::test::section;
using kiln::test::uleb;
using kiln::test::vec;

namespace {

constexpr uint8_t kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C, kV128 = 0x7B, kFuncRef = 0x70, kExternRef = 0x6F;

ByteVec export_entry(std::string_view field, uint8_t kind, uint32_t index) {
  return cat({name(field), {kind}, uleb(index)});
}
ByteVec import_entry(std::string_view module, std::string_view field, const ByteVec& desc) {
  return cat({name(module), name(field), desc});
}
ByteVec no_locals_body(const ByteVec& code) { return body({0x00}, code); }

Status instantiate_bytes(InterpExecutor& executor, ByteVec bytes, std::string_view as_name = "") {
  auto module = decode_module(std::move(bytes));
  REQUIRE_MESSAGE(module.ok(), (module.ok() ? "" : module.error().message));
  auto info = validate_module(*module);
  REQUIRE_MESSAGE(info.ok(), (info.ok() ? "" : info.error().message));
  return executor.instantiate(std::move(*module), std::move(*info), as_name);
}

void require_ok(const Status& status) { REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.error().message)); }

SpecValue scalar(ValType type, uint64_t bits) {
  SpecValue v;
  v.type = type;
  v.set_bits(bits);
  return v;
}

SpecValue null_ref(ValType type) {
  SpecValue v;
  v.type = type;
  v.is_null = true;
  return v;
}

// One result of invoking `field` with `args`; the call must succeed.
SpecValue call_one(InterpExecutor& executor, std::string_view field, std::vector<SpecValue> args,
                   std::string_view module = "") {
  auto results = executor.invoke(module, field, args);
  REQUIRE_MESSAGE(results.ok(), (results.ok() ? "" : results.error().message));
  REQUIRE(results->size() == 1);
  return (*results)[0];
}

// (module
//   (import "spectest" "print_i32" (func (param i32)))
//   (import "spectest" "global_i32" (global i32)) ... global_f32, global_f64, global_i64
//   (import "spectest" "table" (table 10 20 funcref))
//   (import "spectest" "memory" (memory 1 2))
//   (func (export "size") (result i32) memory.size)
//   (func (export "tsize") (result i32) table.size 0)
//   (export "print" (func 0)) (export "g32" (global 0)) ...)
ByteVec spectest_importer() {
  return test::module({
      section(1, vec({func_type({kI32}, {}), func_type({}, {kI32})})),
      section(2, vec({import_entry("spectest", "print_i32", {0x00, 0x00}),
                      import_entry("spectest", "global_i32", {0x03, kI32, 0x00}),
                      import_entry("spectest", "global_f32", {0x03, kF32, 0x00}),
                      import_entry("spectest", "global_f64", {0x03, kF64, 0x00}),
                      import_entry("spectest", "global_i64", {0x03, kI64, 0x00}),
                      import_entry("spectest", "table", {0x01, kFuncRef, 0x01, 10, 20}),
                      import_entry("spectest", "memory", {0x02, 0x01, 1, 2})})),
      section(3, vec({{0x01}, {0x01}})),
      section(7, vec({export_entry("size", 0, 1), export_entry("tsize", 0, 2), export_entry("print", 0, 0),
                      export_entry("g32", 3, 0), export_entry("gf32", 3, 1), export_entry("gf64", 3, 2),
                      export_entry("g64", 3, 3)})),
      section(10, vec({no_locals_body({0x3F, 0x00, 0x0B}), no_locals_body({0xFC, 0x10, 0x00, 0x0B})})),
  });
}

// (module (import "spectest" NAME DESC))
ByteVec single_import(std::string_view field, const ByteVec& desc) {
  return test::module({
      section(1, vec({func_type({}, {})})),
      section(2, vec({import_entry("spectest", field, desc)})),
  });
}

// (module (func (export "i64") (param i64) (result i64) local.get 0) ... the same for
// f32, f64, v128, externref and funcref; and (func (export "ref") (result funcref) ref.func 0)
// with (elem declare func 0).
ByteVec identities() {
  const ByteVec types[] = {{kI64}, {kF32}, {kF64}, {kV128}, {kExternRef}, {kFuncRef}};
  const ByteVec identity = no_locals_body({0x20, 0x00, 0x0B});
  return test::module({
      section(1, vec({func_type(types[0], types[0]), func_type(types[1], types[1]), func_type(types[2], types[2]),
                      func_type(types[3], types[3]), func_type(types[4], types[4]), func_type(types[5], types[5]),
                      func_type({}, {kFuncRef})})),
      section(3, vec({{0}, {1}, {2}, {3}, {4}, {5}, {6}})),
      section(7, vec({export_entry("i64", 0, 0), export_entry("f32", 0, 1), export_entry("f64", 0, 2),
                      export_entry("v128", 0, 3), export_entry("extern", 0, 4), export_entry("func", 0, 5),
                      export_entry("ref", 0, 6)})),
      section(9, vec({cat({{0x03, 0x00}, vec({{0x00}})})})),
      section(10,
              vec({identity, identity, identity, identity, identity, identity, no_locals_body({0xD2, 0x00, 0x0B})})),
  });
}

// (module
//   (func (export "boom") unreachable)
//   (func (export "recurse") call 1)
//   (func (export "spin") (loop br 0))
//   (func (export "div") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s))
ByteVec trappers() {
  return test::module({
      section(1, vec({func_type({}, {}), func_type({kI32}, {kI32})})),
      section(3, vec({{0}, {0}, {0}, {1}})),
      section(7, vec({export_entry("boom", 0, 0), export_entry("recurse", 0, 1), export_entry("spin", 0, 2),
                      export_entry("div", 0, 3)})),
      section(10, vec({no_locals_body({0x00, 0x0B}), no_locals_body({0x10, 0x01, 0x0B}),
                       no_locals_body({0x03, 0x40, 0x0C, 0x00, 0x0B, 0x0B}),
                       no_locals_body({0x41, 0x01, 0x20, 0x00, 0x6D, 0x0B})})),
  });
}

// (module (memory (export "mem") 1) (global (export "g") i32 (i32.const 7))
//   (func (export "load") (result i32) i32.const 0 i32.load8_u))
ByteVec memory_owner() {
  return test::module({
      section(1, vec({func_type({}, {kI32})})),
      section(3, vec({{0x00}})),
      section(5, vec({{0x00, 0x01}})),
      section(6, vec({{kI32, 0x00, 0x41, 0x07, 0x0B}})),
      section(7, vec({export_entry("mem", 2, 0), export_entry("load", 0, 0), export_entry("g", 3, 0)})),
      section(10, vec({no_locals_body({0x41, 0x00, 0x2D, 0x00, 0x00, 0x0B})})),
  });
}

// (module (import "A" "mem" (memory 1)) (data (i32.const 0) BYTE) SECOND-DATA? (start $unreachable)?)
ByteVec memory_writer(uint8_t byte, bool out_of_bounds_second_segment, bool trapping_start) {
  ByteVec datas = cat({{0x00, 0x41, 0x00, 0x0B}, vec({{byte}})});
  const ByteVec beyond = cat({{0x00, 0x41}, test::sleb(65536), {0x0B}, vec({{0x01}})});
  return test::module({
      section(1, vec({func_type({}, {})})),
      section(2, vec({import_entry("A", "mem", {0x02, 0x00, 0x01})})),
      section(3, vec({{0x00}})),
      trapping_start ? section(8, uleb(0)) : ByteVec{},
      section(10, vec({no_locals_body({0x00, 0x0B})})),
      section(11, out_of_bounds_second_segment ? vec({datas, beyond}) : vec({datas})),
  });
}

}  // namespace

TEST_CASE("interp executor: the spectest host module") {
  InterpExecutor executor;
  require_ok(instantiate_bytes(executor, spectest_importer()));
  CHECK(call_one(executor, "size", {}).bits() == 1);
  CHECK(call_one(executor, "tsize", {}).bits() == 10);
  auto printed = executor.invoke("", "print", std::vector{scalar(ValType::kI32, 5)});
  REQUIRE(printed.ok());
  CHECK(printed->empty());

  const auto global = [&](std::string_view field) {
    auto value = executor.get("", field);
    REQUIRE_MESSAGE(value.ok(), (value.ok() ? "" : value.error().message));
    return *value;
  };
  CHECK(global("g32").type == ValType::kI32);
  CHECK(global("g32").bits() == 666);
  CHECK(global("g64").bits() == 666);
  CHECK(global("gf32").type == ValType::kF32);
  CHECK(global("gf32").bits() == std::bit_cast<uint32_t>(666.6f));
  CHECK(global("gf64").bits() == std::bit_cast<uint64_t>(666.6));
  CHECK(!executor.get("", "size").ok());  // a function, not a global

  // The table's maximum is 20 and the memory's 2: asking for more, or for a
  // larger minimum, cannot link.
  const auto unlinkable = [&](ByteVec bytes) {
    const Status status = instantiate_bytes(executor, std::move(bytes));
    REQUIRE(!status.ok());
    CHECK(status.error().code == ErrorCode::kUnlinkable);
    return status.error().message;
  };
  CHECK(unlinkable(single_import("table", {0x01, kFuncRef, 0x00, 11})).starts_with("incompatible import type"));
  CHECK(unlinkable(single_import("table", {0x01, kFuncRef, 0x01, 10, 15})).starts_with("incompatible import type"));
  CHECK(unlinkable(single_import("memory", {0x02, 0x01, 1, 1})).starts_with("incompatible import type"));
  CHECK(unlinkable(single_import("print_i32", {0x00, 0x00})).starts_with("incompatible import type"));
  CHECK(unlinkable(single_import("print_i8", {0x00, 0x00})).starts_with("unknown import"));
  // Failed instantiations leave the current module in place.
  CHECK(call_one(executor, "size", {}).bits() == 1);
}

TEST_CASE("interp executor: values keep their bits both ways") {
  InterpExecutor executor;
  require_ok(instantiate_bytes(executor, identities()));
  CHECK(call_one(executor, "i64", {scalar(ValType::kI64, 0x8000'0000'0000'0001)}).bits() == 0x8000'0000'0000'0001);
  // A signalling NaN's payload survives the trip.
  const SpecValue f32 = call_one(executor, "f32", {scalar(ValType::kF32, 0x7FA0'0001)});
  CHECK(f32.type == ValType::kF32);
  CHECK(f32.bits() == 0x7FA0'0001);
  CHECK(call_one(executor, "f64", {scalar(ValType::kF64, 0xFFF0'0000'0000'0001)}).bits() == 0xFFF0'0000'0000'0001);

  SpecValue v128;
  v128.type = ValType::kV128;
  v128.lane_type = LaneType::kI8;
  for (size_t i = 0; i < 16; ++i) v128.bytes[i] = static_cast<uint8_t>(0xF0 + i);
  const SpecValue v128_out = call_one(executor, "v128", {v128});
  CHECK(v128_out.type == ValType::kV128);
  CHECK(v128_out.bytes == v128.bytes);

  const SpecValue host = call_one(executor, "extern", {scalar(ValType::kExternRef, 0)});
  CHECK(!host.is_null);
  CHECK(host.bits() == 0);  // ref.extern 0 is not null
  CHECK(call_one(executor, "extern", {scalar(ValType::kExternRef, 41)}).bits() == 41);
  CHECK(call_one(executor, "extern", {null_ref(ValType::kExternRef)}).is_null);
  CHECK(call_one(executor, "func", {null_ref(ValType::kFuncRef)}).is_null);
  const SpecValue func = call_one(executor, "ref", {});
  CHECK(func.type == ValType::kFuncRef);
  CHECK(!func.is_null);

  // Arguments of the wrong type or number are the script's mistake, not a trap.
  auto wrong_type = executor.invoke("", "i64", std::vector{scalar(ValType::kI32, 1)});
  REQUIRE(!wrong_type.ok());
  CHECK(wrong_type.error().code == ErrorCode::kUsage);
  auto wrong_count = executor.invoke("", "i64", {});
  REQUIRE(!wrong_count.ok());
  CHECK(wrong_count.error().code == ErrorCode::kUsage);
  CHECK(!to_value(scalar(ValType::kFuncRef, 3)).ok());
}

TEST_CASE("interp executor: traps, exhaustion and fuel") {
  InterpExecutor executor;
  require_ok(instantiate_bytes(executor, trappers()));
  const auto error_of = [](const Result<std::vector<SpecValue>>& result) {
    REQUIRE(!result.ok());
    return result.error();
  };
  const Error boom = error_of(executor.invoke("", "boom", {}));
  CHECK(boom.code == ErrorCode::kTrap);
  CHECK(boom.message.starts_with("unreachable"));
  const Error div = error_of(executor.invoke("", "div", std::vector{scalar(ValType::kI32, 0)}));
  CHECK(div.code == ErrorCode::kTrap);
  CHECK(div.message.starts_with("integer divide by zero"));
  CHECK(call_one(executor, "div", {scalar(ValType::kI32, 1)}).bits() == 1);
  const Error deep = error_of(executor.invoke("", "recurse", {}));
  CHECK(deep.code == ErrorCode::kExhausted);
  CHECK(deep.message.starts_with("call stack exhausted"));

  ExecOptions small;
  small.fuel = 10'000;
  InterpExecutor limited(small);
  require_ok(instantiate_bytes(limited, trappers()));
  const Error spin = error_of(limited.invoke("", "spin", {}));
  CHECK(spin.code == ErrorCode::kExhausted);
  CHECK(spin.message.starts_with("all fuel consumed"));
}

TEST_CASE("interp executor: names, register, and what failed instantiations leave behind") {
  InterpExecutor executor;
  CHECK(!executor.invoke("", "load", {}).ok());  // nothing instantiated yet
  require_ok(instantiate_bytes(executor, memory_owner(), "$A"));
  // Before registration, "A" is not importable.
  const Status unregistered = instantiate_bytes(executor, memory_writer(1, false, false));
  REQUIRE(!unregistered.ok());
  CHECK(unregistered.error().code == ErrorCode::kUnlinkable);
  require_ok(executor.register_module("$A", "A"));
  CHECK(!executor.register_module("$B", "B").ok());

  // Segments write the shared memory in order; a later one out of bounds
  // fails instantiation without undoing the first.
  const Status oob = instantiate_bytes(executor, memory_writer(0x2A, true, false), "$W");
  REQUIRE(!oob.ok());
  CHECK(oob.error().code == ErrorCode::kTrap);
  CHECK(oob.error().message.starts_with("out of bounds memory access"));
  CHECK(call_one(executor, "load", {}).bits() == 0x2A);  // $A is still the current module
  CHECK(!executor.invoke("$W", "load", {}).ok());        // the failed module got no name

  // The start function runs after the segments; its trap leaves their effects too.
  const Status start = instantiate_bytes(executor, memory_writer(0x2B, false, true));
  REQUIRE(!start.ok());
  CHECK(start.error().code == ErrorCode::kTrap);
  CHECK(start.error().message.starts_with("unreachable"));
  CHECK(call_one(executor, "load", {}).bits() == 0x2B);

  // A later module becomes the current one; $A stays reachable by name.
  require_ok(instantiate_bytes(executor, memory_writer(0x2C, false, false)));
  CHECK(!executor.invoke("", "load", {}).ok());
  CHECK(call_one(executor, "load", {}, "$A").bits() == 0x2C);
  auto g = executor.get("$A", "g");
  REQUIRE(g.ok());
  CHECK(g->bits() == 7);
}

TEST_CASE("interp executor: a script runs end to end through the runner") {
  std::string pattern = (std::filesystem::temp_directory_path() / "kiln-exec-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  const std::filesystem::path dir = pattern;
  const auto write = [&](const std::string& file, const ByteVec& bytes) {
    std::ofstream(dir / file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  };
  write("t.wasm", trappers());
  write("a.wasm", memory_owner());
  write("w.wasm", memory_writer(0x2A, true, false));
  write("u.wasm", single_import("print_i8", {0x00, 0x00}));
  std::ofstream(dir / "s.json") << R"({"source_filename": "s.wast", "commands": [
    {"type": "module", "line": 1, "filename": "a.wasm", "name": "$A"},
    {"type": "register", "line": 2, "as": "A"},
    {"type": "assert_uninstantiable", "line": 3, "filename": "w.wasm", "text": "out of bounds memory access", "module_type": "binary"},
    {"type": "assert_return", "line": 4, "action": {"type": "invoke", "field": "load", "args": []}, "expected": [{"type": "i32", "value": "42"}]},
    {"type": "assert_unlinkable", "line": 5, "filename": "u.wasm", "text": "unknown import", "module_type": "binary"},
    {"type": "module", "line": 6, "filename": "t.wasm"},
    {"type": "assert_return", "line": 7, "action": {"type": "invoke", "field": "div", "args": [{"type": "i32", "value": "4294967295"}]}, "expected": [{"type": "i32", "value": "4294967295"}]},
    {"type": "assert_trap", "line": 8, "action": {"type": "invoke", "field": "div", "args": [{"type": "i32", "value": "0"}]}, "text": "integer divide by zero", "expected": [{"type": "i32"}]},
    {"type": "assert_exhaustion", "line": 9, "action": {"type": "invoke", "field": "recurse", "args": []}, "text": "call stack exhausted", "expected": []},
    {"type": "assert_return", "line": 10, "action": {"type": "get", "module": "$A", "field": "g"}, "expected": [{"type": "i32", "value": "7"}]}]})";
  InterpExecutor executor;
  auto report = run_script_file((dir / "s.json").string(), Features{}, &executor);
  std::filesystem::remove_all(dir);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  for (const CommandFailure& failure : report->failures) MESSAGE(format_failure(failure));
  CHECK(report->total().passed == 10);
  CHECK(report->total().failed == 0);
  CHECK(report->total().skipped == 0);
}
