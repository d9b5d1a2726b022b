// Tests of the page-diff scanner: exact run edges, cost-based merging, the segment cap, skipped pages.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

#include "kiln/runtime/memory.h"
#include "kiln/snapshot/scan.h"
#include "kiln/snapshot/segment_plan.h"
#include "kiln/snapshot/segment_header.h"

using namespace kiln;

namespace {

struct Fixture {
  std::vector<uint8_t> memory;
  std::vector<uint8_t> written;
  explicit Fixture(size_t pages) : memory(pages * 4096, 0), written(pages, 1) {}
  std::vector<DataRun> scan(ScanOptions options = {}) { return scan_memory(memory, written, options); }
};

}  // namespace

TEST_CASE("an all-zero memory has no runs") {
  Fixture f(4);
  CHECK(f.scan().empty());
}

TEST_CASE("runs have exact edges, including the first and last byte") {
  Fixture f(2);
  f.memory[0] = 1;
  f.memory[8191] = 2;
  f.memory[1000] = 3;
  f.memory[1001] = 4;
  f.memory[1007] = 5;  // unaligned edges inside one word
  const auto runs = f.scan();
  REQUIRE(runs.size() == 3);
  CHECK(runs[0] == DataRun{0, 1});
  CHECK(runs[1] == DataRun{1000, 8});  // a 5-byte zero gap is cheaper than a second header
  CHECK(runs[2] == DataRun{8191, 1});
}

TEST_CASE("a segment header is encoded in exactly the bytes its size counts") {
  using Bytes = std::vector<uint8_t>;
  auto encoded = [](const DataRun& run, const ScanOptions& options) {
    const SegmentHeader header(run, options);
    const auto bytes = header.bytes();
    CHECK(bytes.size() == segment_header_size(run, options));
    return Bytes(bytes.begin(), bytes.end());
  };
  ScanOptions memory0;
  CHECK(encoded(DataRun{10, 1}, memory0) == Bytes{0x00, 0x41, 10, 0x0B, 1});
  // i32.const is signed: 2 GiB is the negative 0x80000000; a 200-byte length takes two bytes.
  CHECK(encoded(DataRun{0x80000000u, 200}, memory0) == Bytes{0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x0B, 0xC8, 0x01});
  ScanOptions memory300;
  memory300.memory_index = 300;
  CHECK(encoded(DataRun{64, 2}, memory300) == Bytes{0x02, 0xAC, 0x02, 0x41, 0xC0, 0x00, 0x0B, 2});
  ScanOptions wide;
  wide.memory64 = true;
  CHECK(encoded(DataRun{0x80000000u, 1}, wide) == Bytes{0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x08, 0x0B, 1});
  // The longest header fits the stack buffer.
  ScanOptions widest;
  widest.memory_index = UINT32_MAX;
  widest.memory64 = true;
  CHECK(encoded(DataRun{uint64_t{1} << 63, ~uint64_t{0}}, widest).size() == SegmentHeader::kMaxBytes);
}

TEST_CASE("gaps are merged exactly when that saves bytes") {
  // Offsets below 64 encode as one LEB byte: a header costs 5 bytes here.
  ScanOptions options;
  CHECK(segment_header_size(DataRun{10, 1}, options) == 5);
  CHECK(segment_header_size(DataRun{64, 1}, options) == 6);       // 64 needs two signed-LEB bytes
  CHECK(segment_header_size(DataRun{0x80000000u, 200}, options) == 10);  // i32.const is signed: 5 bytes
  ScanOptions other_memory;
  other_memory.memory_index = 1;
  CHECK(segment_header_size(DataRun{10, 1}, other_memory) == 6);
  ScanOptions wide;
  wide.memory64 = true;
  CHECK(segment_header_size(DataRun{0x80000000u, 1}, wide) == 9);

  Fixture f(1);
  f.memory[10] = 1;
  f.memory[15] = 1;  // gap of 4 < 5-byte header: merge
  f.memory[30] = 1;
  f.memory[36] = 1;  // gap of 5 = header: merged too (ties favour fewer segments)
  f.memory[50] = 1;  // gap of 13 after 36: separate
  const auto runs = f.scan();
  REQUIRE(runs.size() == 3);
  CHECK(runs[0] == DataRun{10, 6});
  CHECK(runs[1] == DataRun{30, 7});
  CHECK(runs[2] == DataRun{50, 1});
}

TEST_CASE("pages never written are skipped even if they hold bytes") {
  Fixture f(3);
  f.memory[4096 + 5] = 9;  // page 1 is not marked written: the scanner trusts the record
  f.written[1] = 0;
  f.memory[2 * 4096] = 7;
  const auto runs = f.scan();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0] == DataRun{8192, 1});
}

TEST_CASE("runs across page boundaries become one segment") {
  Fixture f(2);
  for (size_t i = 4000; i < 4200; ++i) f.memory[i] = 0xAB;
  const auto runs = f.scan();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0] == DataRun{4000, 200});
}

namespace {

// The scanner's contract, one byte at a time: the non-zero bytes of written
// pages, joined across zero gaps of up to 3 bytes, are the candidate runs,
// and neighbours merge, left to right, whenever one segment costs no more
// output bytes than two.
std::vector<DataRun> reference_scan(std::span<const uint8_t> memory, std::span<const uint8_t> written,
                                    const ScanOptions& options = {}) {
  std::vector<DataRun> stretches;
  for (uint64_t page = 0; page < written.size(); ++page) {
    if (!written[page]) continue;
    for (uint64_t i = page * 4096; i < std::min<uint64_t>(memory.size(), (page + 1) * 4096); ++i) {
      if (memory[i] == 0) continue;
      // Gaps of up to 3 zero bytes never end a stretch: a header costs more.
      if (!stretches.empty() && i - stretches.back().end() <= 3) stretches.back().size = i + 1 - stretches.back().offset;
      else stretches.push_back(DataRun{i, 1});
    }
  }
  std::vector<DataRun> runs;
  for (const DataRun& next : stretches) {
    if (runs.empty()) {
      runs.push_back(next);
      continue;
    }
    DataRun& current = runs.back();
    const DataRun merged{current.offset, next.end() - current.offset};
    if (segment_header_size(merged, options) + merged.size <=
        segment_header_size(current, options) + current.size + segment_header_size(next, options) + next.size)
      current = merged;
    else
      runs.push_back(next);
  }
  return runs;
}

}  // namespace

TEST_CASE("the word-wide scan finds the same runs as a byte-by-byte one") {
  std::mt19937_64 random(12);
  for (int round = 0; round < 60; ++round) {
    const size_t pages = 1 + random() % 6;
    std::vector<uint8_t> memory(pages * 4096, 0);
    // Sometimes a memory that ends mid-page, so the scan has a short tail.
    if (round % 5 == 4) memory.resize(memory.size() - 1 - random() % 200);
    std::vector<uint8_t> written(pages, 1);
    for (auto& page : written) page = random() % 4 != 0;
    // Stretches and gaps of every length around the word and block sizes,
    // at every alignment, with zero and non-zero pages mixed in.
    const uint64_t density = random() % 4;
    for (size_t i = 0; i < memory.size();) {
      const size_t length = 1 + random() % (density == 0 ? 6 : density == 1 ? 70 : 300);
      const bool nonzero = random() % 2 == 0;
      for (size_t k = i; k < std::min(memory.size(), i + length); ++k)
        memory[k] = nonzero ? static_cast<uint8_t>(1 + random() % 255) : 0;
      i += length;
    }
    INFO("round " << round);
    ScanOptions uncapped;
    uncapped.max_segments = 0;
    CHECK(scan_memory(memory, written, uncapped) == reference_scan(memory, written));
  }
}

TEST_CASE("the segment cap closes the gaps that cost the fewest output bytes, deterministically") {
  std::vector<DataRun> runs{{0, 1}, {100, 1}, {120, 1}, {1000, 1}, {1010, 1}};
  cap_segment_count(runs, 3);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0] == DataRun{0, 1});
  CHECK(runs[1] == DataRun{100, 21});
  CHECK(runs[2] == DataRun{1000, 11});
  std::vector<DataRun> ties{{0, 1}, {10, 1}, {20, 1}, {30, 1}};
  cap_segment_count(ties, 3);
  CHECK(ties == std::vector<DataRun>{{0, 11}, {20, 1}, {30, 1}});
  // Two 9-byte gaps: closing the one before offset 100010 saves a 7-byte
  // header (3-byte offset LEB), the one before offset 10 only a 5-byte one.
  std::vector<DataRun> headers{{0, 1}, {10, 1}, {100000, 1}, {100010, 1}};
  cap_segment_count(headers, 3);
  CHECK(headers == std::vector<DataRun>{{0, 1}, {10, 1}, {100000, 11}});

  Fixture f(16);
  for (size_t i = 0; i < f.memory.size(); i += 100) f.memory[i] = 1;
  ScanOptions options;
  options.max_segments = 7;
  const auto capped = f.scan(options);
  CHECK(capped.size() == 7);
  CHECK(capped.front().offset == 0);
  CHECK(capped.back().end() == 65501);  // the last marked byte is at 65500
}

namespace {

// The cap's contract: every gap ranked by the bytes closing it adds, then
// memory, then address; the cheapest closed until at most `cap` runs remain
// (each non-empty list keeping one).
std::vector<std::vector<DataRun>> reference_cap(const std::vector<std::vector<DataRun>>& lists,
                                                const std::vector<ScanOptions>& options, uint64_t cap) {
  struct Gap {
    int64_t cost;
    size_t list;
    size_t index;
  };
  std::vector<Gap> gaps;
  size_t total = 0;
  for (size_t l = 0; l < lists.size(); ++l) {
    total += lists[l].size();
    for (size_t i = 0; i + 1 < lists[l].size(); ++i) {
      const DataRun& a = lists[l][i];
      const DataRun& b = lists[l][i + 1];
      const DataRun merged{a.offset, b.end() - a.offset};
      const auto bytes = [&](const DataRun& r) { return static_cast<int64_t>(segment_header_size(r, options[l]) + r.size); };
      gaps.push_back(Gap{bytes(merged) - bytes(a) - bytes(b), l, i});
    }
  }
  std::sort(gaps.begin(), gaps.end(), [](const Gap& x, const Gap& y) {
    return std::tie(x.cost, x.list, x.index) < std::tie(y.cost, y.list, y.index);
  });
  size_t floor = 0;
  for (const auto& list : lists) floor += list.empty() ? 0 : 1;
  const size_t to_close = total > std::max<size_t>(cap, floor) ? total - std::max<size_t>(cap, floor) : 0;
  std::vector<std::vector<uint8_t>> closed(lists.size());
  for (size_t l = 0; l < lists.size(); ++l) closed[l].assign(lists[l].size(), 0);
  for (size_t k = 0; k < to_close; ++k) closed[gaps[k].list][gaps[k].index] = 1;
  std::vector<std::vector<DataRun>> expected(lists.size());
  for (size_t l = 0; l < lists.size(); ++l) {
    for (size_t i = 0; i < lists[l].size(); ++i) {
      if (i > 0 && closed[l][i - 1]) expected[l].back().size = lists[l][i].end() - expected[l].back().offset;
      else expected[l].push_back(lists[l][i]);
    }
  }
  return expected;
}

// Lists of runs with few distinct gap and run sizes, so many gaps cost the same.
std::vector<std::vector<DataRun>> random_run_lists(std::mt19937_64& random, size_t lists, uint64_t runs_each) {
  std::vector<std::vector<DataRun>> out(lists);
  for (auto& list : out) {
    uint64_t at = random() % 300;
    for (uint64_t n = random() % (runs_each + 1); n > 0; --n) {
      const uint64_t size = 1 + random() % 4 + (random() % 8 == 0 ? 200 : 0);
      list.push_back(DataRun{at, size});
      at += size + 4 + random() % 12 + (random() % 16 == 0 ? 100000 : 0);
    }
  }
  return out;
}

std::vector<ScanOptions> memory_options(size_t count) {
  std::vector<ScanOptions> options(count);
  for (size_t l = 0; l < count; ++l) options[l].memory_index = static_cast<uint32_t>(l);
  return options;
}

std::vector<std::vector<DataRun>> capped(std::vector<std::vector<DataRun>> lists, const std::vector<ScanOptions>& options,
                                         uint64_t cap) {
  std::vector<std::vector<DataRun>*> pointers;
  for (auto& list : lists) pointers.push_back(&list);
  cap_segment_count(pointers, cap, options);
  return lists;
}

}  // namespace

TEST_CASE("the segment cap over several memories closes the cheapest gaps, earliest first on ties") {
  std::mt19937_64 random(7);
  for (int round = 0; round < 40; ++round) {
    const auto lists = random_run_lists(random, 1 + random() % 3, 200);
    const auto options = memory_options(lists.size());
    size_t total = 0;
    for (const auto& list : lists) total += list.size();
    const uint64_t cap = 1 + random() % (total + 1);
    INFO("round " << round);
    CHECK(capped(lists, options, cap) == reference_cap(lists, options, cap));
  }
}

TEST_CASE("an uncapped scan keeps every run, however many") {
  // More gaps than the plan ever holds before choosing among them (2^20):
  // without a cap it must never start choosing.
  std::vector<uint8_t> memory(17u << 20, 0);
  for (size_t i = 0; i < memory.size(); i += 16) memory[i] = 1;
  const std::vector<uint8_t> written(memory.size() / 4096, 1);
  ScanOptions uncapped;
  uncapped.max_segments = 0;
  const auto runs = scan_memory(memory, written, uncapped);
  REQUIRE(runs.size() == memory.size() / 16);
  CHECK(runs.front() == DataRun{0, 1});
  CHECK(runs.back() == DataRun{memory.size() - 16, 1});
  CHECK(std::all_of(runs.begin(), runs.end(), [](const DataRun& run) { return run.size == 1 && run.offset % 16 == 0; }));
}

TEST_CASE("the segment cap keeps the right gaps when far more runs than the cap go by") {
  // The plan drops gaps too cheap to stay open as the runs stream past (at
  // twice the cap plus a batch): many more gaps than that, most of them tied,
  // must still close exactly as the reference closes them.
  std::mt19937_64 random(11);
  for (int round = 0; round < 12; ++round) {
    const auto lists = random_run_lists(random, 1 + random() % 3, 6000);
    const auto options = memory_options(lists.size());
    const uint64_t cap = round % 4 == 0 ? 1 + random() % 3 : 1 + random() % 900;
    INFO("round " << round << ", cap " << cap);
    CHECK(capped(lists, options, cap) == reference_cap(lists, options, cap));
  }
  // A cap of 0 still leaves each non-empty memory one segment.
  const std::vector<std::vector<DataRun>> two{{{0, 1}, {100, 1}}, {}, {{50, 2}, {5000, 1}}};
  const auto three = memory_options(3);
  CHECK(capped(two, three, 0) == std::vector<std::vector<DataRun>>{{{0, 101}}, {}, {{50, 4951}}});
}

TEST_CASE("a scan merges by the same rule where the offset's LEB grows, shrinks or its sign flips") {
  // The scanner decides most gaps from the gap alone, per batch of stretches
  // whose headers share a size, and must agree with the byte-by-byte rule on
  // both sides of every edge where an i32.const or an i64.const takes another
  // LEB byte. A 32-bit memory's offsets from 2 GiB up are negative i32.consts,
  // whose LEB shrinks as the offset grows.
  MemoryType type;
  type.limits.min = 65536;  // 4 GiB: the whole 32-bit range
  auto memory = Memory::create(type);
  REQUIRE(memory.ok());
  std::span<uint8_t> bytes(memory->data(), memory->size_bytes());
  const auto check = [&](const std::vector<uint8_t>& written) {
    for (const bool memory64 : {false, true}) {
      ScanOptions options;
      options.memory64 = memory64;
      options.memory_index = memory64 ? 3 : 0;
      options.max_segments = 0;
      INFO("memory64 " << memory64);
      CHECK(scan_memory(bytes, written, options) == reference_scan(bytes, written, options));
    }
  };
  // Dense stretches two to ten bytes apart around each edge.
  std::vector<uint8_t> around_edges(bytes.size() / 4096, 0);
  std::mt19937_64 random(5);
  for (const uint64_t edge : {uint64_t{64}, uint64_t{8192}, uint64_t{1} << 20, uint64_t{1} << 27, uint64_t{1} << 31,
                              uint64_t{0xF8000000}, uint64_t{0xFFF00000}, uint64_t{0xFFFFE000}, uint64_t{0xFFFFFFC0}}) {
    const uint64_t from = edge < 20000 ? 0 : edge - 20000;
    const uint64_t to = std::min<uint64_t>(edge + 20000, bytes.size() - 500);
    for (uint64_t at = from; at < to;) {
      const uint64_t length = random() % 8 == 0 ? 100 + random() % 300 : 1 + random() % 12;
      for (uint64_t k = at; k < at + length; ++k) bytes[k] = static_cast<uint8_t>(1 + random() % 255);
      at += length + 4 + random() % 8;
    }
    for (uint64_t page = from / 4096; page <= (to + 500) / 4096 && page < around_edges.size(); ++page) around_edges[page] = 1;
  }
  check(around_edges);
  // Few stretches, so one batch holds a 5-byte i32.const offset and, at the
  // top of memory, 2- and 1-byte ones: gaps of 6 and 7 bytes are cheaper as
  // two segments there, though not where the batch starts.
  std::vector<uint8_t> one_batch(bytes.size() / 4096, 0);
  bytes[0xF7FFF000] = 1;
  one_batch[0xF7FFF000 / 4096] = 1;
  for (uint64_t at = 0xFFFFD000; at + 3 < bytes.size();) {
    const uint64_t length = 1 + random() % 3;
    for (uint64_t k = at; k < at + length; ++k) bytes[k] = 7;
    at += length + 5 + random() % 4;
  }
  for (uint64_t page = 0xFFFFD000 / 4096; page < one_batch.size(); ++page) one_batch[page] = 1;
  check(one_batch);
  // The last 64 bytes take a 1-byte offset, the rest of their page 2 bytes:
  // a 5-byte gap before 0xFFFFFFC8 is one byte longer than that header's
  // fixed part, so it merges only if the merged length keeps its LEB size,
  // and a 124-byte run before it grows to 131 bytes: two segments.
  std::fill(bytes.end() - 4096, bytes.end(), uint8_t{0});
  std::fill(bytes.begin() + 0xFFFFFF47, bytes.begin() + 0xFFFFFFC3, uint8_t{9});
  bytes[0xFFFFFFC8] = 9;
  bytes[0xFFFFFFC9] = 9;
  std::vector<uint8_t> top_page(bytes.size() / 4096, 0);
  top_page.back() = 1;
  check(top_page);
  CHECK(reference_scan(bytes, top_page) == std::vector<DataRun>{{0xFFFFFF47, 124}, {0xFFFFFFC8, 2}});
}
