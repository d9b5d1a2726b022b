// Payload builders for the sections the rewriter changes (internal to the rewrite layer).
#pragma once

#include <vector>

#include "kiln/base/byte_writer.h"
#include "kiln/base/result.h"
#include "kiln/rewrite/rewrite.h"

namespace kiln::rewrite {

std::vector<uint8_t> globals_payload(const Module& module, const Snapshot& snapshot);
std::vector<uint8_t> memories_payload(const Module& module, const Snapshot& snapshot);
std::vector<uint8_t> tables_payload(const Module& module, const Snapshot& snapshot);
Result<std::vector<uint8_t>> exports_payload(const Module& module, const RewriteOptions& options);
// Whether the element section must change, and its new payload.
bool elements_change(const Module& module, const Snapshot& snapshot);
std::vector<uint8_t> elements_payload(const Module& module, const Snapshot& snapshot);

}  // namespace kiln::rewrite
