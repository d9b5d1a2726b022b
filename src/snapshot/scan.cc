// Non-zero run detection over written pages, cost-based merging and the segment cap.
#include "kiln/snapshot/scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

#include "kiln/base/byte_writer.h"

namespace kiln {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;

uint64_t load_word(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Lowest set bit marks the first zero byte of a little-endian word (the
// classic has-zero-byte test is exact for the lowest zero byte).
uint64_t zero_byte_mask(uint64_t w) { return (w - kOnes) & ~w & kHighs; }

class RunMerger {
 public:
  RunMerger(const ScanOptions& options, std::vector<DataRun>& out) : options_(options), out_(out) {}

  void add(DataRun next) {
    if (!have_current_) {
      current_ = next;
      have_current_ = true;
      return;
    }
    const DataRun merged{current_.offset, next.end() - current_.offset};
    const uint64_t separate = segment_header_size(current_, options_) + current_.size +
                              segment_header_size(next, options_) + next.size;
    const uint64_t together = segment_header_size(merged, options_) + merged.size;
    if (together <= separate) {
      current_ = merged;
    } else {
      out_.push_back(current_);
      current_ = next;
    }
  }

  void finish() {
    if (have_current_) out_.push_back(current_);
    have_current_ = false;
  }

 private:
  const ScanOptions& options_;
  std::vector<DataRun>& out_;
  DataRun current_;
  bool have_current_ = false;
};

// A zero gap of at most this many bytes is always cheaper than a second
// segment header (a header costs at least 5 bytes, and merging grows the
// length LEB by at most what the second header's length LEB would cost:
// merged - separate <= gap - 3), so such gaps never end a run.
constexpr uint64_t kAlwaysMergedGap = 3;

// Index of the first zero byte in [i, end), or end.
uint64_t find_zero(const uint8_t* mem, uint64_t i, uint64_t end) {
  while (i + 8 <= end) {
    const uint64_t mask = zero_byte_mask(load_word(mem + i));
    if (mask != 0) return i + static_cast<uint64_t>(std::countr_zero(mask)) / 8;
    i += 8;
  }
  while (i < end && mem[i] != 0) ++i;
  return i;
}

// Emits the non-zero runs of [begin, end) of `mem`, with gaps of up to
// kAlwaysMergedGap zero bytes already folded in.
void scan_range(const uint8_t* mem, uint64_t begin, uint64_t end, RunMerger& merger) {
  uint64_t i = begin;
  while (i < end) {
    while (i + 8 <= end && load_word(mem + i) == 0) i += 8;
    while (i < end && mem[i] == 0) ++i;
    if (i >= end) return;
    const uint64_t start = i;
    while (true) {
      i = find_zero(mem, i, end);
      if (i >= end) break;
      uint64_t j = i;
      while (j < end && j - i <= kAlwaysMergedGap && mem[j] == 0) ++j;
      if (j >= end || j - i > kAlwaysMergedGap) break;
      i = j;
    }
    merger.add(DataRun{start, i - start});
  }
}

}  // namespace

uint64_t segment_header_size(const DataRun& run, const ScanOptions& options) {
  // flags byte [+ memory index] + const opcode + offset + end opcode + length
  uint64_t size = 1;
  if (options.memory_index != 0) size += leb_size_unsigned(options.memory_index);
  const int64_t offset_value = options.memory64 ? static_cast<int64_t>(run.offset)
                                                : static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(run.offset)));
  size += 1 + leb_size_signed(offset_value) + 1;
  size += leb_size_unsigned(run.size);
  return size;
}

std::vector<DataRun> scan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> data_pages,
                                 const ScanOptions& options) {
  std::vector<DataRun> runs;
  RunMerger merger(options, runs);
  const uint64_t size = memory.size();
  const uint64_t pages = std::min<uint64_t>(data_pages.size(), (size + kPage - 1) / kPage);
  uint64_t p = 0;
  while (p < pages) {
    if (!data_pages[p]) {
      ++p;
      continue;
    }
    // Scan a whole stretch of consecutive written pages at once.
    uint64_t q = p;
    while (q < pages && data_pages[q]) ++q;
    scan_range(memory.data(), p * kPage, std::min(q * kPage, size), merger);
    p = q;
  }
  merger.finish();
  if (options.max_segments > 0) cap_segment_count({&runs}, options.max_segments, std::span(&options, 1));
  return runs;
}

void cap_segment_count(std::vector<std::vector<DataRun>*> run_lists, uint64_t max_segments,
                       std::span<const ScanOptions> list_options) {
  uint64_t total = 0;
  uint64_t floor = 0;  // one run per non-empty list is the least the cap can reach
  for (const auto* runs : run_lists) {
    total += runs->size();
    floor += runs->empty() ? 0 : 1;
  }
  max_segments = std::max(max_segments, floor);
  if (total <= max_segments) return;
  // Every gap is (list, index of the run before it), ranked by what closing
  // it adds to the output: its zero bytes, minus the header of the run after
  // it, plus what the merged length's LEB grows by. (Closing several gaps in a
  // row can grow that LEB once more; the estimate ignores it.)
  struct Gap {
    uint32_t list;
    uint64_t index;
    int64_t cost;
  };
  std::vector<Gap> gaps;
  gaps.reserve(total);
  for (uint32_t l = 0; l < run_lists.size(); ++l) {
    const auto& runs = *run_lists[l];
    const ScanOptions options = l < list_options.size() ? list_options[l] : ScanOptions{};
    for (uint64_t i = 0; i + 1 < runs.size(); ++i) {
      const DataRun& before = runs[i];
      const DataRun& after = runs[i + 1];
      const uint64_t merged_size = after.end() - before.offset;
      const auto cost = static_cast<int64_t>(after.offset - before.end()) -
                        static_cast<int64_t>(segment_header_size(after, options)) +
                        static_cast<int64_t>(leb_size_unsigned(merged_size) - leb_size_unsigned(before.size));
      gaps.push_back(Gap{l, i, cost});
    }
  }
  const uint64_t to_close = total - max_segments;
  auto cheaper = [](const Gap& a, const Gap& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    return a.list != b.list ? a.list < b.list : a.index < b.index;
  };
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(to_close - 1), gaps.end(), cheaper);
  std::vector<std::vector<uint8_t>> close(run_lists.size());
  for (uint32_t l = 0; l < run_lists.size(); ++l) close[l].assign(run_lists[l]->size(), 0);
  for (uint64_t k = 0; k < to_close; ++k) close[gaps[k].list][gaps[k].index] = 1;
  for (uint32_t l = 0; l < run_lists.size(); ++l) {
    auto& runs = *run_lists[l];
    if (runs.empty()) continue;
    std::vector<DataRun> merged;
    DataRun current = runs[0];
    for (size_t i = 0; i + 1 < runs.size(); ++i) {
      if (close[l][i]) {
        current.size = runs[i + 1].end() - current.offset;
      } else {
        merged.push_back(current);
        current = runs[i + 1];
      }
    }
    merged.push_back(current);
    runs = std::move(merged);
  }
}

}  // namespace kiln
