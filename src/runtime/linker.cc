// Import resolution by module/name and the spec's import-matching rules.
#include "kiln/runtime/linker.h"

#include "kiln/ir/type_equivalence.h"

namespace kiln {
namespace {

// Limits {min, max} match the import's {min', max'} when min >= min' and, if
// the import has a maximum, the actual maximum exists and is <= it.
bool limits_match(uint64_t actual_min, std::optional<uint64_t> actual_max, const Limits& wanted) {
  if (actual_min < wanted.min) return false;
  if (!wanted.max) return true;
  return actual_max && *actual_max <= *wanted.max;
}

// A function's type against the import's: by the indices of each side's own
// module when typed references make them matter (a host function has none).
bool func_matches(const Store& store, const Module& module, TypeIdx wanted, const FuncInstance& func) {
  if (!func.instance || !func.instance->module) return store.type(func.type_id) == module.types[to_u32(wanted)];
  const Module& own = *func.instance->module;
  return declares_supertype(own, to_u32(own.func_types[func.index]), module, to_u32(wanted));
}

// Equivalent types: each a subtype of the other (concrete indices read in their own modules).
bool same_val_type(const Module& ma, ValType a, const Module& mb, ValType b) {
  return matches_val_type(ma, a, mb, b) && matches_val_type(mb, b, ma, a);
}

}  // namespace

void Linker::define(const std::string& module, const std::string& name, const Extern& value) {
  items_[{module, name}] = value;
}

void Linker::define_func(Store& store, const std::string& module, const std::string& name, const FuncType& type,
                         HostFunction fn) {
  Extern e;
  e.kind = ExternKind::kFunc;
  e.func = store.add_host_func(type, std::move(fn), module + "." + name);
  define(module, name, e);
}

void Linker::define_instance(const std::string& module, const Instance& instance) {
  for (const Export& e : instance.module->exports) define(module, e.name, export_extern(instance, e));
}

const Extern* Linker::find(const std::string& module, const std::string& name) const {
  auto it = items_.find({module, name});
  return it == items_.end() ? nullptr : &it->second;
}

bool import_matches(const Store& store, const Module& module, const Import& import, const Extern& value) {
  if (import.kind != value.kind) return false;
  switch (import.kind) {
    case ExternKind::kFunc:
      return func_matches(store, module, import.func_type, *value.func);
    case ExternKind::kTable: {
      // Tables are read and written: the element types must be equivalent.
      const TableInstance& t = *value.table;
      if (!same_val_type(t.module ? *t.module : module, t.type.elem, module, import.table.elem) ||
          t.type.limits.is_64 != import.table.limits.is_64)
        return false;
      return limits_match(t.elements.size(), t.type.limits.max, import.table.limits);
    }
    case ExternKind::kMemory: {
      const Memory& m = *value.memory;
      if (m.is_64() != import.memory.limits.is_64) return false;
      return limits_match(m.pages(), m.type().limits.max, import.memory.limits);
    }
    case ExternKind::kGlobal: {
      // An immutable global may hold a subtype of what the import reads; a
      // mutable one is read and written, so its type must be the same.
      const GlobalInstance& g = *value.global;
      if (g.type.is_mutable != import.global.is_mutable) return false;
      // A concrete type index is read in the defining module (the importer's for a host global).
      const Module& own = g.module ? *g.module : module;
      if (import.global.is_mutable) return same_val_type(own, g.type.type, module, import.global.type);
      return matches_val_type(own, g.type.type, module, import.global.type);
    }
    case ExternKind::kTag: {
      // Types equivalent across the two modules (rec groups included); a host tag has only its signature.
      const TagInstance& tag = *value.tag;
      if (!tag.instance || !tag.instance->module) return store.type(tag.type_id) == module.types[to_u32(import.tag_type)];
      const Module& own = *tag.instance->module;
      return types_equivalent(own, to_u32(own.tags[tag.index]), module, to_u32(import.tag_type));
    }
  }
  return false;
}

}  // namespace kiln
