// validate_module: the module-level rules (indices, limits, globals, exports, start, segments), then every function
// body (body_validation.cc).
#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "body_threads.h"
#include "const_expr.h"
#include "context.h"
#include "kiln/validate/body_validation.h"
#include "kiln/validate/validate.h"
#include "module_rules.h"

namespace kiln {
namespace validate_detail {
namespace {

void check_limits(const Limits& limits, uint64_t bound, const char* too_large, uint64_t offset) {
  if (limits.min > bound) fail_invalid(offset, too_large);
  if (limits.max) {
    if (*limits.max > bound) fail_invalid(offset, too_large);
    if (limits.min > *limits.max) fail_invalid(offset, "size minimum must not be greater than maximum");
  }
}

// A 64-bit table's limits are any u64 (table64); instantiation caps the size kiln allocates.
void check_table_type(const TableType& table, uint64_t offset) {
  if (!table.limits.is_64) check_limits(table.limits, UINT32_MAX, "table size must be at most 2^32-1", offset);
  else check_limits(table.limits, UINT64_MAX, "", offset);
}

void check_memory_type(const MemoryType& memory, uint64_t offset) {
  if (memory.limits.shared) fail(ErrorCode::kUnsupported, offset, "shared memories (threads) are not supported");
  if (memory.limits.is_64)
    check_limits(memory.limits, kMaxPages64, "memory size must be at most 2^48 pages (16EiB)", offset);
  else
    check_limits(memory.limits, kMaxPages32, "memory size must be at most 65536 pages (4GiB)", offset);
}

// An exception's tag names a function type whose parameters are its payload;
// the results are reserved and must be empty.
void check_tag_type(const ModuleContext& context, TypeIdx type, uint64_t offset) {
  const FuncType& func = context.func_type_at(offset, to_u32(type));
  if (!func.results.empty()) fail_invalid(offset, "non-empty tag result type " + func_type_text(func));
}

// A definition may name the types of its own recursion group and the earlier ones; its declared supertype must come
// before it, be open to subtyping (not final), and have a definition this one refines.
void check_type_section(const ModuleContext& context) {
  const Module& module = context.module;
  const uint64_t section = section_offset(module, SectionId::kType);
  auto where = [&](const TypeDef& def) { return def.offset ? def.offset : section; };
  for (uint32_t i = 0; i < module.types.size(); ++i) {
    const TypeDef& def = module.type_defs[i];
    const uint64_t group_end = uint64_t{def.group_start} + def.group_size;
    auto check = [&](ValType t) {
      if (t.is_concrete() && t.heap >= group_end) fail_unknown(where(def), "type", t.heap);
    };
    for (ValType t : module.types[i].params) check(t);
    for (ValType t : module.types[i].results) check(t);
    for (const FieldType& field : def.fields) check(field.storage);
    if (def.super != TypeDef::kNoSuper && def.super >= i) fail_unknown(where(def), "type", def.super);
  }
  // Every reference is in range now, so the structural comparison may follow them.
  for (uint32_t i = 0; i < module.types.size(); ++i) {
    const TypeDef& def = module.type_defs[i];
    if (def.super == TypeDef::kNoSuper || matches_declared_super(module, context.canonical_types, i, def.super))
      continue;
    const char* why = module.type_defs[def.super].is_final ? "is final" : "does not match it";
    fail_invalid(where(def), "sub type " + std::to_string(i) + " of type " + std::to_string(def.super) + ": " +
                                 "the supertype " + why);
  }
}

void check_imports_and_definitions(const ModuleContext& context) {
  const Module& module = context.module;
  check_type_section(context);
  const uint64_t import_offset = section_offset(module, SectionId::kImport);
  for (const Import& import : module.imports) {
    switch (import.kind) {
      case ExternKind::kFunc: context.func_type_at(import_offset, to_u32(import.func_type)); break;
      case ExternKind::kTable:
        context.check_val_type(import_offset, import.table.elem);
        check_table_type(import.table, import_offset);
        break;
      case ExternKind::kMemory: check_memory_type(import.memory, import_offset); break;
      case ExternKind::kGlobal: context.check_val_type(import_offset, import.global.type); break;
      case ExternKind::kTag: check_tag_type(context, import.tag_type, import_offset); break;
    }
  }
  const uint64_t tag_offset = section_offset(module, SectionId::kTag);
  for (size_t i = module.imported_tags; i < module.tags.size(); ++i)
    check_tag_type(context, module.tags[i], tag_offset);
  const uint64_t function_offset = section_offset(module, SectionId::kFunction);
  for (size_t i = module.imported_funcs; i < module.func_types.size(); ++i) {
    context.func_type_at(function_offset, to_u32(module.func_types[i]));
  }
  if (module.codes.size() != module.func_types.size() - module.imported_funcs)
    fail(ErrorCode::kMalformed, section_offset(module, SectionId::kCode),
         "function and code section have inconsistent lengths");

  const uint64_t table_offset = section_offset(module, SectionId::kTable);
  for (size_t i = module.imported_tables; i < module.tables.size(); ++i) {
    context.check_val_type(table_offset, module.tables[i].elem);
    check_table_type(module.tables[i], table_offset);
  }

  const uint64_t memory_offset = section_offset(module, SectionId::kMemory);
  // The spec's wording, with the feature named so front ends can say how to turn it on.
  if (module.memories.size() > 1 && !module.features.multi_memory)
    throw Failure{Error{ErrorCode::kInvalid, memory_offset, "multiple memories", "multi-memory"}};
  for (size_t i = module.imported_memories; i < module.memories.size(); ++i)
    check_memory_type(module.memories[i], memory_offset);
}

}  // namespace

void collect_declared_funcs(ModuleContext& context) {
  const Module& module = context.module;
  std::vector<uint8_t>& declared = context.declared_funcs;
  declared.assign(module.func_types.size(), 0);
  for (const Export& e : module.exports)
    if (e.kind == ExternKind::kFunc && e.index < declared.size()) declared[e.index] = 1;
  for (const Global& global : module.globals) collect_const_expr_refs(module, global.init, declared);
  for (const std::optional<ConstExpr>& init : module.table_inits)
    if (init) collect_const_expr_refs(module, *init, declared);
  for (const ElemSegment& elem : module.elems) {
    for (FuncIdx f : elem.funcs)
      if (to_u32(f) < declared.size()) declared[to_u32(f)] = 1;
    for (const ConstExpr& expr : elem.exprs) collect_const_expr_refs(module, expr, declared);
  }
}

namespace {

void check_exports(const Module& module) {
  const uint64_t offset = section_offset(module, SectionId::kExport);
  std::unordered_set<std::string_view> names;
  names.reserve(module.exports.size());
  for (const Export& e : module.exports) {
    if (!names.insert(e.name).second) fail_invalid(offset, "duplicate export name \"" + e.name + "\"");
    size_t count = 0;
    switch (e.kind) {
      case ExternKind::kFunc: count = module.func_types.size(); break;
      case ExternKind::kTable: count = module.tables.size(); break;
      case ExternKind::kMemory: count = module.memories.size(); break;
      case ExternKind::kGlobal: count = module.global_types.size(); break;
      case ExternKind::kTag: count = module.tags.size(); break;
    }
    if (e.index >= count) {
      const char* what = e.kind == ExternKind::kFunc ? "function" : extern_kind_name(e.kind);
      fail_unknown(offset, what, e.index);
    }
  }
}

void check_start(const Module& module) {
  if (!module.start) return;
  const uint64_t offset = section_offset(module, SectionId::kStart);
  const uint32_t index = to_u32(*module.start);
  if (index >= module.func_types.size()) fail_unknown(offset, "function", index);
  const FuncType& type = module.func_type(*module.start);
  if (!type.params.empty() || !type.results.empty())
    fail_invalid(offset, "start function must have type [] -> [], not " + func_type_text(type));
}

void check_elems(const ModuleContext& context) {
  const Module& module = context.module;
  const size_t all_globals = visible_globals(module, module.globals.size());
  for (const ElemSegment& elem : module.elems) {
    context.check_val_type(elem.file_offset, elem.type);
    if (elem.mode == SegmentMode::kActive) {
      const uint32_t table = to_u32(elem.table);
      if (table >= module.tables.size()) fail_unknown(elem.file_offset, "table", table);
      const ValType table_elem = module.tables[table].elem;
      const ValType type = segment_type(elem);
      if (!context.is_subtype(type, table_elem)) fail_type_mismatch(elem.file_offset, table_elem, type);
      validate_const_expr(context, elem.offset, address_type_of(module.tables[table].limits), all_globals);
    }
    for (FuncIdx f : elem.funcs)
      if (to_u32(f) >= module.func_types.size()) fail_unknown(elem.file_offset, "function", to_u32(f));
    for (const ConstExpr& expr : elem.exprs) validate_const_expr(context, expr, elem.type, all_globals);
  }
}

// A table's elements start as its initializer's value, or null: a table of
// non-null references must have an initializer. Tables come before the
// defined globals, so an initializer reads imported globals only.
void check_table_inits(const ModuleContext& context) {
  const Module& module = context.module;
  const uint64_t offset = section_offset(module, SectionId::kTable);
  for (size_t i = module.imported_tables; i < module.tables.size(); ++i) {
    const ValType elem = module.tables[i].elem;
    const size_t defined = i - module.imported_tables;
    const bool has_init = defined < module.table_inits.size() && module.table_inits[defined];
    if (has_init) validate_const_expr(context, *module.table_inits[defined], elem, module.imported_globals);
    else if (!is_defaultable(elem))
      fail_invalid(offset, "type mismatch: a table of " + type_text(elem) + " needs an initializer expression");
  }
}

void check_datas(const ModuleContext& context) {
  const Module& module = context.module;
  const size_t all_globals = visible_globals(module, module.globals.size());
  for (const DataSegment& data : module.datas) {
    if (data.mode != SegmentMode::kActive) continue;
    const uint32_t memory = to_u32(data.memory);
    if (memory >= module.memories.size()) fail_unknown(data.file_offset, "memory", memory);
    validate_const_expr(context, data.offset, address_type_of(module.memories[memory].limits), all_globals);
  }
}

}  // namespace

void check_module_level(ModuleContext& context) {
  const Module& module = context.module;
  check_imports_and_definitions(context);
  collect_declared_funcs(context);
  check_table_inits(context);
  const uint64_t global_offset = section_offset(module, SectionId::kGlobal);
  for (size_t i = 0; i < module.globals.size(); ++i) {
    const Global& global = module.globals[i];
    context.check_val_type(global_offset, global.type.type);
    validate_const_expr(context, global.init, global.type.type, visible_globals(module, i));
  }
  check_exports(module);
  check_start(module);
  check_elems(context);
  check_datas(context);
}

}  // namespace validate_detail

Result<ModuleInfo> validate_module(const Module& module, unsigned max_threads) {
  // Nothing else to do meanwhile: the calling thread is one of the threads typing the bodies.
  const unsigned threads = std::max(1u, validate_detail::body_threads(module, max_threads, 0));
  auto validation = BodyValidation::start(module, threads - 1);
  if (!validation) return std::move(validation).error();
  return (*validation)->finish();
}

}  // namespace kiln
