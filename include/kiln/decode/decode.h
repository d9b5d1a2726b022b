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

// The same, for bytes the module does not own: its ranges point into `bytes`
// (Module::borrowed), which must outlive it. For checking a module held
// elsewhere, such as an output file mapped back, without copying it.
Result<Module> decode_borrowed_module(Bytes bytes, const Features& features = {});

}  // namespace kiln
