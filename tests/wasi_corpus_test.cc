// Tests of WASI through kiln's interpreter: the corpus/wasi modules (built from WAT) calling the host functions.
#include <doctest/doctest.h>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/validate/validate.h"
#include "wasi_harness.h"

using namespace kiln;
using namespace kiln::test;
using wasi::Errno;

namespace {

// One corpus module instantiated against WASI with `options`.
struct GuestRun {
  Store store;
  Linker linker;
  std::shared_ptr<Wasi> wasi;
  Instance* instance = nullptr;

  GuestRun(const char* name, WasiOptions options) {
    auto created = Wasi::create(std::move(options));
    REQUIRE(created.ok());
    wasi = *created;
    define_wasi(store, linker, wasi);
    auto bytes = read_file(std::string(KILN_SOURCE_ROOT) + "/corpus/wasi/" + name + ".wasm");
    REQUIRE_MESSAGE(bytes.ok(), name);
    auto module = decode_module(std::move(*bytes));
    REQUIRE(module.ok());
    auto info = validate_module(*module);
    REQUIRE(info.ok());
    auto inst = instantiate(store, std::make_shared<const Module>(std::move(*module)),
                            std::make_shared<const ModuleInfo>(std::move(*info)), linker);
    REQUIRE_MESSAGE(inst.ok(), (inst.ok() ? "" : inst.error().message));
    instance = *inst;
  }

  CallOutcome call(const char* name, std::vector<Value> args = {}) {
    FuncInstance* f = instance->export_func(name);
    REQUIRE(f != nullptr);
    return call_function(*f, args);
  }
  uint64_t result(const char* name, std::vector<Value> args = {}) {
    CallOutcome outcome = call(name, std::move(args));
    REQUIRE_MESSAGE(!outcome.trap, describe_trap(*outcome.trap, outcome.backtrace));
    REQUIRE(outcome.results.size() == 1);
    return outcome.results[0].bits;
  }
  Memory& memory() { return *instance->memories[0]; }
  std::string string_at(uint32_t address) { return reinterpret_cast<const char*>(memory().data() + address); }
};

WasiOptions with_stdout(const Pipe& out) {
  WasiOptions options;
  options.stdio_host_fds[1] = out.write_fd();
  return options;
}

}  // namespace

TEST_CASE("wasi corpus: hello writes to stdout through both module names") {
  Pipe out;
  GuestRun run("hello", with_stdout(out));
  CHECK(run.result("run") == 0);
  CHECK(run.result("run_unstable") == 0);
  CHECK(out.drain() == "hello\nhello\n");
}

TEST_CASE("wasi corpus: read_file reads a file from a preopen and echoes it") {
  TempDir dir;
  dir.write("input.txt", "file contents\n");
  Pipe out;
  WasiOptions options = with_stdout(out);
  options.preopens = {{"/data", dir.path()}};
  GuestRun run("read_file", options);
  CHECK(run.result("run") == 14);
  CHECK(out.drain() == "file contents\n");
  CHECK(std::string(reinterpret_cast<const char*>(run.memory().data() + 1024), 14) == "file contents\n");

  GuestRun without_preopen("read_file", WasiOptions{});
  CHECK(without_preopen.result("run") == 1000 + err(Errno::kBadf));
}

TEST_CASE("wasi corpus: list_dir sees the preopen's entries") {
  TempDir dir;
  dir.write("one", "1");
  dir.mkdir("two");
  GuestRun run("list_dir", [&] {
    WasiOptions o;
    o.preopens = {{".", dir.path()}};
    return o;
  }());
  const uint64_t used = run.result("run");
  REQUIRE(used > 0);
  REQUIRE(used < 1000);
  std::vector<std::string> names;
  const uint8_t* base = run.memory().data() + 1024;
  for (uint64_t at = 0; at + wasi::kDirentSize <= used;) {
    uint32_t length = 0;
    std::memcpy(&length, base + at + 16, 4);
    names.emplace_back(reinterpret_cast<const char*>(base + at + wasi::kDirentSize), length);
    at += wasi::kDirentSize + length;
  }
  CHECK(names == std::vector<std::string>{".", "..", "one", "two"});
}

TEST_CASE("wasi corpus: escape attempts fail with ENOTCAPABLE, a legal open works") {
  TempDir outside;
  outside.write("secret.txt", "secret");
  outside.mkdir("jail");
  outside.write("jail/inside.txt", "ok");
  outside.symlink("..", "jail/link_out");
  WasiOptions options;
  options.preopens = {{"/", outside / "jail"}};
  GuestRun run("escape", options);
  CHECK(run.result("escape_parent") == err(Errno::kNotcapable));
  CHECK(run.result("escape_absolute") == err(Errno::kNotcapable));
  CHECK(run.result("escape_symlink") == err(Errno::kNotcapable));
  CHECK(run.result("stay_inside") == 0);
  // A path handed to the guest that ends past its memory is a fault, not a crash.
  CHECK(run.result("open", {I32(65530), I32(100)}) == err(Errno::kFault));
}

TEST_CASE("wasi corpus: proc_exit ends the call with a kExit trap") {
  GuestRun run("exit", WasiOptions{});
  CallOutcome outcome = run.call("run");
  REQUIRE(outcome.trap);
  CHECK(outcome.trap->kind == TrapKind::kExit);
  CHECK(outcome.trap->exit_code == 7);
  CHECK(run.wasi->exit_code() == 7);
}

TEST_CASE("wasi corpus: args and environment reach the guest like wasi-libc reads them") {
  WasiOptions options;
  options.args = {"guest.wasm", "--flag"};
  options.env = {"A=1", "B=2", "C=3"};
  GuestRun run("args_env", options);
  CHECK(run.result("run") == 203);
  uint32_t argv1 = 0;
  std::memcpy(&argv1, run.memory().data() + 1028, 4);
  CHECK(run.string_at(argv1) == "--flag");
  uint32_t env2 = 0;
  std::memcpy(&env2, run.memory().data() + 4096 + 8, 4);
  CHECK(run.string_at(env2) == "C=3");
}

TEST_CASE("wasi corpus: clocks and random through the interpreter, deterministic when asked") {
  GuestRun real("clock_random", WasiOptions{});
  CHECK(real.result("now") > 1'600'000'000ull * 1'000'000'000ull);
  CHECK(real.result("random") == 0);

  WasiOptions options;
  options.deterministic = true;
  options.random_seed = 7;
  GuestRun a("clock_random", options), b("clock_random", options);
  // Deterministic clocks count work: the export's entry and its call of clock_time_get, two units a call.
  CHECK(a.result("now") == 946'684'800ull * 1'000'000'000ull + 2 * kWorkClockNsPerFuel);
  const uint64_t a_again = a.result("now");
  CHECK(a_again == b.result("now") + 2 * kWorkClockNsPerFuel);
  CHECK(a.result("random") == 0);
  CHECK(b.result("random") == 0);
  CHECK(std::memcmp(a.memory().data() + 64, b.memory().data() + 64, 16) == 0);
}
