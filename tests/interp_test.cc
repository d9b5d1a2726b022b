// Tests of the interpreter: lowering and dispatch on hand-made modules (WAT in comments), traps, limits and host calls.
#include "kiln/interp/interp.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/runtime/page_residency.h"
#include "kiln/validate/validate.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint8_t I32 = 0x7f, I64 = 0x7e, VEC = 0x7b, FUNCREF = 0x70, EMPTY = 0x40;
constexpr uint8_t END = 0x0b;

Instance* load(Store& store, const Linker& linker, const ByteVec& bytes, const Features& features = {}) {
  Result<Module> module = decode_module(bytes, features);
  REQUIRE_MESSAGE(module.ok(), "decode failed: ", module.error().message);
  Result<ModuleInfo> info = validate_module(*module);
  REQUIRE_MESSAGE(info.ok(), "validation failed: ", info.error().message);
  Result<Instance*> instance = instantiate(store, std::make_shared<const Module>(std::move(*module)),
                                           std::make_shared<const ModuleInfo>(std::move(*info)), linker);
  REQUIRE_MESSAGE(instance.ok(), "instantiation failed: ", instance.error().message);
  return *instance;
}

CallOutcome call(Instance* instance, const char* name, std::vector<Value> args, const ExecOptions& options = {},
                 ExecStats* stats = nullptr) {
  FuncInstance* func = instance->export_func(name);
  REQUIRE(func != nullptr);
  return call_function(*func, args, options, stats);
}

uint64_t single_result(const CallOutcome& outcome) {
  REQUIRE_MESSAGE(!outcome.trap, "trapped: ", describe_trap(*outcome.trap, outcome.backtrace));
  REQUIRE(outcome.results.size() == 1);
  return outcome.results[0].bits;
}

TrapKind trap_of(const CallOutcome& outcome) {
  REQUIRE(outcome.trap.has_value());
  return outcome.trap->kind;
}

ByteVec export_func(const char* name, uint32_t index) { return cat({test::name(name), {0x00}, uleb(index)}); }

// Types, function type indices, exports and bodies: the usual single-module shape.
// `middle` sections go between the function and export sections, `late` ones
// (elements) between exports and code.
ByteVec funcs_module(std::initializer_list<ByteVec> types, std::initializer_list<ByteVec> func_types,
                     std::initializer_list<ByteVec> exports, std::initializer_list<ByteVec> bodies,
                     std::initializer_list<ByteVec> middle = {}, std::initializer_list<ByteVec> late = {}) {
  ByteVec out = cat({header(), section(1, vec(types)), section(3, vec(func_types))});
  for (const ByteVec& s : middle) out.insert(out.end(), s.begin(), s.end());
  out = cat({out, section(7, vec(exports))});
  for (const ByteVec& s : late) out.insert(out.end(), s.begin(), s.end());
  return cat({out, section(10, vec(bodies))});
}

// The absolute offset of byte `index` of the last function's code, given the
// whole module: the code section comes last and its last body ends the file.
uint64_t offset_in_last_body(const ByteVec& module, const ByteVec& code, size_t index) {
  return module.size() - code.size() + index;
}

}  // namespace

TEST_CASE("integer arithmetic and its traps") {
  // (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  const ByteVec code = {0x20, 0x00, 0x20, 0x01, 0x6d, END};
  const ByteVec bytes = one_func_module({I32, I32}, {I32}, code);
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  CHECK(single_result(call(inst, "f", {Value::i32(7), Value::i32(2)})) == 3);
  CHECK(single_result(call(inst, "f", {Value::i32(static_cast<uint32_t>(-7)), Value::i32(2)})) == 0xFFFF'FFFDu);
  const CallOutcome by_zero = call(inst, "f", {Value::i32(1), Value::i32(0)});
  CHECK(trap_of(by_zero) == TrapKind::kIntegerDivideByZero);
  CHECK(by_zero.trap->code_offset == offset_in_last_body(bytes, code, 4));
  CHECK(describe_trap(*by_zero.trap, by_zero.backtrace).starts_with("integer divide by zero in func #0 at 0x"));
  CHECK(trap_of(call(inst, "f", {Value::i32(0x8000'0000u), Value::i32(0xFFFF'FFFFu)})) == TrapKind::kIntegerOverflow);
}

TEST_CASE("multi-value blocks and if with parameters keep and drop the right cells") {
  // type 0: (i32 i32) -> (i32 i32); type 1: () -> (i32); type 2: (i32) -> (i32)
  // (func (result i32)
  //   i32.const 1  i32.const 7  i32.const 5
  //   (block (type 0) i32.sub i32.const 10 i32.const 99 i32.const 20 br 0)  ;; leaves 99 20 above 1
  //   i32.sub i32.add)                                                     ;; 1 + (99 - 20) = 80
  // (func (param i32) (result i32)
  //   i32.const 3 (if (type 2) (local.get 0) (then i32.const 1 i32.add) (else i32.const 2 i32.mul)))
  const ByteVec block_code = {0x41, 0x01, 0x41, 0x07, 0x41, 0x05, 0x02, 0x00, 0x6b, 0x41, 0x0a, 0x41, 0xe3,
                              0x00, 0x41, 0x14, 0x0c, 0x00, END,  0x6b, 0x6a, END};
  const ByteVec if_code = {0x41, 0x03, 0x20, 0x00, 0x04, 0x02, 0x41, 0x01, 0x6a, 0x05, 0x41, 0x02, 0x6c, END, END};
  const ByteVec bytes = funcs_module({func_type({I32, I32}, {I32, I32}), func_type({}, {I32}), func_type({I32}, {I32})},
                                     {{0x01}, {0x02}}, {export_func("block", 0), export_func("if", 1)},
                                     {body({0x00}, block_code), body({0x00}, if_code)});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  CHECK(single_result(call(inst, "block", {})) == 80);
  CHECK(single_result(call(inst, "if", {Value::i32(1)})) == 4);
  CHECK(single_result(call(inst, "if", {Value::i32(0)})) == 6);
}

TEST_CASE("br_table picks its target, clamps to the default and carries values") {
  // (func (param i32) (result i32)
  //   (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 11)))
  //   (i32.const 12))
  const ByteVec pick = {0x02, EMPTY, 0x02, EMPTY, 0x02, EMPTY, 0x20, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x02, END,
                        0x41, 0x0a, 0x0f, END,  0x41, 0x0b, 0x0f, END,  0x41, 0x0c, END};
  // (func (param i32) (result i32)
  //   (block (result i32)
  //     (block (result i32) (i32.const 100) (i32.const 7) (br_table 0 1 (local.get 0)))
  //     (i32.const 1) (i32.add)))
  const ByteVec carry = {0x02, I32,  0x02, I32,  0x41, 0xe4, 0x00, 0x41, 0x07, 0x20, 0x00,
                         0x0e, 0x01, 0x00, 0x01, END,  0x41, 0x01, 0x6a, END,  END};
  const ByteVec bytes = funcs_module({func_type({I32}, {I32})}, {{0x00}, {0x00}},
                                     {export_func("pick", 0), export_func("carry", 1)},
                                     {body({0x00}, pick), body({0x00}, carry)});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  CHECK(single_result(call(inst, "pick", {Value::i32(0)})) == 10);
  CHECK(single_result(call(inst, "pick", {Value::i32(1)})) == 11);
  CHECK(single_result(call(inst, "pick", {Value::i32(2)})) == 12);
  CHECK(single_result(call(inst, "pick", {Value::i32(0xFFFF'FFFFu)})) == 12);
  CHECK(single_result(call(inst, "carry", {Value::i32(0)})) == 8);
  CHECK(single_result(call(inst, "carry", {Value::i32(1)})) == 7);
}

TEST_CASE("recursive calls, and the call-depth limit traps instead of overflowing the native stack") {
  // (func $fac (param i64) (result i64)
  //   (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
  //     (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  // (func $forever (call $forever))
  const ByteVec fac = {0x20, 0x00, 0x50, 0x04, I64,  0x42, 0x01, 0x05, 0x20, 0x00, 0x20,
                       0x00, 0x42, 0x01, 0x7d, 0x10, 0x00, 0x7e, END,  END};
  const ByteVec forever = {0x10, 0x01, END};
  const ByteVec bytes = funcs_module({func_type({I64}, {I64}), func_type({}, {})}, {{0x00}, {0x01}},
                                     {export_func("fac", 0), export_func("forever", 1)},
                                     {body({0x00}, fac), body({0x00}, forever)});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  ExecStats stats;
  CHECK(single_result(call(inst, "fac", {Value::i64(20)}, {}, &stats)) == 2432902008176640000u);
  CHECK(stats.calls == 21);

  ExecOptions shallow;
  shallow.max_call_depth = 100;
  const CallOutcome runaway = call(inst, "forever", {}, shallow);
  CHECK(trap_of(runaway) == TrapKind::kCallStackExhausted);
  CHECK(runaway.backtrace.size() == 100);
  CHECK(trap_of(call(inst, "forever", {})) == TrapKind::kCallStackExhausted);
}

TEST_CASE("tail calls replace the frame: a million-deep tail recursion runs") {
  // (func $count (param i32) (result i32)
  //   (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 42))
  //     (else (return_call $count (i32.sub (local.get 0) (i32.const 1))))))
  const ByteVec count = {0x20, 0x00, 0x45, 0x04, I32, 0x41, 0x2a, 0x05, 0x20,
                         0x00, 0x41, 0x01, 0x6b, 0x12, 0x00, END, END};
  Features features;
  features.tail_call = true;
  Store store;
  Instance* inst = load(store, Linker{}, one_func_module({I32}, {I32}, count), features);
  ExecStats stats;
  CHECK(single_result(call(inst, "f", {Value::i32(1'000'000)}, {}, &stats)) == 42);
  CHECK(stats.calls == 1'000'001);
}

TEST_CASE("memory accesses are bounds-checked exactly at the edges, and growth moves the edge") {
  // (memory 1 2)
  // (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  // (func (export "load_far") (param i32) (result i32) (i32.load offset=0xffffffff (local.get 0)))
  // (func (export "store") (param i32) (i32.store (local.get 0) (i32.const 0x01020304)))
  // (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  const ByteVec bytes = funcs_module(
      {func_type({I32}, {I32}), func_type({I32}, {})}, {{0x00}, {0x00}, {0x01}, {0x00}},
      {export_func("load", 0), export_func("load_far", 1), export_func("store", 2), export_func("grow", 3)},
      {body({0x00}, {0x20, 0x00, 0x28, 0x02, 0x00, END}),
       body({0x00}, {0x20, 0x00, 0x28, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, END}),
       body({0x00}, {0x20, 0x00, 0x41, 0x84, 0x86, 0x88, 0x08, 0x36, 0x02, 0x00, END}),
       body({0x00}, {0x20, 0x00, 0x40, 0x00, END})},
      {section(5, vec({{0x01, 0x01, 0x02}}))});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  CHECK(call(inst, "store", {Value::i32(65532)}).trap == std::nullopt);
  CHECK(single_result(call(inst, "load", {Value::i32(65532)})) == 0x01020304);
  const Memory& stored = *inst->memories[0];
  CHECK(pages_with_data(stored.data(), stored.size_bytes()).at(65532 / 4096) == 1);
  CHECK(trap_of(call(inst, "load", {Value::i32(65533)})) == TrapKind::kOutOfBoundsMemory);
  CHECK(trap_of(call(inst, "store", {Value::i32(65533)})) == TrapKind::kOutOfBoundsMemory);
  CHECK(trap_of(call(inst, "load", {Value::i32(0xFFFF'FFFFu)})) == TrapKind::kOutOfBoundsMemory);
  CHECK(trap_of(call(inst, "load_far", {Value::i32(0)})) == TrapKind::kOutOfBoundsMemory);
  CHECK(trap_of(call(inst, "load_far", {Value::i32(0xFFFF'FFFFu)})) == TrapKind::kOutOfBoundsMemory);
  CHECK(single_result(call(inst, "grow", {Value::i32(1)})) == 1);
  CHECK(single_result(call(inst, "load", {Value::i32(65533)})) == 0x010203);
  CHECK(single_result(call(inst, "load", {Value::i32(131068)})) == 0);
  CHECK(trap_of(call(inst, "load", {Value::i32(131069)})) == TrapKind::kOutOfBoundsMemory);
  CHECK(single_result(call(inst, "grow", {Value::i32(1)})) == 0xFFFF'FFFFu);
}

TEST_CASE("bulk memory instructions copy segment bytes, and the pages they write hold data") {
  // (memory 1) (data "hello")
  // (func (export "f")
  //   (memory.init 0 (i32.const 8192) (i32.const 0) (i32.const 5)) (data.drop 0)
  //   (memory.copy (i32.const 20000) (i32.const 8192) (i32.const 5))
  //   (memory.fill (i32.const 40000) (i32.const 7) (i32.const 3)))
  // (func (export "again") (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)))
  const ByteVec f = {0x41, 0x80, 0xc0, 0x00, 0x41, 0x00, 0x41, 0x05, 0xfc, 0x08, 0x00, 0x00, 0xfc, 0x09, 0x00,
                     0x41, 0xa0, 0x9c, 0x01, 0x41, 0x80, 0xc0, 0x00, 0x41, 0x05, 0xfc, 0x0a, 0x00, 0x00,
                     0x41, 0xc0, 0xb8, 0x02, 0x41, 0x07, 0x41, 0x03, 0xfc, 0x0b, 0x00, END};
  const ByteVec again = {0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xfc, 0x08, 0x00, 0x00, END};
  const ByteVec bytes = cat({funcs_module({func_type({}, {})}, {{0x00}, {0x00}},
                                          {export_func("f", 0), export_func("again", 1)},
                                          {body({0x00}, f), body({0x00}, again)}, {section(5, vec({{0x00, 0x01}}))},
                                          {section(12, uleb(1))}),
                             section(11, vec({{0x01, 0x05, 'h', 'e', 'l', 'l', 'o'}}))});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  CHECK_FALSE(call(inst, "f", {}).trap.has_value());
  const Memory& memory = *inst->memories[0];
  CHECK(std::memcmp(memory.data() + 8192, "hello", 5) == 0);
  CHECK(std::memcmp(memory.data() + 20000, "hello", 5) == 0);
  CHECK(memory.data()[40002] == 7);
  CHECK(memory.data()[40003] == 0);
  const std::vector<uint8_t> written = pages_with_data(memory.data(), memory.size_bytes());
  CHECK(written[8192 / 4096] == 1);
  CHECK(written[20000 / 4096] == 1);
  CHECK(written[40000 / 4096] == 1);
  CHECK(trap_of(call(inst, "again", {})) == TrapKind::kOutOfBoundsMemory);
}

TEST_CASE("a trap reports the innermost frame first, with each frame's instruction offset") {
  // (func $outer (export "f") (result i32) (i32.const 5) (call $inner))
  // (func $inner (param i32) (result i32) (unreachable))
  const ByteVec outer = {0x41, 0x05, 0x10, 0x01, END};
  const ByteVec inner = {0x00, END};
  const ByteVec bytes = funcs_module({func_type({}, {I32}), func_type({I32}, {I32})}, {{0x00}, {0x01}},
                                     {export_func("f", 0)}, {body({0x00}, outer), body({0x00}, inner)});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  const uint64_t unreachable_at = offset_in_last_body(bytes, inner, 0);
  // The outer body ends right before the inner body's size and locals bytes.
  const uint64_t call_at = unreachable_at - 2 - outer.size() + 2;
  // The first run lowers $inner at the call, the second finds it lowered and
  // rewrites the call to go straight to its code, the third runs that form.
  for (int run = 0; run < 3; ++run) {
    CAPTURE(run);
    const CallOutcome outcome = call(inst, "f", {});
    CHECK(trap_of(outcome) == TrapKind::kUnreachable);
    CHECK(outcome.trap->func == 1);
    CHECK(outcome.trap->code_offset == unreachable_at);
    REQUIRE(outcome.backtrace.size() == 2);
    CHECK(outcome.backtrace[0].func->index == 1);
    CHECK(outcome.backtrace[0].code_offset == unreachable_at);
    CHECK(outcome.backtrace[1].func->index == 0);
    CHECK(outcome.backtrace[1].code_offset == call_at);
  }
}

TEST_CASE("fuel is spent on calls and loop back-edges and runs out with a trap") {
  // (func (loop (br 0)))
  Store store;
  Instance* inst = load(store, Linker{}, one_func_module({}, {}, {0x03, EMPTY, 0x0c, 0x00, END, END}));
  ExecOptions options;
  options.fuel = 1000;
  ExecStats stats;
  CHECK(trap_of(call(inst, "f", {}, options, &stats)) == TrapKind::kOutOfFuel);
  CHECK(stats.fuel_used == 1000);
  CHECK(stats.calls == 1);
}

TEST_CASE("host functions get their arguments and caller, return results, and can stop execution") {
  // (import "env" "add" (func $add (param i32 i32) (result i32)))
  // (import "env" "stop" (func $stop))
  // (func (export "add10") (param i32) (result i32) (call $add (local.get 0) (i32.const 10)))
  // (func (export "stop") (call $stop) (unreachable))
  const ByteVec imports = section(2, vec({cat({name("env"), name("add"), {0x00, 0x00}}),
                                          cat({name("env"), name("stop"), {0x00, 0x01}})}));
  const ByteVec bytes = cat({header(), section(1, vec({func_type({I32, I32}, {I32}), func_type({}, {}),
                                                      func_type({I32}, {I32})})),
                             imports, section(3, vec({{0x02}, {0x01}})),
                             section(7, vec({export_func("add10", 2), export_func("stop", 3)})),
                             section(10, vec({body({0x00}, {0x20, 0x00, 0x41, 0x0a, 0x10, 0x00, END}),
                                              body({0x00}, {0x10, 0x01, 0x00, END})}))});
  Store store;
  Linker linker;
  Instance* seen_caller = nullptr;
  linker.define_func(store, "env", "add", FuncType{{ValType::kI32, ValType::kI32}, {ValType::kI32}},
                     [&](HostContext& context, std::span<const Value> args, std::span<Value> results) {
                       seen_caller = context.caller;
                       results[0] = Value::i32(static_cast<uint32_t>(args[0].bits + args[1].bits));
                       return std::optional<Trap>{};
                     });
  linker.define_func(store, "env", "stop", FuncType{},
                     [](HostContext&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
                       Trap trap;
                       trap.kind = TrapKind::kExit;
                       trap.exit_code = 3;
                       return trap;
                     });
  Instance* inst = load(store, linker, bytes);
  ExecStats stats;
  CHECK(single_result(call(inst, "add10", {Value::i32(5)}, {}, &stats)) == 15);
  CHECK(seen_caller == inst);
  CHECK(stats.calls == 2);
  const CallOutcome stopped = call(inst, "stop", {});
  CHECK(trap_of(stopped) == TrapKind::kExit);
  CHECK(stopped.trap->exit_code == 3);
}

TEST_CASE("call_indirect checks bounds, null entries and the callee's type") {
  // (table 2 funcref) (elem (i32.const 0) $inc)
  // (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  // (func (export "call") (param i32 i32) (result i32) (call_indirect (type 0) (local.get 0) (local.get 1)))
  // (func (export "wrong") (param i32) (result i32) (call_indirect (type 1) (local.get 0)))
  const ByteVec bytes =
      funcs_module({func_type({I32}, {I32}), func_type({}, {I32}), func_type({I32, I32}, {I32})},
                   {{0x00}, {0x02}, {0x00}}, {export_func("call", 1), export_func("wrong", 2)},
                   {body({0x00}, {0x20, 0x00, 0x41, 0x01, 0x6a, END}),
                    body({0x00}, {0x20, 0x00, 0x20, 0x01, 0x11, 0x00, 0x00, END}),
                    body({0x00}, {0x20, 0x00, 0x11, 0x01, 0x00, END})},
                   {section(4, vec({{FUNCREF, 0x00, 0x02}}))}, {section(9, vec({{0x00, 0x41, 0x00, END, 0x01, 0x00}}))});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  CHECK(single_result(call(inst, "call", {Value::i32(5), Value::i32(0)})) == 6);
  CHECK(trap_of(call(inst, "call", {Value::i32(5), Value::i32(1)})) == TrapKind::kUninitializedElement);
  CHECK(trap_of(call(inst, "call", {Value::i32(5), Value::i32(2)})) == TrapKind::kUndefinedElement);
  CHECK(trap_of(call(inst, "wrong", {Value::i32(0)})) == TrapKind::kIndirectCallTypeMismatch);
}

TEST_CASE("v128 locals, typed select and lanes take two cells each") {
  // (func (export "f") (param i32) (result i32) (local v128)
  //   (local.set 1 (v128.const i32x4 1 2 3 4))
  //   (i32x4.extract_lane 3
  //     (select (result v128) (i32x4.add (local.get 1) (local.get 1)) (local.get 1) (local.get 0))))
  ByteVec code = {0xfd, 0x0c, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
  code = cat({code, {0x21, 0x01, 0x20, 0x01, 0x20, 0x01, 0xfd, 0xae, 0x01, 0x20, 0x01, 0x20, 0x00, 0x1c, 0x01,
                     VEC, 0xfd, 0x1b, 0x03, END}});
  Store store;
  Instance* inst = load(store, Linker{}, one_func_module({I32}, {I32}, code, {0x01, 0x01, VEC}));
  CHECK(single_result(call(inst, "f", {Value::i32(1)})) == 8);
  CHECK(single_result(call(inst, "f", {Value::i32(0)})) == 4);
}

TEST_CASE("globals are read and written through the instance") {
  // (global (mut i64) (i64.const 5))
  // (func (export "f") (result i64) (global.set 0 (i64.add (global.get 0) (i64.const 1))) (global.get 0))
  const ByteVec bytes =
      funcs_module({func_type({}, {I64})}, {{0x00}}, {export_func("f", 0)},
                   {body({0x00}, {0x23, 0x00, 0x42, 0x01, 0x7c, 0x24, 0x00, 0x23, 0x00, END})},
                   {section(6, vec({{I64, 0x01, 0x42, 0x05, END}}))});
  Store store;
  Instance* inst = load(store, Linker{}, bytes);
  CHECK(single_result(call(inst, "f", {})) == 6);
  CHECK(single_result(call(inst, "f", {})) == 7);
  CHECK(inst->globals[0]->lo == 7);
}

TEST_CASE("a call into another instance uses that instance's memory, and the caller's again after it") {
  // A: (memory 1) (func (export "poke") (param i32) (i32.store (local.get 0) (i32.const 77)))
  // B: (import "a" "poke" (func $poke (param i32))) (memory 1)
  //    (func (export "run") (result i32)
  //      (i32.store (i32.const 0) (i32.const 5)) (call $poke (i32.const 0)) (i32.load (i32.const 0)))
  const ByteVec a = funcs_module({func_type({I32}, {})}, {{0x00}}, {export_func("poke", 0)},
                                 {body({0x00}, {0x20, 0x00, 0x41, 0xcd, 0x00, 0x36, 0x02, 0x00, END})},
                                 {section(5, vec({{0x00, 0x01}}))});
  const ByteVec b = cat({header(), section(1, vec({func_type({I32}, {}), func_type({}, {I32})})),
                         section(2, vec({cat({name("a"), name("poke"), {0x00, 0x00}})})),
                         section(3, vec({{0x01}})), section(5, vec({{0x00, 0x01}})),
                         section(7, vec({export_func("run", 1)})),
                         section(10, vec({body({0x00}, {0x41, 0x00, 0x41, 0x05, 0x36, 0x02, 0x00, 0x41, 0x00, 0x10,
                                                        0x00, 0x41, 0x00, 0x28, 0x02, 0x00, END})}))});
  Store store;
  Linker linker;
  Instance* inst_a = load(store, linker, a);
  linker.define_instance("a", *inst_a);
  Instance* inst_b = load(store, linker, b);
  // Three runs: the call lowers $poke, then is rewritten to its code, then runs in that form.
  for (int run = 0; run < 3; ++run) {
    CAPTURE(run);
    std::memset(inst_a->memories[0]->data(), 0, 4);
    CHECK(single_result(call(inst_b, "run", {})) == 5);
    uint32_t poked = 0;
    std::memcpy(&poked, inst_a->memories[0]->data(), 4);
    CHECK(poked == 77);
  }
}

TEST_CASE("trap messages use the spec suite's wording") {
  CHECK(std::string(trap_message(TrapKind::kIntegerDivideByZero)) == "integer divide by zero");
  CHECK(std::string(trap_message(TrapKind::kInvalidConversion)) == "invalid conversion to integer");
  CHECK(std::string(trap_message(TrapKind::kOutOfBoundsMemory)) == "out of bounds memory access");
  CHECK(std::string(trap_message(TrapKind::kCallStackExhausted)) == "call stack exhausted");
  Trap trap;
  trap.kind = TrapKind::kUninitializedElement;
  trap.detail = "2";
  CHECK(describe_trap(trap, {}) == "uninitialized element 2");
}
