// Bounds-checked reads of the binary format's primitive encodings.
#include "kiln/base/byte_reader.h"

#include <cstring>

#include "kiln/base/failure.h"

namespace kiln {

void ByteReader::fail_here(std::string message) const { fail(code_, offset(), std::move(message)); }

void ByteReader::fail_at(uint64_t absolute_offset, std::string message) const {
  fail(code_, absolute_offset, std::move(message));
}

void ByteReader::fail_end() const { fail_here("unexpected end"); }

Bytes ByteReader::read_bytes(size_t count) {
  if (count > remaining()) fail_end();
  Bytes out = data_.subspan(pos_, count);
  pos_ += count;
  return out;
}

uint32_t ByteReader::read_u32_fixed() {
  Bytes b = read_bytes(4);
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | b[static_cast<size_t>(i)];
  return value;
}

uint64_t ByteReader::read_u64_fixed() {
  Bytes b = read_bytes(8);
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | b[static_cast<size_t>(i)];
  return value;
}

// The last byte of a maximal-length LEB may only use the bits that fit; the
// unused high bits must be zero ("integer too large") and the encoding may
// not be longer than ceil(N/7) bytes ("integer representation too long").
uint64_t ByteReader::read_leb_unsigned(unsigned max_bits) {
  const unsigned max_bytes = (max_bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= data_.size()) fail_end();
    const uint8_t byte = data_[pos_++];
    const unsigned shift = i * 7;
    if (i + 1 == max_bytes) {
      // The reference decoder tests the value bits before the continuation
      // bit, so a last byte wrong in both ways is "too large".
      const unsigned used = max_bits - shift;
      if (((byte & 0x7f) >> used) != 0) fail_at(offset() - 1, "integer too large");
      if (byte & 0x80) fail_at(offset() - 1, "integer representation too long");
      return result | (static_cast<uint64_t>(byte) << shift);
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return result;
  }
}

int64_t ByteReader::read_leb_signed(unsigned max_bits) {
  const unsigned max_bytes = (max_bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= data_.size()) fail_end();
    const uint8_t byte = data_[pos_++];
    const unsigned shift = i * 7;
    if (i + 1 == max_bytes) {
      // The unused bits, together with the sign bit, must all be equal; as in
      // the unsigned case they are tested before the continuation bit.
      const unsigned used = max_bits - shift;  // value bits in this byte, sign included
      const uint8_t rest = static_cast<uint8_t>((byte & 0x7f) >> (used - 1));
      const uint8_t all_ones = static_cast<uint8_t>(0x7f >> (used - 1));
      if (rest != 0 && rest != all_ones) fail_at(offset() - 1, "integer too large");
      if (byte & 0x80) fail_at(offset() - 1, "integer representation too long");
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (shift + 7 < 64 && (byte & 0x40)) result |= ~uint64_t{0} << (shift + 7);
      return static_cast<int64_t>(result);
    }
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      if (shift + 7 < 64 && (byte & 0x40)) result |= ~uint64_t{0} << (shift + 7);
      return static_cast<int64_t>(result);
    }
  }
}

uint64_t ByteReader::read_u64() { return read_leb_unsigned(64); }
int32_t ByteReader::read_s32() { return static_cast<int32_t>(read_leb_signed(32)); }
int64_t ByteReader::read_s64() { return read_leb_signed(64); }
int64_t ByteReader::read_s33() { return read_leb_signed(33); }

uint32_t ByteReader::read_count(size_t min_item_size) {
  const uint64_t at = offset();
  const uint32_t count = read_u32();
  if (min_item_size > 0 && static_cast<uint64_t>(count) * min_item_size > remaining())
    fail_at(at, "unexpected end");
  return count;
}

std::string_view ByteReader::read_name() {
  const uint32_t length = read_u32();
  if (length > remaining()) fail_end();
  Bytes raw = read_bytes(length);
  std::string_view text(reinterpret_cast<const char*>(raw.data()), raw.size());
  if (!is_valid_utf8(text)) fail_at(offset() - length, "malformed UTF-8 encoding");
  return text;
}

size_t utf8_sequence_length(std::string_view text, size_t pos) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data()) + pos;
  const size_t available = text.size() - pos;
  const uint8_t b = *p;
  if (b < 0x80) return 1;
  size_t extra;
  uint32_t cp;
  if ((b & 0xe0) == 0xc0) {
    extra = 1;
    cp = b & 0x1fu;
  } else if ((b & 0xf0) == 0xe0) {
    extra = 2;
    cp = b & 0x0fu;
  } else if ((b & 0xf8) == 0xf0) {
    extra = 3;
    cp = b & 0x07u;
  } else {
    return 0;
  }
  if (available <= extra) return 0;
  for (size_t i = 1; i <= extra; ++i) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3fu);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return extra + 1;
}

bool is_valid_utf8(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    const size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

}  // namespace kiln
