// A file's contents mapped read-only: read in place, without a copy in anonymous memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "kiln/base/result.h"

namespace kiln {

class MappedFile {
 public:
  // Maps the whole regular file open on `fd` (which may be closed afterwards);
  // `shown` names it in messages.
  static Result<MappedFile> map(int fd, const std::string& shown);
  MappedFile(MappedFile&& other) noexcept : data_(other.data_), size_(other.size_) { other.data_ = nullptr; }
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  std::span<const uint8_t> bytes() const { return {static_cast<const uint8_t*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_ = nullptr;  // null for an empty file, which cannot be mapped
  size_t size_ = 0;
};

}  // namespace kiln
