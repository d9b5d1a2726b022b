// wasi_unstable (snapshot 0): the functions whose structs or enums differ from preview1.
#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// Snapshot 0 has a 56-byte filestat (u32 link count), a 56-byte subscription
// (a u64 identifier before the clock id) and whence numbered cur/end/set.
Errno fd_filestat_get_unstable(Call& call) { return fd_filestat_get_abi(call, Abi::kUnstable); }
Errno path_filestat_get_unstable(Call& call) { return path_filestat_get_abi(call, Abi::kUnstable); }
Errno fd_seek_unstable(Call& call) { return fd_seek_abi(call, Abi::kUnstable); }
Errno poll_oneoff_unstable(Call& call) { return poll_oneoff_abi(call, Abi::kUnstable); }

constexpr HostDef kFunctions[] = {
    {"fd_filestat_get", "fd:i buf:i", fd_filestat_get_unstable},
    {"path_filestat_get", "fd:i flags:i path:i path_len:i buf:i", path_filestat_get_unstable},
    {"fd_seek", "fd:i offset:S whence:i newoffset:i", fd_seek_unstable},
    {"poll_oneoff", "in:i out:i nsubscriptions:i nevents:i", poll_oneoff_unstable},
};

}  // namespace

std::span<const HostDef> unstable_functions() { return kFunctions; }

}  // namespace kiln::wasi
