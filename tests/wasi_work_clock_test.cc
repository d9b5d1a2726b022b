// Work clocks (WasiOptions::Clocks::kWork): during init the monotonic and CPU-time clocks count the guest's
// calls and loop iterations, not readings and not the interpreter's speed.
#include <chrono>
#include <string>

#include "kiln/kiln.h"
#include "kiln/text/wat.h"
#include "support/preinit_oracle.h"
#include "wasi_harness.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint64_t kEpoch2000Ns = 946'684'800ull * 1'000'000'000ull;

uint64_t read_clock(WasiHarness& h, uint32_t id) {
  REQUIRE(h.call("clock_time_get", {I32(id), I64(1), I32(8)}) == 0);
  return h.u64(8);
}

// Init reads the monotonic clock, runs a loop of 1000 iterations, then reads it twice in a row; the three
// readings land at 0, 8 and 16.
constexpr const char* kTimedInit = R"(
  (module
    (import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "wizer-initialize") (local $i i32)
      (drop (call $now (i32.const 1) (i64.const 1) (i32.const 0)))
      (loop $spin
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $spin (i32.lt_u (local.get $i) (i32.const 1000))))
      (drop (call $now (i32.const 1) (i64.const 1) (i32.const 8)))
      (drop (call $now (i32.const 1) (i64.const 1) (i32.const 16)))))
)";

struct Readings {
  uint64_t first = 0, after_loop = 0, next = 0;
};

// Pre-initializes kTimedInit with `options` and reads its three clock readings out of the output's memory.
Readings timed_init(Options options) {
  auto wasm = text::wat_to_binary(kTimedInit, Features::all());
  REQUIRE_MESSAGE(wasm.ok(), wasm.error().message);
  options.allow_wasi = true;
  auto out = preinitialize(*wasm, options);
  REQUIRE_MESSAGE(out.ok(), out.error().message);
  Loaded loaded = load_module(*out, options);
  REQUIRE_MESSAGE(loaded.error.empty(), loaded.error);
  const uint8_t* memory = loaded.instance->memories[0]->data();
  Readings r;
  std::memcpy(&r.first, memory, 8);
  std::memcpy(&r.after_loop, memory + 8, 8);
  std::memcpy(&r.next, memory + 16, 8);
  return r;
}

}  // namespace

TEST_CASE("wasi: work clocks move with the caller's fuel, not with readings") {
  WasiOptions options;
  options.clocks = WasiOptions::Clocks::kWork;
  WasiHarness h(options);
  CHECK(read_clock(h, 1) == 0);
  h.set_fuel_used(5);
  CHECK(read_clock(h, 1) == 5 * kWorkClockNsPerFuel);
  h.set_fuel_used(6);  // in one execution each reading is a call later than the one before
  CHECK(read_clock(h, 2) == 6 * kWorkClockNsPerFuel);  // CPU time is the same count
  h.set_fuel_used(12);
  CHECK(read_clock(h, 3) == 12 * kWorkClockNsPerFuel);
  // A count that is not higher is a new execution (init's next phase) counting from zero: all of it is new.
  h.set_fuel_used(3);
  CHECK(read_clock(h, 1) == 15 * kWorkClockNsPerFuel);
  // Realtime stays the host's; the work clocks' resolution is one unit.
  CHECK(read_clock(h, 0) > 1'600'000'000ull * 1'000'000'000ull);
  REQUIRE(h.call("clock_res_get", {I32(1), I32(16)}) == 0);
  CHECK(h.u64(16) == kWorkClockNsPerFuel);

  // Deterministic mode: realtime too, from 2000-01-01.
  WasiOptions fixed;
  fixed.deterministic = true;
  WasiHarness d(fixed);
  d.set_fuel_used(7);
  CHECK(read_clock(d, 0) == kEpoch2000Ns + 7 * kWorkClockNsPerFuel);
  CHECK(read_clock(d, 1) == 14 * kWorkClockNsPerFuel);  // 7 again: a new execution
}

TEST_CASE("wasi: a poll_oneoff sleep really waits and moves the work clocks by the wait") {
  WasiOptions options;
  options.clocks = WasiOptions::Clocks::kWork;
  WasiHarness h(options);
  std::memset(h.at(0x100), 0, 48);
  h.at(0x108)[0] = wasi::kEventClock;
  h.store_value<uint32_t>(0x110, 1);             // monotonic
  h.store_value<uint64_t>(0x118, 2'000'000);     // 2 ms, relative
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(h.call("poll_oneoff", {I32(0x100), I32(0x200), I32(1), I32(0x300)}) == 0);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(2));
  CHECK(read_clock(h, 1) == 2'000'000);
}

TEST_CASE("init's clocks count its calls and loop iterations, whatever the interpreter's speed") {
  // The loop's 999 taken back edges and the call of clock_time_get: 1000 units; the next reading, one call.
  const Readings work = timed_init(Options{});
  CHECK(work.first == 2 * kWorkClockNsPerFuel);  // init's own entry and the call of clock_time_get
  CHECK(work.after_loop - work.first == 1000 * kWorkClockNsPerFuel);
  CHECK(work.next - work.after_loop == kWorkClockNsPerFuel);
  Options deterministic;
  deterministic.deterministic = true;
  const Readings same = timed_init(deterministic);
  CHECK(same.after_loop == work.after_loop);
  CHECK(same.next == work.next);

  // --host-clocks: the host's monotonic clock, which has run since the machine started.
  Options host;
  host.host_clocks = true;
  const Readings real = timed_init(host);
  CHECK(real.first > 1'000'000);
  CHECK(real.after_loop >= real.first);
}
