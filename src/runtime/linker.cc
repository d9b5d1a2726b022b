// Import resolution by module/name and the spec's import-matching rules.
#include "kiln/runtime/linker.h"

namespace kiln {
namespace {

// Limits {min, max} match the import's {min', max'} when min >= min' and, if
// the import has a maximum, the actual maximum exists and is <= it.
bool limits_match(uint64_t actual_min, std::optional<uint64_t> actual_max, const Limits& wanted) {
  if (actual_min < wanted.min) return false;
  if (!wanted.max) return true;
  return actual_max && *actual_max <= *wanted.max;
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
      return store.type(value.func->type_id) == module.types[to_u32(import.func_type)];
    case ExternKind::kTable: {
      const TableInstance& t = *value.table;
      if (t.type.elem != import.table.elem || t.type.limits.is_64 != import.table.limits.is_64) return false;
      return limits_match(t.elements.size(), t.type.limits.max, import.table.limits);
    }
    case ExternKind::kMemory: {
      const Memory& m = *value.memory;
      if (m.is_64() != import.memory.limits.is_64) return false;
      return limits_match(m.pages(), m.type().limits.max, import.memory.limits);
    }
    case ExternKind::kGlobal:
      return value.global->type == import.global;
    case ExternKind::kTag:
      return store.type(value.tag->type_id) == module.types[to_u32(import.tag_type)];
  }
  return false;
}

}  // namespace kiln
