// Type equivalence and reference subtyping, within one module and across two (import matching).
#include "kiln/ir/type_equivalence.h"

#include <map>

namespace kiln {
namespace {

// A type's shape with every concrete index replaced by its canonical id, or
// by a marker for the type itself: equal keys mean equivalent types.
constexpr uint64_t kSelf = uint64_t{1} << 40;

void append_key(std::vector<uint64_t>& key, ValType t, uint32_t self, const std::vector<uint32_t>& canonical) {
  uint64_t heap = t.heap;
  if (t.is_concrete()) heap = t.heap == self ? kSelf : t.heap < canonical.size() ? canonical[t.heap] : kSelf + 1 + t.heap;
  key.push_back(uint64_t{t.byte()} << 8 | (t.nullable ? 1 : 0));
  key.push_back(heap);
}

bool same_val_type(const Module& ma, ValType a, uint32_t self_a, const Module& mb, ValType b, uint32_t self_b) {
  if (a.code != b.code || a.nullable != b.nullable || a.is_concrete() != b.is_concrete()) return false;
  if (!a.is_concrete()) return a.heap == b.heap;
  if (a.heap == self_a || b.heap == self_b) return a.heap == self_a && b.heap == self_b;
  return types_equivalent(ma, a.heap, mb, b.heap);
}

}  // namespace

std::vector<uint32_t> canonical_type_ids(const Module& module) {
  std::vector<uint32_t> canonical;
  canonical.reserve(module.types.size());
  std::map<std::vector<uint64_t>, uint32_t> seen;
  std::vector<uint64_t> key;
  for (uint32_t i = 0; i < module.types.size(); ++i) {
    const FuncType& type = module.types[i];
    key.clear();
    key.push_back(type.params.size());
    for (ValType t : type.params) append_key(key, t, i, canonical);
    for (ValType t : type.results) append_key(key, t, i, canonical);
    canonical.push_back(seen.emplace(key, i).first->second);
  }
  return canonical;
}

bool types_equivalent(const Module& ma, uint32_t a, const Module& mb, uint32_t b) {
  if (&ma == &mb && a == b) return true;
  if (a >= ma.types.size() || b >= mb.types.size()) return false;
  const FuncType& x = ma.types[a];
  const FuncType& y = mb.types[b];
  if (x.params.size() != y.params.size() || x.results.size() != y.results.size()) return false;
  for (size_t i = 0; i < x.params.size(); ++i)
    if (!same_val_type(ma, x.params[i], a, mb, y.params[i], b)) return false;
  for (size_t i = 0; i < x.results.size(); ++i)
    if (!same_val_type(ma, x.results[i], a, mb, y.results[i], b)) return false;
  return true;
}

bool matches_val_type(const Module& msub, ValType sub, const Module& msuper, ValType super) {
  return is_subtype(sub, super, [&](uint32_t a, uint32_t b) { return types_equivalent(msub, a, msuper, b); });
}

}  // namespace kiln
