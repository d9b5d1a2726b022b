// Capturing an instance's globals, memories and changed tables as a Snapshot.
#include <algorithm>
#include "kiln/snapshot/snapshot.h"

#include <optional>
#include <string>
#include <unordered_map>

#include "gc_constant.h"
#include "kiln/runtime/gc.h"
#include "kiln/runtime/store.h"
#include "kiln/snapshot/segment_plan.h"

namespace kiln {
namespace {

Error unsupported(std::string message) { return Error{ErrorCode::kUnsupported, kNoOffset, std::move(message)}; }

// What a non-null reference of the any hierarchy is, for messages.
const char* gc_ref_kind(Ref ref) {
  if (is_i31(ref)) return "an i31";
  if (!is_gc_object(ref)) return "a host value converted to anyref";
  return ref_gc(ref)->type->kind == TypeDef::Kind::kArray ? "an array" : "a struct";
}

}  // namespace

InitialTables record_tables(const Instance& instance) {
  InitialTables tables;
  for (size_t t = instance.module->imported_tables; t < instance.tables.size(); ++t)
    tables.push_back(instance.tables[t]->elements);
  return tables;
}

Result<Snapshot> take_snapshot(const Instance& instance, const InitialTables& initial, const SnapshotOptions& options) {
  const Module& m = *instance.module;
  Snapshot snap;
  // Function references back to indices, built on first use: most modules
  // hold none in globals or changed tables, and they can have 100,000 functions.
  std::unordered_map<const FuncInstance*, uint32_t> func_index;
  auto index_of = [&](Ref ref) -> std::optional<uint32_t> {
    if (func_index.empty())
      for (uint32_t i = 0; i < instance.funcs.size(); ++i) func_index.emplace(instance.funcs[i], i);
    auto it = func_index.find(ref_func(ref));
    if (it == func_index.end()) return std::nullopt;
    return it->second;
  };

  GcConstantWriter gc_writer(instance, index_of);
  for (size_t g = m.imported_globals; g < instance.globals.size(); ++g) {
    const GlobalInstance& global = *instance.globals[g];
    GlobalSnapshot out{global.type.type, global.lo, global.hi, false, {}};
    if (is_ref_type(out.type)) {
      out.is_null = global.lo == kNullRef;
      if (!out.is_null && out.type.code == TypeCode::kExternRef)
        return unsupported("global " + std::to_string(g) + " holds a non-null externref after init");
      // A caught exception has no constant expression that could recreate it.
      if (!out.is_null && out.type.code == TypeCode::kExnRef)
        return unsupported("global " + std::to_string(g) + " holds a non-null exnref (a caught exception) after init");
      if (!out.is_null && out.type.code == TypeCode::kAnyRef) {
        // Rebuilt by a new initializer (i32.const; ref.i31 for an i31), even an
        // immutable global's: init may have changed its objects' fields.
        auto expr = gc_writer.write(global.lo);
        if (!expr)
          return unsupported("global " + std::to_string(g) + " holds " + gc_ref_kind(global.lo) +
                             " after init that no constant expression can rebuild: it reaches " +
                             expr.error().message);
        out.expr = std::move(expr).value();
      } else if (!out.is_null) {
        const auto index = index_of(global.lo);
        if (!index) return unsupported("global " + std::to_string(g) + " holds a function of another module after init");
        out.bits = *index;
      }
    }
    snap.globals.push_back(out);
  }

  // One plan over every memory: the segment cap applies to the whole output.
  SegmentPlan plan(options.max_data_segments);
  for (size_t i = m.imported_memories; i < instance.memories.size(); ++i) {
    const Memory& memory = *instance.memories[i];
    MemorySnapshot out;
    out.pages = memory.pages();
    out.bytes = std::span<const uint8_t>(memory.data(), memory.size_bytes());
    ScanOptions scan;
    scan.memory_index = static_cast<uint32_t>(i);
    scan.memory64 = memory.is_64();
    const std::vector<uint8_t> pages = pages_with_data(memory.data(), memory.size_bytes(), options.page_query);
    for (uint8_t p : pages) out.pages_scanned += p;
    plan_memory(out.bytes, pages, scan, plan);
    snap.memories.push_back(std::move(out));
  }
  auto runs = plan.finish();
  for (size_t i = 0; i < runs.size(); ++i) snap.memories[i].runs = std::move(runs[i]);

  for (size_t t = m.imported_tables; t < instance.tables.size(); ++t) {
    const TableInstance& table = *instance.tables[t];
    const size_t defined = t - m.imported_tables;
    const bool unchanged = defined < initial.size() && initial[defined] == table.elements;
    const bool any_hierarchy = table.type.elem.code == TypeCode::kAnyRef;
    // Even an unchanged table's objects may have been changed since its
    // segments made them: a table holding any is written again (i31s alone
    // cannot have changed).
    const bool holds_objects = any_hierarchy && std::any_of(table.elements.begin(), table.elements.end(),
                                                            [](Ref r) { return r != kNullRef && !is_i31(r); });
    if (unchanged && !holds_objects) continue;
    if (table.type.elem.code == TypeCode::kExternRef) {
      for (Ref r : table.elements)
        if (r != kNullRef) return unsupported("table " + std::to_string(t) + " holds a non-null externref after init");
      // An all-null externref table changed only in size.
    }
    if (table.type.elem.code == TypeCode::kExnRef) {
      for (Ref r : table.elements)
        if (r != kNullRef)
          return unsupported("table " + std::to_string(t) + " holds a non-null exnref (a caught exception) after init");
    }
    TableSnapshot out;
    out.table_index = static_cast<uint32_t>(t);
    out.size = table.elements.size();
    for (size_t i = 0; i < table.elements.size(); ++i) {
      const Ref r = table.elements[i];
      if (r == kNullRef) {
        out.entries.emplace_back(std::nullopt);
        continue;
      }
      if (any_hierarchy) {
        // The same writer as the globals': an object also held by a global,
        // or by another slot, is refused as reached twice.
        auto expr = gc_writer.write(r);
        if (!expr)
          return unsupported("table " + std::to_string(t) + " slot " + std::to_string(i) + " holds " + gc_ref_kind(r) +
                             " after init that no constant expression can rebuild: it reaches " + expr.error().message);
        out.entries.emplace_back(static_cast<uint32_t>(out.exprs.size()));
        out.exprs.push_back(std::move(expr).value());
        continue;
      }
      const auto index = index_of(r);
      if (!index) return unsupported("table " + std::to_string(t) + " holds a function of another module after init");
      out.entries.emplace_back(*index);
    }
    snap.changed_tables.push_back(std::move(out));
  }

  snap.dropped_datas = instance.data_dropped;
  snap.dropped_elems.assign(m.elems.size(), 0);
  for (size_t e = 0; e < m.elems.size(); ++e)
    if (m.elems[e].mode == SegmentMode::kPassive && instance.elems[e].empty() && m.elems[e].size() > 0)
      snap.dropped_elems[e] = 1;
  return snap;
}

}  // namespace kiln
