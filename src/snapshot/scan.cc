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

std::vector<DataRun> scan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> written_pages,
                                 const ScanOptions& options) {
  std::vector<DataRun> runs;
  RunMerger merger(options, runs);
  const uint64_t size = memory.size();
  const uint64_t pages = std::min<uint64_t>(written_pages.size(), (size + kPage - 1) / kPage);
  uint64_t p = 0;
  while (p < pages) {
    if (!written_pages[p]) {
      ++p;
      continue;
    }
    // Scan a whole stretch of consecutive written pages at once.
    uint64_t q = p;
    while (q < pages && written_pages[q]) ++q;
    scan_range(memory.data(), p * kPage, std::min(q * kPage, size), merger);
    p = q;
  }
  merger.finish();
  cap_segment_count(runs, options.max_segments);
  return runs;
}

void cap_segment_count(std::vector<DataRun>& runs, uint64_t max_segments) {
  if (max_segments == 0) max_segments = 1;
  if (runs.size() <= max_segments) return;
  // Rank the gaps (gap i sits between runs i and i+1) and close the smallest.
  std::vector<uint64_t> gaps(runs.size() - 1);
  std::iota(gaps.begin(), gaps.end(), uint64_t{0});
  auto gap_size = [&](uint64_t i) { return runs[i + 1].offset - runs[i].end(); };
  const uint64_t to_close = runs.size() - max_segments;
  std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(to_close - 1), gaps.end(),
                   [&](uint64_t a, uint64_t b) { return gap_size(a) != gap_size(b) ? gap_size(a) < gap_size(b) : a < b; });
  std::vector<uint8_t> close(runs.size() - 1, 0);
  for (uint64_t k = 0; k < to_close; ++k) close[gaps[k]] = 1;
  std::vector<DataRun> merged;
  merged.reserve(max_segments);
  DataRun current = runs[0];
  for (size_t i = 0; i + 1 < runs.size(); ++i) {
    if (close[i]) {
      current.size = runs[i + 1].end() - current.offset;
    } else {
      merged.push_back(current);
      current = runs[i + 1];
    }
  }
  merged.push_back(current);
  runs = std::move(merged);
}

}  // namespace kiln
