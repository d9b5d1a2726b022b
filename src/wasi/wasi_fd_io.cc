// fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell: scatter/gather straight to and from guest memory.
#include <pthread.h>
#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <vector>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// Linux's IOV_MAX; a longer list is a short read or write, which POSIX allows.
constexpr uint32_t kMaxIovecs = 1024;

struct IoVecs {
  std::vector<struct iovec> host;
  uint64_t total = 0;
};

// Checks every (buf, buf_len) of the guest's iovec array against memory and
// points host iovecs straight at it.
Errno gather(Call& call, uint32_t iovs, uint32_t count, IoVecs& out) {
  count = std::min(count, kMaxIovecs);
  if (!call.mem.valid(iovs, uint64_t{count} * kIovecSize)) return Errno::kFault;
  out.host.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    call.mem.load(uint64_t{iovs} + uint64_t{i} * kIovecSize, buf);
    call.mem.load(uint64_t{iovs} + uint64_t{i} * kIovecSize + 4, len);
    uint8_t* p = call.mem.writable(buf, len);
    if (!p) return Errno::kFault;
    if (len == 0) continue;
    out.host.push_back({p, len});
    out.total += len;
  }
  return Errno::kSuccess;
}

// Pipes and sockets raise SIGPIPE when the reader is gone, which would kill
// the embedding process; block it around the write and swallow the one it raised.
bool may_raise_sigpipe(FileType type) {
  return type != FileType::kRegularFile && type != FileType::kCharacterDevice && type != FileType::kBlockDevice;
}

ssize_t write_vectors(const FdEntry& entry, const IoVecs& io, const int64_t* offset) {
  const int count = static_cast<int>(io.host.size());
  const auto once = [&]() -> ssize_t {
    ssize_t n;
    do {
      n = offset ? pwritev(entry.host_fd, io.host.data(), count, static_cast<off_t>(*offset))
                 : writev(entry.host_fd, io.host.data(), count);
    } while (n < 0 && errno == EINTR);
    return n;
  };
  if (!may_raise_sigpipe(entry.type)) return once();
  sigset_t pipe_set, old_set, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  sigemptyset(&pending);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t n = once();
  const int error = errno;
  if (n < 0 && error == EPIPE && !was_pending) {
    const struct timespec zero {};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = error;
  return n;
}

ssize_t read_vectors(const FdEntry& entry, const IoVecs& io, const int64_t* offset) {
  ssize_t n;
  do {
    n = offset ? preadv(entry.host_fd, io.host.data(), static_cast<int>(io.host.size()), static_cast<off_t>(*offset))
               : readv(entry.host_fd, io.host.data(), static_cast<int>(io.host.size()));
  } while (n < 0 && errno == EINTR);
  return n;
}

// What fd_read, fd_pread, fd_write and fd_pwrite share: their arguments, the
// descriptor with the rights the call needs, and the guest's iovecs.
struct VectoredCall {
  FdEntry* entry = nullptr;
  IoVecs io;
  uint32_t result_ptr = 0;
  int64_t offset = 0;  // positioned forms only
};

Errno prepare_vectored(Call& call, bool positioned, Rights right, VectoredCall& out) {
  const uint32_t fd = call.u32(0), iovs = call.u32(1), count = call.u32(2);
  out.result_ptr = positioned ? call.u32(4) : call.u32(3);
  const uint64_t offset = positioned ? call.u64(3) : 0;
  const Rights needed = positioned ? right | kRightFdSeek : right;
  if (Errno e = lookup_fd(call, fd, needed, out.entry); e != Errno::kSuccess) return e;
  if (!call.mem.valid(out.result_ptr, 4)) return Errno::kFault;
  if (positioned && offset > static_cast<uint64_t>(INT64_MAX)) return Errno::kInval;
  out.offset = static_cast<int64_t>(offset);
  if (Errno e = gather(call, iovs, count, out.io); e != Errno::kSuccess) return e;
  if (out.entry->host_fd < 0 && positioned) return Errno::kSpipe;  // stdio that is not inherited
  return Errno::kSuccess;
}

// The shared body of fd_read and fd_pread. Stdin that is not inherited is empty.
Errno read_common(Call& call, bool positioned) {
  VectoredCall v;
  if (Errno e = prepare_vectored(call, positioned, kRightFdRead, v); e != Errno::kSuccess) return e;
  uint64_t done = 0;
  if (v.entry->host_fd >= 0 && !v.io.host.empty()) {
    const ssize_t n = read_vectors(*v.entry, v.io, positioned ? &v.offset : nullptr);
    if (n < 0) return last_host_errno();
    done = static_cast<uint64_t>(n);
  }
  call.mem.store(v.result_ptr, static_cast<uint32_t>(done));
  if (call.tracing()) call.note("read " + std::to_string(done) + " bytes from " + v.entry->host_path);
  return Errno::kSuccess;
}

// The shared body of fd_write and fd_pwrite. Output that is not inherited is dropped.
Errno write_common(Call& call, bool positioned) {
  VectoredCall v;
  if (Errno e = prepare_vectored(call, positioned, kRightFdWrite, v); e != Errno::kSuccess) return e;
  uint64_t done = v.io.total;
  if (v.entry->host_fd >= 0 && !v.io.host.empty()) {
    const ssize_t n = write_vectors(*v.entry, v.io, positioned ? &v.offset : nullptr);
    if (n < 0) return last_host_errno();
    done = static_cast<uint64_t>(n);
  }
  call.mem.store(v.result_ptr, static_cast<uint32_t>(std::min<uint64_t>(done, UINT32_MAX)));
  if (call.tracing())
    call.note((v.entry->host_fd < 0 ? "dropped " : "wrote ") + std::to_string(done) + " bytes to " + v.entry->host_path);
  return Errno::kSuccess;
}

Errno fd_read(Call& call) { return read_common(call, false); }
Errno fd_pread(Call& call) { return read_common(call, true); }
Errno fd_write(Call& call) { return write_common(call, false); }
Errno fd_pwrite(Call& call) { return write_common(call, true); }

Errno fd_seek(Call& call) { return fd_seek_abi(call, Abi::kPreview1); }

Errno fd_tell(Call& call) {
  const uint32_t fd = call.u32(0), out = call.u32(1);
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, kRightFdTell, entry); e != Errno::kSuccess) return e;
  if (!call.mem.valid(out, 8)) return Errno::kFault;
  if (entry->host_fd < 0) return Errno::kSpipe;
  const off_t at = lseek(entry->host_fd, 0, SEEK_CUR);
  if (at < 0) return last_host_errno();
  call.mem.store(out, static_cast<uint64_t>(at));
  return Errno::kSuccess;
}

constexpr HostDef kFunctions[] = {
    {"fd_read", "fd:i iovs:i iovs_len:i nread:i", fd_read},
    {"fd_write", "fd:i iovs:i iovs_len:i nwritten:i", fd_write},
    {"fd_pread", "fd:i iovs:i iovs_len:i offset:I nread:i", fd_pread},
    {"fd_pwrite", "fd:i iovs:i iovs_len:i offset:I nwritten:i", fd_pwrite},
    {"fd_seek", "fd:i offset:S whence:i newoffset:i", fd_seek},
    {"fd_tell", "fd:i offset:i", fd_tell},
};

}  // namespace

Errno fd_seek_abi(Call& call, Abi abi) {
  const uint32_t fd = call.u32(0), whence = call.u32(2), out = call.u32(3);
  const int64_t offset = static_cast<int64_t>(call.u64(1));
  // preview1 numbers set/cur/end 0/1/2; wasi_unstable numbers cur/end/set 0/1/2.
  static constexpr int kPreview1Whence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  static constexpr int kUnstableWhence[] = {SEEK_CUR, SEEK_END, SEEK_SET};
  if (whence > 2) return Errno::kInval;
  const int host_whence = abi == Abi::kPreview1 ? kPreview1Whence[whence] : kUnstableWhence[whence];
  FdEntry* entry = nullptr;
  if (Errno e = lookup_fd(call, fd, 0, entry); e != Errno::kSuccess) return e;
  // Asking where we are needs only fd_tell; moving needs fd_seek.
  const bool tell_only = host_whence == SEEK_CUR && offset == 0;
  if (!(entry->base & kRightFdSeek) && !(tell_only && (entry->base & kRightFdTell))) return Errno::kNotcapable;
  if (!call.mem.valid(out, 8)) return Errno::kFault;
  if (entry->host_fd < 0) return Errno::kSpipe;
  const off_t at = lseek(entry->host_fd, static_cast<off_t>(offset), host_whence);
  if (at < 0) return last_host_errno();
  call.mem.store(out, static_cast<uint64_t>(at));
  return Errno::kSuccess;
}

std::span<const HostDef> fd_io_functions() { return kFunctions; }

}  // namespace kiln::wasi
