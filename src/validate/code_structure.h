// Internal to the validator: structural rules of function bodies that the spec counts as malformed, not invalid.
#pragma once

#include <cstdint>

#include "kiln/ir/module.h"

namespace kiln::validate_detail {

// A body whose bytes run out before its final `end`. The reference decoder
// reads on into whatever follows, so the suite's message depends on what
// that is: another body, another section, or the end of the input.
[[noreturn]] void fail_missing_end(const Module& module, uint32_t defined_index, uint64_t offset);

// Bytes left in a body after the `end` that closes it.
[[noreturn]] void fail_after_final_end(uint64_t offset);

// The number of data segments memory.init and data.drop may name. They need
// the data count section (a binary format rule, so kMalformed).
uint32_t data_segment_count(const Module& module, uint64_t offset);

// The spec decodes the whole module before it validates anything, so a
// malformed body wins over an invalid one anywhere. Called once validation
// has failed: re-reads every body without typing and throws the first
// malformed error, if any.
void scan_bodies_for_malformed(const Module& module);

}  // namespace kiln::validate_detail
