// Binary decoder: bytes -> Module, with the spec suite's error wording and byte offsets.
#pragma once

#include <cstdint>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/features.h"
#include "kiln/ir/module.h"

namespace kiln {

// Decodes every section's structure. Function bodies are decoded down to
// their locals; their instructions are decoded by the validator, which
// reports malformed instructions with ErrorCode::kMalformed.
Result<Module> decode_module(std::vector<uint8_t> bytes, const Features& features = {});

}  // namespace kiln
