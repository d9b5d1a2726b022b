// Tests of the spec harness: the JSON reader, the wast2json script model, result matching and runner verdicts.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/spectest/json.h"
#include "kiln/spectest/runner.h"
#include "kiln/spectest/script.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::spectest;
using kiln::test::ByteVec;

namespace {

JsonValue parse_ok(std::string_view text) {
  auto json = parse_json(text);
  REQUIRE_MESSAGE(json.ok(), (json.ok() ? "" : json.error().message));
  return *json;
}

std::string parse_error(std::string_view text) {
  auto json = parse_json(text);
  if (json.ok()) return "(accepted)";
  CHECK(json.error().code == ErrorCode::kMalformed);
  return json.error().message;
}

Script script_ok(std::string_view text) {
  auto script = parse_script(text);
  REQUIRE_MESSAGE(script.ok(), (script.ok() ? "" : script.error().message));
  return *script;
}

SpecValue scalar(ValType type, uint64_t bits) {
  SpecValue v;
  v.type = type;
  v.set_bits(bits);
  return v;
}

// A scratch folder for module files, removed when the test ends.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kiln-spectest-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const ByteVec& bytes) const {
    std::ofstream out(path / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  void write_text(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

// (module (func (export "f") (result i32) i32.const 7))
ByteVec valid_module() { return test::one_func_module({}, {0x7F}, {0x41, 0x07, 0x0B}); }
// (module (func (export "f") (result i32))): the body leaves nothing for its i32 result.
ByteVec invalid_module() { return test::one_func_module({}, {0x7F}, {0x0B}); }
// The magic number without a version.
ByteVec truncated_module() { return {0x00, 0x61, 0x73, 0x6D}; }

std::string script_json(const std::string& commands) {
  return "{\"source_filename\": \"t.wast\", \"commands\": [" + commands + "]}";
}

ScriptReport run_in(const TempDir& dir, const std::string& commands, Executor* executor = nullptr) {
  RunOptions options;
  options.base_dir = dir.path.string();
  options.script_name = "t.json";
  options.executor = executor;
  return run_script(script_ok(script_json(commands)), options);
}

const Tally& tally(const ScriptReport& report, CommandType type) { return report.by_type[static_cast<size_t>(type)]; }

}  // namespace

TEST_CASE("json: values, nesting and member order") {
  const JsonValue v = parse_ok(" {\"b\": [1, -2.5e2, true, false, null], \"a\": {\"x\": \"y\"}, \"e\": []}\n");
  REQUIRE(v.is_object());
  CHECK(v.keys() == std::vector<std::string>{"b", "a", "e"});
  const JsonValue* b = v.find("b");
  REQUIRE(b);
  REQUIRE(b->size() == 5);
  CHECK(b->items()[0].as_number() == 1.0);
  CHECK(b->items()[1].as_number() == -250.0);
  CHECK(b->items()[2].as_bool());
  CHECK(b->items()[3].is_bool());
  CHECK(b->items()[4].is_null());
  CHECK(v.find("a")->find("x")->as_string() == "y");
  CHECK(v.find("e")->is_array());
  CHECK(v.find("missing") == nullptr);
  CHECK(parse_ok("0").as_number() == 0.0);
  CHECK(parse_ok("\"\"").as_string().empty());
}

TEST_CASE("json: string escapes decode to UTF-8") {
  CHECK(parse_ok(R"("\"\\\/\b\f\n\r\t")").as_string() == "\"\\/\b\f\n\r\t");
  CHECK(parse_ok(R"("\u0041\u00e9\u20AC")").as_string() == "A\xC3\xA9\xE2\x82\xAC");
  CHECK(parse_ok(R"("\u0000x")").as_string() == std::string("\0x", 2));
  CHECK(parse_ok(R"("\ud83d\ude00")").as_string() == "\xF0\x9F\x98\x80");  // U+1F600 from a surrogate pair
  CHECK(parse_ok("\"\xC3\xA9\xF0\x9F\x98\x80\"").as_string() == "\xC3\xA9\xF0\x9F\x98\x80");
}

TEST_CASE("json: malformed input gives an error with line and column") {
  // clang-format off
  const char* bad[] = {
      // structure
      "", "   ", "{", "[", "[1,]", "[1 2]", "{\"a\":1,}", "{\"a\" 1}", "{1: 2}", "{\"a\":}", "1 2",
      "{\"a\": 1, \"a\": 2}",
      // numbers and literals
      "01", "1.", ".5", "-", "1e", "+1", "1e999", "NaN", "tru", "nul", "falsey",
      // strings: escapes, surrogates, control characters, UTF-8 (overlong, surrogate, above U+10FFFF, cut, stray)
      "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\tb\"",
      "\"\xC0\x80\"", "\"\xED\xA0\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xE2\x82\"", "\"\x80\"",
  };
  // clang-format on
  for (const char* text : bad) {
    CAPTURE(text);
    CHECK(parse_error(text).starts_with("line "));
  }
  CHECK(parse_error("{\n  \"a\": x}") == "line 2, column 8: expected a value, found 'x'");
  CHECK(parse_error("[\"\xC3\xA9\", ?]").starts_with("line 1, column 7:"));  // columns count characters
}

TEST_CASE("json: duplicate keys are found in large objects too") {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  CHECK(parse_ok(text + "\"last\": 0}").size() == 41);
  CHECK(parse_error(text + "\"k3\": 0}").find("duplicate key \"k3\"") != std::string::npos);
}

TEST_CASE("json: nesting is bounded so deep input cannot exhaust the stack") {
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  CHECK(parse_ok(ok).is_array());
  const std::string deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  CHECK(parse_error(deep).find("nesting deeper than") != std::string::npos);
  CHECK(parse_error(std::string(1'000'000, '[')).find("nesting deeper than") != std::string::npos);
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  CHECK(parse_error(objects).find("nesting deeper than") != std::string::npos);
}

TEST_CASE("script: commands, values and their shapes") {
  const Script s = script_ok(R"({"source_filename": "x.wast", "commands": [
    {"type": "module", "line": 3, "name": "$M", "filename": "x.0.wasm"},
    {"type": "register", "line": 4, "name": "$M", "as": "m"},
    {"type": "assert_return", "line": 5, "action": {"type": "invoke", "module": "$M", "field": "\u00e9\n",
      "args": [{"type": "i32", "value": "4294967295"}, {"type": "f64", "value": "9221120237041090560"},
               {"type": "externref", "value": "7"}, {"type": "funcref", "value": "null"}]},
     "expected": [{"type": "f32", "value": "nan:canonical"},
                  {"type": "v128", "lane_type": "i16", "value": ["1","2","3","4","5","6","7","65535"]},
                  {"type": "v128", "lane_type": "f32", "value": ["0","nan:arithmetic","1065353216","nan:canonical"]}]},
    {"type": "assert_return", "line": 6, "action": {"type": "get", "field": "g"},
     "either": [{"type": "i64", "value": "1"}, {"type": "i64", "value": "18446744073709551615"}]},
    {"type": "assert_trap", "line": 7, "action": {"type": "invoke", "field": "t", "args": []},
     "text": "unreachable", "expected": [{"type": "v128"}, {"type": "i32"}]},
    {"type": "assert_malformed", "line": 8, "filename": "x.1.wat", "text": "unknown operator", "module_type": "text"},
    {"type": "assert_invalid", "line": 9, "filename": "x.2.wasm", "text": "type mismatch", "module_type": "binary"},
    {"type": "assert_exhaustion", "line": 10, "action": {"type": "invoke", "field": "r", "args": []},
     "text": "call stack exhausted", "expected": []},
    {"type": "assert_uninstantiable", "line": 11, "filename": "x.3.wasm", "text": "unreachable", "module_type": "binary"},
    {"type": "action", "line": 12, "action": {"type": "invoke", "field": "a", "args": []}, "expected": []}
  ]})");
  CHECK(s.source_filename == "x.wast");
  REQUIRE(s.commands.size() == 10);
  const Command& m = s.commands[0];
  CHECK((m.type == CommandType::kModule && m.line == 3 && m.name == "$M" && m.filename == "x.0.wasm"));
  CHECK(m.module_type == ModuleType::kBinary);
  CHECK((s.commands[1].type == CommandType::kRegister && s.commands[1].as == "m" && s.commands[1].name == "$M"));

  const Command& ret = s.commands[2];
  REQUIRE(ret.action);
  CHECK(ret.action->type == ActionType::kInvoke);
  CHECK(ret.action->module == "$M");
  CHECK(ret.action->field == "\xC3\xA9\n");
  REQUIRE(ret.action->args.size() == 4);
  CHECK(ret.action->args[0].bits() == 0xFFFFFFFF);
  CHECK(ret.action->args[1].bits() == 0x7FF8000000000000);
  CHECK((ret.action->args[2].type == ValType::kExternRef && ret.action->args[2].bits() == 7));
  CHECK(ret.action->args[3].is_null);
  REQUIRE(ret.expected.size() == 3);
  CHECK(ret.expected[0].nan[0] == NanClass::kCanonical);
  const SpecValue& i16 = ret.expected[1];
  CHECK((i16.type == ValType::kV128 && i16.lane_type == LaneType::kI16));
  CHECK(i16.lane(0) == 1);
  CHECK(i16.lane(7) == 0xFFFF);
  CHECK((i16.bytes[0] == 1 && i16.bytes[1] == 0 && i16.bytes[14] == 0xFF && i16.bytes[15] == 0xFF));
  const SpecValue& f32 = ret.expected[2];
  CHECK(f32.nan[0] == NanClass::kNone);
  CHECK(f32.nan[1] == NanClass::kArithmetic);
  CHECK(f32.lane(2) == 0x3F800000);
  CHECK(f32.nan[3] == NanClass::kCanonical);

  const Command& either = s.commands[3];
  CHECK(either.action->type == ActionType::kGet);
  CHECK(either.expected.empty());
  REQUIRE(either.either.size() == 2);
  CHECK(either.either[1][0].bits() == ~uint64_t{0});

  const Command& trap = s.commands[4];
  CHECK(trap.text == "unreachable");
  REQUIRE(trap.expected.size() == 2);
  CHECK((!trap.expected[0].has_value && trap.expected[0].type == ValType::kV128));
  CHECK(s.commands[5].module_type == ModuleType::kText);
  CHECK((s.commands[6].type == CommandType::kAssertInvalid && s.commands[6].text == "type mismatch"));
  CHECK(s.commands[7].type == CommandType::kAssertExhaustion);
  CHECK(s.commands[8].type == CommandType::kAssertUninstantiable);
  CHECK(s.commands[9].type == CommandType::kAction);
}

TEST_CASE("script: bad commands are errors naming the command") {
  const auto error_of = [](const std::string& command) {
    auto s = parse_script(script_json(command));
    return s.ok() ? std::string("(accepted)") : s.error().message;
  };
  const std::string invoke = R"("action": {"type": "invoke", "field": "f", "args": [)";
  CHECK(error_of(R"({"type": "assert_magic", "line": 1})") ==
        "command 0 (line 1): unknown command type \"assert_magic\"");
  CHECK(error_of(R"({"type": "module", "line": 2})") == "command 0 (line 2): missing \"filename\"");
  CHECK(error_of(R"({"type": "module", "filename": "a.wasm"})").find("missing \"line\"") != std::string::npos);
  CHECK(error_of(R"({"type": "module", "line": 1.5, "filename": "a"})").find("line number") != std::string::npos);
  CHECK(error_of(R"({"type": "action", "line": 1})").find("missing \"action\"") != std::string::npos);
  CHECK(error_of(R"({"type": "assert_return", "line": 1, )" + invoke + "]}}").find("\"either\"") != std::string::npos);
  const std::string bad_values[] = {
      R"({"type": "i32", "value": "4294967296"})",
      R"({"type": "i64", "value": "18446744073709551616"})",
      R"({"type": "i32", "value": "-1"})",
      R"({"type": "f32", "value": "nan:canonical"})",  // a NaN class is not an argument
      R"({"type": "i32"})",
      R"({"type": "i31", "value": "0"})",
      R"({"type": "v128", "lane_type": "i8", "value": ["1", "2"]})",
      R"({"type": "v128", "lane_type": "i8", "value": ["256","0","0","0","0","0","0","0","0","0","0","0","0","0","0","0"]})",
      R"({"type": "v128", "lane_type": "i24", "value": []})",
      R"({"type": "i32", "value": 5})",
  };
  for (const std::string& value : bad_values) {
    CAPTURE(value);
    CHECK(error_of(R"({"type": "action", "line": 9, )" + invoke + value + "]}}").starts_with("command 0 (line 9): "));
  }
  CHECK(!parse_script("[]").ok());
  CHECK(!parse_script(R"({"commands": {}})").ok());
  CHECK(!parse_script("{\"commands\": [").ok());
}

TEST_CASE("value matching: exact bits, NaN classes and type-only results") {
  const auto f32_nan = [](NanClass nan) {
    SpecValue v = scalar(ValType::kF32, 0);
    v.nan[0] = nan;
    return v;
  };
  CHECK(value_matches(scalar(ValType::kI32, 5), scalar(ValType::kI32, 5)));
  CHECK_FALSE(value_matches(scalar(ValType::kI32, 5), scalar(ValType::kI32, 6)));
  CHECK_FALSE(value_matches(scalar(ValType::kI32, 5), scalar(ValType::kI64, 5)));
  CHECK(
      value_matches(scalar(ValType::kI32, 5), scalar(ValType::kI32, 0xABCD'0000'0005)));  // only the low 32 bits count
  CHECK_FALSE(value_matches(scalar(ValType::kF64, 0x7FF8000000000000), scalar(ValType::kF64, 0x7FF8000000000001)));
  CHECK(value_matches(f32_nan(NanClass::kCanonical), scalar(ValType::kF32, 0x7FC00000)));
  CHECK(value_matches(f32_nan(NanClass::kCanonical), scalar(ValType::kF32, 0xFFC00000)));
  CHECK_FALSE(value_matches(f32_nan(NanClass::kCanonical), scalar(ValType::kF32, 0x7FC00001)));
  CHECK(value_matches(f32_nan(NanClass::kArithmetic), scalar(ValType::kF32, 0x7FC00001)));
  CHECK_FALSE(value_matches(f32_nan(NanClass::kArithmetic), scalar(ValType::kF32, 0x7F800001)));  // signalling
  CHECK_FALSE(value_matches(f32_nan(NanClass::kArithmetic), scalar(ValType::kF32, 0x7F800000)));  // infinity

  SpecValue lanes = scalar(ValType::kV128, 0);
  lanes.lane_type = LaneType::kF64;
  lanes.set_lane(0, 0x3FF0000000000000);
  lanes.nan[1] = NanClass::kCanonical;
  SpecValue actual = lanes;
  actual.lane_type = LaneType::kI8;  // the executor's shape does not matter
  actual.set_lane(8, 0x00);
  actual.bytes[14] = 0xF8;
  actual.bytes[15] = 0xFF;
  CHECK(value_matches(lanes, actual));
  actual.bytes[8] = 1;
  CHECK_FALSE(value_matches(lanes, actual));

  SpecValue any_ref;
  any_ref.type = ValType::kExternRef;
  any_ref.has_value = false;
  SpecValue null_ref = any_ref;
  null_ref.has_value = true;
  null_ref.is_null = true;
  const SpecValue host_ref = scalar(ValType::kExternRef, 3);
  CHECK(value_matches(any_ref, host_ref));
  CHECK(value_matches(null_ref, null_ref));
  CHECK_FALSE(value_matches(null_ref, host_ref));
  CHECK_FALSE(value_matches(host_ref, scalar(ValType::kExternRef, 4)));
  const SpecValue results[] = {scalar(ValType::kI32, 1)};
  CHECK_FALSE(results_match(results, {}));
}

TEST_CASE("runner: decode and validate verdicts without an executor") {
  TempDir dir;
  dir.write("ok.wasm", valid_module());
  dir.write("invalid.wasm", invalid_module());
  dir.write("truncated.wasm", truncated_module());
  const ScriptReport r = run_in(dir, R"(
    {"type": "module", "line": 1, "filename": "ok.wasm"},
    {"type": "module", "line": 2, "filename": "missing.wasm"},
    {"type": "module", "line": 3, "filename": "truncated.wasm"},
    {"type": "assert_malformed", "line": 4, "filename": "truncated.wasm", "text": "unexpected end", "module_type": "binary"},
    {"type": "assert_malformed", "line": 5, "filename": "truncated.wasm", "text": "magic header", "module_type": "binary"},
    {"type": "assert_malformed", "line": 6, "filename": "ok.wasm", "text": "unexpected end", "module_type": "binary"},
    {"type": "assert_malformed", "line": 7, "filename": "x.wat", "text": "unknown operator", "module_type": "text"},
    {"type": "assert_invalid", "line": 8, "filename": "invalid.wasm", "text": "type mismatch", "module_type": "binary"},
    {"type": "assert_invalid", "line": 9, "filename": "ok.wasm", "text": "type mismatch", "module_type": "binary"},
    {"type": "assert_unlinkable", "line": 10, "filename": "ok.wasm", "text": "unknown import", "module_type": "binary"},
    {"type": "assert_uninstantiable", "line": 11, "filename": "invalid.wasm", "text": "unreachable", "module_type": "binary"},
    {"type": "assert_return", "line": 12, "action": {"type": "invoke", "field": "f", "args": []}, "expected": []},
    {"type": "register", "line": 13, "as": "m"})");
  CHECK(tally(r, CommandType::kModule).passed == 1);
  CHECK(tally(r, CommandType::kModule).failed == 2);
  CHECK(tally(r, CommandType::kAssertMalformed).passed == 1);
  CHECK(tally(r, CommandType::kAssertMalformed).failed == 2);
  CHECK(tally(r, CommandType::kAssertMalformed).not_applicable == 1);
  CHECK(tally(r, CommandType::kAssertInvalid).passed == 1);
  CHECK(tally(r, CommandType::kAssertInvalid).failed == 1);
  CHECK(tally(r, CommandType::kAssertUnlinkable).skipped == 1);
  CHECK(tally(r, CommandType::kAssertUninstantiable).failed == 1);  // it must at least be valid
  CHECK(tally(r, CommandType::kAssertReturn).skipped == 1);
  CHECK(tally(r, CommandType::kRegister).skipped == 1);
  CHECK(r.total().total() == 13);

  REQUIRE(r.failures.size() == 6);
  const CommandFailure& wrong_text = r.failures[2];
  CHECK(wrong_text.line == 5);
  CHECK(wrong_text.module_file == "truncated.wasm");
  CHECK(wrong_text.expected == "\"magic header\"");
  CHECK(wrong_text.actual.starts_with("malformed \"unexpected end"));
  CHECK(wrong_text.offset == 4);
  CHECK(format_failure(wrong_text).starts_with("t.json:5: assert_malformed truncated.wasm: expected \"magic header\""));
  CHECK(r.failures[3].actual == "the module was accepted");
  CHECK(r.failures[0].actual.find("missing.wasm") != std::string::npos);
}

TEST_CASE("runner: the round trip must reproduce the input") {
  auto module = decode_module(valid_module());
  REQUIRE(module.ok());
  CHECK(check_round_trip(*module).ok());
  // Bytes the copy-mode encoder cannot know about make the copy differ.
  module->bytes.push_back(0x00);
  const Status status = check_round_trip(*module);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message.find("copy-mode encoding differs") != std::string::npos);
}

namespace {

// Stands in for the interpreter: records calls and answers from a table.
class FakeExecutor : public Executor {
 public:
  std::vector<std::string> log;
  std::map<std::string, Result<std::vector<SpecValue>>> answers;
  Status instantiate_status;

  Status instantiate(Module, ModuleInfo, std::string_view name) override {
    log.push_back("instantiate " + std::string(name));
    return instantiate_status;
  }
  Status register_module(std::string_view name, std::string_view as) override {
    log.push_back("register " + std::string(name) + " as " + std::string(as));
    return {};
  }
  Result<std::vector<SpecValue>> invoke(std::string_view module, std::string_view field,
                                        std::span<const SpecValue> args) override {
    log.push_back("invoke " + std::string(module) + "." + std::string(field) + "/" + std::to_string(args.size()));
    const auto it = answers.find(std::string(field));
    if (it == answers.end()) return Error{ErrorCode::kUnlinkable, kNoOffset, "unknown export"};
    return it->second;
  }
  Result<SpecValue> get(std::string_view, std::string_view field) override {
    log.push_back("get " + std::string(field));
    return scalar(ValType::kI32, 9);
  }
};

}  // namespace

TEST_CASE("runner: execution commands go through the executor") {
  TempDir dir;
  dir.write("ok.wasm", valid_module());
  FakeExecutor fake;
  fake.answers.emplace("seven", std::vector<SpecValue>{scalar(ValType::kI32, 7)});
  fake.answers.emplace("div", Error{ErrorCode::kTrap, kNoOffset, "integer divide by zero in func #0"});
  fake.answers.emplace("deep", Error{ErrorCode::kExhausted, kNoOffset, "call stack exhausted"});
  const std::string i32_7 = R"([{"type": "i32", "value": "7"}])";
  const std::string i32_8 = R"([{"type": "i32", "value": "8"}])";
  const auto invoke = [](const char* field) {
    return std::string(R"("action": {"type": "invoke", "field": ")") + field +
           R"(", "args": [{"type": "i32", "value": "1"}]})";
  };
  const ScriptReport r =
      run_in(dir,
             R"({"type": "module", "line": 1, "name": "$M", "filename": "ok.wasm"},
    {"type": "register", "line": 2, "as": "lib"},
    {"type": "assert_return", "line": 3, )" +
                 invoke("seven") + R"(, "expected": )" + i32_7 + R"(},
    {"type": "assert_return", "line": 4, )" +
                 invoke("seven") + R"(, "expected": )" + i32_8 + R"(},
    {"type": "assert_return", "line": 5, )" +
                 invoke("seven") + R"(, "either": [{"type": "i32", "value": "8"}, {"type": "i32", "value": "7"}]},
    {"type": "assert_return", "line": 6, "action": {"type": "get", "field": "g"}, "expected": [{"type": "i32", "value": "9"}]},
    {"type": "assert_trap", "line": 7, )" +
                 invoke("div") + R"(, "text": "integer divide by zero", "expected": []},
    {"type": "assert_trap", "line": 8, )" +
                 invoke("seven") + R"(, "text": "unreachable", "expected": []},
    {"type": "assert_exhaustion", "line": 9, )" +
                 invoke("deep") + R"(, "text": "call stack exhausted", "expected": []},
    {"type": "assert_trap", "line": 10, )" +
                 invoke("deep") + R"(, "text": "call stack exhausted", "expected": []},
    {"type": "action", "line": 11, )" +
                 invoke("seven") + R"(, "expected": []},
    {"type": "action", "line": 12, )" +
                 invoke("nothing") + R"(, "expected": []})",
             &fake);
  CHECK(tally(r, CommandType::kModule).passed == 1);
  CHECK(tally(r, CommandType::kRegister).passed == 1);
  CHECK(tally(r, CommandType::kAssertReturn).passed == 3);
  CHECK(tally(r, CommandType::kAssertReturn).failed == 1);
  CHECK(tally(r, CommandType::kAssertTrap).passed == 1);
  CHECK(tally(r, CommandType::kAssertTrap).failed == 2);  // no trap at all; exhaustion is not a trap
  CHECK(tally(r, CommandType::kAssertExhaustion).passed == 1);
  CHECK(tally(r, CommandType::kAction).passed == 1);
  CHECK(tally(r, CommandType::kAction).failed == 1);
  CHECK(r.total().skipped == 0);
  REQUIRE(r.failures.size() == 4);
  CHECK(r.failures[0].expected == "(i32:8)");
  CHECK(r.failures[0].actual == "(i32:7)");
  REQUIRE(fake.log.size() >= 3);
  CHECK(fake.log[0] == "instantiate $M");
  CHECK(fake.log[1] == "register  as lib");
  CHECK(fake.log[2] == "invoke .seven/1");
}

TEST_CASE("runner: instantiation failures need the right error") {
  TempDir dir;
  dir.write("ok.wasm", valid_module());
  FakeExecutor fake;
  fake.instantiate_status = Error{ErrorCode::kTrap, kNoOffset, "unreachable executed"};
  const ScriptReport r = run_in(dir, R"(
    {"type": "assert_uninstantiable", "line": 1, "filename": "ok.wasm", "text": "unreachable", "module_type": "binary"},
    {"type": "assert_unlinkable", "line": 2, "filename": "ok.wasm", "text": "unreachable", "module_type": "binary"},
    {"type": "module", "line": 3, "filename": "ok.wasm"})",
                                &fake);
  CHECK(tally(r, CommandType::kAssertUninstantiable).passed == 1);
  CHECK(tally(r, CommandType::kAssertUnlinkable).failed == 1);  // a trap is not a link error
  CHECK(tally(r, CommandType::kModule).failed == 1);
}

TEST_CASE("runner: script files load relative to their folder") {
  TempDir dir;
  dir.write("ok.wasm", valid_module());
  dir.write_text("s.json", script_json(R"({"type": "module", "line": 1, "filename": "ok.wasm"})"));
  dir.write_text("broken.json", "{\"commands\": [\n  {\"type\": \"module\",, }]}");
  auto report = run_script_file((dir.path / "s.json").string(), Features{});
  REQUIRE(report.ok());
  CHECK(report->total().passed == 1);
  auto broken = run_script_file((dir.path / "broken.json").string(), Features{});
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message.find("broken.json: line 2, column 21") != std::string::npos);
  CHECK_FALSE(run_script_file((dir.path / "none.json").string(), Features{}).ok());
}

TEST_CASE("kiln spectest: failures, the N/M line and the exit status") {
  TempDir dir;
  dir.write("ok.wasm", valid_module());
  dir.write_text("pass.json", script_json(R"({"type": "module", "line": 1, "filename": "ok.wasm"},
    {"type": "assert_malformed", "line": 2, "filename": "x.wat", "text": "unknown operator", "module_type": "text"},
    {"type": "action", "line": 3, "action": {"type": "invoke", "field": "f", "args": []}})"));
  dir.write_text(
      "fail.json",
      script_json(
          R"({"type": "assert_invalid", "line": 7, "filename": "ok.wasm", "text": "type mismatch", "module_type": "binary"})"));
  const auto run = [&](const std::string& args) {
    std::string output;
    FILE* pipe = ::popen((std::string(KILN_EXE) + " spectest " + args + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    const int status = ::pclose(pipe);
    return std::pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, output);
  };
  const auto [pass_code, pass_out] = run((dir.path / "pass.json").string());
  CHECK(pass_code == 0);
  // The interpreter runs the script's execution command too.
  CHECK(pass_out == "3 commands: 0 skipped, 1 not applicable (text format in JSON)\n2/2 passed\n");
  const auto [no_exec_code, no_exec_out] = run("--no-exec " + (dir.path / "pass.json").string());
  CHECK(no_exec_code == 0);
  CHECK(no_exec_out ==
        "3 commands: 1 skipped, 1 not applicable (text format in JSON)\n"
        "  1 skipped: runs code, and no executor was given (--no-exec)\n1/1 passed\n");
  const auto [fail_code, fail_out] = run("--enable-multi-memory " + (dir.path / "fail.json").string());
  CHECK(fail_code == 1);
  CHECK(
      fail_out.find("fail.json:7: assert_invalid ok.wasm: expected \"type mismatch\", got the module was accepted\n") !=
      std::string::npos);
  CHECK(fail_out.ends_with("0/1 passed\n"));
  CHECK(run("--enable-teleport x.json").first == 1);
  // A .wast script is read by kiln's text reader, its text modules checked too.
  dir.write_text("s.wast",
                 "(module (func (export \"f\") (result i32) (i32.const 7)))\n"
                 "(assert_return (invoke \"f\") (i32.const 7))\n"
                 "(assert_malformed (module quote \"(func i32.add1)\") \"unknown operator\")\n");
  const auto [wast_code, wast_out] = run((dir.path / "s.wast").string());
  CHECK(wast_code == 0);
  CHECK(wast_out == "3 commands: 0 skipped, 0 not applicable (text format in JSON)\n3/3 passed\n");
  CHECK(run((dir.path / "absent.json").string()).first == 1);
}
