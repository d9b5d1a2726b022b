// WASI preview1 for kiln: options, the Wasi context (descriptors, args, environment, clocks) and its registration.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/runtime/linker.h"
#include "kiln/runtime/store.h"

namespace kiln {

inline constexpr const char* kWasiModule = "wasi_snapshot_preview1";
inline constexpr const char* kWasiUnstableModule = "wasi_unstable";

// A work clock's nanoseconds per unit of fuel: about what compiled code
// (Wasmtime) takes per call or loop iteration. The componentize-js
// JavaScript engine's init does 16.0 million units in about 0.2 s there.
inline constexpr uint64_t kWorkClockNsPerFuel = 10;

struct WasiOptions {
  // A host directory the guest sees under `guest_path`; the guest can never reach outside it.
  struct Preopen {
    std::string guest_path;
    std::string host_path;
  };

  std::vector<std::string> args;  // argv, program name included
  // NAME=VALUE entries, applied after the inherited environment: a NAME given
  // here replaces the inherited value.
  std::vector<std::string> env;
  bool inherit_env = false;
  // false: the guest's stdin is empty and its stdout/stderr are dropped.
  bool inherit_stdio = true;
  // Host descriptors behind guest fds 0, 1 and 2 when stdio is inherited
  // (not owned: never closed by kiln).
  int stdio_host_fds[3] = {0, 1, 2};
  std::vector<Preopen> preopens;  // guest fds 3, 4, ... in this order
  // How the monotonic and CPU-time clocks advance. kHost: they are the
  // host's. kWork: they start at 0 and measure the guest's own progress,
  // kWorkClockNsPerFuel per unit of work (a call or a loop iteration, the
  // unit of fuel) plus the time it waits in poll_oneoff, so code that times
  // itself (a garbage collector sizing its nursery by how long collections
  // take) decides as it would under compiled code, however fast the
  // interpreter runs. Realtime stays the host's.
  enum class Clocks : uint8_t { kHost, kWork };
  Clocks clocks = Clocks::kHost;
  // Every clock is a work clock (realtime from 2000-01-01T00:00:00Z) and
  // poll_oneoff moves them to its deadline without sleeping; random_get
  // returns a SplitMix64 stream seeded by `random_seed` (reproducible, not
  // secret). Same inputs, same snapshot.
  bool deterministic = false;
  uint64_t random_seed = 0;
  // Called once per WASI call with a one-line record: function, arguments,
  // errno, bytes moved, paths opened. Nothing is formatted when empty.
  std::function<void(const std::string&)> trace;
};

namespace wasi {
struct WasiState;
}  // namespace wasi

// The state a guest's WASI calls share. Created once per instance; the host
// functions registered by define_wasi keep it alive.
class Wasi {
 public:
  // Opens the preopened directories; fails when one cannot be opened.
  static Result<std::shared_ptr<Wasi>> create(WasiOptions options);
  ~Wasi();
  Wasi(const Wasi&) = delete;
  Wasi& operator=(const Wasi&) = delete;

  const WasiOptions& options() const;
  // The code the guest passed to proc_exit, once it has called it.
  std::optional<int32_t> exit_code() const;

  // For the implementation in src/wasi.
  wasi::WasiState& state() { return *state_; }

 private:
  explicit Wasi(std::unique_ptr<wasi::WasiState> state);
  std::unique_ptr<wasi::WasiState> state_;
};

// Defines every wasi_snapshot_preview1 function (and the wasi_unstable names
// with their older layouts) on `linker`. Functions kiln does not support
// return ENOSYS; proc_exit stops execution with a Trap of kind kExit.
void define_wasi(Store& store, Linker& linker, std::shared_ptr<Wasi> wasi);

// The preview1 function names define_wasi registers, in registration order.
std::vector<std::string> wasi_function_names();

}  // namespace kiln
