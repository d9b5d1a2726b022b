// Internal to the validator: how many threads type a module's function bodies.
#pragma once

#include "kiln/ir/module.h"

namespace kiln::validate_detail {

// max_threads when given (at most one per body); otherwise one per MiB of
// code, up to the machine's threads less `busy_threads` kept for other work
// (at most 8, at least 1). 0 for a module without bodies.
unsigned body_threads(const Module& module, unsigned max_threads, unsigned busy_threads);

}  // namespace kiln::validate_detail
