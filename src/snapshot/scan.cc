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

// Runs of zero bytes ending at each byte of a block: bit j of `zeros4` is
// set when bytes j-3..j are all zero, and so on for 1, 2, 8 and 16 bytes,
// the previous block's bytes counted. Before the first block, zeros as far
// back as needed.
struct ZeroRuns {
  uint64_t zeros1 = ~uint64_t{0};
  uint64_t zeros2 = ~uint64_t{0};
  uint64_t zeros4 = ~uint64_t{0};
  uint64_t zeros8 = ~uint64_t{0};
  uint64_t zeros16 = ~uint64_t{0};
};

ZeroRuns zero_runs(uint64_t mask, const ZeroRuns& last) {
  ZeroRuns runs;
  runs.zeros1 = ~mask;
  runs.zeros2 = runs.zeros1 & (runs.zeros1 << 1 | last.zeros1 >> 63);
  runs.zeros4 = runs.zeros2 & (runs.zeros2 << 2 | last.zeros2 >> 62);
  runs.zeros8 = runs.zeros4 & (runs.zeros4 << 4 | last.zeros4 >> 60);
  runs.zeros16 = runs.zeros8 & (runs.zeros8 << 8 | last.zeros8 >> 56);
  return runs;
}

// Finds the runs of a memory, block by block, and hands them to the plan in
// address order.
//
// The runs are the stretches of non-zero bytes (zero gaps of up to 3 bytes
// inside), merged left to right: the next stretch joins the current run
// whenever one segment costs no more than two. That holds when the gap's zero
// bytes, plus what the merged length's LEB adds to the current header (the
// offset stays), are at most the second header (the payloads cancel out).
// The second header is `fixed` bytes (flags, memory index, offset, opcodes)
// plus the LEB of the next stretch's length, and the merged length's LEB
// exceeds the current one's by at most that same LEB (the sum of two lengths
// and a short gap has at most one LEB byte more than the longer length), so
// a gap of at most `fixed` bytes always merges, one longer than `fixed` plus
// that LEB never does, and only one in between needs the lengths.
//
// So the blocks' bit masks need only show the gaps longer than `fixed`: the
// non-zero bytes after at least `bridge` zero bytes (4, 8 or 16, the largest
// not above `fixed` + 1, so that every gap that may end a run is among them).
// A heap's many shorter gaps then cost no step at all; each marked one is
// measured back to the last non-zero byte and decided, and only a gap close
// to `fixed` looks up the next stretch's length in memory.
class RunFinder {
 public:
  RunFinder(const ScanOptions& options, SegmentPlan& plan) : options_(options), plan_(plan) {}

  // The blocks of [begin, end) of `mem`, right after the previous block
  // given unless zeros() came between. A tail shorter than a block (memories
  // are whole pages, so only for ranges cut short) counts the bytes past
  // `end` as zero. The state lives in locals meanwhile: stores through the
  // run list could otherwise alias members and force them through memory.
  void range(const uint8_t* mem, uint64_t begin, uint64_t end) {
    ZeroRuns last = last_;
    uint64_t nonzero_end = nonzero_end_;
    uint64_t fixed = 0;
    unsigned bridge = 4;
    // `fixed` changes only where the offset's LEB does: at multiples of 8 KiB,
    // and within the first and the last page of the offsets' range, 64 bytes
    // from either end (a signed offset from the top is a small negative one).
    const uint64_t last_page = options_.memory64 ? uint64_t{0} - kPage : (uint64_t{1} << 32) - kPage;
    for (uint64_t base = begin; base < end; base += kBlock) {
      if (base == begin || base % kPage == 0 || base < kPage || base >= last_page) {
        fixed = segment_header_size(DataRun{base, 1}, options_) - 1;
        bridge = fixed + 1 >= 16 ? 16 : fixed + 1 >= 8 ? 8 : 4;
      }
      uint64_t mask = 0;
      if (base + kBlock <= end) {
        mask = nonzero_mask(mem + base);
      } else {
        for (uint64_t k = 0; base + k < end; ++k) mask |= uint64_t{mem[base + k] != 0} << k;
      }
      const ZeroRuns runs = zero_runs(mask, last);
      // Bit k: byte k is non-zero and at least `bridge` zero bytes precede it.
      const uint64_t long_gap_before = bridge == 4    ? (runs.zeros4 << 1 | last.zeros4 >> 63)
                                       : bridge == 8 ? (runs.zeros8 << 1 | last.zeros8 >> 63)
                                                      : (runs.zeros16 << 1 | last.zeros16 >> 63);
      for (uint64_t starts = mask & long_gap_before; starts != 0; starts &= starts - 1) {
        const auto k = static_cast<unsigned>(std::countr_zero(starts));
        const uint64_t before = mask & ((uint64_t{1} << k) - 1);
        const uint64_t gap_start = before != 0 ? base + kBlock - static_cast<uint64_t>(std::countl_zero(before)) : nonzero_end;
        // Where the stretch ends when four zero bytes follow it within the block (0: past it).
        const uint64_t zero_windows_after = runs.zeros4 & (~uint64_t{0} << k);
        const uint64_t stretch_end_here =
            zero_windows_after != 0 ? base + static_cast<uint64_t>(std::countr_zero(zero_windows_after)) - 3 : 0;
        stretch_after_gap(mem, gap_start, base + k, stretch_end_here, base + kBlock, runs, end, fixed);
      }
      if (mask != 0) nonzero_end = base + kBlock - static_cast<uint64_t>(std::countl_zero(mask));
      last = runs;
    }
    last_ = last;
    nonzero_end_ = nonzero_end;
  }

  // Zero bytes follow the last block given, as many as needed.
  void zeros() { last_ = ZeroRuns{}; }

  void finish() {
    if (have_run_) emit(DataRun{run_start_, nonzero_end_ - run_start_});
    have_run_ = false;
    plan_.add_runs(std::span(finished_.data(), done_));
    done_ = 0;
  }

 private:
  static constexpr uint64_t kBatch = 1024;

  // A stretch starts at `start` after zero bytes from `gap_start`, more of
  // them than `bridge` - 1, and ends at `known_end`, or when that is 0 past
  // `next_block` (`runs` being its block's); `end` ends the written bytes.
  void stretch_after_gap(const uint8_t* mem, uint64_t gap_start, uint64_t start, uint64_t known_end, uint64_t next_block,
                         const ZeroRuns& runs, uint64_t end, uint64_t fixed) {
    if (!have_run_) {
      run_start_ = start;
      have_run_ = true;
      return;
    }
    const uint64_t gap = start - gap_start;
    if (gap <= fixed) return;
    bool merge = false;
    if (gap <= fixed + kMaxLebBytes64) {
      const DataRun next{start, (known_end != 0 ? known_end : stretch_end(mem, next_block, runs, end)) - start};
      if (gap <= fixed + leb_size_unsigned(next.size)) {
        merge = gap + leb_size_unsigned(next.end() - run_start_) <=
                segment_header_size(next, options_) + leb_size_unsigned(gap_start - run_start_);
      }
    }
    if (merge) return;
    emit(DataRun{run_start_, gap_start - run_start_});
    run_start_ = start;
  }

  // One past the last non-zero byte of a stretch that runs into the block
  // at `base` (`last` being the block before's): before the first four zero
  // bytes, the bytes from `end` on counting as zero.
  static uint64_t stretch_end(const uint8_t* mem, uint64_t base, ZeroRuns last, uint64_t end) {
    for (;; base += kBlock) {
      uint64_t mask = 0;
      if (base + kBlock <= end) {
        mask = nonzero_mask(mem + base);
      } else {
        for (uint64_t k = 0; base + k < end; ++k) mask |= uint64_t{mem[base + k] != 0} << k;
      }
      last = zero_runs(mask, last);
      // A block of zeros has four: the loop ends by the block after `end` at the latest.
      if (last.zeros4 != 0) return base + static_cast<uint64_t>(std::countr_zero(last.zeros4)) - 3;
    }
  }

  void emit(const DataRun& run) {
    finished_[done_++] = run;
    if (done_ == kBatch) {
      plan_.add_runs(std::span(finished_.data(), done_));
      done_ = 0;
    }
  }

  const ScanOptions& options_;
  SegmentPlan& plan_;
  ZeroRuns last_;
  uint64_t nonzero_end_ = 0;  // one past the last non-zero byte seen
  bool have_run_ = false;
  uint64_t run_start_ = 0;
  std::array<DataRun, kBatch> finished_;
  uint64_t done_ = 0;
};

}  // namespace

void plan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> data_pages, const ScanOptions& options,
                 SegmentPlan& plan) {
  plan.begin_memory(options);
  RunFinder finder(options, plan);
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
    if (p * kPage != scanned_to) finder.zeros();
    uint64_t q = p;
    while (q < pages && data_pages[q]) ++q;
    scanned_to = std::min(q * kPage, size);
    finder.range(memory.data(), p * kPage, scanned_to);
    p = q;
  }
  finder.finish();
  plan.end_memory();
}

std::vector<DataRun> scan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> data_pages,
                                 const ScanOptions& options) {
  SegmentPlan plan(options.max_segments > 0 ? options.max_segments : SegmentPlan::kNoCap);
  plan_memory(memory, data_pages, options, plan);
  return std::move(plan.finish()[0]);
}

}  // namespace kiln
