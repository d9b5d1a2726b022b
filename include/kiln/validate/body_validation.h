// Validation whose function bodies are typed on worker threads while the caller does something else (runs init).
#pragma once

#include <cstdint>
#include <memory>

#include "kiln/base/result.h"
#include "kiln/ir/func_info.h"
#include "kiln/ir/module.h"
#include "kiln/validate/body_observer.h"

namespace kiln {

// validate_module split in two: the rules outside function bodies are checked
// by start, on the calling thread; the bodies are then typed by worker threads
// that take small contiguous runs of them in turn, while the caller may run
// code whose bodies it checks first with check_body. finish types whatever the
// workers have not reached, joins them and returns exactly what
// validate_module(module) returns: the same facts, and for an invalid module
// the same error (the lowest-index invalid body, or a malformed one anywhere),
// whatever the number of threads or their scheduling.
//
// `module` must outlive this object. check_body and finish are for the one
// thread that called start; the destructor stops and joins the workers.
class BodyValidation {
 public:
  // Module-level errors are returned here, as validate_module reports them.
  // `workers` threads are started (0: every body is typed by check_body or
  // finish on the calling thread; a thread that cannot be created is one fewer).
  static Result<std::unique_ptr<BodyValidation>> start(const Module& module, unsigned workers);

  // How many workers suit a caller that keeps one thread busy meanwhile:
  // max_threads when given, otherwise one per MiB of code, up to the
  // machine's threads less the caller's (at least one when there are bodies; at most 8).
  static unsigned workers_beside_busy_caller(const Module& module, unsigned max_threads);

  // Whether defined function `defined_index` is valid, typing it now on this
  // thread unless a worker has finished it (one in progress is typed again
  // here: the work is pure, so duplicating it is harmless). Its error is that
  // body's own, which need not be the module's (see finish). With an
  // observer the body is always typed here, the observer following the walk.
  Status check_body(uint32_t defined_index, BodyObserver* observer = nullptr);

  // Call once. The module's validation result, as validate_module gives it.
  Result<ModuleInfo> finish();

  ~BodyValidation();
  BodyValidation(const BodyValidation&) = delete;
  BodyValidation& operator=(const BodyValidation&) = delete;

  struct State;  // internal: shared with the workers

 private:
  explicit BodyValidation(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace kiln
