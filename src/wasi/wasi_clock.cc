// Clocks (real or deterministic), poll_oneoff (clock sleeps, always-ready descriptors) and sched_yield.
#include <sched.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// Deterministic mode: realtime is a work clock that starts at
// 2000-01-01T00:00:00Z. Work clocks never stand still while the guest runs
// (reaching clock_time_get is a call, a unit of work), so a loop waiting for
// time to pass still ends; and they do not advance per reading, which would
// make code that reads the clock often (a collector timing its phases) look
// slow next to code that does not.
constexpr uint64_t kDeterministicEpochNs = 946'684'800ull * 1'000'000'000ull;

uint64_t saturating_add(uint64_t a, uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

bool is_work_clock(const WasiState& state, uint32_t id) {
  if (state.options.deterministic) return true;
  return state.options.clocks == WasiOptions::Clocks::kWork && id != static_cast<uint32_t>(ClockId::kRealtime);
}

bool has_work_clocks(const WasiState& state) {
  return state.options.deterministic || state.options.clocks == WasiOptions::Clocks::kWork;
}

// Moves the work clocks forward by the work the caller did since they last
// moved. Within one execution the count rises between two readings (each is
// reached by a call, a unit), so a count that did not rise comes from a new
// execution (init's next phase) counting from zero: all of it is new work.
void advance_work_clocks(Call& call) {
  WasiState& state = call.state;
  const uint64_t done = call.fuel_used > state.fuel_seen ? call.fuel_used - state.fuel_seen : call.fuel_used;
  state.fuel_seen = call.fuel_used;
  const uint64_t ns = done > UINT64_MAX / kWorkClockNsPerFuel ? UINT64_MAX : done * kWorkClockNsPerFuel;
  state.virtual_ns = saturating_add(state.virtual_ns, ns);
}

// One subscription per guest fd is plenty; the cap bounds the host's allocation.
constexpr uint32_t kMaxSubscriptions = 1 << 16;

clockid_t host_clock(uint32_t id) {
  switch (static_cast<ClockId>(id)) {
    case ClockId::kRealtime: return CLOCK_REALTIME;
    case ClockId::kMonotonic: return CLOCK_MONOTONIC;
    case ClockId::kProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case ClockId::kThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
  }
  return CLOCK_MONOTONIC;
}

Errno clock_res_get(Call& call) {
  const uint32_t id = call.u32(0), out = call.u32(1);
  if (id > static_cast<uint32_t>(ClockId::kThreadCputime)) return Errno::kInval;
  if (!call.mem.valid(out, 8)) return Errno::kFault;
  uint64_t resolution = kWorkClockNsPerFuel;
  if (!is_work_clock(call.state, id)) {
    struct timespec ts {};
    if (clock_getres(host_clock(id), &ts) != 0) return last_host_errno();
    resolution = std::max<uint64_t>(timespec_ns(ts), 1);  // the spec wants a non-zero resolution
  }
  call.mem.store(out, resolution);
  return Errno::kSuccess;
}

Errno clock_time_get(Call& call) {
  const uint32_t id = call.u32(0), out = call.u32(2);
  if (!call.mem.valid(out, 8)) return Errno::kFault;
  uint64_t now = 0;
  if (Errno e = clock_now(call, id, now); e != Errno::kSuccess) return e;
  call.mem.store(out, now);
  return Errno::kSuccess;
}

struct SubscriptionLayout {
  uint32_t size, clock_id, timeout, flags;  // offsets inside one subscription
};
constexpr SubscriptionLayout kPreview1Layout = {kSubscriptionSize, 16, 24, 40};
// wasi_unstable's clock subscription starts with a u64 "identifier".
constexpr SubscriptionLayout kUnstableLayout = {56, 24, 32, 48};
constexpr uint32_t kSubscriptionFd = 16;

struct Pending {
  uint64_t userdata = 0;
  uint8_t type = 0;
  Errno error = Errno::kSuccess;
  bool immediate = false;  // descriptors and errors are ready at once
  uint64_t wait_ns = 0;    // clocks: how long until the deadline
  uint64_t nbytes = 0;
};

// Descriptors never block a pre-initializer: each reports ready, a regular
// file with the bytes left after its offset.
void check_fd_subscription(Call& call, uint32_t fd, Pending& p) {
  p.immediate = true;
  FdEntry* entry = nullptr;
  const Rights needed = (p.type == kEventFdRead ? kRightFdRead : kRightFdWrite) | kRightPollFdReadwrite;
  if (Errno e = lookup_fd(call, fd, needed, entry); e != Errno::kSuccess) {
    p.error = e;
    return;
  }
  struct stat st {};
  if (p.type == kEventFdRead && entry->host_fd >= 0 && fstat(entry->host_fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const off_t at = lseek(entry->host_fd, 0, SEEK_CUR);
    if (at >= 0 && st.st_size > at) p.nbytes = static_cast<uint64_t>(st.st_size - at);
  }
}

void check_clock_subscription(Call& call, uint64_t base, const SubscriptionLayout& layout, Pending& p) {
  uint32_t id = 0;
  uint64_t timeout = 0;
  uint16_t flags = 0;
  call.mem.load(base + layout.clock_id, id);
  call.mem.load(base + layout.timeout, timeout);
  call.mem.load(base + layout.flags, flags);
  uint64_t now = 0;
  if (Errno e = clock_now(call, id, now); e != Errno::kSuccess) {
    p.error = e;
    p.immediate = true;
    return;
  }
  if (flags & kSubclockAbstime)
    p.wait_ns = timeout > now ? timeout - now : 0;
  else
    p.wait_ns = timeout;
}

void sleep_ns(uint64_t ns) {
  struct timespec request {};
  request.tv_sec = static_cast<time_t>(ns / 1'000'000'000u);
  request.tv_nsec = static_cast<long>(ns % 1'000'000'000u);
  struct timespec remaining {};
  while (nanosleep(&request, &remaining) != 0 && errno == EINTR) request = remaining;
}

Errno sched_yield_impl(Call&) {
  sched_yield();
  return Errno::kSuccess;
}

Errno poll_oneoff(Call& call) { return poll_oneoff_abi(call, Abi::kPreview1); }

constexpr HostDef kFunctions[] = {
    {"clock_res_get", "id:i resolution:i", clock_res_get},
    {"clock_time_get", "id:i precision:I time:i", clock_time_get},
    {"poll_oneoff", "in:i out:i nsubscriptions:i nevents:i", poll_oneoff},
    {"sched_yield", "", sched_yield_impl},
};

}  // namespace

Errno clock_now(Call& call, uint32_t id, uint64_t& out) {
  if (id > static_cast<uint32_t>(ClockId::kThreadCputime)) return Errno::kInval;
  if (is_work_clock(call.state, id)) {
    advance_work_clocks(call);
    const bool realtime = id == static_cast<uint32_t>(ClockId::kRealtime);
    out = saturating_add(realtime ? kDeterministicEpochNs : 0, call.state.virtual_ns);
    return Errno::kSuccess;
  }
  struct timespec ts {};
  if (clock_gettime(host_clock(id), &ts) != 0) return last_host_errno();
  out = timespec_ns(ts);
  return Errno::kSuccess;
}

Errno poll_oneoff_abi(Call& call, Abi abi) {
  const uint32_t in = call.u32(0), out = call.u32(1), count = call.u32(2), nevents_ptr = call.u32(3);
  const SubscriptionLayout& layout = abi == Abi::kPreview1 ? kPreview1Layout : kUnstableLayout;
  if (count == 0 || count > kMaxSubscriptions) return Errno::kInval;
  if (!call.mem.valid(in, uint64_t{count} * layout.size) || !call.mem.valid(out, uint64_t{count} * kEventSize) ||
      !call.mem.valid(nevents_ptr, 4))
    return Errno::kFault;

  // Read every subscription before writing any event: the two arrays may overlap.
  std::vector<Pending> subs(count);
  bool any_immediate = false;
  uint64_t min_wait = UINT64_MAX;
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t base = in + uint64_t{i} * layout.size;
    Pending& p = subs[i];
    call.mem.load(base, p.userdata);
    call.mem.load(base + 8, p.type);
    if (p.type == kEventClock) {
      check_clock_subscription(call, base, layout, p);
    } else if (p.type == kEventFdRead || p.type == kEventFdWrite) {
      uint32_t fd = 0;
      call.mem.load(base + kSubscriptionFd, fd);
      check_fd_subscription(call, fd, p);
    } else {
      return Errno::kInval;
    }
    if (p.immediate)
      any_immediate = true;
    else
      min_wait = std::min(min_wait, p.wait_ns);
  }

  // Without a ready descriptor, wait for the earliest deadline: the work
  // clocks count the wait as time passed; deterministic mode only moves them.
  uint64_t waited = 0;
  if (!any_immediate) {
    waited = min_wait;
    if (has_work_clocks(call.state)) call.state.virtual_ns = saturating_add(call.state.virtual_ns, waited);
    if (!call.state.options.deterministic && waited > 0) sleep_ns(waited);
    if (call.tracing()) call.note("waited " + std::to_string(waited) + " ns");
  }

  uint32_t fired = 0;
  for (const Pending& p : subs) {
    const bool ready = p.immediate || (p.type == kEventClock && p.wait_ns <= waited);
    if (!ready) continue;
    uint8_t event[kEventSize] = {};
    for (int b = 0; b < 8; ++b) event[b] = static_cast<uint8_t>(p.userdata >> (8 * b));
    event[8] = static_cast<uint8_t>(static_cast<uint16_t>(p.error) & 0xff);
    event[9] = static_cast<uint8_t>(static_cast<uint16_t>(p.error) >> 8);
    event[10] = p.type;
    if (p.type != kEventClock)
      for (int b = 0; b < 8; ++b) event[16 + b] = static_cast<uint8_t>(p.nbytes >> (8 * b));
    call.mem.store_bytes(out + uint64_t{fired} * kEventSize, event, kEventSize);
    ++fired;
  }
  call.mem.store(nevents_ptr, fired);
  return Errno::kSuccess;
}

std::span<const HostDef> clock_functions() { return kFunctions; }

}  // namespace kiln::wasi
