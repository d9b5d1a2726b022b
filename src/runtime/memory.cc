// Linear memory reservation and growth.
#include "kiln/runtime/memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace kiln {
namespace {

// A 64-bit memory without a useful maximum cannot reserve its whole range;
// 16 GiB of address space is far beyond what an init function touches, and
// growth past it fails the way the spec allows (memory.grow returns -1).
constexpr uint64_t kMax64Reservation = uint64_t{16} << 30;
constexpr uint64_t kGuardBytes = kPageSize;

}  // namespace

Result<Memory> Memory::create(const MemoryType& type, uint64_t limit_bytes) {
  const uint64_t spec_max_pages = type.limits.is_64 ? kMaxPages64 : kMaxPages32;
  const uint64_t max_pages = std::min(type.limits.max.value_or(spec_max_pages), spec_max_pages);
  uint64_t max_bytes = max_pages > UINT64_MAX / kPageSize ? UINT64_MAX : max_pages * kPageSize;
  if (type.limits.is_64) max_bytes = std::min(max_bytes, kMax64Reservation);
  max_bytes = std::min(max_bytes, limit_bytes / kPageSize * kPageSize);
  if (type.limits.min > max_bytes / kPageSize) {
    return Error{ErrorCode::kExhausted, kNoOffset,
                 "memory of " + std::to_string(type.limits.min) + " pages exceeds the memory limit"};
  }
  Memory memory;
  memory.type_ = type;
  memory.max_bytes_ = max_bytes;
  memory.reserved_ = max_bytes + kGuardBytes;
  void* base = ::mmap(nullptr, memory.reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    return Error{ErrorCode::kExhausted, kNoOffset,
                 std::string("cannot reserve linear memory: ") + std::strerror(errno)};
  }
  memory.base_ = static_cast<uint8_t*>(base);
  if (type.limits.min > 0 && memory.grow(type.limits.min) < 0) {
    return Error{ErrorCode::kExhausted, kNoOffset, "cannot commit the initial linear memory"};
  }
  return memory;
}

Memory::Memory(Memory&& other) noexcept { *this = std::move(other); }

Memory& Memory::operator=(Memory&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    reserved_ = std::exchange(other.reserved_, 0);
    size_ = std::exchange(other.size_, 0);
    max_bytes_ = other.max_bytes_;
    type_ = other.type_;
  }
  return *this;
}

Memory::~Memory() { release(); }

void Memory::release() {
  if (base_) ::munmap(base_, reserved_);
  base_ = nullptr;
}

int64_t Memory::grow(uint64_t delta) {
  const uint64_t old_pages = pages();
  if (delta > (max_bytes_ - size_) / kPageSize) return -1;
  const uint64_t new_size = size_ + delta * kPageSize;
  if (delta > 0 && ::mprotect(base_ + size_, new_size - size_, PROT_READ | PROT_WRITE) != 0) return -1;
  size_ = new_size;
  return static_cast<int64_t>(old_pages);
}

}  // namespace kiln
