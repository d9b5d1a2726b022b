// Exception handling: the tag section behind its feature switch, throw / throw_ref / try_table in the
// interpreter, uncaught exceptions as traps naming the tag, and pre-initialization of modules that use them.
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

Features with_exceptions() { return features_with(&Features::exceptions); }

std::vector<uint8_t> assemble(const std::string& wat) {
  auto bytes = text::wat_to_binary(wat, with_exceptions());
  REQUIRE_MESSAGE(bytes.ok(), why(bytes));
  return std::move(bytes).value();
}

// An instance of `wat` (or of its binary) in its own store, ready to call.
struct Running : RunningModule {
  explicit Running(const std::string& wat) : Running(assemble(wat)) {}
  explicit Running(std::vector<uint8_t> wasm) : RunningModule(std::move(wasm), with_exceptions()) {}
};

// (type (func (param i32))) (tag (type 0))
const ByteVec kTagTypes = section(1, vec({func_type({0x7f}, {})}));
const ByteVec kOneTag = section(13, vec({{0x00, 0x00}}));

}  // namespace

TEST_CASE("exceptions: the tag section is refused while the feature is off, naming it") {
  const ByteVec bytes = module({kTagTypes, kOneTag});
  auto off = decode_module(bytes, Features{});
  REQUIRE_FALSE(off.ok());
  // The spec's wording for bytes it does not know, with the feature named for the hint.
  CHECK(off.error().message == "malformed section id");
  CHECK(off.error().feature == "exceptions");
  CHECK(off.error().offset == header().size() + kTagTypes.size());  // the section's id byte

  auto on = decode_module(bytes, with_exceptions());
  REQUIRE_MESSAGE(on.ok(), why(on));
  REQUIRE(on->tags.size() == 1);
  CHECK(on->tag_type(TagIdx{0}).params == std::vector<ValType>{ValType::kI32});

  // A tag import and an exnref value type need the feature as well.
  const ByteVec tag_import = section(2, vec({cat({name("m"), name("t"), {0x04, 0x00, 0x00}})}));
  auto import_off = decode_module(module({kTagTypes, tag_import}), Features{});
  REQUIRE_FALSE(import_off.ok());
  CHECK(import_off.error().message == "malformed import kind");
  CHECK(import_off.error().feature == "exceptions");
  auto exnref_off = decode_module(module({section(1, vec({func_type({0x69}, {})}))}), Features{});
  REQUIRE_FALSE(exnref_off.ok());
  CHECK(exnref_off.error().message == "exceptions support is not enabled");
}

TEST_CASE("exceptions: a tag whose type has results is invalid") {
  const ByteVec types = section(1, vec({func_type({}, {0x7f})}));
  auto module_with_result_tag = decode_module(module({types, kOneTag}), with_exceptions());
  REQUIRE(module_with_result_tag.ok());
  auto info = validate_module(*module_with_result_tag);
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().message.starts_with("non-empty tag result type"));
}

TEST_CASE("exceptions: hostile counts in the tag section and try_table fail at the count") {
  // 2^32-1 tags claimed in a few bytes: refused before any room is reserved for them.
  const ByteVec huge_tags = section(13, cat({uleb(0xFFFF'FFFFu), {0x00}}));
  auto tags = decode_module(module({kTagTypes, huge_tags}), with_exceptions());
  REQUIRE_FALSE(tags.ok());
  CHECK(tags.error().message == "length out of bounds");
  CHECK(tags.error().offset == header().size() + kTagTypes.size() + 2);

  // try_table claiming 2^32-1 catch clauses.
  const ByteVec code = cat({{0x1f, 0x40}, uleb(0xFFFF'FFFFu), {0x0b, 0x0b}});
  auto clauses = decode_module(one_func_module({}, {}, code), with_exceptions());
  REQUIRE(clauses.ok());  // bodies are decoded by the validator
  auto info = validate_module(*clauses);
  REQUIRE_FALSE(info.ok());
  CHECK(info.error().code == ErrorCode::kMalformed);

  // A catch clause kind beyond catch_all_ref.
  auto kind = decode_module(one_func_module({}, {}, {0x1f, 0x40, 0x01, 0x04, 0x00, 0x0b, 0x0b}), with_exceptions());
  REQUIRE(kind.ok());
  auto kind_info = validate_module(*kind);
  REQUIRE_FALSE(kind_info.ok());
  CHECK(kind_info.error().message == "malformed catch clause");
}

TEST_CASE("exceptions: try_table catches a throw, in the same function and across calls") {
  Running r(R"((module
    (tag $e (param i32))
    (tag $other)
    (func $thrower (param i32) (throw $e (i32.add (local.get 0) (i32.const 1))))
    (func (export "local") (param i32) (result i32)
      (block $h (result i32)
        (try_table (result i32) (catch $e $h)
          (throw $e (i32.mul (local.get 0) (i32.const 3))))))
    (func (export "across") (param i32) (result i32)
      (block $none
        (return
          (block $h (result i32)
            (try_table (result i32) (catch $other $none) (catch $e $h)
              (call $thrower (local.get 0))
              (i32.const -1)))))
      (i32.const -2))
    (func (export "catch_all_ref") (result i32)
      (local $x exnref)
      (block $h (result exnref)
        (try_table (catch_all_ref $h) (call $thrower (i32.const 7)))
        (return (i32.const -1)))
      (local.set $x)
      ;; rethrown, and caught by tag this time
      (block $h2 (result i32)
        (try_table (result i32) (catch $e $h2) (throw_ref (local.get $x))))))
  )");
  auto local = r.call("local", {Value::i32(5)});
  REQUIRE_FALSE(local.trap);
  CHECK(local.results == std::vector<Value>{Value::i32(15)});
  auto across = r.call("across", {Value::i32(41)});
  REQUIRE_FALSE(across.trap);
  CHECK(across.results == std::vector<Value>{Value::i32(42)});
  auto rethrown = r.call("catch_all_ref");
  REQUIRE_FALSE(rethrown.trap);
  CHECK(rethrown.results == std::vector<Value>{Value::i32(8)});
}

TEST_CASE("exceptions: an uncaught exception traps and names its tag") {
  Running r(R"((module
    (tag $quiet)
    (tag $loud (export "loud") (param i64))
    (func (export "throw_loud") (throw $loud (i64.const 3)))
    (func (export "throw_quiet")
      (drop (block $h (result i64) (try_table (catch $loud $h) (throw $quiet)) (i64.const 0))))
    (func (export "null_ref") (throw_ref (ref.null exn))))
  )");
  auto loud = r.call("throw_loud");
  REQUIRE(loud.trap);
  CHECK(loud.trap->kind == TrapKind::kUncaughtException);
  CHECK(describe_trap(*loud.trap, loud.backtrace).starts_with("uncaught exception: tag \"loud\" (#1) in func #0"));
  // A clause for another tag lets it pass; an unexported tag goes by its index.
  auto quiet = r.call("throw_quiet");
  REQUIRE(quiet.trap);
  CHECK(describe_trap(*quiet.trap, quiet.backtrace).starts_with("uncaught exception: tag #0"));
  auto null_ref = r.call("null_ref");
  REQUIRE(null_ref.trap);
  CHECK(null_ref.trap->kind == TrapKind::kNullExceptionReference);
}

TEST_CASE("exceptions: pre-initialization of an init that throws and catches internally") {
  const std::vector<uint8_t> wasm = assemble(R"((module
    (tag $found (param i32 i32))
    (global $where (export "where") (mut i32) (i32.const -1))
    (global $what (export "what") (mut i32) (i32.const -1))
    (memory (export "memory") 1)
    ;; Searches memory for a byte and throws where it is, as a non-local exit.
    (func $search (param $byte i32) (local $i i32)
      (loop $next
        (if (i32.eq (i32.load8_u (local.get $i)) (local.get $byte))
          (then (throw $found (local.get $i) (local.get $byte))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (i32.const 64)))))
    (func (export "wizer-initialize")
      (i32.store8 (i32.const 37) (i32.const 0x5a))
      (block $h (result i32 i32)
        (try_table (catch $found $h) (call $search (i32.const 0x5a)))
        (unreachable))
      (global.set $what)
      (global.set $where))
    (func (export "get") (result i32) (i32.add (i32.mul (global.get $where) (i32.const 1000)) (global.get $what))))
  )");
  Options options;
  auto refused = preinitialize(wasm, options);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("malformed section id (this needs exceptions: turn it on with "
                                     "Options::features.exceptions)") != std::string::npos);

  options.features.exceptions = true;
  auto output = preinitialize(wasm, options);
  REQUIRE_MESSAGE(output.ok(), why(output));
  // The output holds init's results as the globals' initial values; running
  // it needs no exception to be thrown again.
  Running after_init(std::move(output).value());
  CHECK(after_init.instance->export_func("wizer-initialize") == nullptr);
  auto got = after_init.call("get");
  REQUIRE_FALSE(got.trap);
  CHECK(got.results == std::vector<Value>{Value::i32(37 * 1000 + 0x5a)});
}

TEST_CASE("exceptions: pre-initialization refuses an escaping exception and a caught one left behind") {
  Options options;
  options.features.exceptions = true;
  const std::vector<uint8_t> escapes = assemble(R"((module
    (tag $gave_up (export "gave_up") (param i32))
    (func (export "wizer-initialize") (throw $gave_up (i32.const 1))))
  )");
  auto escaped = preinitialize(escapes, options);
  REQUIRE_FALSE(escaped.ok());
  CHECK(escaped.error().message.find("uncaught exception: tag \"gave_up\" (#0)") != std::string::npos);

  const std::vector<uint8_t> keeps = assemble(R"((module
    (tag $e)
    (global $kept (mut exnref) (ref.null exn))
    (func (export "wizer-initialize")
      (global.set $kept
        (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e)) (unreachable)))))
  )");
  auto kept = preinitialize(keeps, options);
  REQUIRE_FALSE(kept.ok());
  CHECK(kept.error().message.find("global 0 holds a non-null exnref") != std::string::npos);
}

TEST_CASE("exceptions: a throw loop reuses what it catches and is capped when it keeps references") {
  Running r(R"((module
    (tag $e (param i32))
    ;; Throws and catches n times; returns the sum of the payloads.
    (func (export "by_value") (param $n i32) (result i32) (local $sum i32)
      (loop $again
        (local.set $sum (i32.add (local.get $sum)
          (block $h (result i32) (try_table (catch $e $h) (throw $e (local.get $n))) (unreachable))))
        (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $sum))
    ;; The same, keeping each exception by reference (and dropping it).
    (func (export "by_reference") (param $n i32)
      (loop $again
        (drop (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e (local.get $n))) (unreachable)))
        (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
  )");
  auto sum = r.call("by_value", {Value::i32(1000)});
  REQUIRE_FALSE(sum.trap);
  CHECK(sum.results == std::vector<Value>{Value::i32(500500)});
  CHECK(r.instance->exceptions.size() == 1);  // one object, thrown a thousand times

  auto kept = r.call("by_reference", {Value::i32(2'000'000)});
  REQUIRE(kept.trap);
  CHECK(describe_trap(*kept.trap, kept.backtrace).find("too many exceptions") != std::string::npos);
  CHECK(r.instance->exceptions.size() == (size_t{1} << 20));
}

TEST_CASE("legacy exceptions: try / catch / catch_all, rethrow and delegate, behind their own switch") {
  const std::string wat = R"((module
    (tag $e (param i32))
    (tag $f)
    (func $throw (param i32) (throw $e (local.get 0)))
    ;; catch delivers the payload; a handler's result replaces the try's.
    (func (export "caught") (param i32) (result i32)
      (try (result i32)
        (do (call $throw (local.get 0)) (i32.const -1))
        (catch $f (i32.const -2))
        (catch $e (i32.add (i32.const 100)))))
    ;; rethrow from the inner handler reaches the outer try's catch_all.
    (func (export "rethrown") (result i32)
      (try (result i32)
        (do
          (try (result i32)
            (do (call $throw (i32.const 1)) (i32.const -1))
            (catch_all (rethrow 0))))
        (catch $e (drop) (i32.const 7))))
    ;; delegate skips the middle try's handler.
    (func (export "delegated") (result i32)
      (try $outer (result i32)
        (do
          (try (result i32)
            (do (try (do (call $throw (i32.const 3))) (delegate $outer)) (i32.const -1))
            (catch $e (drop) (i32.const 20))))
        (catch $e (drop) (i32.const 30))))
    ;; delegating to the function's label hands the exception to the caller.
    (func (export "to_caller") (try (do (call $throw (i32.const 4))) (delegate 0))))
  )";
  Features plain = with_exceptions();
  auto refused = text::wat_to_binary(wat, Features::all());
  REQUIRE(refused.ok());
  auto off = decode_module(*refused, plain);
  REQUIRE(off.ok());  // bodies are decoded by the validator
  auto off_info = validate_module(*off);
  REQUIRE_FALSE(off_info.ok());
  CHECK(off_info.error().feature == "legacy-exceptions");

  Features legacy;
  legacy.legacy_exceptions = true;
  auto module = decode_module(std::move(refused).value(), legacy);
  REQUIRE_MESSAGE(module.ok(), why(module));
  auto info = validate_module(*module);
  REQUIRE_MESSAGE(info.ok(), why(info));
  Store store;
  auto instance = instantiate(store, std::make_shared<const Module>(std::move(module).value()),
                              std::make_shared<const ModuleInfo>(std::move(info).value()), Linker{});
  REQUIRE(instance.ok());
  auto call = [&](const char* name, std::vector<Value> args = {}) {
    return call_function(*(*instance)->export_func(name), args);
  };
  CHECK(call("caught", {Value::i32(5)}).results == std::vector<Value>{Value::i32(105)});
  CHECK(call("rethrown").results == std::vector<Value>{Value::i32(7)});
  CHECK(call("delegated").results == std::vector<Value>{Value::i32(30)});
  auto escaped = call("to_caller");
  REQUIRE(escaped.trap);
  CHECK(escaped.trap->kind == TrapKind::kUncaughtException);
}

TEST_CASE("legacy exceptions: an init that throws and catches pre-initializes equivalently, in kiln and in V8") {
  // The encoding node 20 runs without flags: the oracle compares init run in
  // place with the output, and where node is installed V8 runs both as well.
  const std::vector<uint8_t> wasm = assemble(R"((module
    (tag $overflow (param i32))
    (global $count (export "count") (mut i32) (i32.const 0))
    (global $at (mut i32) (i32.const 0))
    (memory (export "memory") 1)
    ;; Counts up, storing squares, until a square passes 1000: the throw ends the loop.
    (func $fill (local $i i32) (local $sq i32)
      (loop $next
        (local.set $sq (i32.mul (local.get $i) (local.get $i)))
        (if (i32.gt_u (local.get $sq) (i32.const 1000)) (then (throw $overflow (local.get $i))))
        (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $sq))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (func (export "wizer-initialize")
      (try
        (do (try (do (call $fill)) (catch_all (rethrow 0))))
        (catch $overflow (global.set $count))))
    (func (export "count_twice") (result i32) (i32.add (global.get $count) (global.get $count)))
    (func (export "square") (param i32) (result i32) (i32.load (i32.mul (local.get 0) (i32.const 4)))))
  )");
  Options options = all_features();
  options.features.legacy_exceptions = true;
  OracleChecks checks;
  checks.wabt_flags = "--enable-exceptions";
  const OracleResult r =
      check_preinit(wasm, options, {{"count_twice"}, {"square", {Value::i32(31)}}, {"square", {Value::i32(32)}}}, checks);
  CHECK_MESSAGE(r.error.empty(), r.error);
  CHECK_MESSAGE(r.differences.empty(), r.summary());
  for (const std::string& why : r.skipped) MESSAGE("external check skipped: " << why);
  CHECK(call_fresh(r.output, "count_twice") == "i32:64");
  CHECK(call_fresh(r.output, "square", {Value::i32(31)}) == "i32:961");
}

TEST_CASE("exceptions: the command line turns them on by name, and kiln info counts tags") {
  const Workspace ws(module({kTagTypes, section(2, vec({cat({name("m"), name("t"), {0x04, 0x00, 0x00}})})), kOneTag}));
  const CommandResult off = run_command(std::string(KILN_EXE) + " validate " + ws.input);
  CHECK(off.exit_code == 1);
  CHECK(off.output.find("malformed import kind (this needs exceptions: turn it on with --enable-exceptions)") !=
        std::string::npos);
  const CommandResult on = run_command(std::string(KILN_EXE) + " info --enable-exceptions " + ws.input);
  CHECK(on.exit_code == 0);
  CHECK(on.output.find("  tags: 2 (1 imported)\n") != std::string::npos);
}
