// Linear memory: one reservation whose base never moves, grown by mprotect, with a record of written pages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/types.h"

namespace kiln {

// The whole maximum is reserved up front with PROT_NONE (4 GiB + a guard for
// a 32-bit memory without a maximum), and growing only changes protections:
// the base pointer stays valid for the memory's lifetime, untouched pages stay
// zero and cost nothing. Writers call `mark_written` so the snapshot scanner
// can skip every page that was never written.
class Memory {
 public:
  static constexpr uint64_t kDirtyPageSize = 4096;

  // `limit_bytes` caps growth below the type's maximum (kiln's --max-memory).
  static Result<Memory> create(const MemoryType& type, uint64_t limit_bytes = ~uint64_t{0});

  Memory(Memory&& other) noexcept;
  Memory& operator=(Memory&& other) noexcept;
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;
  ~Memory();

  uint8_t* data() { return base_; }
  const uint8_t* data() const { return base_; }
  uint64_t size_bytes() const { return size_; }
  uint64_t pages() const { return size_ / kPageSize; }
  const MemoryType& type() const { return type_; }
  bool is_64() const { return type_.limits.is_64; }

  // Grows by `delta` pages; returns the old size in pages, or -1 when the
  // maximum, the limit or the reservation would be exceeded (memory.grow's result).
  int64_t grow(uint64_t delta);

  // True when [address, address + length) lies inside the memory; the sum is
  // checked for overflow.
  bool in_bounds(uint64_t address, uint64_t length) const {
    return address <= size_ && length <= size_ - address;
  }

  void mark_written(uint64_t address, uint64_t length) {
    if (length == 0) return;
    const uint64_t first = address / kDirtyPageSize;
    const uint64_t last = (address + length - 1) / kDirtyPageSize;
    for (uint64_t p = first; p <= last; ++p) written_[p] = 1;
  }
  // One byte per 4 KiB page of the current size: 1 when ever written.
  const std::vector<uint8_t>& written_pages() const { return written_; }

 private:
  Memory() = default;
  void release();

  uint8_t* base_ = nullptr;
  uint64_t reserved_ = 0;  // bytes of address space held
  uint64_t size_ = 0;      // accessible bytes
  uint64_t max_bytes_ = 0; // the smaller of the type's maximum, the limit and the reservation
  MemoryType type_;
  std::vector<uint8_t> written_;
};

}  // namespace kiln
