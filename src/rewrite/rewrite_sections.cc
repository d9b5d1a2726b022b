// The rewritten global, memory, table, export and element sections.
#include "rewrite_sections.h"

#include "kiln/encode/encode.h"

#include <algorithm>
#include <map>

namespace kiln::rewrite {
namespace {

// A global's new initializer: a GC reference comes with the expression that rebuilds it, a function reference is
// ref.func, anything else one constant instruction.
void write_const(ByteWriter& out, const GlobalSnapshot& g) {
  if (!g.expr.empty()) {
    out.write_bytes(g.expr);
  } else if (g.type.is_ref() && !g.is_null) {
    out.write_u8(0xD2);  // ref.func
    out.write_uleb(g.bits);
  } else {
    write_value_const(out, g.type, g.bits, g.hi);
  }
  out.write_u8(0x0B);
}

}  // namespace

std::vector<uint8_t> globals_payload(const Module& module, const Snapshot& snapshot) {
  ByteWriter out;
  out.write_uleb(module.globals.size());
  for (size_t i = 0; i < module.globals.size(); ++i) {
    const Global& g = module.globals[i];
    write_val_type(out, g.type.type);
    out.write_u8(g.type.is_mutable ? 1 : 0);
    // Immutable globals cannot have changed (but the fields of GC objects they hold can): keep their expression
    // verbatim unless it makes objects.
    if (g.type.is_mutable || !snapshot.globals[i].expr.empty()) write_const(out, snapshot.globals[i]);
    else out.write_bytes(module.slice(g.init.code));
  }
  return out.take();
}

std::vector<uint8_t> memories_payload(const Module& module, const Snapshot& snapshot) {
  ByteWriter out;
  out.write_uleb(module.memories.size() - module.imported_memories);
  for (size_t i = module.imported_memories; i < module.memories.size(); ++i) {
    const Limits& limits = module.memories[i].limits;
    write_limits(out, snapshot.memories[i - module.imported_memories].pages, limits);
  }
  return out.take();
}

std::vector<uint8_t> tables_payload(const Module& module, const Snapshot& snapshot) {
  ByteWriter out;
  out.write_uleb(module.tables.size() - module.imported_tables);
  for (size_t i = module.imported_tables; i < module.tables.size(); ++i) {
    const TableType& type = module.tables[i];
    uint64_t min = type.limits.min;
    bool changed = false;
    for (const TableSnapshot& t : snapshot.changed_tables) {
      if (t.table_index != i) continue;
      min = t.size;
      changed = true;
    }
    const size_t defined = i - module.imported_tables;
    const bool has_init = defined < module.table_inits.size() && module.table_inits[defined];
    if (has_init) {  // the form with an initializer expression
      out.write_u8(0x40);
      out.write_u8(0x00);
    }
    write_val_type(out, type.elem);
    write_limits(out, min, type.limits);
    if (!has_init) continue;
    // A changed table gets its non-null entries back from element segments;
    // every other entry must start null, so a nullable table's initializer
    // becomes ref.null. A non-nullable table has no null entry: the segments
    // cover it all and the initializer can stay.
    if (changed && type.elem.nullable) {
      out.write_u8(0xD0);  // ref.null ht end
      write_heap_type(out, type.elem);
      out.write_u8(0x0B);
    } else {
      out.write_bytes(module.slice(module.table_inits[defined]->code));
    }
  }
  return out.take();
}

Result<std::vector<uint8_t>> exports_payload(const Module& module, const RewriteOptions& options) {
  // A rename dst=src gives export `src` the name `dst` and replaces any
  // export already named `dst`; one source per destination and one
  // destination per source.
  std::map<std::string, std::string> src_to_dst;
  std::map<std::string, std::string> dsts;
  for (const ExportRename& r : options.renames) {
    if (dsts.count(r.dst)) return Error{ErrorCode::kUsage, kNoOffset, "duplicate --rename-func destination '" + r.dst + "'"};
    if (src_to_dst.count(r.src)) return Error{ErrorCode::kUsage, kNoOffset, "duplicate --rename-func source '" + r.src + "'"};
    dsts.emplace(r.dst, r.src);
    src_to_dst.emplace(r.src, r.dst);
  }
  auto removed = [&](const std::string& name) {
    return std::find(options.remove_exports.begin(), options.remove_exports.end(), name) != options.remove_exports.end();
  };
  ByteWriter body;
  uint64_t count = 0;
  for (const Export& e : module.exports) {
    if (removed(e.name)) continue;
    auto renamed = src_to_dst.find(e.name);
    if (renamed == src_to_dst.end() && dsts.count(e.name)) continue;  // overwritten by a rename
    body.write_name(renamed == src_to_dst.end() ? e.name : renamed->second);
    body.write_u8(static_cast<uint8_t>(e.kind));
    body.write_uleb(e.index);
    ++count;
  }
  ByteWriter out;
  out.write_uleb(count);
  out.write_bytes(body.bytes());
  return out.take();
}

bool elements_change(const Module& module, const Snapshot& snapshot) {
  (void)module;
  if (!snapshot.changed_tables.empty()) return true;
  return std::any_of(snapshot.dropped_elems.begin(), snapshot.dropped_elems.end(), [](uint8_t d) { return d != 0; });
}

std::vector<uint8_t> elements_payload(const Module& module, const Snapshot& snapshot) {
  auto table_changed = [&](uint32_t table) {
    return std::any_of(snapshot.changed_tables.begin(), snapshot.changed_tables.end(),
                       [&](const TableSnapshot& t) { return t.table_index == table; });
  };
  // Original segments keep their indices. A segment that can no longer take
  // effect (applied to a re-emitted table, or dropped) becomes declarative:
  // it still declares its functions for ref.func, and behaves as dropped.
  size_t count = module.elems.size();
  struct Run {
    const TableSnapshot* table;
    uint64_t offset;
    std::vector<uint32_t> entries;  // function indices, or indices in table->exprs
  };
  std::vector<Run> runs;
  for (const TableSnapshot& t : snapshot.changed_tables) {
    for (size_t i = 0; i < t.entries.size();) {
      if (!t.entries[i]) {
        ++i;
        continue;
      }
      Run run{&t, i, {}};
      while (i < t.entries.size() && t.entries[i]) run.entries.push_back(*t.entries[i++]);
      runs.push_back(std::move(run));
    }
  }
  count += runs.size();

  ByteWriter out;
  out.write_uleb(count);
  for (size_t e = 0; e < module.elems.size(); ++e) {
    const ElemSegment& seg = module.elems[e];
    const bool retire = (seg.mode == SegmentMode::kActive && table_changed(to_u32(seg.table))) ||
                        (e < snapshot.dropped_elems.size() && snapshot.dropped_elems[e]);
    SegmentMode mode = retire ? SegmentMode::kDeclarative : seg.mode;
    const bool active = mode == SegmentMode::kActive;
    const bool compact = active && to_u32(seg.table) == 0 && seg.type == ValType::kFuncRef;
    uint8_t flags = mode == SegmentMode::kPassive ? 1 : mode == SegmentMode::kDeclarative ? 3 : (compact ? 0 : 2);
    if (seg.uses_exprs) flags |= 4;
    out.write_u8(flags);
    if (active) {
      if (!compact) out.write_uleb(to_u32(seg.table));
      out.write_bytes(module.slice(seg.offset.code));
    }
    if (!compact) {
      if (seg.uses_exprs) write_val_type(out, seg.type);
      else out.write_u8(0x00);  // elemkind funcref
    }
    if (seg.uses_exprs) {
      out.write_uleb(seg.exprs.size());
      for (const ConstExpr& x : seg.exprs) out.write_bytes(module.slice(x.code));
    } else {
      out.write_uleb(seg.funcs.size());
      for (FuncIdx f : seg.funcs) out.write_uleb(to_u32(f));
    }
  }
  for (const Run& run : runs) {
    const uint32_t table_index = run.table->table_index;
    const TableType& table = module.tables[table_index];
    // The index forms (flags 0 and 2) mean funcref; a table of typed
    // references, or of the any hierarchy, needs its own element type, so it
    // gets expressions (flags 6).
    const bool typed = table.elem != ValType::kFuncRef;
    const bool objects = !run.table->exprs.empty();
    if (table_index == 0 && !typed) {
      out.write_u8(0);
    } else {
      out.write_u8(typed ? 6 : 2);
      out.write_uleb(table_index);
    }
    const bool is_64 = table.limits.is_64;
    out.write_u8(is_64 ? 0x42 : 0x41);
    if (is_64) out.write_sleb(static_cast<int64_t>(run.offset));
    else out.write_sleb(static_cast<int32_t>(static_cast<uint32_t>(run.offset)));
    out.write_u8(0x0B);
    if (typed) write_val_type(out, table.elem);
    else if (table_index != 0) out.write_u8(0x00);
    out.write_uleb(run.entries.size());
    for (uint32_t entry : run.entries) {
      if (objects) {
        out.write_bytes(run.table->exprs[entry]);
        out.write_u8(0x0B);
      } else if (!typed) {
        out.write_uleb(entry);
      } else {
        out.write_u8(0xD2);  // ref.func f end
        out.write_uleb(entry);
        out.write_u8(0x0B);
      }
    }
  }
  return out.take();
}

}  // namespace kiln::rewrite
