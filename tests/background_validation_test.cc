// Function bodies typed while init runs: a body is checked before it first runs, an invalid module is refused with
// validate_module's error whichever thread finds it, and the output does not depend on the threads.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/validate/body_validation.h"
#include "kiln/validate/validate.h"
#include "support/cli_refusal.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr unsigned kThreadCounts[] = {1, 2, 3, 8};

// i64.const 0 where the body must leave an i32: a typing error, not a decoding one.
const ByteVec kWrongType = {0x42, 0x00, 0x0B};

struct Layout {
  uint32_t count = 0;                                 // functions () -> i32, defined indices 1..count
  std::vector<uint32_t> init_calls = {};              // which of them (0-based) init calls, storing each result
  std::vector<std::pair<uint32_t, ByteVec>> bad = {};  // replaced bodies, by 0-based index
  bool host_first = false;  // each () -> i32 body starts by calling the imported host function
};

// Imports "env"."note" : () -> (); function 1 is the init export "wizer-initialize",
// which stores the result of each called function at 4 * its index in memory 0.
ByteVec init_module(const Layout& layout) {
  const uint32_t first = 2;  // the import, then init
  std::vector<ByteVec> decls{{0x00}};
  std::vector<ByteVec> bodies;
  ByteVec init;
  for (uint32_t c : layout.init_calls) {
    append(init, {0x41});
    append(init, sleb(static_cast<int64_t>(4 * c)));
    append(init, {0x10});
    append(init, uleb(first + c));
    append(init, {0x36, 0x02, 0x00});
  }
  append(init, {0x0B});
  bodies.push_back(body({0x00}, init));
  for (uint32_t i = 0; i < layout.count; ++i) {
    decls.push_back({0x01});
    ByteVec code;
    if (layout.host_first) append(code, {0x10, 0x00});
    // Nested blocks, so that bodies differ in the facts validation records.
    const uint32_t depth = i % 4;
    for (uint32_t d = 0; d < depth; ++d) append(code, {0x02, 0x7F});
    append(code, {0x41});
    append(code, sleb(static_cast<int64_t>(i * 7 + 1)));
    for (uint32_t d = 0; d < depth; ++d) append(code, {0x0B});
    append(code, {0x0B});
    for (const auto& [index, replacement] : layout.bad)
      if (index == i) code = layout.host_first ? cat({{0x10, 0x00}, replacement}) : replacement;
    bodies.push_back(body({0x00}, code));
  }
  const ByteVec import = cat({name("env"), name("note"), {0x00, 0x00}});
  const ByteVec init_export = cat({name("wizer-initialize"), {0x00}, uleb(1)});
  const ByteVec memory_export = cat({name("memory"), {0x02, 0x00}});
  return module({section(1, vec({func_type({}, {}), func_type({}, {0x7F})})), section(2, vec({import})),
                 section(3, vec_of(decls)), section(5, vec({{0x00, 0x01}})),
                 section(7, vec({init_export, memory_export})), section(10, vec_of(bodies))});
}

Module decoded(const ByteVec& bytes) {
  auto m = decode_module(bytes, Features::all());
  REQUIRE(m.ok());
  return std::move(m).value();
}

// Options whose host import counts its calls.
Options counting_options(unsigned threads, int& host_calls) {
  Options options;
  options.validation_threads = threads;
  options.host_imports.push_back({"env", "note", FuncType{}, [&host_calls](HostContext&, std::span<const Value>, std::span<Value>) {
                                    ++host_calls;
                                    return std::optional<Trap>{};
                                  }});
  return options;
}

// Pre-initializing `bytes` fails with exactly validate_module's error, whatever the thread count, run after run.
void check_refused_as_validate_module(const ByteVec& bytes, bool host_may_run) {
  auto expected = validate_module(decoded(bytes), 1);
  REQUIRE_FALSE(expected.ok());
  for (unsigned threads : kThreadCounts) {
    for (int run = 0; run < 3; ++run) {
      CAPTURE(threads);
      CAPTURE(run);
      int host_calls = 0;
      auto output = preinitialize(bytes, counting_options(threads, host_calls));
      REQUIRE_FALSE(output.ok());
      CHECK(output.error().code == expected.error().code);
      CHECK(output.error().offset == expected.error().offset);
      CHECK(output.error().message == expected.error().message);
      if (!host_may_run) CHECK(host_calls == 0);
    }
  }
}

}  // namespace

TEST_CASE("an invalid body init never calls refuses the module with validate_module's error") {
  const ByteVec bytes = init_module({.count = 600, .init_calls = {0, 1, 2}, .bad = {{450, kWrongType}}});
  check_refused_as_validate_module(bytes, true);
  const Refusal refusal = refuse(bytes, "");
  CHECK_MESSAGE(refusal.message.find("type mismatch") != std::string::npos, refusal.message);
}

TEST_CASE("an invalid body init calls is never run, and the module is refused with validate_module's error") {
  // Every body calls the host first: had the invalid one run, the host would have been called.
  const ByteVec bytes = init_module({.count = 600, .init_calls = {300}, .bad = {{300, kWrongType}}, .host_first = true});
  check_refused_as_validate_module(bytes, false);
  const Refusal refusal = refuse(bytes, "");
  CHECK_MESSAGE(refusal.message.find("type mismatch") != std::string::npos, refusal.message);
}

TEST_CASE("the lowest invalid body is reported, not the one init stopped at") {
  // Init calls 500 (invalid, underflow) and never 120 (invalid, wrong type): validate_module reports 120.
  const ByteVec underflow = {0x6A, 0x0B};
  const ByteVec bytes =
      init_module({.count = 600, .init_calls = {10, 500}, .bad = {{120, kWrongType}, {500, underflow}}});
  auto expected = validate_module(decoded(bytes), 1);
  REQUIRE_FALSE(expected.ok());
  CHECK(expected.error().message.find("type mismatch") != std::string::npos);
  check_refused_as_validate_module(bytes, true);
}

TEST_CASE("pre-initialization writes the same bytes with one validation thread or many while init calls bodies") {
  std::vector<uint32_t> calls;
  for (uint32_t i = 0; i < 3000; i += 3) calls.push_back(3000 - 1 - i);  // from the end, against the workers' order
  const ByteVec bytes = init_module({.count = 3000, .init_calls = calls});
  int host_calls = 0;
  auto reference = preinitialize(bytes, counting_options(1, host_calls));
  REQUIRE(reference.ok());
  for (unsigned threads : kThreadCounts) {
    for (int run = 0; run < 3; ++run) {
      CAPTURE(threads);
      CAPTURE(run);
      auto output = preinitialize(bytes, counting_options(threads, host_calls));
      REQUIRE(output.ok());
      CHECK(*output == *reference);
    }
  }
}

TEST_CASE("bodies checked before finish give validate_module's facts and error, with or without workers") {
  const Module valid = decoded(init_module({.count = 400}));
  auto reference = validate_module(valid, 1);
  REQUIRE(reference.ok());
  const ByteVec underflow = {0x6A, 0x0B};
  const Module invalid = decoded(init_module({.count = 400, .bad = {{90, kWrongType}, {300, underflow}}}));
  auto reference_error = validate_module(invalid, 1);
  REQUIRE_FALSE(reference_error.ok());
  for (unsigned workers : {0u, 1u, 4u}) {
    CAPTURE(workers);
    auto validation = BodyValidation::start(valid, workers);
    REQUIRE(validation.ok());
    for (uint32_t i = 401; i-- > 0;) CHECK((*validation)->check_body(i).ok());  // init is defined function 0
    auto info = (*validation)->finish();
    REQUIRE(info.ok());
    CHECK(info->funcs == reference->funcs);  // every fact, blocks and ref.func targets included

    auto failing = BodyValidation::start(invalid, workers);
    REQUIRE(failing.ok());
    // Body 300's own error comes from check_body; finish reports the module's, body 90's.
    const Status own = (*failing)->check_body(1 + 300);
    REQUIRE_FALSE(own.ok());
    CHECK(own.error().offset > reference_error.error().offset);
    CHECK((*failing)->check_body(1 + 10).ok());
    auto module_error = (*failing)->finish();
    REQUIRE_FALSE(module_error.ok());
    CHECK(module_error.error().offset == reference_error.error().offset);
    CHECK(module_error.error().message == reference_error.error().message);
  }
}

TEST_CASE("a validation abandoned before finish stops its workers") {
  const Module m = decoded(init_module({.count = 2000}));
  for (int run = 0; run < 5; ++run) {
    auto validation = BodyValidation::start(m, 3);
    REQUIRE(validation.ok());
    CHECK((*validation)->check_body(1000).ok());
  }  // destroyed unfinished: joins without typing the rest
}
