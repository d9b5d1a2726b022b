// random_get (getrandom or a seeded stream), proc_exit, proc_raise and the socket functions kiln does not offer.
#include <sys/random.h>

#include <cerrno>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// SplitMix64: tiny, fast and fully determined by its seed. Deterministic
// mode wants reproducible bytes, not secrets.
uint64_t next_random(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ull;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Errno random_get(Call& call) {
  const uint32_t buf = call.u32(0), length = call.u32(1);
  uint8_t* out = call.mem.writable(buf, length);
  if (!out) return Errno::kFault;
  if (call.state.options.deterministic) {
    for (uint32_t i = 0; i < length; i += 8) {
      const uint64_t word = next_random(call.state.rng_state);
      for (uint32_t b = 0; b < 8 && i + b < length; ++b) out[i + b] = static_cast<uint8_t>(word >> (8 * b));
    }
    return Errno::kSuccess;
  }
  size_t done = 0;
  while (done < length) {
    const ssize_t n = getrandom(out + done, length - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_host_errno();
    }
    done += static_cast<size_t>(n);
  }
  return Errno::kSuccess;
}

// Stops the program: the trap carries the code, and the pipeline reports it.
Errno proc_exit(Call& call) {
  const uint32_t code = call.u32(0);
  call.state.exit_code = static_cast<int32_t>(code);
  Trap trap;
  trap.kind = TrapKind::kExit;
  trap.exit_code = static_cast<int32_t>(code);
  trap.detail = "proc_exit(" + std::to_string(code) + ")";
  call.trap = std::move(trap);
  return Errno::kSuccess;
}

// Signals and sockets have no meaning while pre-initializing.
Errno not_supported(Call&) { return Errno::kNosys; }

constexpr HostDef kFunctions[] = {
    {"random_get", "buf:i buf_len:i", random_get},
    {"proc_exit", "code:i", proc_exit, false},
    {"proc_raise", "signal:i", not_supported},
    {"sock_accept", "fd:i flags:i fd_out:i", not_supported},
    {"sock_recv", "fd:i ri_data:i ri_data_len:i ri_flags:i ro_datalen:i ro_flags:i", not_supported},
    {"sock_send", "fd:i si_data:i si_data_len:i si_flags:i so_datalen:i", not_supported},
    {"sock_shutdown", "fd:i how:i", not_supported},
};

}  // namespace

std::span<const HostDef> proc_functions() { return kFunctions; }

}  // namespace kiln::wasi
