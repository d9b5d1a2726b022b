// Snapshot: the initialized state of an instance as plain data (globals, memory runs, tables).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/types.h"
#include "kiln/runtime/page_residency.h"
#include "kiln/snapshot/scan.h"

namespace kiln {

struct Instance;

// A global's value; references are function indices of the module (funcref)
// or i31 values and trees of GC objects (anyref), or null: other non-null references cannot be snapshotted.
struct GlobalSnapshot {
  ValType type = ValType::kI32;
  uint64_t bits = 0;  // numbers: bit pattern (v128: low half); funcref: function index
  uint64_t hi = 0;    // v128 high half
  bool is_null = false;  // references only
  // a non-null anyref: the instructions (no final end) that rebuild it (struct.new, array.new_fixed, ref.i31, ...)
  std::vector<uint8_t> expr;
};

struct MemorySnapshot {
  uint64_t pages = 0;                // becomes the memory's minimum
  std::vector<DataRun> runs;         // non-zero runs, each an active data segment
  std::span<const uint8_t> bytes;    // the live memory; valid while the instance lives
  uint64_t pages_scanned = 0;        // 4 KiB pages the OS said may hold data (all of them in the fallback)
};

// A defined table whose contents init changed (or that holds GC objects,
// whose fields init may have changed), re-emitted as active element segments.
// Each entry is null (nullopt) or, in a table of functions, the function's
// index; in a table of the any hierarchy, the index in `exprs` of the
// constant expression (no final end) that rebuilds its i31 or GC object.
struct TableSnapshot {
  uint32_t table_index = 0;  // in the module's table index space
  uint64_t size = 0;         // becomes the table's minimum
  std::vector<std::optional<uint32_t>> entries;
  std::vector<std::vector<uint8_t>> exprs;
};

struct Snapshot {
  std::vector<GlobalSnapshot> globals;    // one per defined global (immutable ones included)
  std::vector<MemorySnapshot> memories;   // one per defined memory
  std::vector<TableSnapshot> changed_tables;
  std::vector<uint8_t> dropped_datas;     // per data segment: 1 when dropped by the time of the snapshot
  std::vector<uint8_t> dropped_elems;     // per element segment: 1 when passive and dropped
};

struct SnapshotOptions {
  uint64_t max_data_segments = 10'000;  // across all memories
  // Where the scanner learns which pages can hold data; kAssumeAll scans every
  // page (the same output, more time), for hosts without /proc/self/pagemap.
  PageQuery page_query = PageQuery::kOperatingSystem;
};

// Table contents right after instantiation (before the start function), to
// tell whether init changed a table.
using InitialTables = std::vector<std::vector<uint64_t>>;  // per defined table, raw refs
InitialTables record_tables(const Instance& instance);

// Reads the instance's state. Fails (ErrorCode::kUnsupported) when the state
// cannot be expressed in a module: a non-null externref in a global or table,
// a table entry that is a function of another module, or a GC object that no
// constant expression rebuilds (reached twice, in a cycle, a host value, ...).
Result<Snapshot> take_snapshot(const Instance& instance, const InitialTables& initial, const SnapshotOptions& options);

}  // namespace kiln
