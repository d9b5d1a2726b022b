// Internals shared by the WASI host functions: guest memory access, the descriptor table, one call in progress.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/runtime/memory.h"
#include "kiln/runtime/trap.h"
#include "kiln/runtime/value.h"
#include "kiln/wasi/abi.h"
#include "kiln/wasi/wasi.h"
#include "sandbox.h"

namespace kiln::wasi {

// Bounds-checked, little-endian access to the caller's linear memory. Every
// guest pointer goes through here: a range outside memory (or no memory at
// all) is a failed check, which the callers turn into EFAULT. Writes mark
// their pages for the snapshot scanner.
class GuestMemory {
 public:
  explicit GuestMemory(Memory* memory) : memory_(memory) {}

  bool valid(uint64_t address, uint64_t length) const { return memory_ && memory_->in_bounds(address, length); }

  const uint8_t* view(uint64_t address, uint64_t length) const {
    return valid(address, length) ? memory_->data() + address : nullptr;
  }
  // The range for the host to write into (the snapshot finds what was written by itself).
  uint8_t* writable(uint64_t address, uint64_t length) {
    return valid(address, length) ? memory_->data() + address : nullptr;
  }

  template <typename T>
  bool load(uint64_t address, T& out) const {
    const uint8_t* p = view(address, sizeof(T));
    if (!p) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v |= uint64_t{p[i]} << (8 * i);
    out = static_cast<T>(v);
    return true;
  }
  template <typename T>
  bool store(uint64_t address, T value) {
    uint8_t* p = writable(address, sizeof(T));
    if (!p) return false;
    const uint64_t v = static_cast<uint64_t>(value);
    for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
    return true;
  }
  bool store_bytes(uint64_t address, const void* data, uint64_t length) {
    if (length == 0) return valid(address, 0);
    uint8_t* p = writable(address, length);
    if (!p) return false;
    std::memcpy(p, data, static_cast<size_t>(length));
    return true;
  }
  // A guest string (a path) of exactly `length` bytes: EFAULT outside memory,
  // EILSEQ with an embedded NUL (it would cut the host path short).
  Errno load_string(uint32_t address, uint32_t length, std::string& out) const;

 private:
  Memory* memory_;
};

// Which layout a struct-returning function uses: wasi_unstable (snapshot 0)
// differs from preview1 in filestat, subscription and whence.
enum class Abi : uint8_t { kPreview1, kUnstable };

struct DirEntry {
  std::string name;
  uint64_t ino = 0;
  FileType type = FileType::kUnknown;
};

enum class FdKind : uint8_t { kStdio, kFile, kDirectory };

struct FdEntry {
  FdKind kind = FdKind::kFile;
  UniqueFd owned;    // closed with the entry; empty for stdio
  int host_fd = -1;  // owned.get() or a borrowed stdio descriptor; -1 for stdio that is not inherited
  FileType type = FileType::kUnknown;
  Rights base = 0;
  Rights inheriting = 0;
  uint16_t fdflags = 0;
  bool is_preopen = false;
  std::string preopen_name;  // the guest path of a preopened directory
  std::string host_path;     // for traces and messages
  // fd_readdir's sorted listing, taken when a read starts at cookie 0.
  std::vector<DirEntry> listing;
  bool listing_valid = false;
};

struct WasiState {
  WasiOptions options;
  std::vector<std::string> env;  // NAME=VALUE, inherited then explicit
  std::map<uint32_t, FdEntry> fds;
  std::optional<int32_t> exit_code;
  uint64_t virtual_ns = 0;  // the work clocks (WasiOptions::Clocks::kWork)
  uint64_t fuel_seen = 0;   // the caller's fuel_used when the work clocks last moved
  uint64_t rng_state = 0;   // deterministic random_get

  FdEntry* find(uint32_t fd) {
    auto it = fds.find(fd);
    return it == fds.end() ? nullptr : &it->second;
  }
  // The lowest free number, or nullopt when the table is full (EMFILE).
  std::optional<uint32_t> insert(FdEntry entry);
};

// One host call in progress: the arguments, the caller's memory and work
// done so far (HostContext), the trace notes and, for proc_exit, the trap to
// return.
class Call {
 public:
  Call(WasiState& wasi_state, const HostContext& host, std::span<const Value> arguments)
      : state(wasi_state), mem(host.memory(0)), fuel_used(host.fuel_used), args_(arguments) {}

  uint32_t u32(size_t i) const { return static_cast<uint32_t>(args_[i].bits); }
  uint64_t u64(size_t i) const { return args_[i].bits; }
  bool tracing() const { return static_cast<bool>(state.options.trace); }
  // Only call when tracing(): formats nothing otherwise.
  void note(const std::string& text) {
    notes_ += "; ";
    notes_ += text;
  }
  const std::string& notes() const { return notes_; }

  WasiState& state;
  GuestMemory mem;
  uint64_t fuel_used;
  std::optional<Trap> trap;

 private:
  std::span<const Value> args_;
  std::string notes_;
};

using HostImpl = Errno (*)(Call& call);

// One WASI function: its name, its parameters as "name:type" words (i = i32,
// I = i64, S = signed i64; the names appear in traces) and its body. Every
// function returns an errno except proc_exit.
struct HostDef {
  const char* name;
  const char* params;
  HostImpl impl;
  bool returns_errno = true;
};

// Each source file contributes its functions.
std::span<const HostDef> args_functions();
std::span<const HostDef> clock_functions();
std::span<const HostDef> proc_functions();
std::span<const HostDef> fd_functions();
std::span<const HostDef> fd_io_functions();
std::span<const HostDef> readdir_functions();
std::span<const HostDef> path_functions();
// wasi_unstable versions of the functions whose layouts differ.
std::span<const HostDef> unstable_functions();

// Host errno -> guest errno.
Errno errno_from_host(int host_errno);
Errno last_host_errno();

FileType file_type_from_mode(mode_t mode);
uint64_t timespec_ns(const struct timespec& t);
// Writes a filestat in the layout of `abi`; the caller checked the range.
bool store_filestat(GuestMemory& mem, uint32_t address, const struct stat& st, Abi abi);
uint32_t filestat_size(Abi abi);

// The descriptor `fd` when it exists and holds every right in `needed`:
// EBADF when it does not exist, ENOTCAPABLE when a right is missing.
Errno lookup_fd(Call& call, uint32_t fd, Rights needed, FdEntry*& out);

// Shared bodies of the functions whose wasi_unstable layouts differ.
Errno fd_filestat_get_abi(Call& call, Abi abi);
Errno path_filestat_get_abi(Call& call, Abi abi);
Errno fd_seek_abi(Call& call, Abi abi);
Errno poll_oneoff_abi(Call& call, Abi abi);

// The two timespecs for futimens/utimensat from WASI's timestamps and fstflags.
Errno file_times(uint64_t atim, uint64_t mtim, uint16_t flags, struct timespec times[2]);

// The clock `id` now, in nanoseconds, after moving the work clocks forward
// by the work the caller did since they last moved.
Errno clock_now(Call& call, uint32_t id, uint64_t& out);

}  // namespace kiln::wasi
