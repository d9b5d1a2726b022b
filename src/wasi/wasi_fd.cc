// Descriptor management: close, renumber, fdstat, filestat, prestat, sync, advise, allocate.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iterator>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

Errno fd_close(Call& call) {
  const uint32_t fd = call.u32(0);
  auto it = call.state.fds.find(fd);
  if (it == call.state.fds.end()) return Errno::kBadf;
  if (call.tracing()) call.note("closed " + it->second.host_path);
  call.state.fds.erase(it);  // closes an owned host descriptor
  return Errno::kSuccess;
}

// Moves `fd` to number `to`, closing what `to` held.
Errno fd_renumber(Call& call) {
  const uint32_t from = call.u32(0), to = call.u32(1);
  auto source = call.state.fds.find(from);
  auto target = call.state.fds.find(to);
  if (source == call.state.fds.end() || target == call.state.fds.end()) return Errno::kBadf;
  if (from == to) return Errno::kSuccess;
  target->second = std::move(source->second);
  call.state.fds.erase(source);
  return Errno::kSuccess;
}

Errno fd_fdstat_get(Call& call) {
  const uint32_t fd = call.u32(0), out = call.u32(1);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, 0, entry); e != Errno::kSuccess) return e;
  uint8_t stat[kFdstatSize] = {};
  stat[0] = static_cast<uint8_t>(entry->type);
  stat[2] = static_cast<uint8_t>(entry->fdflags & 0xff);
  stat[3] = static_cast<uint8_t>(entry->fdflags >> 8);
  for (int b = 0; b < 8; ++b) {
    stat[8 + b] = static_cast<uint8_t>(entry->base >> (8 * b));
    stat[16 + b] = static_cast<uint8_t>(entry->inheriting >> (8 * b));
  }
  return call.mem.store_bytes(out, stat, kFdstatSize) ? Errno::kSuccess : Errno::kFault;
}

// Linux can change only append and non-blocking on an open descriptor.
Errno fd_fdstat_set_flags(Call& call) {
  const uint32_t fd = call.u32(0);
  const uint16_t flags = static_cast<uint16_t>(call.u32(1));
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdFdstatSetFlags, entry); e != Errno::kSuccess) return e;
  constexpr uint16_t kChangeable = kFdflagAppend | kFdflagNonblock;
  if ((flags & ~kChangeable) != (entry->fdflags & ~kChangeable)) return Errno::kNotsup;
  if (entry->host_fd >= 0) {
    int host = fcntl(entry->host_fd, F_GETFL);
    if (host < 0) return last_host_errno();
    host &= ~(O_APPEND | O_NONBLOCK);
    if (flags & kFdflagAppend) host |= O_APPEND;
    if (flags & kFdflagNonblock) host |= O_NONBLOCK;
    if (fcntl(entry->host_fd, F_SETFL, host) != 0) return last_host_errno();
  }
  entry->fdflags = flags;
  return Errno::kSuccess;
}

// Rights can only shrink.
Errno fd_fdstat_set_rights(Call& call) {
  const uint32_t fd = call.u32(0);
  const Rights base = call.u64(1), inheriting = call.u64(2);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, 0, entry); e != Errno::kSuccess) return e;
  if ((base & ~entry->base) || (inheriting & ~entry->inheriting)) return Errno::kNotcapable;
  entry->base = base;
  entry->inheriting = inheriting;
  return Errno::kSuccess;
}

Errno fd_filestat_get(Call& call) { return fd_filestat_get_abi(call, Abi::kPreview1); }

Errno fd_filestat_set_size(Call& call) {
  const uint32_t fd = call.u32(0);
  const uint64_t size = call.u64(1);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdFilestatSetSize, entry); e != Errno::kSuccess) return e;
  if (size > static_cast<uint64_t>(INT64_MAX)) return Errno::kInval;
  if (entry->host_fd < 0) return Errno::kInval;
  if (ftruncate(entry->host_fd, static_cast<off_t>(size)) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno fd_filestat_set_times(Call& call) {
  const uint32_t fd = call.u32(0);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdFilestatSetTimes, entry); e != Errno::kSuccess) return e;
  struct timespec times[2];
  if (Errno e = file_times(call.u64(1), call.u64(2), static_cast<uint16_t>(call.u32(3)), times); e != Errno::kSuccess)
    return e;
  if (entry->host_fd < 0) return Errno::kSuccess;
  if (futimens(entry->host_fd, times) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno fd_prestat_get(Call& call) {
  const uint32_t fd = call.u32(0), out = call.u32(1);
  FdEntry* entry = call.state.find(fd);
  if (!entry || !entry->is_preopen) return Errno::kBadf;
  const uint64_t length = entry->preopen_name.size();
  uint8_t prestat[kPrestatSize] = {kPreopenTypeDir, 0, 0, 0};
  for (int b = 0; b < 4; ++b) prestat[4 + b] = static_cast<uint8_t>(length >> (8 * b));
  return call.mem.store_bytes(out, prestat, kPrestatSize) ? Errno::kSuccess : Errno::kFault;
}

Errno fd_prestat_dir_name(Call& call) {
  const uint32_t fd = call.u32(0), out = call.u32(1), length = call.u32(2);
  FdEntry* entry = call.state.find(fd);
  if (!entry || !entry->is_preopen) return Errno::kBadf;
  const std::string& name = entry->preopen_name;
  if (length < name.size()) return Errno::kNametoolong;
  return call.mem.store_bytes(out, name.data(), name.size()) ? Errno::kSuccess : Errno::kFault;
}

Errno fd_sync(Call& call) {
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, call.u32(0), kRightFdSync, entry); e != Errno::kSuccess) return e;
  if (entry->host_fd >= 0 && fsync(entry->host_fd) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno fd_datasync(Call& call) {
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, call.u32(0), kRightFdDatasync, entry); e != Errno::kSuccess) return e;
  if (entry->host_fd >= 0 && fdatasync(entry->host_fd) != 0) return last_host_errno();
  return Errno::kSuccess;
}

// offset and len as off_t, refusing values (or sums) the host cannot represent.
bool file_range(uint64_t offset, uint64_t length, off_t& host_offset, off_t& host_length) {
  constexpr auto kMax = static_cast<uint64_t>(INT64_MAX);
  if (offset > kMax || length > kMax || offset > kMax - length) return false;
  host_offset = static_cast<off_t>(offset);
  host_length = static_cast<off_t>(length);
  return true;
}

Errno fd_advise(Call& call) {
  const uint32_t fd = call.u32(0), advice = call.u32(3);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdAdvise, entry); e != Errno::kSuccess) return e;
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                    POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};
  if (advice >= std::size(kAdvice)) return Errno::kInval;
  off_t offset = 0, length = 0;
  if (!file_range(call.u64(1), call.u64(2), offset, length)) return Errno::kInval;
  if (entry->host_fd < 0) return Errno::kSpipe;
  return errno_from_host(posix_fadvise(entry->host_fd, offset, length, kAdvice[advice]));
}

Errno fd_allocate(Call& call) {
  const uint32_t fd = call.u32(0);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdAllocate, entry); e != Errno::kSuccess) return e;
  off_t offset = 0, length = 0;
  if (!file_range(call.u64(1), call.u64(2), offset, length)) return Errno::kFbig;
  if (entry->host_fd < 0) return Errno::kSpipe;
  if (length == 0) return Errno::kInval;
  return errno_from_host(posix_fallocate(entry->host_fd, offset, length));
}

constexpr HostDef kFunctions[] = {
    {"fd_advise", "fd:i offset:I len:I advice:i", fd_advise},
    {"fd_allocate", "fd:i offset:I len:I", fd_allocate},
    {"fd_close", "fd:i", fd_close},
    {"fd_datasync", "fd:i", fd_datasync},
    {"fd_fdstat_get", "fd:i stat:i", fd_fdstat_get},
    {"fd_fdstat_set_flags", "fd:i flags:i", fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "fd:i rights_base:I rights_inheriting:I", fd_fdstat_set_rights},
    {"fd_filestat_get", "fd:i buf:i", fd_filestat_get},
    {"fd_filestat_set_size", "fd:i size:I", fd_filestat_set_size},
    {"fd_filestat_set_times", "fd:i atim:I mtim:I fst_flags:i", fd_filestat_set_times},
    {"fd_prestat_get", "fd:i buf:i", fd_prestat_get},
    {"fd_prestat_dir_name", "fd:i path:i path_len:i", fd_prestat_dir_name},
    {"fd_renumber", "fd:i to:i", fd_renumber},
    {"fd_sync", "fd:i", fd_sync},
};

}  // namespace

Errno file_times(uint64_t atim, uint64_t mtim, uint16_t flags, struct timespec times[2]) {
  if ((flags & kFstflagAtim) && (flags & kFstflagAtimNow)) return Errno::kInval;
  if ((flags & kFstflagMtim) && (flags & kFstflagMtimNow)) return Errno::kInval;
  if (flags & ~(kFstflagAtim | kFstflagAtimNow | kFstflagMtim | kFstflagMtimNow)) return Errno::kInval;
  const auto pick = [](uint64_t ns, bool set, bool now) {
    struct timespec t {};
    if (set) {
      t.tv_sec = static_cast<time_t>(ns / 1'000'000'000u);
      t.tv_nsec = static_cast<long>(ns % 1'000'000'000u);
    } else {
      t.tv_nsec = now ? UTIME_NOW : UTIME_OMIT;
    }
    return t;
  };
  times[0] = pick(atim, flags & kFstflagAtim, flags & kFstflagAtimNow);
  times[1] = pick(mtim, flags & kFstflagMtim, flags & kFstflagMtimNow);
  return Errno::kSuccess;
}

Errno fd_filestat_get_abi(Call& call, Abi abi) {
  const uint32_t fd = call.u32(0), out = call.u32(1);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdFilestatGet, entry); e != Errno::kSuccess) return e;
  if (!call.mem.valid(out, filestat_size(abi))) return Errno::kFault;
  struct stat st {};
  if (entry->host_fd < 0)
    st.st_mode = S_IFCHR;  // a stdio stream that is not inherited looks like /dev/null
  else if (fstat(entry->host_fd, &st) != 0)
    return last_host_errno();
  store_filestat(call.mem, out, st, abi);
  return Errno::kSuccess;
}

std::span<const HostDef> fd_functions() { return kFunctions; }

}  // namespace kiln::wasi
