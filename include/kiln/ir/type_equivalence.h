// When two function types are the same type: structurally, with the type indices inside typed references resolved
// in their own module (a type may name itself; any other index it names comes before it).
#pragma once

#include <cstdint>
#include <vector>

#include "kiln/ir/module.h"

namespace kiln {

// For each type index, the lowest index of an equivalent type in the same module.
std::vector<uint32_t> canonical_type_ids(const Module& module);

// Whether type `a` of module `ma` and type `b` of module `mb` are equivalent.
bool types_equivalent(const Module& ma, uint32_t a, const Module& mb, uint32_t b);

// Whether a value of type `sub` (with indices of `msub`) may stand where `super` (indices of `msuper`) is wanted.
bool matches_val_type(const Module& msub, ValType sub, const Module& msuper, ValType super);

}  // namespace kiln
