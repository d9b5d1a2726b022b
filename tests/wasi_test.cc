// Tests of the WASI layer's process-level functions: args, environment, clocks, random, stdio, exit, traces, bounds.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "wasi_harness.h"

using namespace kiln;
using namespace kiln::test;
using wasi::Errno;

TEST_CASE("wasi: args_sizes_get and args_get lay out NUL-terminated strings and pointers") {
  WasiOptions options;
  options.args = {"prog", "-x", ""};
  WasiHarness h(options);
  REQUIRE(h.call("args_sizes_get", {I32(100), I32(104)}) == 0);
  CHECK(h.u32(100) == 3);
  CHECK(h.u32(104) == 5 + 3 + 1);
  REQUIRE(h.call("args_get", {I32(200), I32(300)}) == 0);
  CHECK(h.u32(200) == 300);
  CHECK(h.u32(204) == 305);
  CHECK(h.u32(208) == 308);
  CHECK(h.get(300, 9) == std::string("prog\0-x\0\0", 9));
}

TEST_CASE("wasi: environment is the inherited one overridden by explicit entries") {
  setenv("KILN_WASI_TEST_A", "inherited", 1);
  setenv("KILN_WASI_TEST_B", "kept", 1);
  WasiOptions options;
  options.inherit_env = true;
  options.env = {"KILN_WASI_TEST_A=explicit", "NEW=1"};
  WasiHarness h(options);
  REQUIRE(h.call("environ_sizes_get", {I32(100), I32(104)}) == 0);
  const uint32_t count = h.u32(100), bytes = h.u32(104);
  REQUIRE(count >= 3);
  REQUIRE(h.call("environ_get", {I32(1000), I32(0x4000)}) == 0);
  std::set<std::string> env;
  for (uint32_t i = 0; i < count; ++i) env.insert(reinterpret_cast<const char*>(h.at(h.u32(1000 + 4 * i))));
  CHECK(env.count("KILN_WASI_TEST_A=explicit") == 1);
  CHECK(env.count("KILN_WASI_TEST_A=inherited") == 0);
  CHECK(env.count("KILN_WASI_TEST_B=kept") == 1);
  CHECK(env.count("NEW=1") == 1);
  CHECK(h.at(0x4000 + bytes - 1)[0] == 0);

  WasiOptions bare;
  bare.env = {"ONLY=this"};
  WasiHarness b(bare);
  REQUIRE(b.call("environ_sizes_get", {I32(100), I32(104)}) == 0);
  CHECK(b.u32(100) == 1);
  CHECK(b.u32(104) == 10);
}

TEST_CASE("wasi: every guest pointer is bounds-checked (EFAULT), also without a memory") {
  WasiOptions options;
  options.args = {"prog"};
  WasiHarness h(options);
  const uint32_t end = static_cast<uint32_t>(kPageSize);
  CHECK(h.call("args_sizes_get", {I32(end - 2), I32(0)}) == err(Errno::kFault));
  CHECK(h.call("args_get", {I32(0), I32(end - 2)}) == err(Errno::kFault));
  CHECK(h.call("clock_time_get", {I32(0), I64(0), I32(end - 7)}) == err(Errno::kFault));
  CHECK(h.call("random_get", {I32(end - 10), I32(11)}) == err(Errno::kFault));
  CHECK(h.call("random_get", {I32(0xFFFFFFF0u), I32(0x20)}) == err(Errno::kFault));
  h.iovec(16, end - 4, 8);
  CHECK(h.call("fd_write", {I32(1), I32(16), I32(1), I32(32)}) == err(Errno::kFault));
  CHECK(h.call("fd_write", {I32(1), I32(end - 4), I32(1), I32(32)}) == err(Errno::kFault));
  CHECK(h.call("fd_write", {I32(1), I32(16), I32(0x20000000), I32(32)}) == err(Errno::kFault));
  CHECK(h.call("fd_prestat_dir_name", {I32(0), I32(end), I32(1)}) == err(Errno::kBadf));
  CHECK(h.call("fd_fdstat_get", {I32(1), I32(end - 8)}) == err(Errno::kFault));
  CHECK(h.call("poll_oneoff", {I32(end - 8), I32(0), I32(1), I32(0)}) == err(Errno::kFault));

  WasiHarness none(options, 0, /*with_memory=*/false);
  CHECK(none.call("args_sizes_get", {I32(0), I32(4)}) == err(Errno::kFault));
  CHECK(none.call("fd_close", {I32(2)}) == 0);  // functions without pointers still work
}

TEST_CASE("wasi: a host function called with the wrong number of values traps instead of crashing") {
  WasiHarness h;
  std::optional<Trap> trap;
  h.call_raw("fd_write", {I32(1)}, trap);
  REQUIRE(trap);
  CHECK(trap->kind == TrapKind::kHostError);
}

TEST_CASE("wasi: real clocks") {
  WasiHarness h;
  REQUIRE(h.call("clock_time_get", {I32(0), I64(1), I32(8)}) == 0);
  CHECK(h.u64(8) > 1'600'000'000ull * 1'000'000'000ull);  // after 2020
  REQUIRE(h.call("clock_time_get", {I32(1), I64(1), I32(8)}) == 0);
  const uint64_t first = h.u64(8);
  REQUIRE(h.call("clock_time_get", {I32(1), I64(1), I32(8)}) == 0);
  CHECK(h.u64(8) >= first);
  for (uint32_t id = 0; id < 4; ++id) {
    CHECK(h.call("clock_time_get", {I32(id), I64(0), I32(8)}) == 0);
    REQUIRE(h.call("clock_res_get", {I32(id), I32(16)}) == 0);
    CHECK(h.u64(16) > 0);
  }
  CHECK(h.call("clock_time_get", {I32(4), I64(0), I32(8)}) == err(Errno::kInval));
  CHECK(h.call("clock_res_get", {I32(99), I32(8)}) == err(Errno::kInval));
}

TEST_CASE("wasi: deterministic clocks start at fixed values and move only with work") {
  WasiOptions options;
  options.deterministic = true;
  WasiHarness a(options), b(options);
  for (WasiHarness* h : {&a, &b}) {
    REQUIRE(h->call("clock_time_get", {I32(0), I64(0), I32(8)}) == 0);
    CHECK(h->u64(8) == 946'684'800ull * 1'000'000'000ull);
    REQUIRE(h->call("clock_time_get", {I32(1), I64(0), I32(8)}) == 0);
    CHECK(h->u64(8) == 0);
    h->set_fuel_used(4);
    REQUIRE(h->call("clock_time_get", {I32(1), I64(0), I32(8)}) == 0);
    CHECK(h->u64(8) == 4 * kWorkClockNsPerFuel);
    REQUIRE(h->call("clock_res_get", {I32(1), I32(8)}) == 0);
    CHECK(h->u64(8) == kWorkClockNsPerFuel);
  }
}

TEST_CASE("wasi: random_get fills the buffer; deterministic mode repeats per seed") {
  WasiHarness real;
  REQUIRE(real.call("random_get", {I32(64), I32(64)}) == 0);
  CHECK(std::any_of(real.at(64), real.at(128), [](uint8_t b) { return b != 0; }));
  CHECK(real.call("random_get", {I32(0), I32(0)}) == 0);
  REQUIRE(real.call("random_get", {I32(0x100), I32(40000)}) == 0);  // spans pages

  WasiOptions options;
  options.deterministic = true;
  options.random_seed = 42;
  WasiHarness a(options), b(options);
  REQUIRE(a.call("random_get", {I32(64), I32(37)}) == 0);
  REQUIRE(b.call("random_get", {I32(64), I32(37)}) == 0);
  CHECK(a.get(64, 37) == b.get(64, 37));
  CHECK(a.get(64, 37) != std::string(37, '\0'));
  options.random_seed = 43;
  WasiHarness c(options);
  REQUIRE(c.call("random_get", {I32(64), I32(37)}) == 0);
  CHECK(c.get(64, 37) != a.get(64, 37));
}

TEST_CASE("wasi: fd_write reaches inherited stdout and stderr; several iovecs are gathered") {
  Pipe out, error;
  WasiOptions options;
  options.stdio_host_fds[1] = out.write_fd();
  options.stdio_host_fds[2] = error.write_fd();
  WasiHarness h(options);
  h.put(100, "hello, ");
  h.put(200, "world\n");
  h.iovec(16, 100, 7);
  h.iovec(24, 200, 0);
  h.iovec(32, 200, 6);
  REQUIRE(h.call("fd_write", {I32(1), I32(16), I32(3), I32(8)}) == 0);
  CHECK(h.u32(8) == 13);
  REQUIRE(h.write(2, "oops\n") == 0);
  CHECK(out.drain() == "hello, world\n");
  CHECK(error.drain() == "oops\n");
  CHECK(h.call("fd_write", {I32(0), I32(16), I32(1), I32(8)}) == err(Errno::kBadf));  // stdin is read-only
  CHECK(h.call("fd_write", {I32(9), I32(16), I32(1), I32(8)}) == err(Errno::kBadf));
}

TEST_CASE("wasi: stdio that is not inherited: empty stdin, dropped output") {
  Pipe out;
  WasiOptions options;
  options.inherit_stdio = false;
  options.stdio_host_fds[1] = out.write_fd();
  WasiHarness h(options);
  REQUIRE(h.write(1, "lost") == 0);
  CHECK(h.u32(WasiHarness::kCountAt) == 4);
  CHECK(out.drain().empty());
  h.iovec(16, 100, 10);
  REQUIRE(h.call("fd_read", {I32(0), I32(16), I32(1), I32(8)}) == 0);
  CHECK(h.u32(8) == 0);
  REQUIRE(h.call("fd_fdstat_get", {I32(1), I32(64)}) == 0);
  CHECK(h.at(64)[0] == static_cast<uint8_t>(wasi::FileType::kCharacterDevice));
  CHECK((h.u64(72) & (wasi::kRightFdSeek | wasi::kRightFdTell)) == 0);  // isatty-style stream
  CHECK(h.call("fd_seek", {I32(1), I64(0), I32(0), I32(8)}) == err(Errno::kNotcapable));
}

TEST_CASE("wasi: fd_read reads inherited stdin") {
  Pipe in;
  REQUIRE(::write(in.write_fd(), "typed", 5) == 5);
  in.close_write();
  WasiOptions options;
  options.stdio_host_fds[0] = in.read_fd();
  WasiHarness h(options);
  CHECK(h.read_all(0) == "typed");
  CHECK(h.call("fd_read", {I32(1), I32(16), I32(1), I32(8)}) == err(Errno::kBadf));  // stdout is write-only
}

TEST_CASE("wasi: writing to a pipe without a reader is EPIPE, not SIGPIPE") {
  Pipe out;
  ::close(out.read_fd());
  WasiOptions options;
  options.stdio_host_fds[1] = out.write_fd();
  WasiHarness h(options);
  CHECK(h.write(1, "nobody listens") == err(Errno::kPipe));
}

TEST_CASE("wasi: proc_exit stops with a kExit trap carrying the code; proc_raise and sockets are ENOSYS") {
  WasiHarness h;
  std::optional<Trap> trap;
  h.call_raw("proc_exit", {I32(7)}, trap);
  REQUIRE(trap);
  CHECK(trap->kind == TrapKind::kExit);
  CHECK(trap->exit_code == 7);
  CHECK(h.wasi->exit_code() == 7);
  CHECK(h.call("proc_raise", {I32(6)}) == err(Errno::kNosys));
  CHECK(h.call("sock_shutdown", {I32(1), I32(0)}) == err(Errno::kNosys));
  CHECK(h.call("sock_accept", {I32(1), I32(0), I32(0)}) == err(Errno::kNosys));
  CHECK(h.call("sched_yield", {}) == 0);
}

TEST_CASE("wasi: fd_prestat_get and fd_prestat_dir_name describe preopens at fds 3, 4, ...") {
  TempDir a, b;
  WasiOptions options;
  options.preopens = {{"/data", a.path()}, {".", b.path()}};
  WasiHarness h(options);
  REQUIRE(h.call("fd_prestat_get", {I32(3), I32(8)}) == 0);
  CHECK(h.at(8)[0] == wasi::kPreopenTypeDir);
  CHECK(h.u32(12) == 5);
  REQUIRE(h.call("fd_prestat_dir_name", {I32(3), I32(100), I32(5)}) == 0);
  CHECK(h.get(100, 5) == "/data");
  CHECK(h.call("fd_prestat_dir_name", {I32(3), I32(100), I32(4)}) == err(Errno::kNametoolong));
  REQUIRE(h.call("fd_prestat_get", {I32(4), I32(8)}) == 0);
  CHECK(h.u32(12) == 1);
  CHECK(h.call("fd_prestat_get", {I32(5), I32(8)}) == err(Errno::kBadf));  // wasi-libc stops here
  CHECK(h.call("fd_prestat_get", {I32(1), I32(8)}) == err(Errno::kBadf));
  REQUIRE(h.call("fd_fdstat_get", {I32(3), I32(64)}) == 0);
  CHECK(h.at(64)[0] == static_cast<uint8_t>(wasi::FileType::kDirectory));
}

TEST_CASE("wasi: a missing preopen directory is an error naming it") {
  WasiOptions options;
  options.preopens = {{"/x", "/nonexistent/kiln-wasi-test"}};
  auto created = Wasi::create(options);
  REQUIRE_FALSE(created.ok());
  CHECK(created.error().message.find("/nonexistent/kiln-wasi-test") != std::string::npos);
}

TEST_CASE("wasi: poll_oneoff sleeps on clocks, advances deterministic time, reports descriptors ready") {
  WasiOptions options;
  options.deterministic = true;
  WasiHarness h(options);
  // Subscription 0: relative clock, monotonic, 5 ms, userdata 0x11.
  std::memset(h.at(0x100), 0, 96);
  h.store_value<uint64_t>(0x100, 0x11);
  h.at(0x108)[0] = wasi::kEventClock;
  h.store_value<uint32_t>(0x110, 1);
  h.store_value<uint64_t>(0x118, 5'000'000);
  REQUIRE(h.call("poll_oneoff", {I32(0x100), I32(0x200), I32(1), I32(0x300)}) == 0);
  CHECK(h.u32(0x300) == 1);
  CHECK(h.u64(0x200) == 0x11);
  CHECK(h.load<uint16_t>(0x208) == 0);
  CHECK(h.at(0x20A)[0] == wasi::kEventClock);
  REQUIRE(h.call("clock_time_get", {I32(1), I64(0), I32(8)}) == 0);
  CHECK(h.u64(8) == 5'000'000);

  // Subscription 1: fd_write on stdout: ready at once, so the clock does not fire.
  h.store_value<uint64_t>(0x130, 0x22);
  h.at(0x138)[0] = wasi::kEventFdWrite;
  h.store_value<uint32_t>(0x140, 1);
  REQUIRE(h.call("poll_oneoff", {I32(0x100), I32(0x200), I32(2), I32(0x300)}) == 0);
  CHECK(h.u32(0x300) == 1);
  CHECK(h.u64(0x200) == 0x22);
  CHECK(h.at(0x20A)[0] == wasi::kEventFdWrite);

  // A bad descriptor is an event with an error.
  h.store_value<uint32_t>(0x140, 77);
  REQUIRE(h.call("poll_oneoff", {I32(0x130), I32(0x200), I32(1), I32(0x300)}) == 0);
  CHECK(h.load<uint16_t>(0x208) == err(Errno::kBadf));

  CHECK(h.call("poll_oneoff", {I32(0x100), I32(0x200), I32(0), I32(0x300)}) == err(Errno::kInval));
  h.at(0x108)[0] = 9;
  CHECK(h.call("poll_oneoff", {I32(0x100), I32(0x200), I32(1), I32(0x300)}) == err(Errno::kInval));

  WasiHarness real;
  std::memset(real.at(0x100), 0, 48);
  real.at(0x108)[0] = wasi::kEventClock;
  real.store_value<uint32_t>(0x110, 1);
  real.store_value<uint64_t>(0x118, 1'000'000);  // 1 ms
  REQUIRE(real.call("clock_time_get", {I32(1), I64(0), I32(8)}) == 0);
  const uint64_t before = real.u64(8);
  REQUIRE(real.call("poll_oneoff", {I32(0x100), I32(0x200), I32(1), I32(0x300)}) == 0);
  REQUIRE(real.call("clock_time_get", {I32(1), I64(0), I32(8)}) == 0);
  CHECK(real.u64(8) - before >= 1'000'000);
}

TEST_CASE("wasi: traces name the function, its arguments, the errno and the bytes moved") {
  std::vector<std::string> lines;
  WasiOptions options;
  options.inherit_stdio = false;
  options.trace = [&](const std::string& line) { lines.push_back(line); };
  WasiHarness h(options);
  REQUIRE(h.write(1, "abc") == 0);
  CHECK(h.call("fd_close", {I32(9)}) == err(Errno::kBadf));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find("fd_write(fd=1, iovs=") == 0);
  CHECK(lines[0].find("-> success") != std::string::npos);
  CHECK(lines[0].find("dropped 3 bytes") != std::string::npos);
  CHECK(lines[1] == "fd_close(fd=9) -> badf");
  std::optional<Trap> trap;
  h.call_raw("proc_exit", {I32(3)}, trap);
  CHECK(lines.back() == "proc_exit(code=3) -> exit");
  h.call("fd_seek", {I32(1), I64(static_cast<uint64_t>(-5)), I32(1), I32(8)}, kWasiUnstableModule);
  CHECK(lines.back().find("wasi_unstable.fd_seek(fd=1, offset=-5, ") == 0);
}

TEST_CASE("wasi: every preview1 function is registered under both module names") {
  const std::vector<std::string> names = wasi_function_names();
  CHECK(names.size() == 46);
  WasiHarness h;
  for (const std::string& name : names) {
    CHECK_MESSAGE(h.linker.find(kWasiModule, name) != nullptr, name);
    CHECK_MESSAGE(h.linker.find(kWasiUnstableModule, name) != nullptr, name);
  }
  const Extern* fd_write = h.linker.find(kWasiModule, "fd_write");
  CHECK(fd_write->func->type->params.size() == 4);
  CHECK(fd_write->func->type->results.size() == 1);
  const Extern* path_open = h.linker.find(kWasiModule, "path_open");
  CHECK(func_type_text(*path_open->func->type) == "(i32, i32, i32, i32, i32, i64, i64, i32, i32) -> (i32)");
  CHECK(h.linker.find(kWasiModule, "proc_exit")->func->type->results.empty());
}

TEST_CASE("wasi: errno names follow the witx") {
  CHECK(std::string(wasi::errno_name(Errno::kSuccess)) == "success");
  CHECK(std::string(wasi::errno_name(Errno::kNotcapable)) == "notcapable");
  CHECK(std::string(wasi::errno_name(Errno::kNosys)) == "nosys");
  CHECK(std::string(wasi::errno_name(static_cast<Errno>(500))) == "unknown");
}
