// A sink in memory that refuses to grow past a byte limit (--max-output-size).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/sink.h"

namespace kiln::preinit {

// The rewriter streams into this sink, so an init that leaves gigabytes of
// non-zero memory is stopped at the limit rather than after the whole output
// has been built in memory, and nothing reaches the disk.
class BoundedVectorSink final : public Sink {
 public:
  explicit BoundedVectorSink(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  Status write(std::span<const uint8_t> bytes) override {
    if (bytes.size() > max_bytes_ - inner_.bytes().size())
      return Error{ErrorCode::kExhausted, kNoOffset,
                   "the output module would be larger than --max-output-size " + std::to_string(max_bytes_) +
                       " bytes; raise --max-output-size to write it"};
    return inner_.write(bytes);
  }
  std::vector<uint8_t>& bytes() { return inner_.bytes(); }

 private:
  uint64_t max_bytes_;
  VectorSink inner_;
};

}  // namespace kiln::preinit
