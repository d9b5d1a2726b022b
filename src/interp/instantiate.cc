// Instantiation in spec order: link imports, create objects, apply active segments, run the start function.
#include <algorithm>
#include <string>

#include "kiln/base/failure.h"
#include "kiln/interp/interp.h"
#include "kiln/validate/body_typer.h"
#include "kiln/ir/type_equivalence.h"

namespace kiln {
namespace {

std::string import_name(const Import& import) { return "\"" + import.module + "\".\"" + import.name + "\""; }

// A function import nobody provided: calling it stops execution with a trap
// that names the import, so running code that never calls it still works.
FuncInstance* make_import_stub(Store& store, const Module& module, const Import& import) {
  const std::string name = import.module + "." + import.name;
  return store.add_host_func(
      module.types[to_u32(import.func_type)],
      [name](HostContext&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
        Trap trap;
        trap.kind = TrapKind::kUnresolvedImport;
        trap.detail = name;
        return trap;
      },
      name);
}

Error trap_error(const CallOutcome& outcome) {
  const TrapKind kind = outcome.trap->kind;
  const ErrorCode code = kind == TrapKind::kCallStackExhausted || kind == TrapKind::kOutOfFuel ? ErrorCode::kExhausted
                                                                                                 : ErrorCode::kTrap;
  return Error{code, outcome.trap->code_offset, describe_trap(*outcome.trap, outcome.backtrace)};
}

Error segment_trap(TrapKind kind, uint64_t offset) {
  return Error{ErrorCode::kTrap, offset, trap_message(kind)};
}

Status link_imports(Store& store, const Module& m, const Linker& linker, const InstantiateOptions& options,
                    Instance& inst) {
  for (const Import& import : m.imports) {
    const Extern* found = linker.find(import.module, import.name);
    Extern value;
    if (found) {
      if (!import_matches(store, m, import, *found))
        return Error{ErrorCode::kUnlinkable, kNoOffset, "incompatible import type for " + import_name(import)};
      value = *found;
    } else if (options.stub_missing_func_imports && import.kind == ExternKind::kFunc) {
      value.kind = ExternKind::kFunc;
      value.func = make_import_stub(store, m, import);
    } else {
      return Error{ErrorCode::kUnlinkable, kNoOffset, "unknown import " + import_name(import)};
    }
    switch (import.kind) {
      case ExternKind::kFunc: inst.funcs.push_back(value.func); break;
      case ExternKind::kTable: inst.tables.push_back(value.table); break;
      case ExternKind::kMemory: inst.memories.push_back(value.memory); break;
      case ExternKind::kGlobal: inst.globals.push_back(value.global); break;
      case ExternKind::kTag: inst.tags.push_back(value.tag); break;
    }
  }
  return {};
}

Status create_objects(Store& store, const Module& m, const InstantiateOptions& options, Instance& inst) {
  for (size_t i = m.imported_funcs; i < m.func_types.size(); ++i) {
    FuncInstance* f = store.add_func();
    f->type_id = inst.type_ids[to_u32(m.func_types[i])];
    f->type = &store.type(f->type_id);
    f->store_type = store.store_type(f->type_id);
    f->instance = &inst;
    f->index = static_cast<uint32_t>(i);
    inst.funcs.push_back(f);
  }
  for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
    TableInstance* t = store.add_table(m.tables[i]);
    t->module = &m;
    // Checked before anything is allocated: a 64-bit table may declare up to 2^64-1 elements.
    if (m.tables[i].limits.min > t->limit)
      return Error{ErrorCode::kExhausted, kNoOffset,
                   "table " + std::to_string(i) + " of " + std::to_string(m.tables[i].limits.min) +
                       " elements exceeds the table limit of " + std::to_string(t->limit) + " elements"};
    t->elements.assign(static_cast<size_t>(m.tables[i].limits.min), kNullRef);
    inst.tables.push_back(t);
  }
  for (size_t i = m.imported_memories; i < m.memories.size(); ++i) {
    auto memory = Memory::create(m.memories[i], options.max_memory_bytes);
    if (!memory) return std::move(memory).error();
    inst.memories.push_back(store.add_memory(std::move(memory).value()));
  }
  for (size_t i = m.imported_tags; i < m.tags.size(); ++i) {
    TagInstance* tag = store.add_tag(m.tag_type(TagIdx{static_cast<uint32_t>(i)}));
    tag->instance = &inst;
    tag->index = static_cast<uint32_t>(i);
    inst.tags.push_back(tag);
  }
  // Globals see the imported globals and, with extended-const, earlier ones.
  for (const Global& g : m.globals) {
    GlobalInstance* global = store.add_global(g.type);
    global->module = &m;
    global->set(eval_const_expr(m, g.init, g.type.type, inst));
    inst.globals.push_back(global);
  }
  // Tables with an initializer expression (typed function references) take its value.
  for (size_t i = m.imported_tables; i < m.tables.size(); ++i) {
    const size_t defined = i - m.imported_tables;
    if (defined >= m.table_inits.size() || !m.table_inits[defined]) continue;
    const Ref init = eval_const_expr(m, *m.table_inits[defined], m.tables[i].elem, inst).bits;
    std::fill(inst.tables[i]->elements.begin(), inst.tables[i]->elements.end(), init);
  }
  inst.elems.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    std::vector<Ref>& refs = inst.elems[i];
    refs.reserve(seg.size());
    if (seg.uses_exprs) {
      for (const ConstExpr& e : seg.exprs) refs.push_back(eval_const_expr(m, e, seg.type, inst).bits);
    } else {
      for (FuncIdx f : seg.funcs) refs.push_back(func_ref(inst.funcs[to_u32(f)]));
    }
  }
  inst.data_dropped.assign(m.datas.size(), 0);
  return {};
}

// Active element then data segments, in order; a failing one stops
// instantiation but what earlier ones wrote to shared imports stays.
Status apply_segments(const Module& m, Instance& inst) {
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == SegmentMode::kActive) {
      TableInstance& table = *inst.tables[to_u32(seg.table)];
      const uint64_t offset = eval_const_expr(m, seg.offset, address_type_of(table.type.limits), inst).bits;
      const uint64_t count = inst.elems[i].size();
      const uint64_t size = table.elements.size();
      if (offset > size || count > size - offset) return segment_trap(TrapKind::kOutOfBoundsTable, seg.file_offset);
      for (uint64_t k = 0; k < count; ++k) table.elements[offset + k] = inst.elems[i][k];
    }
    if (seg.mode != SegmentMode::kPassive) inst.elems[i].clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::kActive) continue;
    Memory& memory = *inst.memories[to_u32(seg.memory)];
    const uint64_t offset = eval_const_expr(m, seg.offset, address_type_of(memory.type().limits), inst).bits;
    const uint64_t count = seg.bytes.size;
    if (!memory.in_bounds(offset, count)) return segment_trap(TrapKind::kOutOfBoundsMemory, seg.file_offset);
    if (count > 0) {
      const Bytes bytes = m.slice(seg.bytes);
      std::copy(bytes.begin(), bytes.end(), memory.data() + offset);
    }
    inst.data_dropped[i] = 1;
  }
  return {};
}

}  // namespace

Result<Instance*> instantiate(Store& store, std::shared_ptr<const Module> module,
                              std::shared_ptr<const ModuleInfo> info, const Linker& linker,
                              const InstantiateOptions& options) {
  const Module& m = *module;
  Instance* inst = store.add_instance();
  inst->module = std::move(module);
  inst->info = std::move(info);
  inst->type_body = options.type_body;
  if (!inst->type_body) {
    // Built on the first lowering: many instances never run a function.
    inst->type_body = [typer = std::shared_ptr<BodyTyper>(), &m](uint32_t defined_index,
                                                                 BodyObserver& observer) mutable {
      if (!typer) typer = std::make_shared<BodyTyper>(m);
      return typer->type_body(defined_index, observer);
    };
  }
  inst->type_ids = store.intern_module_types(m);
  for (uint32_t id : inst->type_ids) inst->store_types.push_back(store.store_type(id));

  KILN_TRY(link_imports(store, m, linker, options, *inst));
  // Constant expressions of a validated module cannot fail; should one
  // anyway, its Failure becomes this instantiation's error.
  try {
    KILN_TRY(create_objects(store, m, options, *inst));
    KILN_TRY(apply_segments(m, *inst));
  } catch (Failure& failure) {
    return std::move(failure.error);
  }

  if (options.run_start && m.start) {
    CallOutcome outcome = call_function(*inst->funcs[to_u32(*m.start)], {}, options.exec);
    if (outcome.trap) return trap_error(outcome);
  }
  return inst;
}

}  // namespace kiln
