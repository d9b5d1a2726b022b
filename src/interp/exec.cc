// The dispatch loop: direct-threaded computed goto (or a switch with -DKILN_SWITCH_DISPATCH) over the handler .inc files.
#include <algorithm>
#include <bit>
#include <cstring>
#include <iterator>

#include "compile.h"
#include "dispatch_profile.h"
#include "exceptions.h"
#include "gc_ops.h"
#include "kiln/runtime/gc.h"
#include "machine.h"
#include "numeric.h"
#include "simd_ops.h"
#include "value_cells.h"

static_assert(std::endian::native == std::endian::little, "cells and linear memory are accessed little-endian");

#if defined(KILN_SWITCH_DISPATCH) || !defined(__GNUC__)
#define KILN_USE_SWITCH 1
#endif

#if defined(__GNUC__)
#define KILN_OPAQUE(x) __asm__("" : "+r"(x))  // the compiler forgets what it knew of x
#else
#define KILN_OPAQUE(x) (void)(x)
#endif

namespace kiln::interp {
namespace {

// Set once by execute(nullptr, ...): the label table under computed goto.
const void* const* g_handlers = nullptr;

// Moves the top `keep` cells down over `drop` cells: a branch leaving a block.
inline uint64_t* adjust_stack(uint64_t* sp, uint64_t packed) {
  const auto keep = static_cast<uint32_t>(packed);
  const auto drop = static_cast<uint32_t>(packed >> 32) & 0x7FFF'FFFFu;
  uint64_t* dst = sp - keep - drop;
  const uint64_t* src = sp - keep;
  for (uint32_t i = 0; i < keep; ++i) dst[i] = src[i];
  return sp - drop;
}

inline const uint64_t* code_ptr(uint64_t word) { return reinterpret_cast<const uint64_t*>(static_cast<uintptr_t>(word)); }

}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#ifdef __clang__
#pragma clang diagnostic ignored "-Wgnu-label-as-value"
#endif

// One function on purpose: pc, sp, fp and the memory-0 cache stay in
// registers across handlers. Handlers see `pc` at their own first word and
// advance it when done, so a trap knows its instruction.
static bool execute(Machine* machine, CompiledFunc* start) {
#ifndef KILN_USE_SWITCH
  static const void* const kLabels[] = {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) \
  KILN_IMM_NONE_##imm(&&h_##ident KILN_PP_COMMA, )
#include "kiln/ir/opcodes.def"
#undef KILN_OP
#define KILN_EXTRA(name) &&h_##name,
      KILN_INTERP_EXTRA_OPS(KILN_EXTRA)
#undef KILN_EXTRA
#define X(name) &&h_##name,
      KILN_INTERP_FUSED_OPS
      KILN_INTERP_PEEPHOLE_OPS
#undef X
  };
  static_assert(std::size(kLabels) == static_cast<size_t>(IOp::kCount));
  if (!machine) {
    g_handlers = kLabels;
    return true;
  }
#define HANDLER(name) h_##name:
#define DISPATCH() goto* reinterpret_cast<const void*>(static_cast<uintptr_t>(*pc))
#define OP_WORD(name) reinterpret_cast<uintptr_t>(&&h_##name)
#else
  if (!machine) return true;
#define HANDLER(name) case IOp::k##name:
#define DISPATCH() goto dispatch
#define OP_WORD(name) static_cast<uint64_t>(IOp::k##name)
#endif
#define NEXT(n)  \
  do {           \
    pc += (n);   \
    DISPATCH();  \
  } while (false)
#define TRAP(kind)            \
  do {                        \
    trap_kind = (kind);       \
    goto on_trap;             \
  } while (false)
// Fuel and the call depth count down as signed numbers so that the test is
// the sign of the decrement itself (one subtraction, also for a counter the
// compiler keeps in memory); on_trap puts back the 0 that running out left at -1.
#define USE_FUEL()                                                \
  do {                                                            \
    if (--fuel_left < 0) [[unlikely]] TRAP(TrapKind::kOutOfFuel); \
  } while (false)
// Hands the fuel left back to the machine: for a host function (which sees
// the work done so far), and at the end.
#define SAVE_FUEL() (MACHINE.fuel_left = static_cast<uint64_t>(fuel_left) + fuel_beyond)
#define RELOAD_MEMORY()                                           \
  do {                                                            \
    Memory* const mem0 = cf->memory0;                             \
    mbase = mem0 ? mem0->data() : nullptr;                        \
    msize = mem0 ? mem0->size_bytes() : 0;                        \
  } while (false)

// Zeroes the callee's declared locals from sp, leaving sp just above them.
// The frame record's cells follow, so the first two cells can be zeroed
// without a test and the rest in pairs, possibly one cell into the record
// (written next); the empty asm keeps compilers from turning the loop into
// a call to memset.
#define ZERO_LOCALS()                                       \
  do {                                                      \
    uint64_t* const locals_end = sp + next->declared_cells; \
    sp[0] = 0;                                              \
    sp[1] = 0;                                              \
    for (uint64_t* z = sp + 2; z < locals_end; z += 2) {    \
      z[0] = 0;                                             \
      z[1] = 0;                                             \
      KILN_OPAQUE(z);                                       \
    }                                                       \
    sp = locals_end;                                        \
  } while (false)
// Makes room for `cells` cells from `from` if the stack is short of them,
// moving it (and rebasing the frames) when it grows.
#define GROW_STACK(from, cells)                                                        \
  do {                                                                                 \
    const size_t needed = static_cast<size_t>((from) - MACHINE.stack.get()) + (cells); \
    LiveFrame live{sp, fp, cf};                                                        \
    if (!MACHINE.grow_stack(needed, &live)) TRAP(TrapKind::kCallStackExhausted);       \
    sp = live.sp;                                                                      \
    fp = live.fp;                                                                      \
    stack_end = MACHINE.stack.get() + MACHINE.stack_cells;                             \
  } while (false)
// Pushes a frame for `next`, whose arguments are on top of the stack, to
// come back at `ret`: one check of the call depth, one of the stack (for
// the callee's locals, its frame record and its operands together), the
// declared locals zeroed and the record written above them; then `next` is
// the current function. The memory-0 cache is the caller's.
#define PUSH_FRAME(ret)                                                                                    \
  do {                                                                                                     \
    if (--frames_left < 0) [[unlikely]] TRAP(TrapKind::kCallStackExhausted);                               \
    if (next->bytes_above_args > reinterpret_cast<uintptr_t>(stack_end) - reinterpret_cast<uintptr_t>(sp)) \
      [[unlikely]] GROW_STACK(sp, next->bytes_above_args / sizeof(uint64_t));                              \
    uint64_t* const callee_fp =                                                                            \
        reinterpret_cast<uint64_t*>(reinterpret_cast<uintptr_t>(sp) - next->param_bytes);                  \
    ZERO_LOCALS();                                                                                         \
    write_record(sp, (ret), fp, cf);                                                                       \
    sp += kFrameRecordCells;                                                                               \
    fp = callee_fp;                                                                                        \
    cf = next;                                                                                             \
    pc = cf->code.data();                                                                                  \
  } while (false)
// Leaves the current function with its top `count` result cells, which
// move to its frame base, for the place its record names: the caller's
// return address, or ExitToHost for the entry function. The record is read
// before the results can overwrite it. The memory-0 cache needs no check: a
// callee whose memory 0 is not its caller's returns to the call's
// ReloadMemory word.
#define RETURN_TO_CALLER(count)                       \
  do {                                                \
    const uint64_t* record = frame_record(fp, cf);    \
    pc = record_return_pc(record);                    \
    uint64_t* const caller_fp = record_fp(record);    \
    CompiledFunc* const caller = record_func(record); \
    const uint32_t n = (count);                       \
    const uint64_t* src = sp - n;                     \
    for (uint32_t i = 0; i < n; ++i) fp[i] = src[i];  \
    sp = fp + n;                                      \
    ++frames_left;                                    \
    fp = caller_fp;                                   \
    cf = caller;                                      \
    DISPATCH();                                       \
  } while (false)

  // The machine is used only on cold paths (traps, host calls, stack growth,
  // the end), so it stays in memory: kept in a callee-saved register, it
  // pushed the memory-size bound that every load and store checks out of one.
  Machine* volatile const machine_slot = machine;
#define MACHINE (*machine_slot)
  CompiledFunc* cf = start;
  int64_t frames_left = static_cast<int64_t>(MACHINE.max_frames);  // calls that may still nest
  uint64_t* fp = MACHINE.stack.get();
  uint64_t* stack_end = fp + MACHINE.stack_cells;
  uint64_t* sp = fp + cf->local_cells;
  const uint64_t* pc = cf->code.data();
  // Fuel beyond 2^63 - 1 units (at least centuries of work) waits aside.
  int64_t fuel_left = static_cast<int64_t>(std::min<uint64_t>(MACHINE.fuel_left, INT64_MAX));
  const uint64_t fuel_beyond = MACHINE.fuel_left - static_cast<uint64_t>(fuel_left);
  uint64_t calls = MACHINE.calls;
  uint8_t* mbase = nullptr;
  uint64_t msize = 0;
  TrapKind trap_kind = TrapKind::kUnreachable;
  uint64_t trap_arg = 0;  // the element index of call_indirect traps, for the message
  FuncInstance* callee = nullptr;
  const uint64_t* return_pc = nullptr;
  CompiledFunc* next = nullptr;
  ExceptionInstance* exn = nullptr;  // being thrown
  CatchHit hit;

  std::memset(fp + cf->param_cells, 0, (cf->local_cells - cf->param_cells) * sizeof(uint64_t));
  const uint64_t exit_to_host[] = {OP_WORD(ExitToHost)};
  write_record(sp, exit_to_host, nullptr, nullptr);  // the entry function's record: no caller
  sp += kFrameRecordCells;
  RELOAD_MEMORY();

#ifdef KILN_INTERP_PROFILE
  DispatchProfile& profile = process_dispatch_profile();
  profile.restart();
#endif
#ifdef KILN_USE_SWITCH
dispatch:
#ifdef KILN_INTERP_PROFILE
  profile.count(static_cast<size_t>(*pc));
#endif
  switch (static_cast<IOp>(*pc)) {
#else
  DISPATCH();
  {
#endif
#include "handlers_control.inc"
#include "handlers_memory.inc"
#include "handlers_numeric.inc"
#include "handlers_fused.inc"
#include "handlers_peephole.inc"
#include "handlers_simd.inc"
#include "handlers_table.inc"
#include "handlers_gc.inc"
#undef KILN_TAKE_PACKED_BRANCH
#ifdef KILN_USE_SWITCH
    default:
      trap_kind = TrapKind::kHostError;
      goto on_trap;
#endif
  }

do_call:
  // `callee` is set, and `return_pc` to the call's ReloadMemory word; pc is
  // still the calling instruction.
  USE_FUEL();
  ++calls;
  next = static_cast<CompiledFunc*>(callee->compiled);
  if (!next) [[unlikely]] {
    if (callee->is_host()) {
      SAVE_FUEL();
      sp = call_host(MACHINE, *callee, sp, cf->instance);
      if (!sp) TRAP(TrapKind::kHostError);
      RELOAD_MEMORY();  // the host may have grown memory 0
      pc = return_pc + 1;
      DISPATCH();
    }
    next = ensure_compiled(MACHINE, *callee);
    if (!next) TRAP(TrapKind::kHostError);
  }
  if (next->memory0 != cf->memory0) {
    PUSH_FRAME(return_pc);
    RELOAD_MEMORY();
    DISPATCH();
  }
  PUSH_FRAME(return_pc + 1);
  DISPATCH();

do_call_compiled:
  // `next` is set, lowered and sharing this function's memory 0; pc is the
  // calling instruction: CallCompiled, the callee, the ReloadMemory word.
  USE_FUEL();
  ++calls;
  PUSH_FRAME(pc + 3);
  DISPATCH();

do_tail_call:
  // The callee replaces the current frame: its arguments move to the frame base.
  USE_FUEL();
  ++calls;
  next = static_cast<CompiledFunc*>(callee->compiled);
  if (!next) [[unlikely]] {
    if (callee->is_host()) {
      SAVE_FUEL();
      sp = call_host(MACHINE, *callee, sp, cf->instance);
      if (!sp) TRAP(TrapKind::kHostError);
      RELOAD_MEMORY();
      goto do_return;  // the host's results are this function's results
    }
    next = ensure_compiled(MACHINE, *callee);
    if (!next) TRAP(TrapKind::kHostError);
  }
  if (next->frame_cells > static_cast<size_t>(stack_end - fp)) [[unlikely]] GROW_STACK(fp, next->frame_cells);
  {
    // The record moves to just above the callee's locals; the arguments
    // may land on its old place, so it is read first.
    const uint64_t* record = frame_record(fp, cf);
    const uint64_t* resume = record_return_pc(record);
    uint64_t* const caller_fp = record_fp(record);
    CompiledFunc* const caller = record_func(record);
    // The caller skips its ReloadMemory word only for a callee sharing its
    // memory 0 (caller null: the entry function, whose exit needs none).
    const bool reload = next->memory0 != cf->memory0;
    if (reload && caller && *resume != OP_WORD(ReloadMemory)) --resume;
    std::memmove(fp, sp - next->param_cells, next->param_cells * sizeof(uint64_t));
    sp = fp + next->param_cells;
    ZERO_LOCALS();
    write_record(sp, resume, caller_fp, caller);
    sp += kFrameRecordCells;
    cf = next;
    pc = cf->code.data();
    if (reload) RELOAD_MEMORY();
  }
  DISPATCH();

do_return:
  RETURN_TO_CALLER(cf->result_cells);

do_throw:
  // `exn` is set; pc is still the throwing instruction (or the call it came through).
  if (!find_catch(*exn, cf, pc, fp, hit)) [[unlikely]] {
    set_uncaught(MACHINE, *exn);
    TRAP(TrapKind::kUncaughtException);
  }
  // Unwind to the catching frame, as returns would.
  frames_left += hit.frames_left;
  fp = hit.fp;
  cf = hit.func;
  {
    const uint64_t packed = hit.clause[2];
    sp = fp + (packed >> kClauseCellShift);
    if (packed & kClauseExnFirst) {
      *sp++ = exn_ref(exn);
      exn->referenced = true;
    }
    if (hit.clause[0] != 0) {  // catch and catch_ref deliver the payload; the catch_all forms do not
      for (const uint64_t cell : exn->payload) *sp++ = cell;
    }
    if (packed & kClauseExnLast) {
      *sp++ = exn_ref(exn);
      exn->referenced = true;
    } else {
      release_if_unreferenced(*exn);
    }
    pc = code_ptr(hit.clause[1]);
    if (packed & kClauseLoop) USE_FUEL();
  }
  RELOAD_MEMORY();
  DISPATCH();

on_trap:
  if (trap_kind == TrapKind::kOutOfFuel) fuel_left = 0;
  SAVE_FUEL();
  MACHINE.calls = calls;
  record_trap(MACHINE, trap_kind, trap_arg, cf, pc, fp);
  return false;

#undef MACHINE
#undef HANDLER
#undef DISPATCH
#undef OP_WORD
#undef NEXT
#undef TRAP
#undef USE_FUEL
#undef SAVE_FUEL
#undef RELOAD_MEMORY
#undef ZERO_LOCALS
#undef GROW_STACK
#undef PUSH_FRAME
#undef RETURN_TO_CALLER
}

#pragma GCC diagnostic pop

const void* const* handler_table() {
  static const bool initialized = execute(nullptr, nullptr);
  (void)initialized;
  return g_handlers;
}

bool run(Machine& m, CompiledFunc* entry) { return execute(&m, entry); }

}  // namespace kiln::interp
