// An active data segment's header, described once: the scanner's merging and segment cap size it, the
// rewriter encodes it, so the two can never disagree about what a segment costs.
#pragma once

#include <cstdint>
#include <span>

#include "kiln/base/byte_writer.h"
#include "kiln/snapshot/scan.h"

namespace kiln {

// The header's fields in order, handed to `out` (anything with u8, uleb and
// sleb): flags [memory index], the offset as a constant expression, the
// payload length.
template <typename Out>
[[gnu::always_inline]] inline void segment_header_fields(const DataRun& run, const ScanOptions& options, Out& out) {
  if (options.memory_index == 0) {
    out.u8(0x00);  // active, memory 0 implied
  } else {
    out.u8(0x02);  // active, explicit memory
    out.uleb(options.memory_index);
  }
  if (options.memory64) {
    out.u8(0x42);  // i64.const
    out.sleb(static_cast<int64_t>(run.offset));
  } else {
    out.u8(0x41);  // i32.const: signed, so offsets from 2 GiB up take the negative encoding
    out.sleb(static_cast<int32_t>(static_cast<uint32_t>(run.offset)));
  }
  out.u8(0x0B);  // end
  out.uleb(run.size);
}

// Bytes an active data segment for `run` costs beyond its payload, at the
// fields' real LEB sizes. Inline and loop-free: the scanner asks for millions.
[[gnu::always_inline]] inline uint64_t segment_header_size(const DataRun& run, const ScanOptions& options) {
  struct Counter {
    uint64_t size = 0;
    void u8(uint8_t) { size += 1; }
    void uleb(uint64_t value) { size += leb_size_unsigned(value); }
    void sleb(int64_t value) { size += leb_size_signed(value); }
  } counter;
  segment_header_fields(run, options, counter);
  return counter.size;
}

// The encoded header, held on the stack: writing a segment allocates nothing.
class SegmentHeader {
 public:
  // flags, memory index (u32), opcode, offset (i64), end, length (u64)
  static constexpr size_t kMaxBytes = 1 + kMaxLebBytes32 + 1 + kMaxLebBytes64 + 1 + kMaxLebBytes64;

  SegmentHeader(const DataRun& run, const ScanOptions& options) { segment_header_fields(run, options, *this); }
  std::span<const uint8_t> bytes() const { return std::span<const uint8_t>(bytes_, size_); }

  void u8(uint8_t value) { bytes_[size_++] = value; }
  void uleb(uint64_t value) { size_ = static_cast<uint8_t>(encode_uleb(value, bytes_ + size_) - bytes_); }
  void sleb(int64_t value) { size_ = static_cast<uint8_t>(encode_sleb(value, bytes_ + size_) - bytes_); }

 private:
  uint8_t bytes_[kMaxBytes];
  uint8_t size_ = 0;
};

}  // namespace kiln
