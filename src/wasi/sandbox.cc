// Path resolution beneath a preopened directory: openat2(RESOLVE_BENEATH) or a component-by-component walk.
#include "sandbox.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <deque>
#include <vector>

#if defined(__linux__) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// Linux's own limit on symlinks expanded while resolving one path.
constexpr int kMaxSymlinks = 40;

#ifdef O_PATH
constexpr int kDirOpenFlags = O_PATH | O_DIRECTORY | O_CLOEXEC;
#else
constexpr int kDirOpenFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
#endif

#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
constexpr bool kHaveOpenat2 = true;
#else
constexpr bool kHaveOpenat2 = false;
#endif

// -1 unknown, 0 unusable, 1 working. The walk is always correct; openat2 only
// saves syscalls, so any doubt about it (seccomp filters answer EPERM or
// ENOSYS) switches it off for the process.
std::atomic<int> g_openat2_state{kHaveOpenat2 ? -1 : 0};
std::atomic<bool> g_openat2_allowed{true};

// Reads the symlink `name` in `dir`. Returns false when it is not a symlink
// (or cannot be read); `error` then holds the errno to report.
bool read_symlink(int dir, const std::string& name, std::string& target, Errno& error) {
  char buffer[PATH_MAX];
  const ssize_t n = readlinkat(dir, name.c_str(), buffer, sizeof buffer);
  if (n < 0) {
    error = last_host_errno();
    return false;
  }
  if (static_cast<size_t>(n) >= sizeof buffer) {
    error = Errno::kNametoolong;
    return true;
  }
  target.assign(buffer, static_cast<size_t>(n));
  error = Errno::kSuccess;
  return true;
}

// A symlink's target may continue a walk only when it is relative and non-empty.
Errno check_symlink_target(const std::string& target) {
  if (target.empty()) return Errno::kNoent;
  if (target[0] == '/') return Errno::kNotcapable;
  return Errno::kSuccess;
}

void push_components_front(std::deque<std::string>& queue, std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) queue.push_front(std::move(*it));
}

Errno dup_directory(int base, UniqueFd& out) {
  const int fd = openat(base, ".", kDirOpenFlags);
  if (fd < 0) return last_host_errno();
  out.reset(fd);
  return Errno::kSuccess;
}

// The portable strategy: a stack of open directories, one per level below
// `base`. ".." pops the stack (never below `base`), a symlink is read and its
// target spliced into the remaining components, so every step is an openat()
// with O_NOFOLLOW of a single name in a directory already known to be inside.
Errno walk_beneath(int base, std::string_view path, UniqueFd& out) {
  std::deque<std::string> queue;
  push_components_front(queue, path);
  std::vector<UniqueFd> stack;  // stack[i] is the directory at depth i + 1
  int symlinks = 0;
  while (!queue.empty()) {
    std::string component = std::move(queue.front());
    queue.pop_front();
    if (component == ".") continue;
    const int top = stack.empty() ? base : stack.back().get();
    if (component == "..") {
      if (stack.empty()) return Errno::kNotcapable;
      stack.pop_back();
      continue;
    }
    const int fd = openat(top, component.c_str(), kDirOpenFlags | O_NOFOLLOW);
    if (fd >= 0) {
      stack.emplace_back(fd);
      continue;
    }
    const int open_error = errno;
    // A symlink shows as ELOOP (or ENOTDIR with O_PATH | O_DIRECTORY).
    if (open_error != ELOOP && open_error != ENOTDIR) return errno_from_host(open_error);
    std::string target;
    Errno error = Errno::kSuccess;
    if (!read_symlink(top, component, target, error)) return errno_from_host(open_error);
    if (error != Errno::kSuccess) return error;
    if (++symlinks > kMaxSymlinks) return Errno::kLoop;
    if (Errno e = check_symlink_target(target); e != Errno::kSuccess) return e;
    push_components_front(queue, target);
  }
  if (stack.empty()) return dup_directory(base, out);
  out = std::move(stack.back());
  return Errno::kSuccess;
}

#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
// One syscall; the kernel enforces the same rules (EXDEV for an escape).
// Returns false when openat2 is unusable and the caller should walk instead.
bool openat2_beneath(int base, std::string_view path, UniqueFd& out, Errno& error) {
  std::string rel = path.empty() ? std::string(".") : std::string(path);
  open_how how{};
  how.flags = static_cast<uint64_t>(kDirOpenFlags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const long fd = syscall(SYS_openat2, base, rel.c_str(), &how, sizeof how);
    if (fd >= 0) {
      g_openat2_state.store(1);
      out.reset(static_cast<int>(fd));
      error = Errno::kSuccess;
      return true;
    }
    const int e = errno;
    if (e == EAGAIN || e == EINTR) continue;  // a concurrent rename: try again, then walk
    if (e == ENOSYS || e == EPERM || (e == EINVAL && g_openat2_state.load() != 1)) {
      g_openat2_state.store(0);
      return false;
    }
    error = e == EXDEV ? Errno::kNotcapable : errno_from_host(e);
    return true;
  }
  return false;
}
#endif

}  // namespace

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

void set_openat2_allowed(bool allowed) { g_openat2_allowed.store(allowed); }

bool openat2_in_use() {
  if (!g_openat2_allowed.load() || g_openat2_state.load() == 0) return false;
  if (g_openat2_state.load() == 1) return true;
  UniqueFd probe;
  return open_directory_beneath(AT_FDCWD, "", probe) == Errno::kSuccess && g_openat2_state.load() == 1;
}

Errno open_directory_beneath(int base, std::string_view path, UniqueFd& out) {
  if (!path.empty() && path[0] == '/') return Errno::kNotcapable;
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
  if (g_openat2_allowed.load() && g_openat2_state.load() != 0) {
    Errno error = Errno::kSuccess;
    if (openat2_beneath(base, path, out, error)) return error;
  }
#endif
  return walk_beneath(base, path, out);
}

Errno resolve_path(int base, std::string_view path, Follow follow, ResolvedPath& out) {
  if (path.empty()) return Errno::kNoent;
  if (path[0] == '/') return Errno::kNotcapable;
  std::string current(path);
  for (int hops = 0;; ++hops) {
    bool trailing_slash = false;
    while (current.size() > 1 && current.back() == '/') {
      current.pop_back();
      trailing_slash = true;
    }
    const size_t slash = current.rfind('/');
    const std::string parent = slash == std::string::npos ? std::string() : current.substr(0, slash);
    std::string name = slash == std::string::npos ? current : current.substr(slash + 1);
    if (name == "." || name == "..") {
      // The path names a directory itself: open it and work on ".".
      if (Errno e = open_directory_beneath(base, current, out.dir); e != Errno::kSuccess) return e;
      out.name = ".";
      out.trailing_slash = trailing_slash;
      return Errno::kSuccess;
    }
    if (Errno e = open_directory_beneath(base, parent, out.dir); e != Errno::kSuccess) return e;
    if (follow == Follow::kNo && !trailing_slash) {
      out.name = std::move(name);
      out.trailing_slash = false;
      return Errno::kSuccess;
    }
    std::string target;
    Errno error = Errno::kSuccess;
    if (!read_symlink(out.dir.get(), name, target, error)) {
      // Not a symlink (or missing, for a file about to be created).
      out.name = std::move(name);
      out.trailing_slash = trailing_slash;
      return Errno::kSuccess;
    }
    if (error != Errno::kSuccess) return error;
    if (hops >= kMaxSymlinks) return Errno::kLoop;
    if (Errno e = check_symlink_target(target); e != Errno::kSuccess) return e;
    // The target is relative to the link's directory, whose guest path is `parent`.
    current = parent.empty() ? target : parent + "/" + target;
    if (trailing_slash) current += '/';
  }
}

}  // namespace kiln::wasi
