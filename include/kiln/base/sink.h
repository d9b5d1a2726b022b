// Byte sinks: where a streaming encoder writes (a vector in memory, or a file being written atomically).
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/mapped_file.h"
#include "kiln/base/result.h"

namespace kiln {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status write(std::span<const uint8_t> bytes) = 0;
  // The same, for bytes that stay valid and unchanged until the sink is
  // flushed (for AtomicFileSink: until map_written(), commit() or its end),
  // such as linear memory or the input module: a sink may then keep a
  // reference to them instead of a copy.
  virtual Status write_lasting(std::span<const uint8_t> bytes) { return write(bytes); }
  // Told, before the first write, that exactly `total_bytes` will follow: a
  // sink in memory allocates once instead of growing and copying, and one
  // with a size limit can refuse before anything is written.
  virtual Status reserve(uint64_t total_bytes) {
    (void)total_bytes;
    return {};
  }
};

class VectorSink final : public Sink {
 public:
  Status write(std::span<const uint8_t> bytes) override {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return {};
  }
  Status reserve(uint64_t total_bytes) override {
    bytes_.reserve(bytes_.size() + total_bytes);
    return {};
  }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// Writes to a temporary file beside `path` and renames it over `path` on
// commit(); a writer destroyed without commit() removes its temporary, so a
// failed run never leaves a partial file. Non-regular targets (/dev/stdout,
// pipes) are written in place; "-" is standard output. Small writes are
// copied into a buffer; large ones and lasting ones go to the file from the
// caller's memory, gathered with the buffered pieces into one writev.
class AtomicFileSink final : public Sink {
 public:
  static Result<std::unique_ptr<AtomicFileSink>> open(const std::string& path);
  ~AtomicFileSink() override;
  Status write(std::span<const uint8_t> bytes) override;
  Status write_lasting(std::span<const uint8_t> bytes) override;
  Status commit();
  // Writing in place: a device, a pipe or standard output, which cannot be
  // read back and is never replaced.
  bool in_place() const { return temp_.empty(); }
  // Everything written so far, mapped back from the temporary (not in place):
  // to check the output before commit() without holding it in memory too.
  Result<MappedFile> map_written();

 private:
  AtomicFileSink() = default;
  std::string target_;
  std::string temp_;  // empty when writing in place
  int fd_ = -1;
  bool owns_fd_ = true;
  std::vector<uint8_t> buffer_;  // never grows past its capacity: `pending_` points into it
  std::vector<iovec> pending_;   // what the next writev writes, in order
  Status flush();
};

}  // namespace kiln
