// The path_* functions: every guest path is resolved inside its directory descriptor by the sandbox first.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// Reads the guest path at (path, length), checks that `fd` is a directory
// holding `needed`, and resolves the path beneath it.
Errno resolve_guest_path(Call& call, uint32_t fd, Rights needed, uint32_t path, uint32_t length, Follow follow,
                         ResolvedPath& out, FdEntry** dir_out = nullptr) {
  FdEntry* dir = call.state.find(fd);
  if (!dir) return Errno::kBadf;
  if (dir->kind != FdKind::kDirectory) return Errno::kNotdir;
  if (Errno e = lookup_fd(call, fd, needed, dir); e != Errno::kSuccess) return e;
  std::string guest_path;
  if (Errno e = call.mem.load_string(path, length, guest_path); e != Errno::kSuccess) return e;
  if (call.tracing()) call.note("path " + dir->host_path + "/" + guest_path);
  if (dir_out) *dir_out = dir;
  return resolve_path(dir->host_fd, guest_path, follow, out);
}

Follow follow_from(uint32_t lookupflags) { return (lookupflags & kLookupSymlinkFollow) ? Follow::kYes : Follow::kNo; }

// "name/" must name a directory.
Errno check_trailing_slash(const ResolvedPath& r) {
  if (!r.trailing_slash) return Errno::kSuccess;
  struct stat st {};
  if (fstatat(r.dir.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
  return S_ISDIR(st.st_mode) ? Errno::kSuccess : Errno::kNotdir;
}

int host_open_flags(uint16_t oflags, uint16_t fdflags, Rights rights, bool trailing_slash) {
  // The access mode follows the rights asked for, as wasi-libc's open() expects.
  const bool read = rights & (kRightFdRead | kRightFdReaddir);
  const bool write = rights & (kRightFdDatasync | kRightFdWrite | kRightFdAllocate | kRightFdFilestatSetSize);
  int flags = O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;  // the sandbox already followed what may be followed
  if ((oflags & kOflagDirectory) || trailing_slash)
    flags |= O_DIRECTORY | O_RDONLY;
  else
    flags |= read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  return flags;
}

Errno path_open(Call& call) {
  const uint32_t fd = call.u32(0), dirflags = call.u32(1), path = call.u32(2), length = call.u32(3);
  const auto oflags = static_cast<uint16_t>(call.u32(4));
  const Rights rights_base = call.u64(5), rights_inheriting = call.u64(6);
  const auto fdflags = static_cast<uint16_t>(call.u32(7));
  const uint32_t fd_out = call.u32(8);
  if (!call.mem.valid(fd_out, 4)) return Errno::kFault;
  Rights needed = kRightPathOpen;
  if (oflags & kOflagCreat) needed |= kRightPathCreateFile;
  if (oflags & kOflagTrunc) needed |= kRightPathFilestatSetSize;
  ResolvedPath r;
  FdEntry* dir = nullptr;
  if (Errno e = resolve_guest_path(call, fd, needed, path, length, follow_from(dirflags), r, &dir);
      e != Errno::kSuccess)
    return e;
  // A new descriptor gets at most what its directory may hand down.
  const Rights allowed = rights_base & dir->inheriting;
  const int flags = host_open_flags(oflags, fdflags, allowed, r.trailing_slash);
  UniqueFd opened(openat(r.dir.get(), r.name.c_str(), flags, 0666));
  if (!opened) return last_host_errno();
  struct stat st {};
  if (fstat(opened.get(), &st) != 0) return last_host_errno();

  FdEntry entry;
  entry.type = file_type_from_mode(st.st_mode);
  entry.kind = entry.type == FileType::kDirectory ? FdKind::kDirectory : FdKind::kFile;
  entry.base = allowed & (entry.kind == FdKind::kDirectory ? kDirectoryRights : kFileRights);
  entry.inheriting = rights_inheriting & dir->inheriting;
  entry.fdflags = fdflags;
  entry.host_fd = opened.get();
  entry.owned = std::move(opened);
  std::string guest_path;
  call.mem.load_string(path, length, guest_path);
  entry.host_path = dir->host_path + "/" + guest_path;
  const std::optional<uint32_t> number = call.state.insert(std::move(entry));
  if (!number) return Errno::kMfile;
  call.mem.store(fd_out, *number);
  if (call.tracing()) call.note("opened as fd " + std::to_string(*number));
  return Errno::kSuccess;
}

Errno path_filestat_get(Call& call) { return path_filestat_get_abi(call, Abi::kPreview1); }

Errno path_filestat_set_times(Call& call) {
  struct timespec times[2];
  if (Errno e = file_times(call.u64(4), call.u64(5), static_cast<uint16_t>(call.u32(6)), times); e != Errno::kSuccess)
    return e;
  ResolvedPath r;
  if (Errno e = resolve_guest_path(call, call.u32(0), kRightPathFilestatSetTimes, call.u32(2), call.u32(3),
                                   follow_from(call.u32(1)), r);
      e != Errno::kSuccess)
    return e;
  if (utimensat(r.dir.get(), r.name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno path_create_directory(Call& call) {
  ResolvedPath r;
  if (Errno e =
          resolve_guest_path(call, call.u32(0), kRightPathCreateDirectory, call.u32(1), call.u32(2), Follow::kNo, r);
      e != Errno::kSuccess)
    return e;
  if (mkdirat(r.dir.get(), r.name.c_str(), 0777) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno path_remove_directory(Call& call) {
  ResolvedPath r;
  if (Errno e =
          resolve_guest_path(call, call.u32(0), kRightPathRemoveDirectory, call.u32(1), call.u32(2), Follow::kNo, r);
      e != Errno::kSuccess)
    return e;
  if (unlinkat(r.dir.get(), r.name.c_str(), AT_REMOVEDIR) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno path_unlink_file(Call& call) {
  ResolvedPath r;
  if (Errno e = resolve_guest_path(call, call.u32(0), kRightPathUnlinkFile, call.u32(1), call.u32(2), Follow::kNo, r);
      e != Errno::kSuccess)
    return e;
  if (r.trailing_slash) {
    const Errno e = check_trailing_slash(r);
    return e == Errno::kSuccess ? Errno::kIsdir : e;
  }
  if (unlinkat(r.dir.get(), r.name.c_str(), 0) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno path_rename(Call& call) {
  ResolvedPath from, to;
  if (Errno e =
          resolve_guest_path(call, call.u32(0), kRightPathRenameSource, call.u32(1), call.u32(2), Follow::kNo, from);
      e != Errno::kSuccess)
    return e;
  if (Errno e =
          resolve_guest_path(call, call.u32(3), kRightPathRenameTarget, call.u32(4), call.u32(5), Follow::kNo, to);
      e != Errno::kSuccess)
    return e;
  if (to.trailing_slash && !from.trailing_slash) from.trailing_slash = true;  // "file" -> "dir/" needs a directory
  if (Errno e = check_trailing_slash(from); e != Errno::kSuccess) return e;
  if (renameat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str()) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno path_readlink(Call& call) {
  const uint32_t buf = call.u32(3), buf_len = call.u32(4), used_ptr = call.u32(5);
  if (!call.mem.valid(buf, buf_len) || !call.mem.valid(used_ptr, 4)) return Errno::kFault;
  ResolvedPath r;
  if (Errno e = resolve_guest_path(call, call.u32(0), kRightPathReadlink, call.u32(1), call.u32(2), Follow::kNo, r);
      e != Errno::kSuccess)
    return e;
  char target[PATH_MAX];
  const ssize_t n = readlinkat(r.dir.get(), r.name.c_str(), target, sizeof target);
  if (n < 0) return last_host_errno();
  // Like readlink(2), a small buffer gets the start of the target.
  const uint32_t copied = static_cast<uint32_t>(std::min<uint64_t>(static_cast<uint64_t>(n), buf_len));
  call.mem.store_bytes(buf, target, copied);
  call.mem.store(used_ptr, copied);
  return Errno::kSuccess;
}

// Only relative targets: an absolute one could never be followed inside the sandbox.
Errno path_symlink(Call& call) {
  std::string target;
  if (Errno e = call.mem.load_string(call.u32(0), call.u32(1), target); e != Errno::kSuccess) return e;
  if (target.empty()) return Errno::kNoent;
  if (target[0] == '/') return Errno::kNotcapable;
  ResolvedPath r;
  if (Errno e = resolve_guest_path(call, call.u32(2), kRightPathSymlink, call.u32(3), call.u32(4), Follow::kNo, r);
      e != Errno::kSuccess)
    return e;
  if (symlinkat(target.c_str(), r.dir.get(), r.name.c_str()) != 0) return last_host_errno();
  return Errno::kSuccess;
}

Errno path_link(Call& call) {
  ResolvedPath from, to;
  if (Errno e = resolve_guest_path(call, call.u32(0), kRightPathLinkSource, call.u32(2), call.u32(3),
                                   follow_from(call.u32(1)), from);
      e != Errno::kSuccess)
    return e;
  if (Errno e = resolve_guest_path(call, call.u32(4), kRightPathLinkTarget, call.u32(5), call.u32(6), Follow::kNo, to);
      e != Errno::kSuccess)
    return e;
  if (linkat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str(), 0) != 0) return last_host_errno();
  return Errno::kSuccess;
}

constexpr HostDef kFunctions[] = {
    {"path_create_directory", "fd:i path:i path_len:i", path_create_directory},
    {"path_filestat_get", "fd:i flags:i path:i path_len:i buf:i", path_filestat_get},
    {"path_filestat_set_times", "fd:i flags:i path:i path_len:i atim:I mtim:I fst_flags:i", path_filestat_set_times},
    {"path_link", "old_fd:i old_flags:i old_path:i old_path_len:i new_fd:i new_path:i new_path_len:i", path_link},
    {"path_open", "fd:i dirflags:i path:i path_len:i oflags:i rights_base:I rights_inheriting:I fdflags:i fd_out:i",
     path_open},
    {"path_readlink", "fd:i path:i path_len:i buf:i buf_len:i bufused:i", path_readlink},
    {"path_remove_directory", "fd:i path:i path_len:i", path_remove_directory},
    {"path_rename", "fd:i old_path:i old_path_len:i new_fd:i new_path:i new_path_len:i", path_rename},
    {"path_symlink", "old_path:i old_path_len:i fd:i new_path:i new_path_len:i", path_symlink},
    {"path_unlink_file", "fd:i path:i path_len:i", path_unlink_file},
};

}  // namespace

Errno path_filestat_get_abi(Call& call, Abi abi) {
  const uint32_t out = call.u32(4);
  if (!call.mem.valid(out, filestat_size(abi))) return Errno::kFault;
  ResolvedPath r;
  if (Errno e = resolve_guest_path(call, call.u32(0), kRightPathFilestatGet, call.u32(2), call.u32(3),
                                   follow_from(call.u32(1)), r);
      e != Errno::kSuccess)
    return e;
  struct stat st {};
  if (fstatat(r.dir.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_host_errno();
  if (r.trailing_slash && !S_ISDIR(st.st_mode)) return Errno::kNotdir;
  store_filestat(call.mem, out, st, abi);
  return Errno::kSuccess;
}

std::span<const HostDef> path_functions() { return kFunctions; }

}  // namespace kiln::wasi
