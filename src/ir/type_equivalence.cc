// Type equivalence (iso-recursive, by recursion group) and subtyping, within one module and across two.
#include "kiln/ir/type_equivalence.h"

#include <map>

namespace kiln {
namespace {

// Markers of a canonical key: a reference into the type's own group (by
// position) and one to a later group (only in a module the validator refuses).
constexpr uint64_t kInGroup = uint64_t{1} << 40;
constexpr uint64_t kForward = uint64_t{1} << 41;

struct GroupSpan {
  uint32_t start;
  uint32_t size;
  bool contains(uint32_t i) const { return i >= start && i - start < size; }
};

GroupSpan group_of(const Module& m, uint32_t i) { return {m.type_defs[i].group_start, m.type_defs[i].group_size}; }

void append_key(std::vector<uint64_t>& key, ValType t, GroupSpan group, const OutsideId& outside) {
  uint64_t heap = t.heap;
  if (t.is_concrete()) {
    if (group.contains(t.heap)) heap = kInGroup | (t.heap - group.start);
    else if (t.heap < group.start) heap = outside(t.heap);
    else heap = kForward | t.heap;
  }
  key.push_back(uint64_t{static_cast<uint8_t>(t.code)} << 8 | (t.nullable ? 1 : 0));
  key.push_back(heap);
}

void append_def_key(std::vector<uint64_t>& key, const Module& m, uint32_t i, GroupSpan group,
                    const OutsideId& outside) {
  const TypeDef& def = m.type_defs[i];
  key.push_back(static_cast<uint64_t>(def.kind) << 1 | (def.is_final ? 1 : 0));
  if (def.super == TypeDef::kNoSuper) key.push_back(TypeDef::kNoSuper);
  else append_key(key, ValType{TypeCode::kAnyRef, false, def.super}, group, outside);
  key.push_back(def.fields.size());
  for (const FieldType& f : def.fields) {
    append_key(key, f.storage, group, outside);
    key.push_back(f.is_mutable ? 1 : 0);
  }
  const FuncType& func = m.types[i];
  key.push_back(func.params.size());
  for (ValType t : func.params) append_key(key, t, group, outside);
  key.push_back(func.results.size());
  for (ValType t : func.results) append_key(key, t, group, outside);
}

// Numbers the types of one or more modules by equivalence class, group by
// group in index order, so that equal numbers mean equivalent types across
// all of them. Iterative: a long chain of groups each naming the one before
// costs no stack.
class JointIds {
 public:
  // The class of every type of `m` up to and including `upto`'s group.
  std::vector<uint32_t> number(const Module& m, uint32_t upto) {
    std::vector<uint32_t> ids(m.type_defs.size(), kUnnumbered);
    const OutsideId outside = [&](uint32_t i) -> uint64_t { return ids[i]; };
    std::vector<uint64_t> key;
    for (uint32_t start = 0; start <= upto && start < m.type_defs.size(); start += m.type_defs[start].group_size) {
      const uint32_t size = m.type_defs[start].group_size;
      key.clear();
      append_group_key(key, m, start, outside);
      const uint32_t first = classes_.emplace(key, next_).first->second;
      if (first == next_) next_ += size;
      for (uint32_t k = 0; k < size && start + k < ids.size(); ++k) ids[start + k] = first + k;
    }
    return ids;
  }

 private:
  static constexpr uint32_t kUnnumbered = 0xFFFF'FFFF;
  std::map<std::vector<uint64_t>, uint32_t> classes_;
  uint32_t next_ = 0;
};

// The abstract part of subtyping; `concrete_le(x, y)` decides two concrete indices.
template <typename ConcreteLe>
bool heap_subtype(const Module& msub, ValType sub, ValType super, ConcreteLe concrete_le) {
  if (sub.code != super.code) return false;
  if (super.heap == ValType::kTopHeap || sub.heap == ValType::kBottomHeap) return true;
  if (super.heap == ValType::kBottomHeap) return false;
  if (!sub.is_concrete()) {
    if (super.is_concrete()) return false;
    if (sub.heap == super.heap) return true;
    return super.heap == ValType::kEqHeap &&
           (sub.heap == ValType::kI31Heap || sub.heap == ValType::kStructHeap || sub.heap == ValType::kArrayHeap);
  }
  if (super.is_concrete()) return concrete_le(sub.heap, super.heap);
  if (sub.heap >= msub.type_defs.size()) return false;
  const TypeDef::Kind kind = msub.type_defs[sub.heap].kind;
  switch (super.heap) {
    case ValType::kEqHeap: return kind == TypeDef::Kind::kStruct || kind == TypeDef::Kind::kArray;
    case ValType::kStructHeap: return kind == TypeDef::Kind::kStruct;
    case ValType::kArrayHeap: return kind == TypeDef::Kind::kArray;
    default: return false;
  }
}

template <typename ConcreteLe>
bool val_subtype(const Module& msub, ValType sub, ValType super, ConcreteLe concrete_le) {
  if (!sub.is_ref() || !super.is_ref()) return sub == super;
  if (sub.nullable && !super.nullable) return false;
  return heap_subtype(msub, sub, super, concrete_le);
}

// Walks `sub`'s declared supertypes (each names an earlier type, so the walk ends) looking for one `same` accepts.
template <typename Same>
bool chain_reaches(const Module& msub, uint32_t sub, Same same) {
  for (size_t steps = 0; sub < msub.type_defs.size() && steps <= msub.type_defs.size(); ++steps) {
    if (same(sub)) return true;
    sub = msub.type_defs[sub].super;
  }
  return false;
}

}  // namespace

void append_group_key(std::vector<uint64_t>& key, const Module& module, uint32_t group_start,
                      const OutsideId& outside) {
  const GroupSpan group = group_of(module, group_start);
  key.push_back(group.size);
  for (uint32_t k = 0; k < group.size; ++k) append_def_key(key, module, group.start + k, group, outside);
}

std::vector<uint32_t> canonical_type_ids(const Module& module) {
  std::vector<uint32_t> canonical(module.types.size());
  std::map<std::vector<uint64_t>, uint32_t> seen;
  std::vector<uint64_t> key;
  const OutsideId outside = [&](uint32_t i) -> uint64_t { return canonical[i]; };
  for (uint32_t start = 0; start < module.type_defs.size();) {
    const GroupSpan group = group_of(module, start);
    key.clear();
    append_group_key(key, module, start, outside);
    const uint32_t first = seen.emplace(key, start).first->second;
    for (uint32_t k = 0; k < group.size; ++k) canonical[start + k] = first + k;
    start += group.size;
  }
  return canonical;
}

bool types_equivalent(const Module& ma, uint32_t a, const Module& mb, uint32_t b) {
  if (&ma == &mb && a == b) return true;
  if (a >= ma.type_defs.size() || b >= mb.type_defs.size()) return false;
  JointIds joint;
  const std::vector<uint32_t> ia = joint.number(ma, a);
  const std::vector<uint32_t> ib = joint.number(mb, b);
  return ia[a] == ib[b];
}

bool declares_supertype(const Module& msub, uint32_t sub, const Module& msuper, uint32_t super) {
  if (sub >= msub.type_defs.size() || super >= msuper.type_defs.size()) return false;
  JointIds joint;
  const std::vector<uint32_t> isub = joint.number(msub, sub);
  const std::vector<uint32_t> isuper = joint.number(msuper, super);
  return chain_reaches(msub, sub, [&](uint32_t x) { return isub[x] == isuper[super]; });
}

bool matches_val_type(const Module& msub, ValType sub, const Module& msuper, ValType super) {
  return val_subtype(msub, sub, super,
                     [&](uint32_t x, uint32_t y) { return declares_supertype(msub, x, msuper, y); });
}

bool is_subtype_in(const Module& module, const std::vector<uint32_t>& canonical, ValType sub, ValType super) {
  return val_subtype(module, sub, super, [&](uint32_t x, uint32_t y) {
    if (y >= canonical.size()) return false;
    return chain_reaches(module, x, [&](uint32_t z) { return z < canonical.size() && canonical[z] == canonical[y]; });
  });
}

bool storage_matches(const Module& module, const std::vector<uint32_t>& canonical, ValType sub, ValType super) {
  if (sub.is_packed() || super.is_packed()) return sub == super;
  return is_subtype_in(module, canonical, sub, super);
}

bool matches_declared_super(const Module& module, const std::vector<uint32_t>& canonical, uint32_t sub,
                            uint32_t super) {
  const TypeDef& s = module.type_defs[sub];
  const TypeDef& p = module.type_defs[super];
  if (p.is_final || s.kind != p.kind) return false;
  auto field_matches = [&](const FieldType& a, const FieldType& b) {
    if (a.is_mutable != b.is_mutable) return false;
    if (!storage_matches(module, canonical, a.storage, b.storage)) return false;
    // A mutable field is read and written: its type may not change.
    return !a.is_mutable || storage_matches(module, canonical, b.storage, a.storage);
  };
  switch (s.kind) {
    case TypeDef::Kind::kFunc: {
      const FuncType& fs = module.types[sub];
      const FuncType& fp = module.types[super];
      if (fs.params.size() != fp.params.size() || fs.results.size() != fp.results.size()) return false;
      for (size_t i = 0; i < fs.params.size(); ++i)
        if (!is_subtype_in(module, canonical, fp.params[i], fs.params[i])) return false;
      for (size_t i = 0; i < fs.results.size(); ++i)
        if (!is_subtype_in(module, canonical, fs.results[i], fp.results[i])) return false;
      return true;
    }
    case TypeDef::Kind::kStruct:
    case TypeDef::Kind::kArray:
      if (s.fields.size() < p.fields.size()) return false;
      if (s.kind == TypeDef::Kind::kArray && s.fields.size() != p.fields.size()) return false;
      for (size_t i = 0; i < p.fields.size(); ++i)
        if (!field_matches(s.fields[i], p.fields[i])) return false;
      return true;
  }
  return false;
}

}  // namespace kiln
