// The interpreter's call path: frames kept in the value stack, the call-depth count, and the memory-0 cache
// across calls into other instances (including by tail call).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/text/wat.h"
#include "kiln/validate/validate.h"
#include "support/running.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Features call_features() {
  Features f;
  f.tail_call = true;
  f.exceptions = true;
  return f;
}

Instance* load(Store& store, const Linker& linker, const std::string& wat) {
  auto bytes = text::wat_to_binary(wat, call_features());
  REQUIRE_MESSAGE(bytes.ok(), why(bytes));
  auto module = decode_module(std::move(bytes).value(), call_features());
  REQUIRE_MESSAGE(module.ok(), why(module));
  auto info = validate_module(*module);
  REQUIRE_MESSAGE(info.ok(), why(info));
  auto made = instantiate(store, std::make_shared<const Module>(std::move(module).value()),
                          std::make_shared<const ModuleInfo>(std::move(info).value()), linker);
  REQUIRE_MESSAGE(made.ok(), why(made));
  return *made;
}

CallOutcome call(Instance* instance, const char* name, std::vector<Value> args = {}, const ExecOptions& options = {}) {
  FuncInstance* f = instance->export_func(name);
  REQUIRE(f != nullptr);
  return call_function(*f, args, options);
}

uint64_t result_of(const CallOutcome& outcome) {
  REQUIRE_MESSAGE(!outcome.trap, describe_trap(*outcome.trap, outcome.backtrace));
  REQUIRE(outcome.results.size() == 1);
  return outcome.results[0].bits;
}

}  // namespace

TEST_CASE("calls: a tail call into another instance leaves the caller's memory 0 to it on return") {
  // $tail shares run's memory, so run's call to it returns past the memory reload; $tail's tail call
  // into a function of another instance must make the return to run reload after all.
  Store store;
  Linker linker;
  Instance* a = load(store, linker, R"((module
    (memory 1) (data (i32.const 0) "\01")
    (func (export "peek") (result i32) (i32.load8_u (i32.const 0)))))");
  linker.define_instance("a", *a);
  Instance* b = load(store, linker, R"((module
    (import "a" "peek" (func $peek (result i32)))
    (memory 1) (data (i32.const 0) "\02")
    (func $tail (export "tail") (result i32) (return_call $peek))
    (func (export "run") (result i32)
      (i32.add (i32.mul (call $tail) (i32.const 10)) (i32.load8_u (i32.const 0))))))");
  // Three runs: the call lowers $tail, then is rewritten to its code, then runs in that form.
  for (int run = 0; run < 3; ++run) {
    CAPTURE(run);
    CHECK(result_of(call(b, "run")) == 12);
  }
  CHECK(result_of(call(b, "tail")) == 1);  // the entry function itself, returning to the host
}

TEST_CASE("calls: a throw caught frames above gives back their call depth") {
  // Each round goes seven calls deep, one under the limit, and unwinds by the throw: if the unwinding
  // kept the depth the callees had used, the second round would exhaust the stack.
  Store store;
  Instance* inst = load(store, Linker{}, R"((module
    (tag $e)
    (func $down (param i32)
      (if (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1)))))
      (throw $e))
    (func (export "rounds") (param i32) (result i32) (local $i i32)
      (loop $again
        (block $caught (try_table (catch $e $caught) (call $down (i32.const 5))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $again (i32.lt_u (local.get $i) (local.get 0))))
      (local.get $i))))");
  ExecOptions limit;
  limit.max_call_depth = 8;
  CHECK(result_of(call(inst, "rounds", {Value::i32(100)}, limit)) == 100);
  limit.max_call_depth = 6;
  const CallOutcome shallow = call(inst, "rounds", {Value::i32(1)}, limit);
  REQUIRE(shallow.trap);
  CHECK(shallow.trap->kind == TrapKind::kCallStackExhausted);
  CHECK(shallow.backtrace.size() == 6);
}

TEST_CASE("calls: the stack moves under deep recursion and every frame finds its locals and caller again") {
  // Forty locals a frame, 3,000 frames: the stack grows several times while they are live.
  std::string locals;
  std::string sum = "(local.get $n)";
  for (int i = 0; i < 40; ++i) {
    locals += " (local $l" + std::to_string(i) + " i64)";
    if (i % 10 == 9) sum = "(i64.add " + sum + " (local.get $l" + std::to_string(i) + "))";
  }
  std::string sets;
  for (int i = 9; i < 40; i += 10)
    sets += "(local.set $l" + std::to_string(i) + " (i64.mul (local.get $n) (i64.const " + std::to_string(i) + ")))";
  Store store;
  Instance* inst = load(store, Linker{}, R"((module
    (func $deep (param $n i64) (result i64))" + locals + R"(
      (if (i64.eqz (local.get $n)) (then (unreachable)))
      )" + sets + R"(
      (if (result i64) (i64.eq (local.get $n) (i64.const 1))
        (then )" + sum + R"()
        (else (i64.add (call $deep (i64.sub (local.get $n) (i64.const 1))) )" + sum + R"())))
    (func (export "sum") (param i64) (result i64) (call $deep (local.get 0)))
    (func (export "recurse_then_trap") (param i64) (result i64) (call $via (local.get 0)))
    (func $via (param $n i64) (result i64))" + locals + R"(
      (if (result i64) (i64.eqz (local.get $n))
        (then (call $deep (i64.const 0)))
        (else (call $via (i64.sub (local.get $n) (i64.const 1))))))))");
  // Each frame adds n * (1 + 9 + 19 + 29 + 39) = 97n.
  const uint64_t n = 3000;
  CHECK(result_of(call(inst, "sum", {Value::i64(n)})) == 97 * n * (n + 1) / 2);
  const CallOutcome trapped = call(inst, "recurse_then_trap", {Value::i64(n)});
  REQUIRE(trapped.trap);
  CHECK(trapped.trap->kind == TrapKind::kUnreachable);
  // $deep, n + 1 frames of $via, and the export.
  REQUIRE(trapped.backtrace.size() == n + 3);
  CHECK(trapped.backtrace.front().func->index == 0);
  CHECK(trapped.backtrace[1].func->index == 3);
  CHECK(trapped.backtrace[n + 1].func->index == 3);
  CHECK(trapped.backtrace.back().func->index == 2);
}
