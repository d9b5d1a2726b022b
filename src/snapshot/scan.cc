// Non-zero run detection over written pages and the left-to-right merging of neighbouring runs.
#include "kiln/snapshot/scan.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kiln/base/byte_writer.h"
#include "kiln/snapshot/segment_header.h"
#include "kiln/snapshot/segment_plan.h"

namespace kiln {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kBlock = 64;  // bytes classified together: one bit per byte in a word

#if defined(__SSE2__)

// Bit k set when byte k of the 64 at `p` is non-zero: a byte compare and a
// mask move per 16 bytes (SSE2 is part of every x86-64).
uint64_t nonzero_mask(const uint8_t* p) {
  const __m128i zero = _mm_setzero_si128();
  uint64_t zeros = 0;
  for (int q = 0; q < 4; ++q) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * q));
    zeros |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero)))) << (16 * q);
  }
  return ~zeros;
}

#else

uint64_t load_word(const uint8_t* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// Gathers the eight high-bit flags of a little-endian word into one byte, bit
// k for byte k: the multiplier's terms put flag k at bit 56 + k, and no two
// terms share a bit, so nothing carries.
uint64_t gather_flags(uint64_t flags) { return ((flags >> 7) * 0x0102040810204080ull) >> 56; }

// Bit k set when byte k of the 64 at `p` is non-zero. All-zero and
// all-non-zero blocks, most of a heap, cost a few instructions per word; only
// the words holding both get their bits gathered.
uint64_t nonzero_mask(const uint8_t* p) {
  constexpr uint64_t kWords = kBlock / 8;
  constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7Full;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  // ((word & 0x7F..) + 0x7F..) | word has each byte's high bit set exactly
  // when the byte is non-zero: adding 0x7F to its low seven bits carries into
  // the high bit when they are not all zero (no carry crosses a byte), and
  // the OR adds the high bit's own.
  uint64_t flags[kWords];
  uint64_t any = 0;
  uint64_t all = kHighs;
  for (uint64_t w = 0; w < kWords; ++w) {
    const uint64_t word = load_word(p + 8 * w);
    flags[w] = (((word & kLow7) + kLow7) | word) & kHighs;
    any |= word;
    all &= flags[w];
  }
  if (any == 0) return 0;
  if (all == kHighs) return ~uint64_t{0};
  uint64_t mask = 0;
  for (uint64_t w = 0; w < kWords; ++w) mask |= gather_flags(flags[w]) << (8 * w);
  return mask;
}

#endif

// std::popcount without the POPCNT instruction (not in the baseline x86-64
// set) is a library call; this is the same count in a dozen inline operations.
uint64_t bit_count(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return (x * 0x0101010101010101ull) >> 56;
}

// A zero gap of at most this many bytes never ends a stretch: a segment
// header costs at least 5 bytes, and merging grows the length LEB by at most
// what the second header's length LEB would cost.
constexpr uint64_t kAlwaysMergedGap = 3;

// What the previous block left for the next one to see: its bytes' zero
// flags, and where four zero bytes had been seen. Before the first block,
// zeros as far back as needed.
struct Lookback {
  uint64_t zeros = ~uint64_t{0};
  uint64_t four_zeros = ~uint64_t{0};
  uint64_t mask = 0;
};

// The stretch edges of one block: bit k of `starts` when a stretch starts at
// byte k, bit k of `ends` when one is seen to end at byte k - 3.
struct BlockEdges {
  uint64_t starts;
  uint64_t ends;
};

BlockEdges block_edges(uint64_t mask, Lookback& last) {
  static_assert(kAlwaysMergedGap == 3, "a long gap is four zero bytes");
  const uint64_t zeros = ~mask;
  // Bit j: bytes j-3..j all zero (the previous block's last bytes count).
  const uint64_t four_zeros = zeros & (zeros << 1 | last.zeros >> 63) & (zeros << 2 | last.zeros >> 62) &
                              (zeros << 3 | last.zeros >> 61);
  const BlockEdges edges{mask & (four_zeros << 1 | last.four_zeros >> 63),
                         // the fourth zero after a non-zero byte at j-4
                         four_zeros & (mask << 4 | last.mask >> 60)};
  last = Lookback{zeros, four_zeros, mask};
  return edges;
}

// Stores base + k for every set bit k of `bits`, lowest first, at `out`, and
// returns how many. The first four stores happen whatever the count (the
// next call overwrites the extra ones), so the usual block, with a few
// stretches, takes no data-dependent branch.
uint64_t append_positions(uint64_t* out, uint64_t base, uint64_t bits) {
  const uint64_t count = bit_count(bits);
  for (int k = 0; k < 4; ++k) {
    out[k] = base + static_cast<uint64_t>(std::countr_zero(bits));
    bits &= bits - 1;
  }
  for (uint64_t* p = out + 4; bits != 0; ++p) {
    *p = base + static_cast<uint64_t>(std::countr_zero(bits));
    bits &= bits - 1;
  }
  return count;
}

// Finds the stretches of non-zero bytes, zero gaps of up to
// kAlwaysMergedGap bytes inside, block by block, and hands them, in address
// order, to `Walk` in batches. Everything is decided by looking back, never
// ahead: a stretch starts at a non-zero byte after four zero bytes, and is
// known to have ended four zero bytes after its last non-zero one. Starts and
// ends go to two lists, so the n-th start and the n-th end are one stretch,
// and a block costs a few word operations plus a store per edge, with no
// branch per stretch. The loop keeps its state in locals: the position
// stores could otherwise alias members and force them through memory.
template <typename Walk>
class StretchFinder {
 public:
  explicit StretchFinder(Walk& walk) : walk_(walk) {}

  // The blocks of [begin, end) of `mem`, right after the previous block
  // given unless that one ended in four zero bytes (then any distance is the
  // same). A tail shorter than a block (memories are whole pages, so only for
  // ranges cut short) counts the bytes past `end` as zero.
  void range(const uint8_t* mem, uint64_t begin, uint64_t end) {
    Lookback last = last_;
    uint64_t started = started_;
    uint64_t ended = ended_;
    uint64_t i = begin;
    for (; i + kBlock <= end; i += kBlock) {
      const BlockEdges edges = block_edges(nonzero_mask(mem + i), last);
      if ((edges.starts | edges.ends) == 0) continue;
      started += append_positions(starts_.data() + started, i, edges.starts);
      ended += append_positions(ends_.data() + ended, i - kAlwaysMergedGap, edges.ends);
      if (ended >= kBatch) {
        started = flush(started, ended);
        ended = 0;
      }
    }
    if (i < end) {
      uint64_t mask = 0;
      for (uint64_t k = 0; i + k < end; ++k) mask |= uint64_t{mem[i + k] != 0} << k;
      const BlockEdges edges = block_edges(mask, last);
      started += append_positions(starts_.data() + started, i, edges.starts);
      ended += append_positions(ends_.data() + ended, i - kAlwaysMergedGap, edges.ends);
    }
    last_ = last;
    started_ = started;
    ended_ = ended;
  }

  // Four zero bytes at `at`, right after the last block given: whatever ran up to them ends.
  void zeros(uint64_t at) {
    const BlockEdges edges = block_edges(0, last_);
    ended_ += append_positions(ends_.data() + ended_, at - kAlwaysMergedGap, edges.ends);
  }

  // Ends what is open after the last block given (which ends at `at`) and hands everything over.
  void finish(uint64_t at) {
    zeros(at);
    started_ = flush(started_, ended_);
    ended_ = 0;
  }

 private:
  static constexpr uint64_t kBatch = 1024;
  static constexpr uint64_t kSlack = 2 * kBlock;  // two blocks' edges beyond a batch, with append_positions' extra stores

  // Hands over the `ended` complete stretches; a started one stays for the
  // next batch. Returns how many starts remain.
  uint64_t flush(uint64_t started, uint64_t ended) {
    walk_.stretches(starts_.data(), ends_.data(), ended);
    if (started > ended) starts_[0] = starts_[ended];
    return started - ended;
  }

  Walk& walk_;
  std::array<uint64_t, kBatch + kSlack> starts_;
  std::array<uint64_t, kBatch + kSlack> ends_;
  uint64_t started_ = 0;
  uint64_t ended_ = 0;
  Lookback last_;
};

// Merges stretches, left to right, into runs: the next stretch joins the
// current run whenever one segment costs no more than two, and each finished
// run goes to the plan.
//
// One segment costs no more than two when the gap's zero bytes, plus what the
// merged length's LEB adds to the current header (the offset stays), are at
// most the second header (the payloads cancel out). The second header is
// `fixed` (flags, memory index, offset, opcodes) plus the LEB of the next
// stretch's length, and the merged length's LEB exceeds the current one's by
// at most that same LEB (the sum of two lengths and a short gap has at most
// one LEB byte more than the longer length), so a gap of at most `fixed`
// bytes always merges and one longer than `fixed` plus the LEB never does;
// only a gap in between needs the current run's length. A batch is walked in
// two passes: one marks, without a branch, the gaps longer than `fixed`, and
// the other visits only those, so the gaps that merge for certain (most of a
// heap's) cost a comparison each.
class RunMerger {
 public:
  RunMerger(const ScanOptions& options, SegmentPlan& plan) : options_(options), plan_(plan) {}

  // Stretch i is [starts[i], ends[i]).
  void stretches(const uint64_t* starts, const uint64_t* ends, uint64_t count) {
    if (count == 0) return;
    uint64_t first = 0;
    if (!have_current_) {
      current_ = DataRun{starts[0], ends[0] - starts[0]};
      have_current_ = true;
      first = 1;
    }
    // `fixed` is the same for every stretch of the batch when the offset's
    // LEB is the same at both ends and the offset's sign bit (i32.const and
    // i64.const are signed) does not change between them: within either half
    // the LEB grows or shrinks monotonically. Otherwise every gap is visited
    // and decided the exact way.
    const uint64_t fixed = segment_header_size(DataRun{starts[0], 1}, options_) - 1;
    const uint64_t sign = options_.memory64 ? uint64_t{1} << 63 : uint64_t{1} << 31;
    const bool uniform = fixed + 1 == segment_header_size(DataRun{starts[count - 1], 1}, options_) &&
                         ((starts[0] ^ starts[count - 1]) & sign) == 0;
    const uint64_t merges_up_to = uniform ? fixed : 0;  // gaps are at least 4 bytes: 0 visits every one

    // Locals: the stores to finished_ could otherwise alias the members.
    const ScanOptions options = options_;
    const uint64_t end_before_batch = current_.end();
    uint64_t run_start = current_.offset;
    DataRun* finished = finished_.data();
    uint64_t done = 0;
    for (uint64_t chunk = first; chunk < count; chunk += 64) {
      const uint64_t chunk_end = std::min(count, chunk + 64);
      // Bit k: the gap before stretch chunk + k may end the run.
      uint64_t visit = 0;
      for (uint64_t i = chunk; i < chunk_end; ++i) {
        const uint64_t end_before = i == 0 ? end_before_batch : ends[i - 1];
        visit |= uint64_t{starts[i] - end_before > merges_up_to} << (i - chunk);
      }
      for (; visit != 0; visit &= visit - 1) {
        const uint64_t i = chunk + static_cast<uint64_t>(std::countr_zero(visit));
        const uint64_t end_before = i == 0 ? end_before_batch : ends[i - 1];
        const DataRun next{starts[i], ends[i] - starts[i]};
        const uint64_t gap = next.offset - end_before;
        bool merge = false;
        if (!uniform || gap - merges_up_to <= leb_size_unsigned(next.size)) {
          const uint64_t current_size = end_before - run_start;
          merge = gap + leb_size_unsigned(next.end() - run_start) <=
                  segment_header_size(next, options) + leb_size_unsigned(current_size);
        }
        if (merge) continue;
        finished[done++] = DataRun{run_start, end_before - run_start};
        run_start = next.offset;
        if (done == kBatch) {
          plan_.add_runs(std::span(finished, done));
          done = 0;
        }
      }
    }
    current_ = DataRun{run_start, ends[count - 1] - run_start};
    plan_.add_runs(std::span(finished, done));
  }

  void finish() {
    if (have_current_) plan_.add_runs(std::span(&current_, 1));
    have_current_ = false;
  }

 private:
  static constexpr uint64_t kBatch = 1024;

  const ScanOptions& options_;
  SegmentPlan& plan_;
  DataRun current_;
  bool have_current_ = false;
  std::array<DataRun, kBatch> finished_;
};

}  // namespace

void plan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> data_pages, const ScanOptions& options,
                 SegmentPlan& plan) {
  plan.begin_memory(options);
  RunMerger merger(options, plan);
  StretchFinder<RunMerger> finder(merger);
  const uint64_t size = memory.size();
  const uint64_t pages = std::min<uint64_t>(data_pages.size(), (size + kPage - 1) / kPage);
  uint64_t p = 0;
  uint64_t scanned_to = 0;  // where the last stretch of written pages ended
  while (p < pages) {
    if (!data_pages[p]) {
      ++p;
      continue;
    }
    // A page known to be zero ends whatever ran up to it.
    if (p * kPage != scanned_to) finder.zeros(scanned_to);
    uint64_t q = p;
    while (q < pages && data_pages[q]) ++q;
    scanned_to = std::min(q * kPage, size);
    finder.range(memory.data(), p * kPage, scanned_to);
    p = q;
  }
  finder.finish((scanned_to + kBlock - 1) / kBlock * kBlock);
  merger.finish();
  plan.end_memory();
}

std::vector<DataRun> scan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> data_pages,
                                 const ScanOptions& options) {
  SegmentPlan plan(options.max_segments > 0 ? options.max_segments : SegmentPlan::kNoCap);
  plan_memory(memory, data_pages, options, plan);
  return std::move(plan.finish()[0]);
}

}  // namespace kiln
