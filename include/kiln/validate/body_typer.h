// Types single function bodies of a module that passed its module-level checks, for an observer (the lowerer).
#pragma once

#include <cstdint>
#include <memory>

#include "kiln/base/result.h"
#include "kiln/ir/module.h"
#include "kiln/validate/body_observer.h"

namespace kiln {

// For callers that validated the whole module first (validate_module) and
// lower its functions later: each body is typed again, with the observer
// following the walk. `module` must outlive this object; one thread at a time.
class BodyTyper {
 public:
  explicit BodyTyper(const Module& module);
  ~BodyTyper();
  BodyTyper(const BodyTyper&) = delete;
  BodyTyper& operator=(const BodyTyper&) = delete;

  // The body's own validation error, if it has one.
  Status type_body(uint32_t defined_index, BodyObserver& observer);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kiln
