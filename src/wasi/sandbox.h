// The sandbox: resolves a guest path beneath a preopened directory so that it can never reach outside it.
#pragma once

#include <string>
#include <string_view>

#include "kiln/wasi/abi.h"

namespace kiln::wasi {

// An owned host descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// Where a guest path leads: an open directory beneath the base and one final
// component to hand to a *at() call. `name` is never empty, never contains a
// '/' and may be "." (for "dir/." or "dir/.."). The caller must not let the
// host follow a symlink at `name` (AT_SYMLINK_NOFOLLOW, O_NOFOLLOW): when the
// guest asked to follow one, resolve_path already did, inside the sandbox.
struct ResolvedPath {
  UniqueFd dir;
  std::string name;
  bool trailing_slash = false;  // the guest wrote "name/": it must be a directory
};

enum class Follow : bool { kNo, kYes };

// Resolves `path` relative to the directory `base`. Absolute paths, ".."
// above `base` and symlinks that lead outside it (absolute targets, too many
// ".."s) fail with ENOTCAPABLE; every other failure is the host's errno.
// Intermediate symlinks are always followed (inside the sandbox); the final
// one only with Follow::kYes or a trailing slash.
Errno resolve_path(int base, std::string_view path, Follow follow, ResolvedPath& out);

// Opens the directory `path` (relative, may be empty for `base` itself)
// beneath `base` with O_PATH where available: through openat2(RESOLVE_BENEATH)
// when the kernel has it, else one component at a time with O_NOFOLLOW,
// expanding symlinks by hand.
Errno open_directory_beneath(int base, std::string_view path, UniqueFd& out);

// Tests run the sandbox suite on both strategies.
void set_openat2_allowed(bool allowed);
bool openat2_in_use();

}  // namespace kiln::wasi
