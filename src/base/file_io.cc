// File reads and atomic writes (temporary beside the target, renamed on success) with errno-based messages.
#include "kiln/base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kiln/base/sink.h"

namespace kiln {
namespace {

constexpr size_t kBufferSize = 1 << 20;
// Pieces gathered before a writev (the kernel takes at most IOV_MAX = 1024 at a time).
constexpr size_t kMaxPending = 1024;

Error io_error(const std::string& what, const std::string& path, int err) {
  return Error{ErrorCode::kIo, kNoOffset, what + " '" + path + "': " + std::strerror(err)};
}

// Writes every piece in order, however many writev calls the kernel needs.
Status write_all(int fd, std::span<iovec> parts, const std::string& path) {
  while (!parts.empty()) {
    const ssize_t n = ::writev(fd, parts.data(), static_cast<int>(std::min(parts.size(), kMaxPending)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write", path, errno);
    }
    if (n == 0) return io_error("cannot write", path, EIO);
    size_t done = static_cast<size_t>(n);
    while (!parts.empty() && done >= parts.front().iov_len) {
      done -= parts.front().iov_len;
      parts = parts.subspan(1);
    }
    if (done > 0) {
      parts.front().iov_base = static_cast<uint8_t*>(parts.front().iov_base) + done;
      parts.front().iov_len -= done;
    }
  }
  return {};
}

iovec piece(std::span<const uint8_t> bytes) { return {const_cast<uint8_t*>(bytes.data()), bytes.size()}; }

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes) {
  const bool is_stdin = path == "-";
  const std::string shown = is_stdin ? "<stdin>" : path;
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", shown, errno);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!is_stdin) ::close(fd);
    return io_error("cannot read", shown, EISDIR);
  }
  const auto too_large = [&] {
    if (!is_stdin) ::close(fd);
    return Error{ErrorCode::kIo, kNoOffset,
                 "cannot read '" + shown + "': it is larger than " + std::to_string(max_bytes) +
                     " bytes, the most kiln reads as a module"};
  };
  std::vector<uint8_t> data;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_large();
    data.reserve(static_cast<size_t>(st.st_size));
  }
  std::vector<uint8_t> buffer(1 << 16);
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      if (!is_stdin) ::close(fd);
      return io_error("cannot read", shown, err);
    }
    if (n == 0) break;
    if (static_cast<uint64_t>(n) > max_bytes - data.size()) return too_large();
    data.insert(data.end(), buffer.begin(), buffer.begin() + n);
  }
  if (!is_stdin) ::close(fd);
  return data;
}

Result<std::unique_ptr<AtomicFileSink>> AtomicFileSink::open(const std::string& path) {
  std::unique_ptr<AtomicFileSink> sink(new AtomicFileSink());
  sink->target_ = path;
  sink->buffer_.reserve(kBufferSize);
  sink->pending_.reserve(kMaxPending);
  if (path == "-") {
    sink->fd_ = STDOUT_FILENO;
    sink->owns_fd_ = false;
    return sink;
  }
  // Devices, pipes and other non-regular targets are written in place:
  // renaming a temporary over /dev/null would replace the device itself.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) return io_error("cannot write", path, EISDIR);
    sink->fd_ = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (sink->fd_ < 0) return io_error("cannot open", path, errno);
    return sink;
  }
  // A symlinked target keeps its link: the new file replaces what it points to.
  std::string target = path;
  if (char* resolved = ::realpath(path.c_str(), nullptr)) {
    target = resolved;
    std::free(resolved);
  }
  sink->target_ = target;
  const size_t slash = target.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash));
  sink->temp_ = dir + "/.kiln-XXXXXX";
  sink->fd_ = ::mkstemp(sink->temp_.data());
  if (sink->fd_ < 0) {
    const int err = errno;
    sink->temp_.clear();
    return io_error("cannot create a file in", dir, err);
  }
  // Output files get the usual permissions, not mkstemp's private 0600.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(sink->fd_, 0666 & ~mask);
  return sink;
}

AtomicFileSink::~AtomicFileSink() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

Status AtomicFileSink::flush() {
  Status written = write_all(fd_, pending_, target_);
  pending_.clear();
  buffer_.clear();
  return written;
}

Status AtomicFileSink::write(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return {};
  if (bytes.size() > buffer_.capacity() - buffer_.size() || pending_.size() == kMaxPending) KILN_TRY(flush());
  if (bytes.size() > buffer_.capacity()) {
    iovec whole = piece(bytes);
    return write_all(fd_, std::span(&whole, 1), target_);
  }
  uint8_t* end = buffer_.data() + buffer_.size();
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  // Pieces copied one after another are written as one.
  if (!pending_.empty() && static_cast<uint8_t*>(pending_.back().iov_base) + pending_.back().iov_len == end)
    pending_.back().iov_len += bytes.size();
  else
    pending_.push_back(piece(std::span<const uint8_t>(end, bytes.size())));
  return {};
}

Status AtomicFileSink::write_lasting(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return {};
  if (pending_.size() == kMaxPending) KILN_TRY(flush());
  pending_.push_back(piece(bytes));
  return {};
}

Result<MappedFile> AtomicFileSink::map_written() {
  KILN_TRY(flush());
  return MappedFile::map(fd_, target_);
}

Status AtomicFileSink::commit() {
  KILN_TRY(flush());
  if (temp_.empty()) return {};
  if (::fsync(fd_) != 0 && errno != EINVAL) return io_error("cannot write", target_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return io_error("cannot write", target_, errno);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) return io_error("cannot write", target_, errno);
  temp_.clear();
  return {};
}

Status write_file_atomic(const std::string& path, std::span<const uint8_t> data) {
  auto sink = AtomicFileSink::open(path);
  if (!sink) return std::move(sink).error();
  KILN_TRY((*sink)->write(data));
  return (*sink)->commit();
}

}  // namespace kiln
