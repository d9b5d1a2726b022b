// Tests of the .wast script reader: commands, values, in-memory modules, and the runner's verdicts on them.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "kiln/spectest/interp_executor.h"
#include "kiln/spectest/runner.h"
#include "kiln/spectest/script.h"
#include "kiln/text/wat.h"

using namespace kiln;
using namespace kiln::spectest;

namespace {

Script wast(std::string_view text) {
  auto script = parse_wast_script(text, "test.wast");
  REQUIRE_MESSAGE(script.ok(), (script.ok() ? "" : script.error().message));
  return *script;
}

ScriptReport run(std::string_view text) {
  const Script script = wast(text);
  InterpExecutor executor;
  RunOptions options;
  options.features = Features::all();
  options.executor = &executor;
  options.script_name = "test.wast";
  return run_script(script, options);
}

std::string failures_text(const ScriptReport& report) {
  std::string out;
  for (const CommandFailure& f : report.failures) out += format_failure(f) + "\n";
  return out;
}

}  // namespace

TEST_CASE("wast: commands and their modules") {
  const Script s = wast(
      "(module $M (func (export \"f\") (param i32) (result i32) (local.get 0)))\n"
      "(register \"m\" $M)\n"
      "(module binary \"\\00asm\" \"\\01\\00\\00\\00\")\n"
      "(module quote \"(func)\")\n"
      "(assert_return (invoke $M \"f\" (i32.const -1)) (i32.const 0xffffffff))\n"
      "(assert_trap (invoke \"f\") \"unreachable\")\n"
      "(assert_trap (module (func $s unreachable) (start $s)) \"unreachable\")\n"
      "(assert_malformed (module quote \"(func i32.add1)\") \"unknown operator\")\n"
      "(assert_invalid (module (func (result i32))) \"type mismatch\")\n"
      "(assert_exhaustion (invoke \"f\") \"call stack exhausted\")\n"
      "(assert_exception (invoke \"f\"))\n"
      "(module definition $D (func))\n"
      "(module instance $I $D)\n"
      "(get \"g\")\n");
  REQUIRE(s.commands.size() == 14);
  const Command& m = s.commands[0];
  CHECK(m.type == CommandType::kModule);
  CHECK(m.name == "$M");
  CHECK(m.in_memory);
  CHECK(m.module_bytes == *text::wat_to_binary("(func (export \"f\") (param i32) (result i32) (local.get 0))"));
  CHECK(s.commands[1].type == CommandType::kRegister);
  CHECK(s.commands[1].as == "m");
  CHECK(s.commands[1].name == "$M");
  CHECK(s.commands[2].module_bytes.size() == 8);
  CHECK(s.commands[3].module_type == ModuleType::kText);
  CHECK(s.commands[3].module_text == "(func)");
  const Command& ret = s.commands[4];
  CHECK(ret.type == CommandType::kAssertReturn);
  CHECK(ret.line == 5);
  REQUIRE(ret.action);
  CHECK(ret.action->module == "$M");
  CHECK(ret.action->field == "f");
  REQUIRE(ret.action->args.size() == 1);
  CHECK(ret.action->args[0].bits() == 0xFFFFFFFFu);
  CHECK(s.commands[5].text == "unreachable");
  CHECK(s.commands[6].type == CommandType::kAssertUninstantiable);
  CHECK(s.commands[7].type == CommandType::kAssertMalformed);
  CHECK(s.commands[8].type == CommandType::kAssertInvalid);
  CHECK(s.commands[9].type == CommandType::kAssertExhaustion);
  CHECK(s.commands[10].type == CommandType::kAssertException);
  CHECK(s.commands[11].definition);
  CHECK(s.commands[12].type == CommandType::kModuleInstance);
  CHECK(s.commands[12].name == "$I");
  CHECK(s.commands[12].instance_of == "$D");
  CHECK(s.commands[13].action->type == ActionType::kGet);
}

TEST_CASE("wast: values, NaN classes, lanes, either and references") {
  const Script s = wast(
      "(assert_return (invoke \"f\" (f32.const -0x1p-1) (v128.const i16x8 1 2 3 4 5 6 7 -1))"
      " (f64.const nan:canonical) (v128.const f32x4 nan:arithmetic 1 -0 inf))\n"
      "(assert_return (invoke \"g\") (either (i32.const 1) (i32.const 2)) (i64.const 3))\n"
      "(assert_return (invoke \"h\" (ref.null extern) (ref.extern 7))"
      " (ref.null func) (ref.func) (ref.extern) (ref.null) (ref.i31) (ref.host 3))\n");
  const Command& a = s.commands[0];
  CHECK(a.action->args[0].type == ValType::kF32);
  CHECK(a.action->args[0].bits() == 0xBF000000u);
  CHECK(a.action->args[1].lane_type == LaneType::kI16);
  CHECK(a.action->args[1].lane(7) == 0xFFFFu);
  CHECK(a.expected[0].nan[0] == NanClass::kCanonical);
  CHECK(a.expected[1].nan[0] == NanClass::kArithmetic);
  CHECK(a.expected[1].lane(2) == 0x80000000u);
  CHECK(a.expected[1].lane(3) == 0x7F800000u);
  const Command& e = s.commands[1];
  REQUIRE(e.either.size() == 2);
  CHECK(e.either[0][0].bits() == 1);
  CHECK(e.either[1][0].bits() == 2);
  CHECK(e.either[1][1].bits() == 3);
  const Command& r = s.commands[2];
  CHECK(r.action->args[0].is_null);
  CHECK(r.action->args[1].bits() == 7);
  CHECK(r.expected[0].type == ValType::kFuncRef);
  CHECK(r.expected[0].is_null);
  CHECK(r.expected[1].non_null);
  CHECK(r.expected[2].type == ValType::kExternRef);
  CHECK(r.expected[3].ref_kind == RefKind::kNull);
  CHECK(r.expected[4].ref_kind == RefKind::kI31);
  CHECK(r.expected[5].ref_kind == RefKind::kHost);
  CHECK(spec_value_text(r.expected[5]) == "ref.host 3");

  auto bad = parse_wast_script("(assert_return (invoke \"f\" (f32.const nan:canonical)))", "x.wast");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "1:39: a NaN class is only allowed in an expected result");
  auto bad_module = parse_wast_script("(module quote \"a\" x)", "x.wast");
  REQUIRE_FALSE(bad_module.ok());
  CHECK(bad_module.error().message == "1:19: unknown operator x");
  auto unknown = parse_wast_script("(module)\n  (assert_nothing)", "x.wast");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "2:4: unknown command assert_nothing");
}

TEST_CASE("wast: a script of bare module fields is one module") {
  const Script s = wast("(func (export \"f\")) (memory 1)");
  REQUIRE(s.commands.size() == 1);
  CHECK(s.commands[0].module_bytes == *text::wat_to_binary("(module (func (export \"f\")) (memory 1))"));
}

TEST_CASE("wast runner: text modules are checked by kiln's text reader") {
  const ScriptReport ok = run(
      "(module (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))\n"
      "(assert_return (invoke \"add\" (i32.const 2) (i32.const 3)) (i32.const 5))\n"
      "(assert_malformed (module quote \"(func (i32.const 0x1_0000_0000))\") \"constant out of range\")\n"
      "(assert_malformed (module quote \"(func $f) (func $f)\") \"duplicate func\")\n"
      "(module quote \"(func (export \\\"q\\\") (result i32) (i32.const 9))\")\n"
      "(assert_return (invoke \"q\") (i32.const 9))\n"
      "(module definition $D (func (export \"d\") (result i32) (i32.const 4)))\n"
      "(module instance $I $D)\n"
      "(assert_return (invoke $I \"d\") (i32.const 4))\n");
  CHECK_MESSAGE(ok.failures.empty(), failures_text(ok));
  CHECK(ok.total().passed == 9);

  const ScriptReport bad = run(
      "(assert_malformed (module quote \"(func)\") \"unknown operator\")\n"
      "(assert_malformed (module quote \"(func i32.add1)\") \"unexpected token\")\n"
      "(module (func (i32.const x)))\n");
  REQUIRE(bad.failures.size() == 3);
  CHECK(bad.failures[0].actual == "the text module was accepted");
  CHECK(bad.failures[1].actual == "malformed \"1:7: unknown operator i32.add1\"");
  CHECK(bad.failures[2].actual == "malformed \"3:26: unknown operator x\"");
}

TEST_CASE("wast runner: 3.0 reference values are passed and compared by their kind") {
  const ScriptReport report = run(
      "(module (func (export \"id\") (param externref) (result externref) (local.get 0))\n"
      "  (func (export \"none\") (result anyref) (ref.null any)))\n"
      "(assert_return (invoke \"id\" (ref.host 3)) (ref.host 3))\n"
      "(assert_return (invoke \"none\") (ref.null any))\n"
      "(assert_return (invoke \"id\" (ref.host 3)) (ref.host 4))\n"
      "(assert_return (invoke \"none\") (ref.i31))\n");
  CHECK(report.total().passed == 3);
  CHECK(report.total().skipped == 0);
  REQUIRE(report.failures.size() == 2);
  CHECK(report.failures[0].actual == "(externref:3)");
  CHECK(report.failures[1].actual == "(anyref:null)");
}

TEST_CASE("wast runner: assert_exception wants an exception of any tag to escape, not results or a trap") {
  const ScriptReport report = run(
      "(module (tag $t (param i32)) (func (export \"throws\") (throw $t (i32.const 1)))\n"
      "  (func (export \"returns\")) (func (export \"traps\") (unreachable)))\n"
      "(assert_exception (invoke \"throws\"))\n"
      "(assert_exception (invoke \"returns\"))\n"
      "(assert_exception (invoke \"traps\"))\n");
  CHECK(report.total().passed == 2);
  REQUIRE(report.failures.size() == 2);
  CHECK(report.failures[0].actual == "results ()");
  CHECK(report.failures[1].actual.starts_with("trap \"unreachable"));
}
