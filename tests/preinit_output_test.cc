// The shape of the pre-initialized module: which original data segments stay, custom section order, and a silent CLI.
#include <doctest/doctest.h>

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kiln/decode/decode.h"
#include "support/cli_refusal.h"
#include "support/preinit_oracle.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Module decoded(const std::vector<uint8_t>& wasm) {
  auto m = decode_module(wasm, Features::all());
  REQUIRE_MESSAGE(m.ok(), m.error().message);
  return std::move(m).value();
}

// Runs the whole oracle (init in place against the output, state and probes)
// and returns the output.
std::vector<uint8_t> equivalent_output(std::string_view corpus, const std::vector<Probe>& probes) {
  const OracleResult r = check_corpus(corpus, all_features(), probes);
  REQUIRE_MESSAGE(r.error.empty(), r.error);
  CHECK_MESSAGE(r.differences.empty(), r.summary());
  return r.output;
}

size_t count_mode(const Module& m, SegmentMode mode) {
  size_t n = 0;
  for (const DataSegment& d : m.datas) n += d.mode == mode ? 1 : 0;
  return n;
}

// The module with a data count section spliced in before its code, as LLVM
// writes one whenever bulk memory is on, used or not (wabt writes it only when
// memory.init or data.drop needs it).
std::vector<uint8_t> with_data_count_section(const std::vector<uint8_t>& wasm) {
  const Module m = decoded(wasm);
  for (const Section& s : m.sections) {
    if (s.id != SectionId::kCode) continue;
    const auto code = wasm.begin() + static_cast<std::ptrdiff_t>(s.whole.offset);
    ByteVec out(wasm.begin(), code);
    append(out, cat({{static_cast<uint8_t>(SectionId::kDataCount)}, uleb(uleb(m.datas.size()).size()), uleb(m.datas.size())}));
    out.insert(out.end(), code, wasm.end());
    return out;
  }
  FAIL("no code section");
  return {};
}

ByteVec custom_section(std::string_view section_name, const ByteVec& payload) {
  const ByteVec body = cat({name(section_name), payload});
  return cat({{0x00}, uleb(body.size()), body});
}

// Custom section names and "#ID" for the others, in file order.
std::vector<std::string> section_order(const Module& m) {
  std::vector<std::string> order;
  for (const Section& s : m.sections)
    order.push_back(s.id == SectionId::kCustom ? s.name : "#" + std::to_string(static_cast<int>(s.id)));
  return order;
}

}  // namespace

TEST_CASE("code that names data segments outside init keeps them at their indices, and memory.init still works") {
  const std::vector<uint8_t> out =
      equivalent_output("data_named", {{"copy_spare", {i32(200)}}, {"copy_greeting", {i32(300)}}, {"ready"},
                                       {"drop_spare"}, {"copy_spare", {i32(400)}}});
  REQUIRE(!out.empty());
  // Fresh instances of the output: the passive segment still holds its bytes, the
  // applied active one is empty, so memory.init copies from one and traps on the other.
  CHECK(call_fresh(out, "copy_spare", {i32(200)}) == "i32:115");
  CHECK(call_fresh(out, "copy_greeting", {i32(300)}).rfind("trap:", 0) == 0);
  const Module m = decoded(out);
  REQUIRE(m.datas.size() >= 2);
  CHECK(m.datas[0].mode == SegmentMode::kPassive);
  CHECK(m.datas[0].bytes.size == 0);
  CHECK(m.datas[1].mode == SegmentMode::kPassive);
  CHECK(m.datas[1].bytes.size == 11);
  CHECK(count_mode(m, SegmentMode::kPassive) == 2);
  CHECK(m.data_count == std::optional<uint32_t>(static_cast<uint32_t>(m.datas.size())));
}

TEST_CASE("data segments that no instruction names are left out, and so is the data count section") {
  const std::vector<Probe> probes = {{"load", {i32(16)}}, {"load", {i32(64)}}};
  const std::vector<uint8_t> out = equivalent_output("data_unnamed", probes);
  REQUIRE(!out.empty());
  const Module m = decoded(out);
  CHECK(count_mode(m, SegmentMode::kPassive) == 0);
  CHECK(m.datas.size() == count_mode(m, SegmentMode::kActive));
  CHECK(!m.data_count.has_value());
  CHECK(call_fresh(out, "load", {i32(64)}) == "i32:1148");

  // The same module as LLVM lays it out, with a data count section, which
  // allows memory.init: the answer comes from decoding every body, where
  // init's constant 1148 (41 FC 08) must not pass for memory.init (FC 08).
  const std::vector<uint8_t> counted = with_data_count_section(read_corpus("data_unnamed"));
  REQUIRE(decoded(counted).data_count == std::optional<uint32_t>(2));
  const OracleResult r = check_preinit(counted, all_features(), probes, corpus_checks("data_unnamed"));
  REQUIRE_MESSAGE(r.error.empty(), r.error);
  CHECK_MESSAGE(r.differences.empty(), r.summary());
  CHECK(r.output == out);
}

TEST_CASE("custom sections keep the input's order, the name section included") {
  // As wasm-ld writes them: name, producers, target_features after the data;
  // one more before everything else.
  const ByteVec module_name = cat({{0x00}, uleb(name("orderly").size()), name("orderly")});
  const std::vector<uint8_t> original = read_corpus("data_unnamed");
  const ByteVec header(original.begin(), original.begin() + 8);
  const ByteVec rest(original.begin() + 8, original.end());
  const ByteVec input = cat({header, custom_section("first", {1, 2, 3}), rest, custom_section("name", module_name),
                             custom_section("producers", {0}), custom_section("target_features", {0})});
  auto out = preinitialize(input, all_features());
  REQUIRE_MESSAGE(out.ok(), out.error().message);
  const Module in = decoded(input);
  const Module m = decoded(*out);
  CHECK(section_order(m) == section_order(in));
  CHECK(m.names.module_name == "orderly");
}

TEST_CASE("preinitialize given the input's vector takes its bytes and writes what the span form writes") {
  for (const char* name : {"scattered", "data_named", "tables"}) {
    INFO(name);
    std::vector<uint8_t> input = read_corpus(name);
    const auto copied = preinitialize(std::span<const uint8_t>(input), all_features());
    REQUIRE(copied.ok());
    REQUIRE_FALSE(input.empty());  // the span form leaves the caller's bytes alone
    const auto taken = preinitialize(std::move(input), all_features());
    REQUIRE(taken.ok());
    CHECK(*taken == *copied);
    CHECK(input.empty());  // the module held them, not a copy
  }
}

TEST_CASE("a successful run prints nothing; --verbose reports the fallback init function") {
  Workspace ws(read_corpus("fallback"));
  const std::string kiln = KILN_EXE;
  const CommandResult quiet = run_command(kiln + " " + ws.input + " -o " + ws.output);
  CHECK(quiet.exit_code == 0);
  CHECK_MESSAGE(quiet.output.empty(), quiet.output);
  CHECK(call_fresh(read_bytes(ws.output), "get") == "i32:7");

  for (const char* flag : {"--verbose", "-v", "--verbose=true"}) {
    const CommandResult verbose = run_command(kiln + " " + flag + " " + ws.input + " -o " + ws.output);
    CHECK(verbose.exit_code == 0);
    CHECK(verbose.output ==
          "kiln: note: no export named 'wizer-initialize'; using 'wizer.initialize' as the init function\n");
  }
  const CommandResult off = run_command(kiln + " --verbose=false " + ws.input + " -o " + ws.output);
  CHECK(off.exit_code == 0);
  CHECK(off.output.empty());

  // --stats keeps its report, without the note.
  const CommandResult stats = run_command(kiln + " --stats " + ws.input + " -o " + ws.output);
  CHECK(stats.exit_code == 0);
  CHECK(stats.output.rfind("kiln stats: init function 'wizer.initialize'", 0) == 0);
  CHECK(stats.output.find("note:") == std::string::npos);
}
