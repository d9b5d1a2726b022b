// Where the pipeline writes the pre-initialized module, and how the output is checked there before anyone sees it.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/sink.h"
#include "kiln/ir/module.h"
#include "kiln/validate/validate.h"

namespace kiln::preinit {

class Output {
 public:
  virtual ~Output() = default;
  // Called once, when the rewrite starts: where its bytes go.
  virtual Result<Sink*> open() = 0;
  // Called once everything is written: decodes and validates the output
  // where it now is (verify_output).
  virtual Status verify(const Module& input, const ModuleInfo& input_info) = 0;
};

// In memory, for preinitialize's result.
class MemoryOutput final : public Output {
 public:
  Result<Sink*> open() override { return &sink(); }
  Status verify(const Module& input, const ModuleInfo& input_info) override;
  Sink& sink() { return sink_; }
  std::vector<uint8_t>& bytes() { return sink_.bytes(); }

 private:
  VectorSink sink_;
};

// A file, through a temporary beside it that replaces it on commit() (see
// AtomicFileSink). A regular file is checked mapped back from the temporary,
// so the output is never held in memory as well. A device, a pipe or standard
// output cannot be read back: the output is built in memory, checked, and
// written on commit().
class FileOutput final : public Output, private Sink {
 public:
  explicit FileOutput(std::string path) : path_(std::move(path)) {}
  Result<Sink*> open() override;
  Status verify(const Module& input, const ModuleInfo& input_info) override;
  Status commit();
  // Whether opening, writing or committing the file failed (the error is
  // then about the output, not the input).
  bool failed() const { return failed_; }

 private:
  Status write(std::span<const uint8_t> bytes) override;
  Status write_lasting(std::span<const uint8_t> bytes) override;
  Status reserve(uint64_t total_bytes) override;
  Sink& destination();
  Status noted(Status status);

  std::string path_;
  std::unique_ptr<AtomicFileSink> file_;
  MemoryOutput memory_;  // used when the file is written in place
  bool failed_ = false;
};

}  // namespace kiln::preinit
