// Tests that a guest path never leaves its preopen: each escape attempt fails, each legal path works, on both
// resolvers.
#include <doctest/doctest.h>

#include "wasi/sandbox.h"
#include "wasi_harness.h"

using namespace kiln;
using namespace kiln::test;
using wasi::Errno;

namespace {

constexpr uint32_t kRoot = 3;

// outside/            <- must stay unreachable
//   secret.txt
//   jail/             <- the preopen
//     inside.txt
//     a/b/deep.txt
//     ok_link    -> a/b/deep.txt
//     dir_link   -> a
//     up_ok      -> a/b/../../inside.txt
//     abs_link   -> <outside>/secret.txt (absolute)
//     up_link    -> ../secret.txt
//     a/far_link -> ../../secret.txt
//     chain1     -> a/chain2,  a/chain2 -> ../../outside_dir
//     loop1 -> loop2, loop2 -> loop1
struct Jail {
  TempDir outside;
  std::string jail;
  Jail() {
    outside.write("secret.txt", "secret");
    outside.mkdir("jail/a/b");
    outside.mkdir("outside_dir");
    outside.write("outside_dir/x", "x");
    jail = outside / "jail";
    outside.write("jail/inside.txt", "inside");
    outside.write("jail/a/b/deep.txt", "deep");
    outside.symlink("a/b/deep.txt", "jail/ok_link");
    outside.symlink("a", "jail/dir_link");
    outside.symlink("a/b/../../inside.txt", "jail/up_ok");
    outside.symlink(outside / "secret.txt", "jail/abs_link");
    outside.symlink("../secret.txt", "jail/up_link");
    outside.symlink("../../secret.txt", "jail/a/far_link");
    outside.symlink("a/chain2", "jail/chain1");
    outside.symlink("../../outside_dir", "jail/a/chain2");
    outside.symlink("loop2", "jail/loop1");
    outside.symlink("loop1", "jail/loop2");
  }
  WasiOptions options() const {
    WasiOptions o;
    o.preopens = {{"/", jail}};
    return o;
  }
};

// Runs the body once with openat2 (where the kernel has it) and once with
// the component-by-component walk.
template <typename Body>
void on_both_resolvers(Body body) {
  for (bool allow : {true, false}) {
    CAPTURE(allow);
    wasi::set_openat2_allowed(allow);
    body();
  }
  wasi::set_openat2_allowed(true);
}

std::string read_path(WasiHarness& h, std::string_view path, uint32_t& result) {
  uint32_t fd = 0;
  result = h.open(kRoot, path, &fd, 0, wasi::kRightFdRead);
  if (result != 0) return "";
  std::string content = h.read_all(fd);
  h.call("fd_close", {I32(fd)});
  return content;
}

}  // namespace

TEST_CASE("sandbox: legal paths inside the preopen work") {
  on_both_resolvers([] {
    Jail j;
    WasiHarness h(j.options());
    uint32_t e = 0;
    CHECK(read_path(h, "inside.txt", e) == "inside");
    CHECK(read_path(h, "./a/./b/deep.txt", e) == "deep");
    CHECK(read_path(h, "a//b///deep.txt", e) == "deep");
    CHECK(read_path(h, "a/b/../../inside.txt", e) == "inside");
    CHECK(read_path(h, "ok_link", e) == "deep");
    CHECK(read_path(h, "dir_link/b/deep.txt", e) == "deep");
    CHECK(read_path(h, "dir_link/../inside.txt", e) == "inside");
    CHECK(read_path(h, "up_ok", e) == "inside");
    uint32_t fd = 0;
    CHECK(h.open(kRoot, ".", &fd, wasi::kOflagDirectory) == 0);
    CHECK(h.open(kRoot, "a/..", &fd, wasi::kOflagDirectory) == 0);
    CHECK(h.open(kRoot, "dir_link/", &fd, wasi::kOflagDirectory) == 0);
    CHECK(read_path(h, "missing.txt", e).empty());
    CHECK(e == err(Errno::kNoent));
    CHECK(read_path(h, "inside.txt/x", e).empty());
    CHECK(e == err(Errno::kNotdir));
  });
}

TEST_CASE("sandbox: absolute paths and '..' above the root are ENOTCAPABLE") {
  on_both_resolvers([] {
    Jail j;
    WasiHarness h(j.options());
    uint32_t e = 0;
    for (const char* path :
         {"/etc/passwd", "/", "../secret.txt", "..", "../", "a/../../secret.txt", "a/b/../../../secret.txt",
          "./../jail/inside.txt", "a/b/../../..", "dir_link/../../secret.txt"}) {
      CAPTURE(path);
      CHECK(read_path(h, path, e).empty());
      CHECK(e == err(Errno::kNotcapable));
    }
    // Even a path that comes back inside is refused once it has left.
    CHECK(read_path(h, "../jail/inside.txt", e).empty());
    CHECK(e == err(Errno::kNotcapable));
  });
}

TEST_CASE("sandbox: symlinks leading outside are ENOTCAPABLE, whether followed or walked through") {
  on_both_resolvers([] {
    Jail j;
    WasiHarness h(j.options());
    uint32_t e = 0;
    for (const char* path : {"abs_link", "up_link", "a/far_link", "chain1/x", "abs_link/", "chain1"}) {
      CAPTURE(path);
      CHECK(read_path(h, path, e).empty());
      CHECK(e == err(Errno::kNotcapable));
    }
    // Not following the final link opens nothing (ELOOP) and reveals nothing.
    uint32_t fd = 0;
    CHECK(h.open(kRoot, "abs_link", &fd, 0, wasi::kRightFdRead, /*lookup=*/0) == err(Errno::kLoop));
    // Stat without following describes the link itself; following is refused.
    h.put(0x1000, "up_link");
    REQUIRE(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(7), I32(0x300)}) == 0);
    CHECK(h.at(0x310)[0] == static_cast<uint8_t>(wasi::FileType::kSymbolicLink));
    CHECK(h.call("path_filestat_get", {I32(kRoot), I32(wasi::kLookupSymlinkFollow), I32(0x1000), I32(7), I32(0x300)}) ==
          err(Errno::kNotcapable));
    CHECK(read_path(h, "loop1", e).empty());
    CHECK(e == err(Errno::kLoop));
  });
}

TEST_CASE("sandbox: modifying calls cannot reach outside either") {
  on_both_resolvers([] {
    Jail j;
    WasiHarness h(j.options());
    uint32_t fd = 0;
    CHECK(h.open(kRoot, "../created.txt", &fd, wasi::kOflagCreat) == err(Errno::kNotcapable));
    CHECK(h.open(kRoot, "chain1/created.txt", &fd, wasi::kOflagCreat) == err(Errno::kNotcapable));
    CHECK_FALSE(j.outside.exists("created.txt"));
    CHECK_FALSE(j.outside.exists("outside_dir/created.txt"));
    // O_CREAT through a final symlink that points outside.
    CHECK(h.open(kRoot, "up_link", &fd, wasi::kOflagCreat | wasi::kOflagTrunc) == err(Errno::kNotcapable));
    CHECK(j.outside.read("secret.txt") == "secret");

    CHECK(h.path_call("path_create_directory", kRoot, "../newdir") == err(Errno::kNotcapable));
    CHECK(h.path_call("path_create_directory", kRoot, "chain1/newdir") == err(Errno::kNotcapable));
    CHECK_FALSE(j.outside.exists("newdir"));
    CHECK(h.path_call("path_unlink_file", kRoot, "../secret.txt") == err(Errno::kNotcapable));
    CHECK(h.path_call("path_unlink_file", kRoot, "chain1/x") == err(Errno::kNotcapable));
    CHECK(h.path_call("path_remove_directory", kRoot, "../outside_dir") == err(Errno::kNotcapable));
    CHECK(j.outside.exists("secret.txt"));
    CHECK(j.outside.exists("outside_dir/x"));
    // Unlinking a link that points outside removes the link only.
    CHECK(h.path_call("path_unlink_file", kRoot, "abs_link") == 0);
    CHECK(j.outside.exists("secret.txt"));

    h.put(0x1000, "inside.txt");
    h.put(0x1100, "../moved.txt");
    CHECK(h.call("path_rename", {I32(kRoot), I32(0x1000), I32(10), I32(kRoot), I32(0x1100), I32(12)}) ==
          err(Errno::kNotcapable));
    h.put(0x1000, "../secret.txt");
    h.put(0x1100, "stolen.txt");
    CHECK(h.call("path_rename", {I32(kRoot), I32(0x1000), I32(13), I32(kRoot), I32(0x1100), I32(10)}) ==
          err(Errno::kNotcapable));
    CHECK(h.call("path_link", {I32(kRoot), I32(0), I32(0x1000), I32(13), I32(kRoot), I32(0x1100), I32(10)}) ==
          err(Errno::kNotcapable));
    h.put(0x1000, "up_link");
    CHECK(h.call("path_link", {I32(kRoot), I32(wasi::kLookupSymlinkFollow), I32(0x1000), I32(7), I32(kRoot),
                               I32(0x1100), I32(10)}) == err(Errno::kNotcapable));
    CHECK_FALSE(j.outside.exists("jail/stolen.txt"));

    // An absolute symlink target is refused; a relative one is created (and
    // refused later if it leads outside).
    h.put(0x1000, "/etc/passwd");
    h.put(0x1100, "new_link");
    CHECK(h.call("path_symlink", {I32(0x1000), I32(11), I32(kRoot), I32(0x1100), I32(8)}) == err(Errno::kNotcapable));
    h.put(0x1000, "../../../../../etc/passwd");
    REQUIRE(h.call("path_symlink", {I32(0x1000), I32(25), I32(kRoot), I32(0x1100), I32(8)}) == 0);
    uint32_t e = 0;
    CHECK(read_path(h, "new_link", e).empty());
    CHECK(e == err(Errno::kNotcapable));
    h.put(0x1200, "../x");
    CHECK(h.call("path_symlink", {I32(0x1000), I32(25), I32(kRoot), I32(0x1200), I32(4)}) == err(Errno::kNotcapable));
  });
}

TEST_CASE("sandbox: a directory opened inside the preopen is its own root") {
  on_both_resolvers([] {
    Jail j;
    WasiHarness h(j.options());
    uint32_t a = 0, fd = 0;
    REQUIRE(h.open(kRoot, "a", &a, wasi::kOflagDirectory) == 0);
    CHECK(h.open(a, "b/deep.txt", &fd) == 0);
    CHECK(h.open(a, "../inside.txt", &fd) == err(Errno::kNotcapable));
    CHECK(h.open(a, "far_link", &fd) == err(Errno::kNotcapable));
  });
}

TEST_CASE("sandbox: NUL bytes, bad pointers and non-directories are refused") {
  Jail j;
  WasiHarness h(j.options());
  uint32_t fd = 0;
  CHECK(h.open(kRoot, std::string_view("inside.txt\0/../../secret.txt", 28), &fd) == err(Errno::kIlseq));
  CHECK(h.call("path_open", {I32(kRoot), I32(0), I32(0xFFFF), I32(2), I32(0), I64(0), I64(0), I32(0), I32(0)}) ==
        err(Errno::kFault));
  CHECK(h.call("path_open", {I32(kRoot), I32(0), I32(0), I32(1), I32(0), I64(0), I64(0), I32(0), I32(0xFFFF)}) ==
        err(Errno::kFault));
  CHECK(h.open(1, "x", &fd) == err(Errno::kNotdir));
  CHECK(h.open(77, "x", &fd) == err(Errno::kBadf));
  CHECK(h.open(kRoot, "", &fd) == err(Errno::kNoent));
  // A huge length is refused before the host copies anything.
  CHECK(h.call("path_open", {I32(kRoot), I32(0), I32(0), I32(60000), I32(0), I64(0), I64(0), I32(0), I32(0)}) ==
        err(Errno::kNametoolong));
}

TEST_CASE("sandbox: resolve_path and open_directory_beneath directly") {
  Jail j;
  wasi::UniqueFd root(::open(j.jail.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  REQUIRE(root);
  on_both_resolvers([&] {
    wasi::ResolvedPath r;
    REQUIRE(wasi::resolve_path(root.get(), "a/b/deep.txt", wasi::Follow::kNo, r) == Errno::kSuccess);
    CHECK(r.name == "deep.txt");
    REQUIRE(wasi::resolve_path(root.get(), "ok_link", wasi::Follow::kYes, r) == Errno::kSuccess);
    CHECK(r.name == "deep.txt");
    REQUIRE(wasi::resolve_path(root.get(), "ok_link", wasi::Follow::kNo, r) == Errno::kSuccess);
    CHECK(r.name == "ok_link");
    REQUIRE(wasi::resolve_path(root.get(), "a/", wasi::Follow::kNo, r) == Errno::kSuccess);
    CHECK(r.name == "a");
    CHECK(r.trailing_slash);
    REQUIRE(wasi::resolve_path(root.get(), "a/b/..", wasi::Follow::kNo, r) == Errno::kSuccess);
    CHECK(r.name == ".");
    CHECK(wasi::resolve_path(root.get(), "..", wasi::Follow::kNo, r) == Errno::kNotcapable);
    wasi::UniqueFd dir;
    CHECK(wasi::open_directory_beneath(root.get(), "", dir) == Errno::kSuccess);
    CHECK(wasi::open_directory_beneath(root.get(), "chain1", dir) == Errno::kNotcapable);
    CHECK(wasi::open_directory_beneath(root.get(), "inside.txt", dir) == Errno::kNotdir);
  });
  MESSAGE("openat2 in use: ", wasi::openat2_in_use());
}
