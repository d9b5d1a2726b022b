// Linear memory: one reservation whose base never moves, grown by mprotect.
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
// zero and cost nothing: the snapshot asks the OS which pages hold anything
// (page_residency.h), so no writer keeps a record.
class Memory {
 public:
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

 private:
  Memory() = default;
  void release();

  uint8_t* base_ = nullptr;
  uint64_t reserved_ = 0;  // bytes of address space held
  uint64_t size_ = 0;      // accessible bytes
  uint64_t max_bytes_ = 0; // the smaller of the type's maximum, the limit and the reservation
  MemoryType type_;
};

}  // namespace kiln
