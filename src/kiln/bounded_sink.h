// A sink that passes bytes on to another until a byte limit (--max-output-size), and counts them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "kiln/base/sink.h"

namespace kiln::preinit {

// The rewriter streams through this sink, so an init that leaves gigabytes of
// non-zero memory is stopped at the limit rather than after the whole output
// has been built, and nothing reaches the output.
class BoundedSink final : public Sink {
 public:
  // Messages name the limit `setting` ("--max-output-size") and show it as `value` ("--max-output-size 100").
  BoundedSink(Sink& inner, uint64_t max_bytes, std::string setting, std::string value)
      : inner_(inner), max_bytes_(max_bytes), setting_(std::move(setting)), value_(std::move(value)) {}

  Status write(std::span<const uint8_t> bytes) override {
    KILN_TRY(count(bytes.size()));
    return inner_.write(bytes);
  }
  Status write_lasting(std::span<const uint8_t> bytes) override {
    KILN_TRY(count(bytes.size()));
    return inner_.write_lasting(bytes);
  }
  // The rewriter announces the exact size first: an output over the limit is
  // refused before a byte of it is written.
  Status reserve(uint64_t total_bytes) override {
    if (total_bytes > room()) return too_large();
    return inner_.reserve(total_bytes);
  }
  uint64_t written() const { return written_; }

 private:
  uint64_t room() const { return max_bytes_ - written_; }
  Status count(uint64_t size) {
    if (size > room()) return too_large();
    written_ += size;
    return {};
  }
  Error too_large() const {
    return Error{ErrorCode::kExhausted, kNoOffset,
                 "the output module would be larger than " + value_ + " bytes; raise " + setting_ + " to write it"};
  }

  Sink& inner_;
  uint64_t max_bytes_;
  std::string setting_;
  std::string value_;
  uint64_t written_ = 0;
};

}  // namespace kiln::preinit
