// fd_readdir: a sorted listing taken at cookie 0, served as dirent records whose cookie is the next index.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

FileType type_from_dirent(unsigned char d_type) {
  switch (d_type) {
    case DT_REG: return FileType::kRegularFile;
    case DT_DIR: return FileType::kDirectory;
    case DT_LNK: return FileType::kSymbolicLink;
    case DT_CHR: return FileType::kCharacterDevice;
    case DT_BLK: return FileType::kBlockDevice;
    case DT_SOCK: return FileType::kSocketStream;
    default: return FileType::kUnknown;
  }
}

// Sorting by name makes the order (and so a snapshot that depends on it) the
// same on every file system and every run.
Errno take_listing(FdEntry& entry) {
  const int fd = openat(entry.host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_host_errno();
  DIR* dir = fdopendir(fd);
  if (!dir) {
    const Errno e = last_host_errno();
    close(fd);
    return e;
  }
  std::vector<DirEntry> listing;
  errno = 0;
  while (const struct dirent* d = readdir(dir)) {
    DirEntry e;
    e.name = d->d_name;
    e.ino = static_cast<uint64_t>(d->d_ino);
    e.type = type_from_dirent(d->d_type);
    if (d->d_type == DT_UNKNOWN) {
      struct stat st {};
      if (fstatat(dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) e.type = file_type_from_mode(st.st_mode);
    }
    listing.push_back(std::move(e));
    errno = 0;
  }
  const int read_error = errno;
  closedir(dir);
  if (read_error != 0) return errno_from_host(read_error);
  std::sort(listing.begin(), listing.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  entry.listing = std::move(listing);
  entry.listing_valid = true;
  return Errno::kSuccess;
}

// Fills the buffer with dirent headers and names from entry `cookie` on; the
// last record may be cut short, which tells the guest to grow its buffer.
Errno fd_readdir(Call& call) {
  const uint32_t fd = call.u32(0), buf = call.u32(1), buf_len = call.u32(2), used_ptr = call.u32(4);
  const uint64_t cookie = call.u64(3);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdReaddir, entry); e != Errno::kSuccess) return e;
  if (!call.mem.valid(buf, buf_len) || !call.mem.valid(used_ptr, 4)) return Errno::kFault;
  if (cookie == 0 || !entry->listing_valid)
    if (Errno e = take_listing(*entry); e != Errno::kSuccess) return e;
  uint64_t used = 0;
  for (uint64_t i = cookie; i < entry->listing.size() && used < buf_len; ++i) {
    const DirEntry& d = entry->listing[static_cast<size_t>(i)];
    uint8_t header[kDirentSize] = {};
    const uint64_t next = i + 1;
    const uint32_t name_length = static_cast<uint32_t>(d.name.size());
    for (int b = 0; b < 8; ++b) {
      header[b] = static_cast<uint8_t>(next >> (8 * b));
      header[8 + b] = static_cast<uint8_t>(d.ino >> (8 * b));
    }
    for (int b = 0; b < 4; ++b) header[16 + b] = static_cast<uint8_t>(name_length >> (8 * b));
    header[20] = static_cast<uint8_t>(d.type);
    const uint64_t header_part = std::min<uint64_t>(kDirentSize, buf_len - used);
    call.mem.store_bytes(buf + used, header, header_part);
    used += header_part;
    const uint64_t name_part = std::min<uint64_t>(name_length, buf_len - used);
    call.mem.store_bytes(buf + used, d.name.data(), name_part);
    used += name_part;
  }
  call.mem.store(used_ptr, static_cast<uint32_t>(used));
  if (call.tracing()) call.note("listed " + entry->host_path);
  return Errno::kSuccess;
}

constexpr HostDef kFunctions[] = {
    {"fd_readdir", "fd:i buf:i buf_len:i cookie:I bufused:i", fd_readdir},
};

}  // namespace

std::span<const HostDef> readdir_functions() { return kFunctions; }

}  // namespace kiln::wasi
