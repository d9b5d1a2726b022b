// Bounds-checked cursor over input bytes: LEB128, fixed-width values, names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kiln/base/result.h"

namespace kiln {

using Bytes = std::span<const uint8_t>;

// Every read checks the remaining length and calls `fail` with the spec
// suite's wording ("unexpected end", "integer too large", ...). Offsets are
// absolute: `base_offset` is the position of `data[0]` in the whole input.
class ByteReader {
 public:
  ByteReader(Bytes data, uint64_t base_offset = 0, ErrorCode code = ErrorCode::kMalformed)
      : data_(data), base_(base_offset), code_(code) {}

  uint64_t offset() const { return base_ + pos_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  Bytes rest() const { return data_.subspan(pos_); }
  Bytes data() const { return data_; }
  uint64_t base_offset() const { return base_; }

  // The reads every instruction makes are inline, with the one-byte LEB as
  // the fast path; everything else is out of line.
  uint8_t peek_u8() const {
    if (pos_ >= data_.size()) [[unlikely]] fail_end();
    return data_[pos_];
  }
  uint8_t read_u8() {
    if (pos_ >= data_.size()) [[unlikely]] fail_end();
    return data_[pos_++];
  }
  uint32_t read_u32_fixed();
  uint64_t read_u64_fixed();
  Bytes read_bytes(size_t count);
  void skip(size_t count) { read_bytes(count); }

  uint32_t read_u32() {  // unsigned LEB128, at most 5 bytes
    if (pos_ < data_.size() && data_[pos_] < 0x80) return data_[pos_++];
    return static_cast<uint32_t>(read_leb_unsigned(32));
  }
  uint64_t read_u64();  // unsigned LEB128, at most 10 bytes
  int32_t read_s32();   // signed LEB128
  int64_t read_s64();
  int64_t read_s33();   // block types
  std::string_view read_name();  // length-prefixed UTF-8, validated

  // A count of items each at least `min_item_size` bytes long: rejects counts
  // the remaining input cannot hold before anyone allocates for them.
  uint32_t read_count(size_t min_item_size = 1);

  [[noreturn]] void fail_here(std::string message) const;
  [[noreturn]] void fail_at(uint64_t absolute_offset, std::string message) const;
  [[noreturn]] void fail_end() const;  // "unexpected end" here

 private:
  uint64_t read_leb_unsigned(unsigned max_bits);
  int64_t read_leb_signed(unsigned max_bits);

  Bytes data_;
  size_t pos_ = 0;
  uint64_t base_;
  ErrorCode code_;
};

bool is_valid_utf8(std::string_view text);
// Bytes in the UTF-8 sequence starting at text[pos] (pos < size), or 0 when it is malformed.
size_t utf8_sequence_length(std::string_view text, size_t pos);

}  // namespace kiln
