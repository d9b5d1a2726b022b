// The Store's object ownership, canonical function types, tables and export lookup.
#include "kiln/runtime/store.h"

#include <algorithm>

#include "kiln/ir/type_equivalence.h"
#include "kiln/runtime/gc.h"

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

std::vector<uint32_t> Store::intern_module_types(const Module& module) {
  std::vector<uint32_t> ids(module.type_defs.size());
  const OutsideId outside = [&](uint32_t i) -> uint64_t { return ids[i]; };
  std::vector<uint64_t> key;
  for (uint32_t start = 0; start < module.type_defs.size(); start += module.type_defs[start].group_size) {
    const uint32_t size = module.type_defs[start].group_size;
    key.clear();
    append_group_key(key, module, start, outside);
    const auto [it, added] = groups_.emplace(key, static_cast<uint32_t>(types_.size()));
    const uint32_t first = it->second;
    for (uint32_t k = 0; k < size; ++k) ids[start + k] = first + k;
    if (!added) continue;
    for (uint32_t k = 0; k < size; ++k) {
      const TypeDef& def = module.type_defs[start + k];
      StoreType& t = types_.emplace_back();
      t.id = first + k;
      t.kind = def.kind;
      t.func = module.types[start + k];
      t.fields = def.fields;
      t.is_final = def.is_final;
      // A supertype is declared before its subtypes, in this group or an earlier one.
      if (def.super != TypeDef::kNoSuper && def.super < start + k) t.super = &types_[ids[def.super]];
    }
  }
  return ids;
}

uint32_t Store::intern_type(const FuncType& type) {
  Module single;
  single.types.push_back(type);
  single.type_defs.emplace_back();
  return intern_module_types(single)[0];
}

GcObject* Store::allocate_gc(const StoreType* type, uint32_t length, uint64_t cells) {
  constexpr uint64_t kHeaderWords = sizeof(GcObject) / 8;
  const uint64_t words = cells + kHeaderWords;
  if (cells > gc_limit_ / 8 || gc_bytes_ + words * 8 > gc_limit_) return nullptr;
  constexpr uint64_t kChunkWords = uint64_t{1} << 17;  // 1 MiB
  if (words > gc_room_) {
    const uint64_t chunk = std::max(words, kChunkWords);
    gc_chunks_.push_back(std::make_unique<uint64_t[]>(static_cast<size_t>(chunk)));  // zeroed
    gc_next_ = gc_chunks_.back().get();
    gc_room_ = chunk;
  }
  auto* object = reinterpret_cast<GcObject*>(gc_next_);
  object->type = type;
  object->length = length;
  gc_next_ += words;
  gc_room_ -= words;
  gc_bytes_ += words * 8;
  return object;
}

FuncInstance* Store::add_host_func(const FuncType& type, HostFunction fn, std::string name) {
  FuncInstance* f = add_func();
  f->type_id = intern_type(type);
  f->type = &types_[f->type_id].func;
  f->store_type = &types_[f->type_id];
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
  tag->type = &types_[tag->type_id].func;
  return tags_.emplace_back(std::move(tag)).get();
}

Memory* Store::add_memory(Memory memory) {
  return memories_.emplace_back(std::make_unique<Memory>(std::move(memory))).get();
}

Instance* Store::add_instance() {
  Instance* instance = instances_.emplace_back(std::make_unique<Instance>()).get();
  instance->store = this;
  return instance;
}

}  // namespace kiln
