// Validator: the spec's typing rules over a decoded Module, plus what the interpreter needs per function.
#pragma once

#include <cstdint>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/func_info.h"
#include "kiln/ir/module.h"

namespace kiln {

// Also decodes every instruction, so malformed code surfaces here as
// ErrorCode::kMalformed; typing errors are ErrorCode::kInvalid.
Result<ModuleInfo> validate_module(const Module& module);

}  // namespace kiln
