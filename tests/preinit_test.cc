// End-to-end pre-initialization of corpus/preinit modules: globals, memories, bulk memory and tables.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/snapshot/snapshot.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Runs the oracle on corpus module `name` and requires an equivalent output.
OracleResult expect_equivalent(const std::string& name, const Options& options, const std::vector<Probe>& probes) {
  OracleResult r = check_corpus(name, options, probes);
  CHECK_MESSAGE(r.error.empty(), name << ": " << r.error);
  CHECK_MESSAGE(r.differences.empty(), name << ":\n" << r.summary());
  for (const std::string& why : r.skipped) MESSAGE(name << ": external check skipped: " << why);
  return r;
}

Module decode_output(const std::vector<uint8_t>& wasm) {
  auto m = decode_module(wasm, Features::all());
  REQUIRE(m.ok());
  return std::move(m).value();
}

}  // namespace

TEST_CASE("the oracle itself tells an initialized instance from one that was not") {
  // Without this, an oracle comparing nothing would pass every test below.
  for (const char* name : {"globals", "memory_edges", "tables"}) {
    Loaded initialized = load_module(read_corpus(name), all_features());
    Loaded plain = load_module(read_corpus(name), all_features());
    REQUIRE(initialized.error.empty());
    REQUIRE(plain.error.empty());
    REQUIRE(run_init_in_place(initialized, all_features()).empty());
    CHECK(compare_state(*plain.instance, *plain.instance).empty());
    const std::vector<std::string> diffs = compare_state(*initialized.instance, *plain.instance);
    CHECK_MESSAGE(!diffs.empty(), name);
  }
  Loaded a = load_module(read_corpus("memory_edges"), all_features());
  Loaded b = load_module(read_corpus("memory_edges"), all_features());
  REQUIRE(run_init_in_place(a, all_features()).empty());
  const std::vector<std::string> diffs = compare_state(*a.instance, *b.instance);
  REQUIRE(!diffs.empty());
  CHECK(diffs[0] == "memory 0 has 65536 bytes, expected 131072");
  // Same size, one byte apart.
  b.instance->memories[0]->grow(1);
  std::vector<std::string> bytes = compare_state(*a.instance, *b.instance);
  REQUIRE(bytes.size() == 1);
  CHECK(bytes[0].find("bytes differ, the first at 0x0 (0x0, expected 0xaa)") != std::string::npos);
}

TEST_CASE("the oracle's node check reports what V8 computes") {
  if (!have_tool("node")) {
    MESSAGE("node is not installed: skipped");
    return;
  }
  // The input itself, not initialized: its globals still hold their first values.
  const std::vector<uint8_t> wasm = read_corpus("globals");
  Loaded loaded = load_module(wasm, all_features());
  REQUIRE(loaded.error.empty());
  std::string failure;
  const auto lines = run_probes_in_node(
      wasm, *loaded.instance, {{"get_i32"}, {"get_f32"}, {"get_v128"}, {"call_fref"}, {"get_i64"}, {"bump_i32"}}, failure);
  REQUIRE_MESSAGE(lines.has_value(), failure);
  CHECK(*lines == std::vector<std::string>{"i32:1", "f32:0x3f800000", "skip", "trap", "i64:1", "i32:2"});
  // With V8 running init first, as the oracle does for the original.
  const auto initialized =
      run_probes_in_node(wasm, *loaded.instance, {{"get_i32"}, {"call_fref"}}, failure, {"wizer-initialize"});
  REQUIRE_MESSAGE(initialized.has_value(), failure);
  CHECK(*initialized == std::vector<std::string>{"i32:4294843840", "i32:7"});
}

TEST_CASE("globals of every type keep init's values bit for bit; immutable ones stay") {
  const OracleResult r = expect_equivalent(
      "globals", all_features(),
      {{"get_i32"}, {"get_i64"}, {"get_f32"}, {"get_f32_nan_bits"}, {"get_f64"}, {"get_f64_nan_bits"},
       {"get_v128"}, {"v128_lanes"}, {"call_fref"}, {"call_const_fref"}, {"fref_cleared_is_null"},
       {"eref_is_null"}, {"get_untouched"}, {"get_const_f64"}, {"bump_i32"}, {"bump_i32"}});
  REQUIRE(!r.output.empty());
  // The values themselves, not just equality with the in-place run.
  CHECK(call_fresh(r.output, "get_i32") == "i32:" + std::to_string(static_cast<uint32_t>(-123456)));
  CHECK(call_fresh(r.output, "get_i64") == "i64:1311768467463790320");
  CHECK(call_fresh(r.output, "get_f32") == "f32:0xc0600000");
  CHECK(call_fresh(r.output, "get_f32_nan_bits") == "i32:2141192193");  // 0x7fa00001
  CHECK(call_fresh(r.output, "get_f64_nan_bits") == "i64:9219994337134247937");  // 0x7ff4000000000001
  CHECK(call_fresh(r.output, "get_v128") == "v128:0xd0e0f10090a0b0c:0x506070801020304");
  CHECK(call_fresh(r.output, "call_fref") == "i32:7");
  CHECK(call_fresh(r.output, "fref_cleared_is_null") == "i32:1");
  CHECK(call_fresh(r.output, "get_untouched") == "i32:77");
  const Module out = decode_output(r.output);
  REQUIRE(out.global_types.size() == 14);
  CHECK(out.global_types[0].is_mutable);
  CHECK(!out.global_types[11].is_mutable);  // $const_i32
  CHECK(!out.global_types[13].is_mutable);  // $const_fref
}

TEST_CASE("the first and last bytes of memory, and memory.grow during init") {
  const OracleResult r = expect_equivalent(
      "memory_edges", all_features(),
      {{"size"}, {"load8", {i32(0)}}, {"load8", {i32(131071)}}, {"load8", {i32(131072)}}, {"load32", {i32(65534)}},
       {"load32", {i32(10)}}, {"load8", {i32(12)}}, {"grow", {i32(1)}}, {"size"}, {"load8", {i32(196607)}},
       {"grow", {i32(1)}}, {"size"}});
  REQUIRE(!r.output.empty());
  const Module out = decode_output(r.output);
  REQUIRE(out.memories.size() == 1);
  CHECK(out.memories[0].limits.min == 2);  // the grown size
  CHECK(out.memories[0].limits.max == 3);  // the maximum kept
  CHECK(call_fresh(r.output, "load8", {i32(0)}) == "i32:170");
  CHECK(call_fresh(r.output, "load8", {i32(131071)}) == "i32:187");
  CHECK(call_fresh(r.output, "load8", {i32(131072)}) == "trap: out of bounds memory access");
  CHECK(call_fresh(r.output, "load8", {i32(12)}) == "i32:33");  // '!' over the segment's 'i'
}

TEST_CASE("a memory that init leaves all zero needs no data, and old segments stay gone") {
  const OracleResult r =
      expect_equivalent("memory_zero", all_features(), {{"load8", {i32(100)}}, {"load8", {i32(70000)}}, {"size"}});
  REQUIRE(!r.output.empty());
  CHECK(r.stats.data_segments == 0);
  CHECK(r.stats.memory_bytes == 131072);
  for (const DataSegment& d : decode_output(r.output).datas)
    CHECK_MESSAGE((d.mode != SegmentMode::kActive || d.bytes.size == 0), "an active segment with bytes is left");
  CHECK(call_fresh(r.output, "load8", {i32(100)}) == "i32:0");
}

TEST_CASE("bulk memory during init, passive segments used or dropped, active ones overwritten") {
  const OracleResult r = expect_equivalent(
      "bulk_memory", all_features(),
      {{"load64", {i32(0)}}, {"load64", {i32(8)}}, {"load64", {i32(32)}}, {"load64", {i32(40)}},
       // $p1 was never used by init: memory.init on the output must copy "world".
       {"init_p1", {i32(100), i32(5)}}, {"load64", {i32(100)}}, {"init_p1", {i32(100), i32(6)}},
       // $p0, used by init, was not dropped: still usable.
       {"init_p0", {i32(200), i32(5)}}, {"load64", {i32(200)}},
       // $p2 was dropped by init: only an empty copy at offset 0 succeeds.
       {"init_p2", {i32(300), i32(0)}}, {"init_p2", {i32(300), i32(1)}},
       // An active segment is dropped once instantiation applied it.
       {"init_a0", {i32(0), i32(0)}}, {"init_a0", {i32(0), i32(1)}},
       {"drop_p1"}, {"init_p1", {i32(100), i32(1)}}, {"init_p1", {i32(100), i32(0)}}});
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "load64", {i32(0)}) == "i64:" + std::to_string(0x4141414141414141ull));
  CHECK(call_fresh(r.output, "load64", {i32(8)}) == "i64:" + std::to_string(0x414141412e2e4141ull));
  CHECK(call_fresh(r.output, "init_p1", {i32(100), i32(5)}).empty());
  CHECK(call_fresh(r.output, "init_p2", {i32(300), i32(1)}) == "trap: out of bounds memory access");
}

TEST_CASE("multi-memory, two memories written and one left alone") {
  const OracleResult r = expect_equivalent(
      "multi_memory", all_features(),
      {{"sizes"}, {"load_a", {i32(0)}}, {"load_a", {i32(100)}}, {"load_a", {i32(102)}}, {"load_b", {i32(5)}},
       {"load_b", {i32(196607)}}, {"load_b", {i32(196608)}}, {"load_c", {i32(0)}}, {"grow_b", {i32(1)}},
       {"grow_b", {i32(1)}}, {"sizes"}});
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "sizes") == "i32:131");
  CHECK(call_fresh(r.output, "load_a", {i32(102)}) == "i32:101");  // 'e', copied from memory $b
  const Module out = decode_output(r.output);
  REQUIRE(out.memories.size() == 3);
  CHECK(out.memories[1].limits.min == 3);
  CHECK(out.memories[1].limits.max == 4);
  CHECK(out.memories[2].limits.min == 1);
}

// The cap counts the segments of every memory together.
TEST_CASE("max_data_segments holds across memories") {
  Options options = all_features();
  options.max_data_segments = 2;
  const OracleResult r = expect_equivalent("multi_memory", options, {{"load_b", {i32(196607)}}});
  CHECK(r.stats.data_segments <= 2);
}

// With a cap of 3, the 90-byte gap in memory $a is closed rather than the
// 196 KB gap in memory $b, which keeps the output under 1 KB.
TEST_CASE("the segment cap merges the smallest gaps across memories") {
  Options options = all_features();
  options.max_data_segments = 3;
  const OracleResult r = expect_equivalent("multi_memory", options, {{"load_b", {i32(196607)}}});
  CHECK(r.stats.data_segments <= 3);
  CHECK(r.output.size() < 1024);
}

TEST_CASE("a funcref table changed by init calls like the original after init") {
  std::vector<Probe> probes;
  for (int32_t i = 0; i < 6; ++i) probes.push_back({"call", {i32(i)}});
  const std::vector<Probe> more = {
      {"size"}, {"ext_size"}, {"ext_is_null", {i32(2)}},
      {"init_passive", {i32(0), i32(2)}}, {"call", {i32(0)}}, {"call", {i32(1)}},
      {"init_dropped", {i32(0), i32(0)}}, {"init_dropped", {i32(0), i32(1)}},
      {"grow", {i32(5)}}, {"grow", {i32(1)}}, {"size"}, {"call", {i32(9)}}, {"call", {i32(10)}}};
  probes.insert(probes.end(), more.begin(), more.end());
  const OracleResult r = expect_equivalent("tables", all_features(), probes);
  REQUIRE(!r.output.empty());
  CHECK(call_fresh(r.output, "size") == "i32:5");
  CHECK(call_fresh(r.output, "call", {i32(1)}) == "i32:2");
  CHECK(call_fresh(r.output, "call", {i32(2)}) == "i32:3");
  CHECK(call_fresh(r.output, "call", {i32(3)}) == "trap: uninitialized element (3)");
  CHECK(call_fresh(r.output, "call", {i32(4)}) == "trap: indirect call type mismatch");
  CHECK(call_fresh(r.output, "call", {i32(5)}) == "trap: undefined element (5)");
  CHECK(call_fresh(r.output, "init_dropped", {i32(0), i32(1)}) == "trap: out of bounds table access");
  const Module out = decode_output(r.output);
  REQUIRE(out.tables.size() == 2);
  CHECK(out.tables[0].limits.min == 5);
  CHECK(out.tables[0].limits.max == 10);
}

// The bytes are those Wizer 11.0.3 writes for this module under its default
// --relaxed-simd-deterministic: fused multiply-add, 16-bit wrap in the dot products.
TEST_CASE("relaxed SIMD during init snapshots what Wizer's deterministic profile computes") {
  const OracleResult r = expect_equivalent("relaxed_simd", all_features(), {});
  REQUIRE(!r.output.empty());
  Loaded out = load_module(r.output, all_features());
  REQUIRE(out.error.empty());
  const uint8_t* m = out.instance->memories[0]->data();
  const std::vector<uint8_t> memory(m, m + 80);
  const std::vector<uint8_t> expected = {
      0, 0, 0x80, 0x28, 0, 0, 0x80, 0x28, 0, 0, 0x80, 0x28, 0, 0, 0x80, 0x28,  // f32x4.relaxed_madd: 2^-46
      0, 0, 0, 0, 0, 0, 0xa0, 0x3c, 0, 0, 0, 0, 0, 0, 0xa0, 0x3c,                // f64x2.relaxed_madd: 2^-53
      0, 0, 0x80, 0xa8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                      // f32x4.relaxed_nmadd: -2^-46
      0, 0x80, 0x80, 0, 0, 0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,                   // i16x8 dot: -32768, 128, -32512
      1, 0, 0xff, 0xff, 2, 2, 0xff, 0xff, 3, 0, 0, 0, 4, 0, 0, 0};               // i32x4 dot + add
  CHECK(memory == expected);
}

// The OS's page query only lets the scanner skip pages; scanning every page
// (the fallback where /proc/self/pagemap is missing) finds the same runs.
TEST_CASE("the snapshot is the same whether the OS names the pages with data or every page is scanned") {
  for (const char* name : {"memory_edges", "multi_memory", "scattered", "bulk_memory"}) {
    Loaded loaded = load_module(read_corpus(name), all_features());
    REQUIRE(loaded.error.empty());
    REQUIRE(run_init_in_place(loaded, all_features()).empty());
    const InitialTables tables = record_tables(*loaded.instance);
    SnapshotOptions os_pages, all_pages;
    all_pages.page_query = PageQuery::kAssumeAll;
    auto a = take_snapshot(*loaded.instance, tables, os_pages);
    auto b = take_snapshot(*loaded.instance, tables, all_pages);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE(a->memories.size() == b->memories.size());
    for (size_t m = 0; m < a->memories.size(); ++m) {
      CHECK_MESSAGE(a->memories[m].runs == b->memories[m].runs, name << " memory " << m);
      CHECK(a->memories[m].pages_scanned <= b->memories[m].pages_scanned);
    }
  }
}
