// The guest's descriptor table, rights checks, guest strings and the filestat layouts.
#include <sys/stat.h>

#include <climits>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// Far above what a pre-initializer needs; the host's own limit usually bites first.
constexpr size_t kMaxDescriptors = 1 << 16;

void put_le(uint8_t* p, uint64_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) p[i] = static_cast<uint8_t>(value >> (8 * i));
}

}  // namespace

std::optional<uint32_t> WasiState::insert(FdEntry entry) {
  if (fds.size() >= kMaxDescriptors) return std::nullopt;
  // The lowest free number, as POSIX does: the table is ordered, so the first gap.
  uint32_t fd = 0;
  for (const auto& [number, unused] : fds) {
    if (number != fd) break;
    ++fd;
  }
  fds.emplace(fd, std::move(entry));
  return fd;
}

Errno lookup_fd(Call& call, uint32_t fd, Rights needed, FdEntry*& out) {
  out = call.state.find(fd);
  if (!out) return Errno::kBadf;
  const Rights missing = needed & ~out->base;
  if (missing == 0) return Errno::kSuccess;
  // Reading a write-only descriptor (or the reverse) is EBADF in POSIX, and
  // C code expects that; any other missing right is a capability failure.
  if (missing & (kRightFdRead | kRightFdWrite)) return Errno::kBadf;
  return Errno::kNotcapable;
}

Errno GuestMemory::load_string(uint32_t address, uint32_t length, std::string& out) const {
  const uint8_t* p = view(address, length);
  if (!p) return Errno::kFault;
  // The host refuses longer paths anyway; refusing them here also keeps a
  // guest from making the host copy gigabytes.
  if (length >= PATH_MAX) return Errno::kNametoolong;
  out.assign(reinterpret_cast<const char*>(p), length);
  if (out.find('\0') != std::string::npos) return Errno::kIlseq;
  return Errno::kSuccess;
}

FileType file_type_from_mode(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegularFile;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISCHR(mode)) return FileType::kCharacterDevice;
  if (S_ISBLK(mode)) return FileType::kBlockDevice;
  if (S_ISLNK(mode)) return FileType::kSymbolicLink;
  if (S_ISSOCK(mode)) return FileType::kSocketStream;
  return FileType::kUnknown;  // FIFOs have no WASI type
}

uint64_t timespec_ns(const struct timespec& t) {
  if (t.tv_sec < 0) return 0;
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

uint32_t filestat_size(Abi abi) { return abi == Abi::kPreview1 ? kFilestatSize : 56; }

bool store_filestat(GuestMemory& mem, uint32_t address, const struct stat& st, Abi abi) {
  uint8_t buffer[kFilestatSize] = {};
  put_le(buffer + 0, static_cast<uint64_t>(st.st_dev), 8);
  put_le(buffer + 8, static_cast<uint64_t>(st.st_ino), 8);
  buffer[16] = static_cast<uint8_t>(file_type_from_mode(st.st_mode));
  // wasi_unstable has a u32 link count at 20, which moves every later field up by 8.
  const size_t shift = abi == Abi::kPreview1 ? 0 : 8;
  if (abi == Abi::kPreview1)
    put_le(buffer + 24, static_cast<uint64_t>(st.st_nlink), 8);
  else
    put_le(buffer + 20, static_cast<uint32_t>(st.st_nlink), 4);
  put_le(buffer + 32 - shift, static_cast<uint64_t>(st.st_size), 8);
  put_le(buffer + 40 - shift, timespec_ns(st.st_atim), 8);
  put_le(buffer + 48 - shift, timespec_ns(st.st_mtim), 8);
  put_le(buffer + 56 - shift, timespec_ns(st.st_ctim), 8);
  return mem.store_bytes(address, buffer, filestat_size(abi));
}

}  // namespace kiln::wasi
