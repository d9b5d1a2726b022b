// End-to-end pre-initialization: run order, init export choice, renames, imports kept, determinism.
#include <doctest/doctest.h>

#include <cstring>

#include <algorithm>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

OracleResult expect_equivalent(const std::string& name, const Options& options, const std::vector<Probe>& probes) {
  OracleResult r = check_corpus(name, options, probes);
  CHECK_MESSAGE(r.error.empty(), name << ": " << r.error);
  CHECK_MESSAGE(r.differences.empty(), name << ":\n" << r.summary());
  for (const std::string& why : r.skipped) MESSAGE(name << ": external check skipped: " << why);
  return r;
}

std::vector<std::string> export_names(const std::vector<uint8_t>& wasm) {
  auto m = decode_module(wasm, Features::all());
  REQUIRE(m.ok());
  std::vector<std::string> names;
  for (const Export& e : m->exports) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("the start function, _initialize and the init function run once each, in order") {
  const OracleResult r = expect_equivalent("order", all_features(), {{"get"}, {"initialize_calls"}, {"init_calls"}});
  REQUIRE(!r.output.empty());
  // 123: start, then _initialize, then init; a start function left in the output would make it 1231.
  CHECK(call_fresh(r.output, "get") == "i32:123");
  CHECK(call_fresh(r.output, "initialize_calls") == "i32:1");
  CHECK(export_names(r.output) == Names{"get", "init_calls", "initialize_calls"});
  CHECK(r.stats.init_func == "wizer-initialize");
}

TEST_CASE("-f _initialize runs _initialize once and removes only it") {
  Options options = all_features();
  options.init_func = "_initialize";
  const OracleResult r = expect_equivalent("order", options, {{"get"}, {"initialize_calls"}, {"init_calls"}});
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "get") == "i32:12");
  CHECK(call_fresh(r.output, "initialize_calls") == "i32:1");
  CHECK(call_fresh(r.output, "init_calls") == "i32:0");
  CHECK(export_names(r.output) == Names{"get", "init_calls", "initialize_calls", "wizer-initialize"});
}

// As Wizer does: --keep-init-func keeps the init export, but _initialize is
// always removed, since hosts call it on reactors and the constructors would run twice.
TEST_CASE("keep_init_func keeps the init export, callable again; _initialize still goes") {
  Options options = all_features();
  options.keep_init_func = true;
  const OracleResult r = expect_equivalent(
      "order", options, {{"get"}, {"wizer-initialize"}, {"get"}, {"initialize_calls"}});
  REQUIRE(!r.output.empty());
  CHECK(export_names(r.output) == Names{"get", "init_calls", "initialize_calls", "wizer-initialize"});
  CHECK(call_fresh(r.output, "get") == "i32:123");
}

TEST_CASE("-r _start=wizer.resume: the output's _start runs main without the constructors") {
  Options options = all_features();
  options.renames = {{"_start", "wizer.resume"}};
  const OracleResult r = expect_equivalent(
      "renames", options,
      {{"_start", {}, "wizer.resume"}, {"_start", {}, "wizer.resume"}, {"five"}, {"six"}});
  REQUIRE(!r.output.empty());
  // ctor_runs * 100 + main_runs: the original _start would give 201.
  CHECK(call_fresh(r.output, "_start") == "i32:101");
  CHECK(export_names(r.output) == Names{"_start", "five", "six"});
}

TEST_CASE("renames onto a new name, over an existing export, and two swapping names") {
  Options options = all_features();
  options.renames = {{"renamed", "five"}, {"_start", "six"}};
  OracleResult r = expect_equivalent("renames", options,
                                     {{"renamed", {}, "five"}, {"_start", {}, "six"}, {"wizer.resume"}});
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "_start") == "i32:6");
  CHECK(export_names(r.output) == Names{"_start", "renamed", "wizer.resume"});

  options.renames = {{"five", "six"}, {"six", "five"}};
  r = expect_equivalent("renames", options, {{"five", {}, "six"}, {"six", {}, "five"}});
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "five") == "i32:6");
  CHECK(call_fresh(r.output, "six") == "i32:5");
}

TEST_CASE("renames of missing or removed exports, and onto the init function's name, as Wizer does") {
  // Observed with Wizer 11.0.3: a rename whose source is absent or is the
  // removed init function does nothing; the init function's name is free again.
  Options options = all_features();
  options.renames = {{"foo", "wizer-initialize"}, {"bar", "missing"}};
  OracleResult r = expect_equivalent("renames", options, {{"five"}});
  REQUIRE(!r.output.empty());
  CHECK(export_names(r.output) == Names{"_start", "five", "six", "wizer.resume"});

  options.renames = {{"wizer-initialize", "five"}};
  r = expect_equivalent("renames", options, {{"wizer-initialize", {}, "five"}, {"six"}});
  REQUIRE(!r.output.empty());
  CHECK(export_names(r.output) == Names{"_start", "six", "wizer-initialize", "wizer.resume"});
  CHECK(call_fresh(r.output, "wizer-initialize") == "i32:5");
}

TEST_CASE("conflicting renames are refused with a usage error naming the conflict") {
  Options options = all_features();
  options.renames = {{"dst", "five"}, {"dst", "six"}};
  auto two_sources = preinitialize(read_corpus("renames"), options);
  REQUIRE(!two_sources.ok());
  CHECK(two_sources.error().code == ErrorCode::kUsage);
  CHECK(two_sources.error().message.find("'dst'") != std::string::npos);

  options.renames = {{"a", "five"}, {"b", "five"}};
  auto one_source_twice = preinitialize(read_corpus("renames"), options);
  REQUIRE(!one_source_twice.ok());
  CHECK(one_source_twice.error().code == ErrorCode::kUsage);
  CHECK(one_source_twice.error().message.find("'five'") != std::string::npos);
}

TEST_CASE("wizer.initialize is the init function when wizer-initialize is absent, with a note") {
  Options options = all_features();
  std::vector<std::string> notes;
  options.note = [&notes](const std::string& text) { notes.push_back(text); };
  const OracleResult r = expect_equivalent("fallback", options, {{"get"}});
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "get") == "i32:7");
  CHECK(r.stats.init_func == "wizer.initialize");
  CHECK(export_names(r.output) == Names{"get"});
  // Once: the oracle's own run does not call the note, only preinitialize does.
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("wizer.initialize") != std::string::npos);

  notes.clear();
  const OracleResult both = expect_equivalent("fallback_both", options, {{"get"}, {"wizer.initialize"}, {"get"}});
  REQUIRE(!both.output.empty());
  CHECK(notes.empty());
  CHECK(call_fresh(both.output, "get") == "i32:1");
  CHECK(export_names(both.output) == Names{"get", "wizer.initialize"});

  // Only the default falls back: an explicit other name must exist.
  options.init_func = "init";
  CHECK(!preinitialize(read_corpus("fallback"), options).ok());
}

TEST_CASE("an import that init never calls does not stop it, and stays imported") {
  const OracleResult r = expect_equivalent("unused_import", all_features(), {{"get"}, {"log_it"}});
  REQUIRE(!r.output.empty());
  auto out = decode_module(r.output, Features::all());
  REQUIRE(out.ok());
  REQUIRE(out->imports.size() == 1);
  CHECK(out->imports[0].module == "env");
  CHECK(out->imports[0].name == "log");
  CHECK(call_fresh(r.output, "get") == "i32:9");
}

TEST_CASE("an import init calls can be provided as a host function, and stays imported") {
  Options options = all_features();
  std::vector<uint32_t> logged;
  options.host_imports.push_back(
      {"env", "log", FuncType{{ValType::kI32}, {}},
       [&logged](HostContext&, std::span<const Value> args, std::span<Value>) -> std::optional<Trap> {
         logged.push_back(static_cast<uint32_t>(args[0].bits));
         return std::nullopt;
       }});
  const OracleResult r = check_corpus("refuse_init_import", options, {});
  CHECK_MESSAGE(r.error.empty(), r.error);
  CHECK_MESSAGE(r.differences.empty(), r.summary());
  // Once by the oracle's in-place run, once by preinitialize.
  CHECK(logged == std::vector<uint32_t>{1, 1});
  CHECK(export_names(r.output).empty());
}

TEST_CASE("bytes a host import writes into guest memory during init are in the output") {
  Options options = all_features();
  options.host_imports.push_back(
      {"env", "poke", FuncType{{ValType::kI32}, {}},
       [](HostContext& context, std::span<const Value> args, std::span<Value>) -> std::optional<Trap> {
         // Straight through the raw pointer, as an embedder's function would.
         std::memcpy(context.memory()->data() + args[0].bits, "hello", 5);
         return std::nullopt;
       }});
  auto output = preinitialize(read_corpus("host_write"), options);
  REQUIRE_MESSAGE(output.ok(), output.error().message);
  CHECK(call_fresh(*output, "load8", {i32(40000)}) == "i32:104");  // 'h'
  CHECK(call_fresh(*output, "load8", {i32(40004)}) == "i32:111");  // 'o'
  CHECK(call_fresh(*output, "load8", {i32(40005)}) == "i32:0");
}

TEST_CASE("the same input gives byte-identical outputs") {
  for (const char* name : {"globals", "memory_edges", "bulk_memory", "tables", "scattered", "multi_memory"}) {
    const std::vector<uint8_t> input = read_corpus(name);
    auto first = preinitialize(input, all_features());
    auto second = preinitialize(input, all_features());
    REQUIRE_MESSAGE(first.ok(), name);
    REQUIRE_MESSAGE(second.ok(), name);
    CHECK_MESSAGE(*first == *second, name);
  }
}

TEST_CASE("max_data_segments caps the data segments and keeps the memory equivalent") {
  std::vector<Probe> probes;
  for (int32_t at : {0, 3, 4, 6, 7, 997, 998, 99700, 198403, 198404, 262143}) probes.push_back({"load8", {i32(at)}});
  // Without a cap the 200 scattered bytes become many segments; otherwise the cap proves nothing.
  const OracleResult uncapped = expect_equivalent("scattered", all_features(), probes);
  CHECK(uncapped.stats.data_segments > 100);
  for (uint64_t cap : {3u, 1u}) {
    Options options = all_features();
    options.max_data_segments = cap;
    const OracleResult r = expect_equivalent("scattered", options, probes);
    REQUIRE(!r.output.empty());
    CHECK(r.stats.data_segments <= cap);
    auto out = decode_module(r.output, Features::all());
    REQUIRE(out.ok());
    const auto active = std::count_if(out->datas.begin(), out->datas.end(),
                                      [](const DataSegment& d) { return d.mode == SegmentMode::kActive; });
    CHECK(static_cast<uint64_t>(active) <= cap);
  }
}
