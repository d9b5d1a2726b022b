// The pipeline's outputs: a vector in memory, or a file written as the rewrite goes and checked mapped back.
#include "preinit_output.h"

#include <utility>

#include "preinit_steps.h"

namespace kiln::preinit {

Status MemoryOutput::verify(const Module& input, const ModuleInfo& input_info) {
  return verify_output(sink_.bytes(), input, input_info);
}

Result<Sink*> FileOutput::open() {
  auto file = AtomicFileSink::open(path_);
  if (!file) {
    failed_ = true;
    return std::move(file).error();
  }
  file_ = std::move(file).value();
  return static_cast<Sink*>(this);
}

Sink& FileOutput::destination() {
  if (file_->in_place()) return memory_.sink();
  return *file_;
}

Status FileOutput::noted(Status status) {
  if (!status.ok()) failed_ = true;
  return status;
}

Status FileOutput::write(std::span<const uint8_t> bytes) { return noted(destination().write(bytes)); }

Status FileOutput::write_lasting(std::span<const uint8_t> bytes) { return noted(destination().write_lasting(bytes)); }

Status FileOutput::reserve(uint64_t total_bytes) { return noted(destination().reserve(total_bytes)); }

Status FileOutput::verify(const Module& input, const ModuleInfo& input_info) {
  if (file_->in_place()) return memory_.verify(input, input_info);
  auto written = file_->map_written();
  if (!written) return noted(std::move(written).error());
  return verify_output(written->bytes(), input, input_info);
}

Status FileOutput::commit() {
  if (file_->in_place()) KILN_TRY(noted(file_->write(memory_.bytes())));
  return noted(file_->commit());
}

}  // namespace kiln::preinit
