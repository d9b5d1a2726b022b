// A sink in memory that refuses to grow past a byte limit (--max-output-size).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kiln/base/sink.h"

namespace kiln::preinit {

// The rewriter streams into this sink, so an init that leaves gigabytes of
// non-zero memory is stopped at the limit rather than after the whole output
// has been built in memory, and nothing reaches the disk.
class BoundedVectorSink final : public Sink {
 public:
  // Messages name the limit `setting` ("--max-output-size") and show it as `value` ("--max-output-size 100").
  BoundedVectorSink(uint64_t max_bytes, std::string setting, std::string value)
      : max_bytes_(max_bytes), setting_(std::move(setting)), value_(std::move(value)) {}

  Status write(std::span<const uint8_t> bytes) override {
    if (bytes.size() > room()) return too_large();
    return inner_.write(bytes);
  }
  // The rewriter announces the exact size first: an output over the limit is
  // refused before a byte of it is built.
  Status reserve(uint64_t total_bytes) override {
    if (total_bytes > room()) return too_large();
    return inner_.reserve(total_bytes);
  }
  std::vector<uint8_t>& bytes() { return inner_.bytes(); }

 private:
  uint64_t room() { return max_bytes_ - inner_.bytes().size(); }
  Error too_large() const {
    return Error{ErrorCode::kExhausted, kNoOffset,
                 "the output module would be larger than " + value_ + " bytes; raise " + setting_ + " to write it"};
  }

  uint64_t max_bytes_;
  std::string setting_;
  std::string value_;
  VectorSink inner_;
};

}  // namespace kiln::preinit
