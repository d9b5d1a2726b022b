// Minimal LEB128 and fixed-width encoders for the output module.
#include "kiln/base/byte_writer.h"

#include <cstring>

namespace kiln {

void ByteWriter::write_bytes(std::span<const uint8_t> data) {
  if (data.empty()) return;
  const size_t old = bytes_.size();
  bytes_.resize(old + data.size());
  std::memcpy(bytes_.data() + old, data.data(), data.size());
}

void ByteWriter::write_u32_fixed(uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void ByteWriter::write_u64_fixed(uint64_t value) {
  for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void ByteWriter::write_uleb(uint64_t value) {
  uint8_t encoded[kMaxLebBytes64];
  write_bytes(std::span<const uint8_t>(encoded, encode_uleb(value, encoded)));
}

void ByteWriter::write_sleb(int64_t value) {
  uint8_t encoded[kMaxLebBytes64];
  write_bytes(std::span<const uint8_t>(encoded, encode_sleb(value, encoded)));
}

void ByteWriter::write_name(std::string_view name) {
  write_uleb(name.size());
  write_bytes(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
}

}  // namespace kiln
