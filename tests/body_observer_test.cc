// A body is typed once, by the validator, with the lowerer following the walk: what a BodyObserver is shown,
// and lowering that refuses an invalid body with the validator's own error.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/text/wat.h"
#include "kiln/validate/body_typer.h"
#include "kiln/validate/body_validation.h"
#include "support/running.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Module decoded(const std::string& wat) {
  auto bytes = text::wat_to_binary(wat);
  REQUIRE_MESSAGE(bytes.ok(), why(bytes));
  auto module = decode_module(std::move(bytes).value(), Features::all());
  REQUIRE_MESSAGE(module.ok(), why(module));
  return std::move(module).value();
}

// Each checked instruction as "name before->after", joined by ", ".
struct Recorder final : BodyObserver {
  std::string steps;
  void checked(const Instr& in, uint32_t cells_before, uint32_t cells_after) override {
    if (!steps.empty()) steps += ", ";
    steps += std::string(opcode_name(in.op)) + " " + std::to_string(cells_before) + "->" + std::to_string(cells_after);
  }
};

}  // namespace

TEST_CASE("BodyObserver: each checked instruction, with the stack's height in cells before and after it") {
  const Module m = decoded(R"((module (func (result i32)
    i32.const 1
    v128.const i64x2 0 0
    drop
    block (result i64) i64.const 2 end
    drop)))");
  BodyTyper typer(m);
  Recorder seen;
  REQUIRE(typer.type_body(0, seen).ok());
  // A v128 takes two cells; the block's end leaves its result where it was.
  CHECK(seen.steps ==
        "i32.const 0->1, v128.const 1->3, drop 3->1, block 1->1, i64.const 1->2, end 2->2, drop 2->1, end 1->0");
}

TEST_CASE("BodyObserver: dead code is shown too; an instruction that fails its checks never is") {
  const Module m = decoded(R"((module
    (func (result i32) unreachable i32.add)
    (func (result i32) i32.const 0 i64.const 0 i32.add)))");
  BodyTyper typer(m);
  Recorder dead;
  REQUIRE(typer.type_body(0, dead).ok());
  // i32.add pops nothing real in dead code and pushes its i32.
  CHECK(dead.steps == "unreachable 0->0, i32.add 0->1, end 1->0");

  Recorder invalid;
  const Status status = typer.type_body(1, invalid);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == ErrorCode::kInvalid);
  CHECK(status.error().message.find("type mismatch") != std::string::npos);
  CHECK(invalid.steps == "i32.const 0->1, i64.const 1->2");
}

TEST_CASE("BodyValidation: a body wanted by an observer is typed again, even once found valid") {
  const Module m = decoded(R"((module (func (result i32) i32.const 7)))");
  auto validation = BodyValidation::start(m, 0);
  REQUIRE(validation.ok());
  REQUIRE((*validation)->check_body(0).ok());  // typed: valid
  Recorder seen;
  REQUIRE((*validation)->check_body(0, &seen).ok());
  CHECK(seen.steps == "i32.const 0->1, end 1->0");
  CHECK((*validation)->finish().ok());
}

TEST_CASE("lowering types the body: a module never validated runs its valid bodies and refuses an invalid one") {
  // Instantiated straight from the decoder: the only typing is the lowering's walk.
  auto module = std::make_shared<const Module>(decoded(R"((module
    (func (export "good") (result i32) (i32.add (i32.const 2) (i32.const 3)))
    (func (export "bad") (result i32) (i32.add (i32.const 2) (i64.const 3)))))"));
  Store store;
  auto instance = instantiate(store, module, std::make_shared<const ModuleInfo>(), Linker{});
  REQUIRE_MESSAGE(instance.ok(), why(instance));

  const CallOutcome good = call_function(*(*instance)->export_func("good"), {});
  REQUIRE_FALSE(good.trap.has_value());
  REQUIRE(good.results.size() == 1);
  CHECK(good.results[0].bits == 5);

  const CallOutcome bad = call_function(*(*instance)->export_func("bad"), {});
  REQUIRE(bad.trap.has_value());
  CHECK(bad.trap->detail.find("type mismatch") != std::string::npos);
}

TEST_CASE("lowering: branches out of legacy handlers drop the hidden exception cells and wide values") {
  // The inner handler holds, from the bottom: the outer handler's hidden cell, the inner one's, the payload and a
  // v128; the branch to $out keeps one i32 and drops everything else down to the 100 below the block, which only
  // lines up if the lowerer counts the hidden cells the validator knows nothing of.
  auto wasm = text::wat_to_binary(R"((module
    (tag $e (param i32))
    (func (export "f") (result i32) (local $x i32)
      i32.const 100
      (block $out (result i32)
        (try (result i32)
          (do (throw $e (i32.const 7)))
          (catch $e
            local.set $x
            (try (result i32)
              (do (throw $e (i32.const 5)))
              (catch $e
                v128.const i64x2 1 2
                drop
                local.get $x
                i32.add
                v128.const i64x2 3 4
                i32x4.extract_lane 0
                i32.add
                br $out)))))
      i32.sub)))");
  REQUIRE_MESSAGE(wasm.ok(), why(wasm));
  RunningModule run(std::move(wasm).value(), Features::all());
  const CallOutcome out = run.call("f");
  REQUIRE_FALSE(out.trap.has_value());
  REQUIRE(out.results.size() == 1);
  CHECK(out.results[0].bits == 85);  // 100 - (5 + 7 + 3), the 100 found where it was left
}
