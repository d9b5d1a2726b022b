// Tests of the WASI file functions inside a preopened temp dir: open, read, write, seek, stat, readdir, paths.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <map>

#include "wasi_harness.h"

using namespace kiln;
using namespace kiln::test;
using wasi::Errno;

namespace {

constexpr uint32_t kRoot = 3;
constexpr wasi::Rights kReadRights =
    wasi::kRightFdRead | wasi::kRightFdSeek | wasi::kRightFdTell | wasi::kRightFdFilestatGet | wasi::kRightFdReaddir;

WasiOptions options_for(const TempDir& dir) {
  WasiOptions options;
  options.preopens = {{"/sandbox", dir.path()}};
  return options;
}

struct Dirent {
  uint64_t next;
  uint64_t ino;
  uint8_t type;
  std::string name;
};

std::vector<Dirent> parse_dirents(WasiHarness& h, uint32_t buf, uint32_t used) {
  std::vector<Dirent> out;
  uint32_t at = 0;
  while (at + wasi::kDirentSize <= used) {
    Dirent d;
    d.next = h.u64(buf + at);
    d.ino = h.u64(buf + at + 8);
    const uint32_t length = h.u32(buf + at + 16);
    d.type = h.at(buf + at + 20)[0];
    at += wasi::kDirentSize;
    if (at + length > used) break;  // a cut-short record
    d.name = h.get(buf + at, length);
    at += length;
    out.push_back(d);
  }
  return out;
}

}  // namespace

TEST_CASE("wasi fs: path_open, fd_read, fd_seek, fd_tell, fd_pread, fd_close") {
  TempDir dir;
  dir.write("input.txt", "0123456789");
  WasiHarness h(options_for(dir));
  uint32_t fd = 0;
  REQUIRE(h.open(kRoot, "input.txt", &fd, 0, kReadRights) == 0);
  CHECK(fd == 4);
  CHECK(h.read_all(fd) == "0123456789");
  REQUIRE(h.call("fd_seek", {I32(fd), I64(static_cast<uint64_t>(-4)), I32(2), I32(8)}) == 0);  // END
  CHECK(h.u64(8) == 6);
  REQUIRE(h.call("fd_tell", {I32(fd), I32(8)}) == 0);
  CHECK(h.u64(8) == 6);
  CHECK(h.read_all(fd) == "6789");
  REQUIRE(h.call("fd_seek", {I32(fd), I64(2), I32(0), I32(8)}) == 0);  // SET
  REQUIRE(h.call("fd_seek", {I32(fd), I64(1), I32(1), I32(8)}) == 0);  // CUR
  CHECK(h.u64(8) == 3);
  CHECK(h.call("fd_seek", {I32(fd), I64(0), I32(3), I32(8)}) == err(Errno::kInval));
  h.iovec(16, 100, 3);
  REQUIRE(h.call("fd_pread", {I32(fd), I32(16), I32(1), I64(7), I32(8)}) == 0);
  CHECK(h.u32(8) == 3);
  CHECK(h.get(100, 3) == "789");
  REQUIRE(h.call("fd_tell", {I32(fd), I32(8)}) == 0);
  CHECK(h.u64(8) == 3);  // pread leaves the offset alone
  REQUIRE(h.call("fd_filestat_get", {I32(fd), I32(0x300)}) == 0);
  CHECK(h.at(0x310)[0] == static_cast<uint8_t>(wasi::FileType::kRegularFile));
  CHECK(h.u64(0x320) == 10);                     // size
  CHECK(h.u64(0x318) == 1);                      // nlink
  CHECK(h.write(fd, "x") == err(Errno::kBadf));  // opened without write rights
  REQUIRE(h.call("fd_close", {I32(fd)}) == 0);
  CHECK(h.call("fd_close", {I32(fd)}) == err(Errno::kBadf));
  CHECK(h.call("fd_read", {I32(fd), I32(16), I32(1), I32(8)}) == err(Errno::kBadf));
}

TEST_CASE("wasi fs: create, truncate, write, pwrite, append, set size, allocate, sync") {
  TempDir dir;
  WasiHarness h(options_for(dir));
  uint32_t fd = 0;
  CHECK(h.open(kRoot, "new.txt", &fd, 0) == err(Errno::kNoent));
  REQUIRE(h.open(kRoot, "new.txt", &fd, wasi::kOflagCreat | wasi::kOflagTrunc) == 0);
  REQUIRE(h.write(fd, "hello world") == 0);
  CHECK(h.u32(WasiHarness::kCountAt) == 11);
  h.put(100, "W");
  h.iovec(16, 100, 1);
  REQUIRE(h.call("fd_pwrite", {I32(fd), I32(16), I32(1), I64(6), I32(8)}) == 0);
  CHECK(dir.read("new.txt") == "hello World");
  REQUIRE(h.call("fd_filestat_set_size", {I32(fd), I64(5)}) == 0);
  CHECK(dir.read("new.txt") == "hello");
  REQUIRE(h.call("fd_allocate", {I32(fd), I64(0), I64(100)}) == 0);
  REQUIRE(h.call("fd_filestat_get", {I32(fd), I32(0x300)}) == 0);
  CHECK(h.u64(0x320) == 100);
  CHECK(h.call("fd_sync", {I32(fd)}) == 0);
  CHECK(h.call("fd_datasync", {I32(fd)}) == 0);
  CHECK(h.call("fd_advise", {I32(fd), I64(0), I64(10), I32(1)}) == 0);
  CHECK(h.call("fd_advise", {I32(fd), I64(0), I64(10), I32(6)}) == err(Errno::kInval));
  CHECK(h.call("fd_filestat_set_size", {I32(fd), I64(~0ull)}) == err(Errno::kInval));
  REQUIRE(h.call("fd_close", {I32(fd)}) == 0);

  CHECK(h.open(kRoot, "new.txt", &fd, wasi::kOflagCreat | wasi::kOflagExcl) == err(Errno::kExist));
  REQUIRE(h.open(kRoot, "new.txt", &fd, wasi::kOflagTrunc) == 0);
  REQUIRE(h.call("fd_fdstat_set_flags", {I32(fd), I32(wasi::kFdflagAppend)}) == 0);
  REQUIRE(h.write(fd, "ab") == 0);
  REQUIRE(h.call("fd_seek", {I32(fd), I64(0), I32(0), I32(8)}) == 0);
  REQUIRE(h.write(fd, "cd") == 0);
  CHECK(dir.read("new.txt") == "abcd");
  REQUIRE(h.call("fd_fdstat_get", {I32(fd), I32(64)}) == 0);
  CHECK(h.load<uint16_t>(66) == wasi::kFdflagAppend);
  CHECK(h.call("fd_fdstat_set_flags", {I32(fd), I32(wasi::kFdflagSync)}) == err(Errno::kNotsup));

  uint32_t appender = 0;
  REQUIRE(h.open(kRoot, "new.txt", &appender, 0, wasi::kAllRights, 0, wasi::kFdflagAppend) == 0);
  REQUIRE(h.write(appender, "e") == 0);
  CHECK(dir.read("new.txt") == "abcde");
}

TEST_CASE("wasi fs: rights shrink, never grow, and are enforced") {
  TempDir dir;
  dir.write("f", "data");
  WasiHarness h(options_for(dir));
  uint32_t fd = 0;
  REQUIRE(h.open(kRoot, "f", &fd) == 0);
  const wasi::Rights only_seek = wasi::kRightFdSeek | wasi::kRightFdTell;
  REQUIRE(h.call("fd_fdstat_set_rights", {I32(fd), I64(only_seek), I64(0)}) == 0);
  h.iovec(16, 100, 4);
  CHECK(h.call("fd_read", {I32(fd), I32(16), I32(1), I32(8)}) == err(Errno::kBadf));
  CHECK(h.call("fd_filestat_get", {I32(fd), I32(0x300)}) == err(Errno::kNotcapable));
  CHECK(h.call("fd_fdstat_set_rights", {I32(fd), I64(wasi::kRightFdRead), I64(0)}) == err(Errno::kNotcapable));
  REQUIRE(h.call("fd_fdstat_get", {I32(fd), I32(64)}) == 0);
  CHECK(h.u64(72) == only_seek);

  // A directory hands down at most its inheriting rights.
  uint32_t sub = 0;
  dir.mkdir("d");
  REQUIRE(h.open(kRoot, "d", &sub, wasi::kOflagDirectory) == 0);
  REQUIRE(h.call("fd_fdstat_set_rights", {I32(sub), I64(wasi::kDirectoryRights), I64(wasi::kRightFdRead)}) == 0);
  dir.write("d/g", "x");
  uint32_t g = 0;
  REQUIRE(h.open(sub, "g", &g) == 0);
  REQUIRE(h.call("fd_fdstat_get", {I32(g), I32(64)}) == 0);
  CHECK(h.u64(72) == wasi::kRightFdRead);
  CHECK(h.write(g, "y") == err(Errno::kBadf));
  CHECK(h.read_all(g) == "x");
  // path functions on a file descriptor, or without the right, fail.
  CHECK(h.open(g, "x", &fd) == err(Errno::kNotdir));
  REQUIRE(h.call("fd_fdstat_set_rights", {I32(sub), I64(wasi::kRightFdReaddir), I64(0)}) == 0);
  CHECK(h.open(sub, "g", &fd) == err(Errno::kNotcapable));
}

TEST_CASE("wasi fs: fd_readdir lists sorted entries with cookies and resumes after a short buffer") {
  TempDir dir;
  dir.write("b.txt", "1");
  dir.write("a.txt", "22");
  dir.mkdir("c");
  WasiHarness h(options_for(dir));
  REQUIRE(h.call("fd_readdir", {I32(kRoot), I32(0x2000), I32(4096), I64(0), I32(8)}) == 0);
  const uint32_t used = h.u32(8);
  CHECK(used < 4096);  // the end was reached
  std::vector<Dirent> all = parse_dirents(h, 0x2000, used);
  REQUIRE(all.size() == 5);
  CHECK(all[0].name == ".");
  CHECK(all[1].name == "..");
  CHECK(all[2].name == "a.txt");
  CHECK(all[3].name == "b.txt");
  CHECK(all[4].name == "c");
  CHECK(all[2].type == static_cast<uint8_t>(wasi::FileType::kRegularFile));
  CHECK(all[4].type == static_cast<uint8_t>(wasi::FileType::kDirectory));
  struct stat st {};
  REQUIRE(::stat((dir / "a.txt").c_str(), &st) == 0);
  CHECK(all[2].ino == st.st_ino);
  for (size_t i = 0; i < all.size(); ++i) CHECK(all[i].next == i + 1);

  // A 30-byte buffer holds one record and the start of the next.
  std::map<std::string, int> seen;
  uint64_t cookie = 0;
  for (int round = 0; round < 20; ++round) {
    REQUIRE(h.call("fd_readdir", {I32(kRoot), I32(0x2000), I32(30), I64(cookie), I32(8)}) == 0);
    std::vector<Dirent> part = parse_dirents(h, 0x2000, h.u32(8));
    if (part.empty()) break;
    seen[part[0].name]++;
    cookie = part[0].next;
  }
  CHECK(seen.size() == 5);
  CHECK(seen["c"] == 1);
  REQUIRE(h.call("fd_readdir", {I32(kRoot), I32(0x2000), I32(100), I64(99), I32(8)}) == 0);
  CHECK(h.u32(8) == 0);

  uint32_t file = 0;
  REQUIRE(h.open(kRoot, "a.txt", &file) == 0);
  CHECK(h.call("fd_readdir", {I32(file), I32(0x2000), I32(100), I64(0), I32(8)}) == err(Errno::kNotcapable));
  CHECK(h.call("fd_readdir", {I32(kRoot), I32(0xFFF0), I32(100), I64(0), I32(8)}) == err(Errno::kFault));
}

TEST_CASE("wasi fs: directories, unlink, rename, filestat by path") {
  TempDir dir;
  WasiHarness h(options_for(dir));
  REQUIRE(h.path_call("path_create_directory", kRoot, "d") == 0);
  CHECK(h.path_call("path_create_directory", kRoot, "d") == err(Errno::kExist));
  REQUIRE(h.path_call("path_create_directory", kRoot, "d/e/") == 0);
  CHECK(dir.exists("d/e"));
  dir.write("d/e/f", "x");
  CHECK(h.path_call("path_remove_directory", kRoot, "d/e") == err(Errno::kNotempty));
  CHECK(h.path_call("path_unlink_file", kRoot, "d/e") == err(Errno::kIsdir));
  CHECK(h.path_call("path_unlink_file", kRoot, "d/e/f/") == err(Errno::kNotdir));
  REQUIRE(h.path_call("path_unlink_file", kRoot, "d/e/f") == 0);
  CHECK_FALSE(dir.exists("d/e/f"));
  CHECK(h.path_call("path_remove_directory", kRoot, "d/e/.") == err(Errno::kInval));
  REQUIRE(h.path_call("path_remove_directory", kRoot, "d/e") == 0);
  CHECK_FALSE(dir.exists("d/e"));

  dir.write("old", "content");
  h.put(0x1000, "old");
  h.put(0x1100, "d/new");
  REQUIRE(h.call("path_rename", {I32(kRoot), I32(0x1000), I32(3), I32(kRoot), I32(0x1100), I32(5)}) == 0);
  CHECK(dir.read("d/new") == "content");
  CHECK_FALSE(dir.exists("old"));

  h.put(0x1000, "d/new");
  REQUIRE(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(5), I32(0x300)}) == 0);
  CHECK(h.at(0x310)[0] == static_cast<uint8_t>(wasi::FileType::kRegularFile));
  CHECK(h.u64(0x320) == 7);
  h.put(0x1000, "d/new/");
  CHECK(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(6), I32(0x300)}) == err(Errno::kNotdir));
  h.put(0x1000, "d/..");
  REQUIRE(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(4), I32(0x300)}) == 0);
  CHECK(h.at(0x310)[0] == static_cast<uint8_t>(wasi::FileType::kDirectory));
  CHECK(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(0), I32(0x300)}) == err(Errno::kNoent));

  // Timestamps: set mtime to a fixed value, atime to now.
  h.put(0x1000, "d/new");
  REQUIRE(h.call("path_filestat_set_times", {I32(kRoot), I32(0), I32(0x1000), I32(5), I64(0), I64(1'500'000'000ull),
                                             I32(wasi::kFstflagMtim | wasi::kFstflagAtimNow)}) == 0);
  REQUIRE(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(5), I32(0x300)}) == 0);
  CHECK(h.u64(0x330) == 1'500'000'000ull);  // mtim
  CHECK(h.call("path_filestat_set_times", {I32(kRoot), I32(0), I32(0x1000), I32(5), I64(0), I64(0),
                                           I32(wasi::kFstflagMtim | wasi::kFstflagMtimNow)}) == err(Errno::kInval));
}

TEST_CASE("wasi fs: symlinks and hard links inside the sandbox") {
  TempDir dir;
  dir.mkdir("sub");
  dir.write("sub/target.txt", "through the link");
  WasiHarness h(options_for(dir));
  h.put(0x1100, "sub/target.txt");
  h.put(0x1200, "link");
  REQUIRE(h.call("path_symlink", {I32(0x1100), I32(14), I32(kRoot), I32(0x1200), I32(4)}) == 0);
  h.iovec(16, 0, 0);
  REQUIRE(h.call("path_readlink", {I32(kRoot), I32(0x1200), I32(4), I32(0x3000), I32(100), I32(8)}) == 0);
  CHECK(h.get(0x3000, h.u32(8)) == "sub/target.txt");
  REQUIRE(h.call("path_readlink", {I32(kRoot), I32(0x1200), I32(4), I32(0x3000), I32(3), I32(8)}) == 0);
  CHECK(h.u32(8) == 3);

  uint32_t fd = 0;
  REQUIRE(h.open(kRoot, "link", &fd) == 0);
  CHECK(h.read_all(fd) == "through the link");
  CHECK(h.open(kRoot, "link", &fd, 0, wasi::kAllRights, /*lookup=*/0) == err(Errno::kLoop));

  h.put(0x1000, "link");
  REQUIRE(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(4), I32(0x300)}) == 0);
  CHECK(h.at(0x310)[0] == static_cast<uint8_t>(wasi::FileType::kSymbolicLink));
  REQUIRE(h.call("path_filestat_get", {I32(kRoot), I32(wasi::kLookupSymlinkFollow), I32(0x1000), I32(4), I32(0x300)}) ==
          0);
  CHECK(h.at(0x310)[0] == static_cast<uint8_t>(wasi::FileType::kRegularFile));

  h.put(0x1100, "hard");
  REQUIRE(h.call("path_link", {I32(kRoot), I32(wasi::kLookupSymlinkFollow), I32(0x1000), I32(4), I32(kRoot),
                               I32(0x1100), I32(4)}) == 0);
  CHECK(dir.read("hard") == "through the link");
  struct stat st {};
  REQUIRE(::lstat((dir / "hard").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(st.st_nlink == 2);
}

TEST_CASE("wasi fs: fd_renumber moves a descriptor and closes the one it replaces") {
  TempDir dir;
  dir.write("a", "A");
  dir.write("b", "B");
  WasiHarness h(options_for(dir));
  uint32_t a = 0, b = 0;
  REQUIRE(h.open(kRoot, "a", &a) == 0);
  REQUIRE(h.open(kRoot, "b", &b) == 0);
  REQUIRE(h.call("fd_renumber", {I32(b), I32(a)}) == 0);
  CHECK(h.read_all(a) == "B");
  CHECK(h.call("fd_close", {I32(b)}) == err(Errno::kBadf));
  CHECK(h.call("fd_renumber", {I32(a), I32(42)}) == err(Errno::kBadf));
  CHECK(h.call("fd_renumber", {I32(a), I32(a)}) == 0);
  // The lowest free number is reused.
  uint32_t c = 0;
  REQUIRE(h.open(kRoot, "a", &c) == 0);
  CHECK(c == b);
}

TEST_CASE("wasi fs: a preopen can be read through wasi_unstable's layouts") {
  TempDir dir;
  dir.write("f", "0123456789");
  WasiHarness h(options_for(dir));
  uint32_t fd = 0;
  REQUIRE(h.open(kRoot, "f", &fd) == 0);
  // wasi_unstable: whence 0 = cur, 1 = end, 2 = set.
  REQUIRE(h.call("fd_seek", {I32(fd), I64(static_cast<uint64_t>(-3)), I32(1), I32(8)}, kWasiUnstableModule) == 0);
  CHECK(h.u64(8) == 7);
  REQUIRE(h.call("fd_seek", {I32(fd), I64(2), I32(2), I32(8)}, kWasiUnstableModule) == 0);
  CHECK(h.u64(8) == 2);
  REQUIRE(h.call("fd_seek", {I32(fd), I64(1), I32(0), I32(8)}, kWasiUnstableModule) == 0);
  CHECK(h.u64(8) == 3);
  // The 56-byte filestat: nlink u32 at 20, size at 24.
  std::memset(h.at(0x300), 0xEE, 64);
  REQUIRE(h.call("fd_filestat_get", {I32(fd), I32(0x300)}, kWasiUnstableModule) == 0);
  CHECK(h.at(0x310)[0] == static_cast<uint8_t>(wasi::FileType::kRegularFile));
  CHECK(h.u32(0x314) == 1);
  CHECK(h.u64(0x318) == 10);
  CHECK(h.at(0x338)[0] == 0xEE);  // nothing written past 56 bytes
  h.put(0x1000, "f");
  REQUIRE(h.call("path_filestat_get", {I32(kRoot), I32(0), I32(0x1000), I32(1), I32(0x300)}, kWasiUnstableModule) == 0);
  CHECK(h.u64(0x318) == 10);
}
