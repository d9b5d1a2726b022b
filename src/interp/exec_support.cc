// The dispatch loop's cold paths: stack and frame growth, lazy lowering, host calls, traps, bulk memory and table operations.
#include <algorithm>
#include <cstring>

#include "compile.h"
#include "machine.h"

namespace kiln::interp {

Machine::Machine(const ExecOptions& options)
    : max_frames(options.max_call_depth > 0 ? options.max_call_depth - 1 : 0),
      fuel_budget(options.fuel > 0 ? options.fuel : ~uint64_t{0}),
      fuel_left(fuel_budget) {}

bool Machine::grow_stack(size_t needed, LiveFrame* live) {
  if (needed <= stack_cells) return true;
  if (needed > kMaxStackCells) return false;
  const size_t new_cells = std::min(kMaxStackCells, std::max(needed, stack_cells * 2));
  std::unique_ptr<uint64_t[]> bigger(new uint64_t[new_cells]);
  uint64_t* old_base = stack.get();
  if (old_base) std::memcpy(bigger.get(), old_base, stack_cells * sizeof(uint64_t));
  stack = std::move(bigger);
  stack_cells = new_cells;
  if (!live) return true;
  const auto rebase = [&](uint64_t* p) { return stack.get() + (p - old_base); };
  live->sp = rebase(live->sp);
  live->fp = rebase(live->fp);
  // Each record, now in the new stack, still names its caller's frame in the old one.
  uint64_t* fp = live->fp;
  const CompiledFunc* func = live->func;
  while (true) {
    uint64_t* record = frame_record(fp, func);
    const CompiledFunc* caller = record_func(record);
    if (!caller) break;  // the entry function's
    fp = rebase(record_fp(record));
    write_record(record, record_return_pc(record), fp, caller);
    func = caller;
  }
  return true;
}

CompiledFunc* ensure_compiled(Machine& m, FuncInstance& func) {
  if (func.compiled) return static_cast<CompiledFunc*>(func.compiled);
  auto lowered = lower_function(func, handler_table());
  if (lowered) return *lowered;
  m.trap.emplace();
  m.trap->kind = TrapKind::kHostError;
  m.trap->code_offset = lowered.error().has_offset() ? lowered.error().offset : 0;
  m.trap->detail = "cannot run function: " + lowered.error().message;
  return nullptr;
}

uint64_t* call_host(Machine& m, FuncInstance& func, uint64_t* sp, Instance* caller) {
  const FuncType& type = *func.type;
  uint32_t arg_cells = 0;
  for (ValType t : type.params) arg_cells += cell_count(t);
  uint64_t* at = sp - arg_cells;
  // Reused buffers: a host call allocates only the first time it needs more room.
  m.host_args.resize(type.params.size());
  for (size_t i = 0; i < type.params.size(); ++i) {
    const ValType t = type.params[i];
    m.host_args[i] = Value{t, at[0], t == ValType::kV128 ? at[1] : 0};
    at += cell_count(t);
  }
  m.host_results.assign(type.results.size(), Value{});
  for (size_t i = 0; i < type.results.size(); ++i) m.host_results[i].type = type.results[i];
  HostContext context{caller, m.fuel_budget - m.fuel_left};
  std::optional<Trap> trap = func.host(context, m.host_args, m.host_results);
  if (trap) {
    m.trap = std::move(trap);
    return nullptr;
  }
  at = sp - arg_cells;
  for (size_t i = 0; i < type.results.size(); ++i) {
    const ValType t = type.results[i];
    const Value& v = m.host_results[i];
    if (t == ValType::kV128) {
      *at++ = v.bits;
      *at++ = v.hi;
    } else {
      *at++ = t == ValType::kI32 || t == ValType::kF32 ? v.bits & 0xFFFF'FFFFu : v.bits;
    }
  }
  return at;
}

void record_trap(Machine& m, TrapKind kind, uint64_t arg, const CompiledFunc* func, const uint64_t* pc, uint64_t* fp) {
  if (!m.trap) {
    m.trap.emplace();
    m.trap->kind = kind;
    // The reference interpreter names the element ("uninitialized element 2").
    if (kind == TrapKind::kUndefinedElement || kind == TrapKind::kUninitializedElement)
      m.trap->detail = std::to_string(arg);
  }
  const uint64_t offset = func->offset_at(pc);
  m.trap->func = func->func->index;
  m.trap->code_offset = offset;
  m.backtrace.clear();
  m.backtrace.push_back({func->func, offset});
  while (true) {
    const uint64_t* record = frame_record(fp, func);
    if (!record_func(record)) break;  // the entry function's
    const uint64_t* return_pc = record_return_pc(record);
    fp = record_fp(record);
    func = record_func(record);
    // A return address is just past its call: the word before it is inside the call.
    m.backtrace.push_back({func->func, func->offset_at(return_pc - 1)});
  }
}

bool indirect_types_match(const FuncInstance& callee, const StoreType* expected) {
  // Equal ids were handled by the caller; a declared subtype of the expected type matches too.
  return callee.store_type && callee.store_type->is_subtype_of(expected);
}

bool memory_fill(Memory& memory, uint64_t dst, uint8_t value, uint64_t count) {
  if (!memory.in_bounds(dst, count)) return false;
  if (count == 0) return true;
  std::memset(memory.data() + dst, value, static_cast<size_t>(count));
  return true;
}

bool memory_copy(Memory& dst_memory, Memory& src_memory, uint64_t dst, uint64_t src, uint64_t count) {
  if (!dst_memory.in_bounds(dst, count) || !src_memory.in_bounds(src, count)) return false;
  if (count == 0) return true;
  std::memmove(dst_memory.data() + dst, src_memory.data() + src, static_cast<size_t>(count));
  return true;
}

bool memory_init(Instance& instance, Memory& memory, uint32_t segment, uint64_t dst, uint64_t src,
                 uint64_t count) {
  const DataSegment& seg = instance.module->datas[segment];
  const uint64_t size = instance.data_dropped[segment] ? 0 : seg.bytes.size;
  if (src > size || count > size - src || !memory.in_bounds(dst, count)) return false;
  if (count == 0) return true;
  std::memcpy(memory.data() + dst, instance.module->input().data() + seg.bytes.offset + src, static_cast<size_t>(count));
  return true;
}

bool table_fill(TableInstance& table, uint64_t dst, Ref value, uint64_t count) {
  const uint64_t size = table.elements.size();
  if (dst > size || count > size - dst) return false;
  std::fill_n(table.elements.begin() + static_cast<ptrdiff_t>(dst), static_cast<size_t>(count), value);
  return true;
}

bool table_copy(TableInstance& dst_table, TableInstance& src_table, uint64_t dst, uint64_t src, uint64_t count) {
  const uint64_t dst_size = dst_table.elements.size();
  const uint64_t src_size = src_table.elements.size();
  if (dst > dst_size || count > dst_size - dst || src > src_size || count > src_size - src) return false;
  if (count == 0) return true;
  std::memmove(dst_table.elements.data() + dst, src_table.elements.data() + src, static_cast<size_t>(count) * sizeof(Ref));
  return true;
}

bool table_init(Instance& instance, TableInstance& table, uint32_t segment, uint64_t dst, uint64_t src,
                uint64_t count) {
  const std::vector<Ref>& refs = instance.elems[segment];
  const uint64_t size = table.elements.size();
  if (src > refs.size() || count > refs.size() - src || dst > size || count > size - dst) return false;
  std::copy_n(refs.begin() + static_cast<ptrdiff_t>(src), static_cast<size_t>(count),
              table.elements.begin() + static_cast<ptrdiff_t>(dst));
  return true;
}

}  // namespace kiln::interp
