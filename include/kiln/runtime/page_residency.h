// Which pages of a linear memory can hold non-zero bytes, as the operating system knows it: no bookkeeping on stores.
#pragma once

#include <cstdint>
#include <vector>

namespace kiln {

// Granularity of the answer: the snapshot scanner's page.
inline constexpr uint64_t kScanPageSize = 4096;

enum class PageQuery : uint8_t {
  kOperatingSystem,  // ask the OS, falling back to kAssumeAll when it cannot answer
  kAssumeAll,        // every page may hold data (the portable answer)
};

// One byte per kScanPageSize page of [data, data + size): 1 when the page may
// hold non-zero bytes. A linear memory is a private anonymous mapping, so a
// page nobody wrote has no frame and no swap slot and reads as zero; Linux's
// /proc/self/pagemap reports per page whether it is present or swapped, which
// covers every write by construction: the interpreter's, a host function's
// through a raw pointer, instantiation's. The answer may include pages that
// are only zero (read, or written with zeros), never miss a written one.
// `data` is page-aligned (a reservation's base).
std::vector<uint8_t> pages_with_data(const uint8_t* data, uint64_t size, PageQuery query = PageQuery::kOperatingSystem);

}  // namespace kiln
