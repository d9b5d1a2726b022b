// Growable output buffer with minimal-length LEB128 encoders.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kiln {

// Number of bytes of the minimal unsigned / signed LEB128 encoding of a
// value: seven payload bits per byte, so the sizes follow from the bit width
// (inline and without a loop: the snapshot scanner asks for millions).
inline unsigned leb_size_unsigned(uint64_t value) {
  return value == 0 ? 1 : static_cast<unsigned>(std::bit_width(value) + 6) / 7;
}
// A signed value needs its magnitude's bits plus a sign bit.
inline unsigned leb_size_signed(int64_t value) {
  const auto magnitude = static_cast<uint64_t>(value ^ (value >> 63));  // arithmetic shift: ~value when negative
  return static_cast<unsigned>(std::bit_width(magnitude) + 1 + 6) / 7;
}

// The longest minimal LEB128 encodings of 32- and 64-bit values.
constexpr size_t kMaxLebBytes32 = 5;
constexpr size_t kMaxLebBytes64 = 10;

// Writes the minimal LEB128 encoding of `value` at `out` (room for
// kMaxLebBytes64 bytes) and returns the byte after it.
inline uint8_t* encode_uleb(uint64_t value, uint8_t* out) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    *out++ = byte;
  } while (value != 0);
  return out;
}
inline uint8_t* encode_sleb(int64_t value, uint8_t* out) {
  while (true) {
    const uint8_t byte = static_cast<uint8_t>(value & 0x7f);
    const int64_t rest = value >> 7;  // arithmetic shift: the sign carries on
    const bool sign = (byte & 0x40) != 0;
    if ((rest == 0 && !sign) || (rest == -1 && sign)) {
      *out++ = byte;
      return out;
    }
    *out++ = byte | 0x80;
    value = rest;
  }
}

class ByteWriter {
 public:
  void write_u8(uint8_t value) { bytes_.push_back(value); }
  void write_bytes(std::span<const uint8_t> data);
  void write_u32_fixed(uint32_t value);
  void write_u64_fixed(uint64_t value);
  void write_uleb(uint64_t value);
  void write_sleb(int64_t value);
  void write_name(std::string_view name);

  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> take() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace kiln
