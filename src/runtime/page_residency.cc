// pages_with_data: the OS's record of which pages of a mapping were ever given memory (Linux pagemap), or all of them.
#include "kiln/runtime/page_residency.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace kiln {
namespace {

constexpr uint64_t kPresent = uint64_t{1} << 63;
constexpr uint64_t kSwapped = uint64_t{1} << 62;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool read_all_at(int fd, void* out, size_t bytes, uint64_t offset) {
  auto* p = static_cast<uint8_t*>(out);
  while (bytes > 0) {
    const ssize_t n = ::pread(fd, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    bytes -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

// Fills `pages` from /proc/self/pagemap (one 64-bit entry per OS page);
// false when the file cannot be read, and the caller assumes every page.
bool query_pagemap(const uint8_t* data, uint64_t size, std::vector<uint8_t>& pages) {
  const long os_page_long = ::sysconf(_SC_PAGESIZE);
  if (os_page_long <= 0) return false;
  const auto os_page = static_cast<uint64_t>(os_page_long);
  if (os_page % kScanPageSize != 0 && kScanPageSize % os_page != 0) return false;
  const auto base = reinterpret_cast<uintptr_t>(data);
  if (base % os_page != 0) return false;
  Fd fd(::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return false;
  const uint64_t first = base / os_page;
  const uint64_t count = (size + os_page - 1) / os_page;
  constexpr uint64_t kChunk = 4096;  // entries per read: 32 KiB
  std::vector<uint64_t> entries(static_cast<size_t>(std::min(count, kChunk)));
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min(count - done, kChunk);
    if (!read_all_at(fd.get(), entries.data(), n * sizeof(uint64_t), (first + done) * sizeof(uint64_t))) return false;
    for (uint64_t i = 0; i < n; ++i) {
      if (!(entries[i] & (kPresent | kSwapped))) continue;
      // An OS page covers one or more scan pages, or a scan page several OS pages.
      const uint64_t from = (done + i) * os_page / kScanPageSize;
      const uint64_t to = std::min<uint64_t>(((done + i + 1) * os_page + kScanPageSize - 1) / kScanPageSize, pages.size());
      std::fill(pages.begin() + static_cast<std::ptrdiff_t>(from), pages.begin() + static_cast<std::ptrdiff_t>(to), 1);
    }
    done += n;
  }
  return true;
}

}  // namespace

std::vector<uint8_t> pages_with_data(const uint8_t* data, uint64_t size, PageQuery query) {
  const auto count = static_cast<size_t>((size + kScanPageSize - 1) / kScanPageSize);
  if (query == PageQuery::kOperatingSystem && size > 0) {
    std::vector<uint8_t> pages(count, 0);
    if (query_pagemap(data, size, pages)) return pages;
  }
  return std::vector<uint8_t>(count, 1);
}

}  // namespace kiln
