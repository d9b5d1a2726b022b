// The type relations of WebAssembly 3.0: when two defined types are the same (iso-recursive equivalence: equal
// recursion groups, the same position in them), and when a value type is a subtype of another (the abstract heap
// type lattice plus declared supertypes), within one module and across two (import matching).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "kiln/ir/module.h"

namespace kiln {

// A number that stands for an earlier group's type in a key (its canonical index, or a store-wide id).
using OutsideId = std::function<uint64_t(uint32_t type_index)>;

// Appends the key of the recursion group starting at `group_start`: equal keys mean equivalent groups, given that
// `outside` numbers the earlier types each group names by their equivalence classes.
void append_group_key(std::vector<uint64_t>& key, const Module& module, uint32_t group_start,
                      const OutsideId& outside);

// For each type index, the lowest index of an equivalent type in the same module.
std::vector<uint32_t> canonical_type_ids(const Module& module);

// Whether type `a` of module `ma` and type `b` of module `mb` are equivalent.
bool types_equivalent(const Module& ma, uint32_t a, const Module& mb, uint32_t b);

// Whether a value of type `sub` (with indices of `msub`) may stand where `super` (indices of `msuper`) is wanted.
bool matches_val_type(const Module& msub, ValType sub, const Module& msuper, ValType super);

// The same within one module, deciding equivalence by `canonical` (canonical_type_ids of `module`).
bool is_subtype_in(const Module& module, const std::vector<uint32_t>& canonical, ValType sub, ValType super);

// Whether defined type `sub` may declare `super` as its supertype: the kinds agree and, field by field (or
// parameter and result by parameter and result), `sub`'s definition matches `super`'s.
bool matches_declared_super(const Module& module, const std::vector<uint32_t>& canonical, uint32_t sub,
                            uint32_t super);

// Whether concrete type `sub` is `super` or declares it, directly or through its supertypes.
bool declares_supertype(const Module& msub, uint32_t sub, const Module& msuper, uint32_t super);

// Whether a storage type (a field's or an array element's) is a subtype of another: packed types only of themselves.
bool storage_matches(const Module& module, const std::vector<uint32_t>& canonical, ValType sub, ValType super);

}  // namespace kiln
