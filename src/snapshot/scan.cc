// Non-zero run detection over written pages, cost-based merging and the segment cap.
#include "kiln/snapshot/scan.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

#include "kiln/base/byte_writer.h"
#include "kiln/snapshot/segment_header.h"

namespace kiln {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kBlock = 64;  // bytes classified together: eight words, one bit per byte
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
constexpr uint64_t kHighs = 0x8080808080808080ull;

uint64_t load_word(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Gathers the eight high-bit flags of a little-endian word into one byte, bit
// k for byte k: the multiplier's terms put flag k at bit 56 + k, and no two
// terms share a bit, so nothing carries.
uint64_t gather_flags(uint64_t flags) { return ((flags >> 7) * 0x0102040810204080ull) >> 56; }

class RunMerger {
 public:
  RunMerger(const ScanOptions& options, std::vector<DataRun>& out) : options_(options), out_(out) {}

  void add(DataRun next) {
    if (!have_current_) {
      current_ = next;
      have_current_ = true;
      return;
    }
    // One segment costs no more than two when the gap's zero bytes, plus what
    // the merged length's LEB adds to the current header (the offset stays),
    // are at most the second header: the payloads cancel out.
    const uint64_t gap = next.offset - current_.end();
    const uint64_t merged_size = next.end() - current_.offset;
    if (gap + leb_size_unsigned(merged_size) <= segment_header_size(next, options_) + leb_size_unsigned(current_.size)) {
      current_.size = merged_size;
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

// Turns stretches of non-zero bytes, seen in address order, into runs: a
// stretch that starts within kAlwaysMergedGap zero bytes of the previous one
// extends its run, any other starts a new run.
class RunTracker {
 public:
  explicit RunTracker(RunMerger& merger) : merger_(merger) {}

  // Bytes [begin, end), after every byte given before: non-zero at both
  // ends, no zero gap longer than kAlwaysMergedGap inside.
  void nonzero(uint64_t begin, uint64_t end) {
    if (!in_run_ || begin - last_nonzero_end_ > kAlwaysMergedGap) {
      close();
      run_start_ = begin;
      in_run_ = true;
    }
    last_nonzero_end_ = end;
  }

  // Trailing zeros never belong to a run.
  void close() {
    if (in_run_) merger_.add(DataRun{run_start_, last_nonzero_end_ - run_start_});
    in_run_ = false;
  }

  // A zero stretch too long to bridge: the run, if any, has ended.
  void zeros_longer_than_gap() { close(); }

 private:
  RunMerger& merger_;
  uint64_t run_start_ = 0;
  uint64_t last_nonzero_end_ = 0;
  bool in_run_ = false;
};

// Bit k set when bytes k..k+3 of a block are zero, from the block's
// non-zero-byte mask (bytes past the block count as non-zero: the tracker
// measures gaps that cross block edges itself).
uint64_t long_zero_gaps(uint64_t mask) {
  static_assert(kAlwaysMergedGap == 3, "a long gap is four zero bytes");
  const uint64_t zeros = ~mask;
  return zeros & (zeros >> 1) & (zeros >> 2) & (zeros >> 3);
}

// Feeds the non-zero stretches of one block to `tracker`; bit k of `mask` is
// set when byte `base + k` is non-zero, `long_gaps` is long_zero_gaps(mask).
// Stretches separated by gaps the
// tracker would bridge anyway go as one, so only zero runs long enough to end
// a run cost a step: usually a block is a single call.
void block_stretches(uint64_t base, uint64_t mask, uint64_t long_gaps, RunTracker& tracker) {
  while (mask != 0) {
    const auto begin = static_cast<uint64_t>(std::countr_zero(mask));
    // The first long gap after `begin` starts right after the stretch's last non-zero byte.
    const uint64_t gaps_after = long_gaps & (~uint64_t{0} << begin);
    if (gaps_after == 0) {
      tracker.nonzero(base + begin, base + 64 - static_cast<uint64_t>(std::countl_zero(mask)));
      return;
    }
    const auto end = static_cast<uint64_t>(std::countr_zero(gaps_after));
    tracker.nonzero(base + begin, base + end);
    mask &= ~uint64_t{0} << end;  // end <= 60: a long gap fits after it
  }
}

// Emits the runs of [begin, end) of `mem`, zero gaps of up to
// kAlwaysMergedGap bytes folded in. Blocks of 64 bytes are classified with
// word-wide operations first: all zero (skipped) and all non-zero (one
// stretch) cost a few instructions per word; only a mixed block gets one bit
// per byte, for the words that hold a zero byte, and steps over its long gaps.
void scan_range(const uint8_t* mem, uint64_t begin, uint64_t end, RunMerger& merger) {
  RunTracker tracker(merger);
  uint64_t i = begin;
  // ((word & 0x7F..) + 0x7F..) | word has each byte's high bit set exactly
  // when the byte is non-zero: adding 0x7F to its low seven bits carries into
  // the high bit when they are not all zero (no carry crosses a byte), and
  // the OR adds the high bit's own.
  for (; i + kBlock <= end; i += kBlock) {
    const uint8_t* p = mem + i;
    constexpr uint64_t kWords = kBlock / 8;
    uint64_t carries[kWords];  // per byte, high bit set when the byte is non-zero (other bits are noise)
    uint64_t any = 0;
    uint64_t all = ~uint64_t{0};
    for (uint64_t w = 0; w < kWords; ++w) {
      const uint64_t word = load_word(p + 8 * w);
      carries[w] = ((word & kLow7) + kLow7) | word;
      any |= word;
      all &= carries[w];
    }
    if (any == 0) {
      tracker.zeros_longer_than_gap();  // 64 zero bytes
      continue;
    }
    if ((all & kHighs) == kHighs) {
      tracker.nonzero(i, i + kBlock);
      continue;
    }
    // Only the words holding a zero byte need their bits gathered.
    uint64_t mask = ~uint64_t{0};
    for (uint64_t w = 0; w < kWords; ++w) {
      const uint64_t flags = carries[w] & kHighs;
      if (flags != kHighs) mask ^= (0xFF ^ gather_flags(flags)) << (8 * w);
    }
    const uint64_t long_gaps = long_zero_gaps(mask);
    if (long_gaps == 0) {  // the common mixed block: one stretch, its short gaps bridged
      tracker.nonzero(i + static_cast<uint64_t>(std::countr_zero(mask)), i + 64 - static_cast<uint64_t>(std::countl_zero(mask)));
      continue;
    }
    block_stretches(i, mask, long_gaps, tracker);
  }
  // A tail shorter than a block (memories are whole pages, so only for ranges cut short).
  uint64_t mask = 0;
  for (uint64_t k = 0; i + k < end; ++k) mask |= uint64_t{mem[i + k] != 0} << k;
  block_stretches(i, mask, long_zero_gaps(mask), tracker);
  tracker.close();
}

// What closing the gap between two neighbouring runs adds to the output: its
// zero bytes, minus the header of the run after it, plus what the merged
// length's LEB grows by. (Closing several gaps in a row can grow that LEB once
// more; the estimate ignores it.)
int64_t gap_cost(const DataRun& before, const DataRun& after, const ScanOptions& options) {
  const uint64_t merged_size = after.end() - before.offset;
  return static_cast<int64_t>(after.offset - before.end()) - static_cast<int64_t>(segment_header_size(after, options)) +
         static_cast<int64_t>(leb_size_unsigned(merged_size) - leb_size_unsigned(before.size));
}

}  // namespace

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
  // The gaps closed are the `to_close` cheapest, ties going to the earliest
  // (list, then address): every gap cheaper than the threshold cost, then the
  // earliest ones at it. Costs are computed twice rather than stored, which
  // keeps a million-run memory to one array of them.
  const uint64_t to_close = total - max_segments;
  std::vector<int64_t> ranked;
  ranked.reserve(total);
  for (uint32_t l = 0; l < run_lists.size(); ++l) {
    const auto& runs = *run_lists[l];
    const ScanOptions options = l < list_options.size() ? list_options[l] : ScanOptions{};
    for (uint64_t i = 0; i + 1 < runs.size(); ++i) ranked.push_back(gap_cost(runs[i], runs[i + 1], options));
  }
  std::nth_element(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(to_close - 1), ranked.end());
  const int64_t threshold = ranked[to_close - 1];
  uint64_t at_threshold = to_close;
  for (int64_t cost : ranked) at_threshold -= cost < threshold ? 1 : 0;
  ranked = {};
  for (uint32_t l = 0; l < run_lists.size(); ++l) {
    auto& runs = *run_lists[l];
    if (runs.empty()) continue;
    const ScanOptions options = l < list_options.size() ? list_options[l] : ScanOptions{};
    std::vector<DataRun> merged;
    DataRun current = runs[0];
    for (size_t i = 0; i + 1 < runs.size(); ++i) {
      const int64_t cost = gap_cost(runs[i], runs[i + 1], options);
      bool close = cost < threshold;
      if (cost == threshold && at_threshold > 0) {
        close = true;
        --at_threshold;
      }
      if (close) {
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
