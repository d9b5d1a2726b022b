// The Store's object ownership, canonical function types, tables and export lookup.
#include "kiln/runtime/store.h"

#include <algorithm>

namespace kiln {

Memory* HostContext::memory(uint32_t index) const {
  if (!caller || index >= caller->memories.size()) return nullptr;
  return caller->memories[index];
}

uint64_t TableInstance::max_size() const {
  const uint64_t address_max = type.limits.is_64 ? UINT64_MAX : UINT32_MAX;
  return std::min({type.limits.max.value_or(address_max), limit, address_max});
}

int64_t TableInstance::grow(uint64_t delta, Ref init) {
  const uint64_t old_size = elements.size();
  if (delta > max_size() - std::min(old_size, max_size())) return -1;
  elements.resize(static_cast<size_t>(old_size + delta), init);
  return static_cast<int64_t>(old_size);
}

FuncInstance* Instance::export_func(std::string_view name) const {
  const Export* e = module->find_export(name);
  if (!e || e->kind != ExternKind::kFunc || e->index >= funcs.size()) return nullptr;
  return funcs[e->index];
}

Extern export_extern(const Instance& instance, const Export& e) {
  Extern out;
  out.kind = e.kind;
  switch (e.kind) {
    case ExternKind::kFunc: out.func = instance.funcs[e.index]; break;
    case ExternKind::kTable: out.table = instance.tables[e.index]; break;
    case ExternKind::kMemory: out.memory = instance.memories[e.index]; break;
    case ExternKind::kGlobal: out.global = instance.globals[e.index]; break;
    case ExternKind::kTag: out.tag = instance.tags[e.index]; break;
  }
  return out;
}

uint32_t Store::intern_type(const FuncType& type) {
  // Modules declare few distinct types; a linear scan keeps ids stable and simple.
  for (size_t i = 0; i < types_.size(); ++i)
    if (types_[i] == type) return static_cast<uint32_t>(i);
  types_.push_back(type);
  return static_cast<uint32_t>(types_.size() - 1);
}

FuncInstance* Store::add_host_func(const FuncType& type, HostFunction fn, std::string name) {
  FuncInstance* f = add_func();
  f->type_id = intern_type(type);
  f->type = &types_[f->type_id];
  f->host = std::move(fn);
  f->host_name = std::move(name);
  return f;
}

FuncInstance* Store::add_func() { return funcs_.emplace_back(std::make_unique<FuncInstance>()).get(); }

TableInstance* Store::add_table(const TableType& type) {
  auto table = std::make_unique<TableInstance>();
  table->type = type;
  return tables_.emplace_back(std::move(table)).get();
}

GlobalInstance* Store::add_global(const GlobalType& type) {
  auto global = std::make_unique<GlobalInstance>();
  global->type = type;
  return globals_.emplace_back(std::move(global)).get();
}

TagInstance* Store::add_tag(const FuncType& type) {
  auto tag = std::make_unique<TagInstance>();
  tag->type_id = intern_type(type);
  tag->type = &types_[tag->type_id];
  return tags_.emplace_back(std::move(tag)).get();
}

Memory* Store::add_memory(Memory memory) {
  return memories_.emplace_back(std::make_unique<Memory>(std::move(memory))).get();
}

Instance* Store::add_instance() { return instances_.emplace_back(std::make_unique<Instance>()).get(); }

}  // namespace kiln
