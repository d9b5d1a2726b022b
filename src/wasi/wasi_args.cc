// args_get, args_sizes_get, environ_get, environ_sizes_get: NUL-terminated strings and a pointer array.
#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// The count and the bytes of all strings with their terminating NULs.
Errno list_sizes(Call& call, const std::vector<std::string>& list) {
  const uint32_t count_ptr = call.u32(0), size_ptr = call.u32(1);
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (list.size() > UINT32_MAX || bytes > UINT32_MAX) return Errno::kOverflow;
  if (!call.mem.valid(count_ptr, 4) || !call.mem.valid(size_ptr, 4)) return Errno::kFault;
  call.mem.store(count_ptr, static_cast<uint32_t>(list.size()));
  call.mem.store(size_ptr, static_cast<uint32_t>(bytes));
  return Errno::kSuccess;
}

// Writes the strings one after the other at `buf` and their addresses at
// `ptrs`, in the sizes list_sizes reported.
Errno list_get(Call& call, const std::vector<std::string>& list) {
  const uint64_t ptrs = call.u32(0), buf = call.u32(1);
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (!call.mem.valid(ptrs, uint64_t{4} * list.size()) || !call.mem.valid(buf, bytes)) return Errno::kFault;
  uint64_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    call.mem.store(ptrs + 4 * i, static_cast<uint32_t>(at));
    call.mem.store_bytes(at, list[i].data(), list[i].size());
    call.mem.store(at + list[i].size(), uint8_t{0});
    at += list[i].size() + 1;
  }
  return Errno::kSuccess;
}

Errno args_sizes_get(Call& call) { return list_sizes(call, call.state.options.args); }
Errno args_get(Call& call) { return list_get(call, call.state.options.args); }
Errno environ_sizes_get(Call& call) { return list_sizes(call, call.state.env); }
Errno environ_get(Call& call) { return list_get(call, call.state.env); }

constexpr HostDef kFunctions[] = {
    {"args_get", "argv:i argv_buf:i", args_get},
    {"args_sizes_get", "argc:i argv_buf_size:i", args_sizes_get},
    {"environ_get", "environ:i environ_buf:i", environ_get},
    {"environ_sizes_get", "count:i buf_size:i", environ_sizes_get},
};

}  // namespace

std::span<const HostDef> args_functions() { return kFunctions; }

}  // namespace kiln::wasi
