// Module encoder: copies untouched sections verbatim or rebuilds them from the parsed Module with minimal LEBs.
#include "kiln/encode/encode.h"

namespace kiln {

void write_limits(ByteWriter& out, uint64_t min, const Limits& limits) {
  uint8_t flags = limits.max ? 0x01 : 0x00;
  if (limits.shared) flags |= 0x02;
  if (limits.is_64) flags |= 0x04;
  out.write_u8(flags);
  out.write_uleb(min);
  if (limits.max) out.write_uleb(*limits.max);
}

void write_heap_type(ByteWriter& out, ValType type) {
  if (!type.is_concrete()) out.write_u8(type.byte());  // as an s33 an abstract heap type is one negative byte
  else out.write_sleb(type.heap);
}

void write_value_const(ByteWriter& out, ValType type, uint64_t lo, uint64_t hi) {
  switch (type.code) {
    case TypeCode::kI32:
    case TypeCode::kI8:
    case TypeCode::kI16:
      out.write_u8(0x41);
      out.write_sleb(static_cast<int32_t>(static_cast<uint32_t>(lo)));
      return;
    case TypeCode::kI64:
      out.write_u8(0x42);
      out.write_sleb(static_cast<int64_t>(lo));
      return;
    case TypeCode::kF32:
      out.write_u8(0x43);
      out.write_u32_fixed(static_cast<uint32_t>(lo));
      return;
    case TypeCode::kF64:
      out.write_u8(0x44);
      out.write_u64_fixed(lo);
      return;
    case TypeCode::kV128:
      out.write_u8(0xFD);
      out.write_uleb(12);  // v128.const
      out.write_u64_fixed(lo);
      out.write_u64_fixed(hi);
      return;
    case TypeCode::kFuncRef:
    case TypeCode::kExternRef:
    case TypeCode::kExnRef:
    case TypeCode::kAnyRef:
      out.write_u8(0xD0);  // ref.null
      write_heap_type(out, type);
      return;
  }
}

void write_val_type(ByteWriter& out, ValType type) {
  if (type.has_short_form()) return out.write_u8(type.byte());
  out.write_u8(type.nullable ? 0x63 : 0x64);
  write_heap_type(out, type);
}

namespace {

void write_limits(ByteWriter& out, const Limits& limits) { write_limits(out, limits.min, limits); }

void write_table_type(ByteWriter& out, const TableType& table) {
  write_val_type(out, table.elem);
  write_limits(out, table.limits);
}

void write_global_type(ByteWriter& out, const GlobalType& global) {
  write_val_type(out, global.type);
  out.write_u8(global.is_mutable ? 1 : 0);
}

void write_expr(ByteWriter& out, const Module& module, const ConstExpr& expr) {
  out.write_bytes(module.slice(expr.code));
}

void write_composite(ByteWriter& out, const Module& module, uint32_t i) {
  const TypeDef& def = module.type_defs[i];
  switch (def.kind) {
    case TypeDef::Kind::kFunc: {
      const FuncType& type = module.types[i];
      out.write_u8(0x60);
      out.write_uleb(type.params.size());
      for (ValType t : type.params) write_val_type(out, t);
      out.write_uleb(type.results.size());
      for (ValType t : type.results) write_val_type(out, t);
      return;
    }
    case TypeDef::Kind::kStruct:
    case TypeDef::Kind::kArray:
      out.write_u8(def.kind == TypeDef::Kind::kStruct ? 0x5F : 0x5E);
      if (def.kind == TypeDef::Kind::kStruct) out.write_uleb(def.fields.size());
      for (const FieldType& f : def.fields) {
        write_val_type(out, f.storage);
        out.write_u8(f.is_mutable ? 1 : 0);
      }
      return;
  }
}

// One entry per recursion group; a group of one is written bare, and so is a
// final type without a supertype (what a bare composite type means).
void write_types(ByteWriter& out, const Module& module) {
  uint32_t groups = 0;
  for (uint32_t i = 0; i < module.type_defs.size(); i += module.type_defs[i].group_size) ++groups;
  out.write_uleb(groups);
  for (uint32_t start = 0; start < module.type_defs.size(); start += module.type_defs[start].group_size) {
    const uint32_t size = module.type_defs[start].group_size;
    if (size != 1) {
      out.write_u8(0x4E);
      out.write_uleb(size);
    }
    for (uint32_t i = start; i < start + size; ++i) {
      const TypeDef& def = module.type_defs[i];
      if (!def.is_final || def.super != TypeDef::kNoSuper) {
        out.write_u8(def.is_final ? 0x4F : 0x50);
        out.write_uleb(def.super == TypeDef::kNoSuper ? 0 : 1);
        if (def.super != TypeDef::kNoSuper) out.write_uleb(def.super);
      }
      write_composite(out, module, i);
    }
  }
}

void write_imports(ByteWriter& out, const Module& module) {
  out.write_uleb(module.imports.size());
  for (const Import& import : module.imports) {
    out.write_name(import.module);
    out.write_name(import.name);
    out.write_u8(static_cast<uint8_t>(import.kind));
    switch (import.kind) {
      case ExternKind::kFunc: out.write_uleb(to_u32(import.func_type)); break;
      case ExternKind::kTable: write_table_type(out, import.table); break;
      case ExternKind::kMemory: write_limits(out, import.memory.limits); break;
      case ExternKind::kGlobal: write_global_type(out, import.global); break;
      case ExternKind::kTag:
        out.write_u8(0x00);  // attribute: exception
        out.write_uleb(to_u32(import.tag_type));
        break;
    }
  }
}

void write_elements(ByteWriter& out, const Module& module) {
  out.write_uleb(module.elems.size());
  for (const ElemSegment& seg : module.elems) {
    // Bit 0: passive/declarative, bit 1: explicit table (active) or declarative,
    // bit 2: expressions instead of function indices.
    const bool active = seg.mode == SegmentMode::kActive;
    const bool compact_active = active && to_u32(seg.table) == 0 && seg.type == ValType::kFuncRef;
    uint8_t flags = 0;
    if (seg.mode == SegmentMode::kPassive) flags = 1;
    if (seg.mode == SegmentMode::kDeclarative) flags = 3;
    if (active && !compact_active) flags = 2;
    if (seg.uses_exprs) flags |= 4;
    out.write_u8(flags);
    if (active) {
      if (!compact_active) out.write_uleb(to_u32(seg.table));
      write_expr(out, module, seg.offset);
    }
    if (!compact_active) {
      if (seg.uses_exprs) write_val_type(out, seg.type);
      else out.write_u8(0x00);  // elemkind funcref
    }
    if (seg.uses_exprs) {
      out.write_uleb(seg.exprs.size());
      for (const ConstExpr& expr : seg.exprs) write_expr(out, module, expr);
    } else {
      out.write_uleb(seg.funcs.size());
      for (FuncIdx f : seg.funcs) out.write_uleb(to_u32(f));
    }
  }
}

void write_code(ByteWriter& out, const Module& module) {
  out.write_uleb(module.codes.size());
  ByteWriter body;
  for (const FunctionBody& code : module.codes) {
    body = ByteWriter();
    body.write_uleb(code.locals.size());
    for (const LocalRun& run : code.locals) {
      body.write_uleb(run.count);
      write_val_type(body, run.type);
    }
    body.write_bytes(module.slice(code.code));
    out.write_uleb(body.size());
    out.write_bytes(body.bytes());
  }
}

void write_data(ByteWriter& out, const Module& module) {
  out.write_uleb(module.datas.size());
  for (const DataSegment& seg : module.datas) {
    if (seg.mode == SegmentMode::kPassive) {
      out.write_u8(1);
    } else if (to_u32(seg.memory) == 0) {
      out.write_u8(0);
      write_expr(out, module, seg.offset);
    } else {
      out.write_u8(2);
      out.write_uleb(to_u32(seg.memory));
      write_expr(out, module, seg.offset);
    }
    out.write_uleb(seg.bytes.size);
    out.write_bytes(module.slice(seg.bytes));
  }
}

}  // namespace

void write_section(ByteWriter& out, SectionId id, const std::vector<uint8_t>& payload) {
  out.write_u8(static_cast<uint8_t>(id));
  out.write_uleb(payload.size());
  out.write_bytes(payload);
}

std::vector<uint8_t> encode_section_payload(const Module& module, const Section& section) {
  ByteWriter out;
  switch (section.id) {
    case SectionId::kCustom:
      out.write_bytes(module.slice(section.payload));
      break;
    case SectionId::kType: write_types(out, module); break;
    case SectionId::kImport: write_imports(out, module); break;
    case SectionId::kFunction:
      out.write_uleb(module.func_types.size() - module.imported_funcs);
      for (size_t i = module.imported_funcs; i < module.func_types.size(); ++i) out.write_uleb(to_u32(module.func_types[i]));
      break;
    case SectionId::kTable:
      out.write_uleb(module.tables.size() - module.imported_tables);
      for (size_t i = module.imported_tables; i < module.tables.size(); ++i) {
        const size_t defined = i - module.imported_tables;
        const bool has_init = defined < module.table_inits.size() && module.table_inits[defined];
        if (has_init) {  // the form with an initializer expression
          out.write_u8(0x40);
          out.write_u8(0x00);
        }
        write_table_type(out, module.tables[i]);
        if (has_init) write_expr(out, module, *module.table_inits[defined]);
      }
      break;
    case SectionId::kMemory:
      out.write_uleb(module.memories.size() - module.imported_memories);
      for (size_t i = module.imported_memories; i < module.memories.size(); ++i)
        write_limits(out, module.memories[i].limits);
      break;
    case SectionId::kTag:
      out.write_uleb(module.tags.size() - module.imported_tags);
      for (size_t i = module.imported_tags; i < module.tags.size(); ++i) {
        out.write_u8(0x00);  // attribute: exception
        out.write_uleb(to_u32(module.tags[i]));
      }
      break;
    case SectionId::kGlobal:
      out.write_uleb(module.globals.size());
      for (const Global& global : module.globals) {
        write_global_type(out, global.type);
        write_expr(out, module, global.init);
      }
      break;
    case SectionId::kExport:
      out.write_uleb(module.exports.size());
      for (const Export& e : module.exports) {
        out.write_name(e.name);
        out.write_u8(static_cast<uint8_t>(e.kind));
        out.write_uleb(e.index);
      }
      break;
    case SectionId::kStart:
      if (module.start) out.write_uleb(to_u32(*module.start));
      break;
    case SectionId::kElement: write_elements(out, module); break;
    case SectionId::kCode: write_code(out, module); break;
    case SectionId::kData: write_data(out, module); break;
    case SectionId::kDataCount:
      out.write_uleb(module.data_count.value_or(0));
      break;
  }
  return out.take();
}

std::vector<uint8_t> encode_module(const Module& module, EncodeMode mode) {
  ByteWriter out;
  out.write_bytes(std::span<const uint8_t>(module.bytes).first(8));
  for (const Section& section : module.sections) {
    if (mode == EncodeMode::kCopyUntouched) {
      out.write_bytes(module.slice(section.whole));
    } else {
      write_section(out, section.id, encode_section_payload(module, section));
    }
  }
  return out.take();
}

}  // namespace kiln
