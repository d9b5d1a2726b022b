// Internal to the interpreter: the per-call machine state (value stack, call frames, fuel) and the dispatch loop's out-of-line helpers.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "internal_code.h"
#include "kiln/interp/interp.h"

namespace kiln::interp {

// A frame's record (internal_code.h), just above its locals: plain cells,
// read and written as words so they mix with the values around them.
inline uint64_t* frame_record(uint64_t* fp, const CompiledFunc* func) { return fp + func->local_cells; }
inline const uint64_t* record_return_pc(const uint64_t* record) {
  return reinterpret_cast<const uint64_t*>(static_cast<uintptr_t>(record[0]));
}
inline uint64_t* record_fp(const uint64_t* record) {
  return reinterpret_cast<uint64_t*>(static_cast<uintptr_t>(record[1]));
}
inline CompiledFunc* record_func(const uint64_t* record) {
  return reinterpret_cast<CompiledFunc*>(static_cast<uintptr_t>(record[2]));
}
inline void write_record(uint64_t* record, const uint64_t* return_pc, const uint64_t* fp, const CompiledFunc* func) {
  record[0] = reinterpret_cast<uintptr_t>(return_pc);
  record[1] = reinterpret_cast<uintptr_t>(fp);
  record[2] = reinterpret_cast<uintptr_t>(func);
}

// The innermost frame and its operand stack's top: what a stack move rebases.
struct LiveFrame {
  uint64_t* sp;
  uint64_t* fp;
  const CompiledFunc* func;
};

// Everything one call_function owns. The value stack is 8-byte cells (v128
// takes two, low half first) and holds the frames; it grows on demand up to
// kMaxStackCells, on cold paths. Call depth is counted apart from it.
struct Machine {
  static constexpr size_t kInitialStackCells = 8 * 1024;
  static constexpr size_t kMaxStackCells = size_t{1} << 25;  // 256 MiB

  explicit Machine(const ExecOptions& options);

  // Makes room for `needed` cells from the stack's base. Moving the stack
  // rebases `live` (null before the first frame) and the caller frame bases
  // saved in the records from it out to the entry function's. False when the
  // cap would be exceeded.
  bool grow_stack(size_t needed, LiveFrame* live);

  std::unique_ptr<uint64_t[]> stack;
  size_t stack_cells = 0;
  const size_t max_frames;  // nested calls below the entry function: the call-depth limit minus one
  const uint64_t fuel_budget;  // fuel_left at the start
  uint64_t fuel_left;
  uint64_t calls = 0;
  std::optional<Trap> trap;
  std::vector<CallOutcome::Frame> backtrace;
  std::vector<Value> host_args;
  std::vector<Value> host_results;
};

// The handler addresses for direct threading, or null under switch dispatch.
const void* const* handler_table();

// Runs `entry`, whose arguments are already in the first cells of the
// stack; on success its results are in the first cells. False on a trap,
// with `m.trap` and `m.backtrace` filled.
bool run(Machine& m, CompiledFunc* entry);

// Lowers `func` on its first call; null (and `m.trap` set) if that fails.
CompiledFunc* ensure_compiled(Machine& m, FuncInstance& func);

// Calls a host function with the arguments on top of the stack (ending at
// `sp`) and writes its results in their place. Returns the new top, or null
// with `m.trap` set.
uint64_t* call_host(Machine& m, FuncInstance& func, uint64_t* sp, Instance* caller);

// Records where a trap happened: the innermost frame (`func` at `pc`, its
// frame at `fp`) and the callers its records lead to. `arg` is the element
// index of call_indirect's element traps.
void record_trap(Machine& m, TrapKind kind, uint64_t arg, const CompiledFunc* func, const uint64_t* pc, uint64_t* fp);

// Bulk memory and table operations; false means the access was out of bounds.
bool memory_fill(Memory& memory, uint64_t dst, uint8_t value, uint64_t count);
bool memory_copy(Memory& dst_memory, Memory& src_memory, uint64_t dst, uint64_t src, uint64_t count);
bool memory_init(Instance& instance, Memory& memory, uint32_t segment, uint64_t dst, uint64_t src, uint64_t count);
bool table_fill(TableInstance& table, uint64_t dst, Ref value, uint64_t count);
bool table_copy(TableInstance& dst_table, TableInstance& src_table, uint64_t dst, uint64_t src, uint64_t count);
bool table_init(Instance& instance, TableInstance& table, uint32_t segment, uint64_t dst, uint64_t src,
                uint64_t count);

// call_indirect's slow check when the canonical ids differ or are unknown.
bool indirect_types_match(const FuncInstance& callee, const StoreType* expected);

// [address + offset, + size) inside a memory of `memory_size` bytes, with no
// overflow for 64-bit addresses and offsets; the effective address on success.
inline bool effective_address(uint64_t address, uint64_t offset, uint64_t size, uint64_t memory_size,
                              uint64_t& out) {
  if (offset > memory_size || address > memory_size - offset || size > memory_size - offset - address) return false;
  out = address + offset;
  return true;
}

template <typename T>
inline T* word_ptr(uint64_t word) {
  return reinterpret_cast<T*>(static_cast<uintptr_t>(word));
}

}  // namespace kiln::interp
