// The dispatch loop: direct-threaded computed goto (or a switch with -DKILN_SWITCH_DISPATCH) over the handler .inc files.
#include <bit>
#include <cstring>
#include <iterator>

#include "compile.h"
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
#define USE_FUEL()                                                       \
  do {                                                                   \
    if (fuel_left == 0) [[unlikely]] TRAP(TrapKind::kOutOfFuel);         \
    --fuel_left;                                                         \
  } while (false)
#define RELOAD_MEMORY()                                           \
  do {                                                            \
    mem0 = cf->memory0;                                           \
    mbase = mem0 ? mem0->data() : nullptr;                        \
    msize = mem0 ? mem0->size_bytes() : 0;                        \
  } while (false)

// Zeroes the callee's declared locals (sp is at their first cell, just
// above the arguments). Most functions declare a few, so a plain loop beats
// a call to memset; the empty asm keeps compilers from turning the loop back
// into that call.
#define ZERO_LOCALS()                                             \
  do {                                                            \
    for (uint32_t n = next->declared_cells; n != 0; --n) {       \
      *sp++ = 0;                                                  \
      KILN_OPAQUE(n);                                             \
    }                                                             \
  } while (false)
// Enters `next`, whose arguments are on top of the stack, to come back at
// `ret`: grows the frame array or the stack if needed, saves the caller.
#define PUSH_FRAME_AND_ENTER(ret)                                                                                  \
  do {                                                                                                           \
    if (fr == fr_end) [[unlikely]] {                                                                             \
      const size_t used = static_cast<size_t>(fr - frames);                                                      \
      if (!m.grow_frames()) TRAP(TrapKind::kCallStackExhausted);                                                 \
      frames = m.frames.data();                                                                                  \
      fr = frames + used;                                                                                        \
      fr_end = frames + m.frames.size();                                                                         \
    }                                                                                                            \
    if (next->cells_above_args > static_cast<size_t>(stack_end - sp)) [[unlikely]] {                            \
      uint64_t* pointers[] = {sp, fp};                                                                           \
      const size_t needed = static_cast<size_t>(sp - m.stack.get()) + next->cells_above_args;                    \
      if (!m.grow_stack(needed, pointers, 2, static_cast<size_t>(fr - frames))) TRAP(TrapKind::kCallStackExhausted); \
      sp = pointers[0];                                                                                          \
      fp = pointers[1];                                                                                          \
      stack_end = m.stack.get() + m.stack_cells;                                                                 \
    }                                                                                                            \
    fr->return_pc = (ret);                                                                                       \
    fr->fp = fp;                                                                                                 \
    fr->func = cf;                                                                                               \
    ++fr;                                                                                                        \
    fp = sp - next->param_cells;                                                                                 \
    ZERO_LOCALS();                                                                                               \
    cf = next;                                                                                                   \
    pc = cf->code.data();                                                                                        \
    if (cf->memory0 != mem0) RELOAD_MEMORY();                                                                    \
    DISPATCH();                                                                                                  \
  } while (false)

  Machine& m = *machine;
  CompiledFunc* cf = start;
  Frame* frames = m.frames.data();
  Frame* fr = frames;  // the next free frame
  Frame* fr_end = frames + m.frames.size();
  uint64_t* fp = m.stack.get();
  uint64_t* stack_end = fp + m.stack_cells;
  uint64_t* sp = fp + cf->local_cells;
  const uint64_t* pc = cf->code.data();
  uint64_t fuel_left = m.fuel_left;
  uint64_t calls = m.calls;
  Memory* mem0 = nullptr;
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
  RELOAD_MEMORY();

#ifdef KILN_USE_SWITCH
dispatch:
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
  // `callee` and `return_pc` are set; pc is still the calling instruction.
  USE_FUEL();
  ++calls;
  next = static_cast<CompiledFunc*>(callee->compiled);
  if (!next) [[unlikely]] {
    if (callee->is_host()) {
      m.fuel_left = fuel_left;  // the host function sees the work done so far
      sp = call_host(m, *callee, sp, cf->instance);
      if (!sp) TRAP(TrapKind::kHostError);
      pc = return_pc;
      RELOAD_MEMORY();
      DISPATCH();
    }
    next = ensure_compiled(m, *callee);
    if (!next) TRAP(TrapKind::kHostError);
  }
  PUSH_FRAME_AND_ENTER(return_pc);

do_call_compiled:
  // `next` is set (lowered); pc is the two-word calling instruction.
  USE_FUEL();
  ++calls;
  PUSH_FRAME_AND_ENTER(pc + 2);

do_tail_call:
  // The callee replaces the current frame: its arguments move to the frame base.
  USE_FUEL();
  ++calls;
  next = static_cast<CompiledFunc*>(callee->compiled);
  if (!next) [[unlikely]] {
    if (callee->is_host()) {
      m.fuel_left = fuel_left;  // the host function sees the work done so far
      sp = call_host(m, *callee, sp, cf->instance);
      if (!sp) TRAP(TrapKind::kHostError);
      RELOAD_MEMORY();
      goto do_return;  // the host's results are this function's results
    }
    next = ensure_compiled(m, *callee);
    if (!next) TRAP(TrapKind::kHostError);
  }
  std::memmove(fp, sp - next->param_cells, next->param_cells * sizeof(uint64_t));
  sp = fp + next->param_cells;
  if (next->frame_cells > static_cast<size_t>(stack_end - fp)) [[unlikely]] {
    uint64_t* pointers[] = {sp, fp};
    const size_t needed = static_cast<size_t>(fp - m.stack.get()) + next->frame_cells;
    if (!m.grow_stack(needed, pointers, 2, static_cast<size_t>(fr - frames))) TRAP(TrapKind::kCallStackExhausted);
    sp = pointers[0];
    fp = pointers[1];
    stack_end = m.stack.get() + m.stack_cells;
  }
  ZERO_LOCALS();
  cf = next;
  pc = cf->code.data();
  if (cf->memory0 != mem0) RELOAD_MEMORY();
  DISPATCH();

do_return : {
  const uint32_t count = cf->result_cells;
  const uint64_t* src = sp - count;
  for (uint32_t i = 0; i < count; ++i) fp[i] = src[i];
  sp = fp + count;
}
pop_frame:
  // The results are at fp; sp is just above them.
  if (fr == frames) {
    m.fuel_left = fuel_left;
    m.calls = calls;
    return true;
  }
  --fr;
  pc = fr->return_pc;
  fp = fr->fp;
  cf = fr->func;
  // A callee sharing this function's memory 0 kept the cache current through
  // its own memory.grow and host calls (both reload); only a callee with
  // another memory 0 left the cache pointing at that one.
  if (cf->memory0 != mem0) RELOAD_MEMORY();
  DISPATCH();

do_throw:
  // `exn` is set; pc is still the throwing instruction (or the call it came through).
  if (!find_catch(*exn, cf, pc, frames, static_cast<size_t>(fr - frames), hit)) [[unlikely]] {
    set_uncaught(m, *exn);
    TRAP(TrapKind::kUncaughtException);
  }
  if (hit.level < static_cast<size_t>(fr - frames)) {
    // Unwind to the catching caller, as returns would.
    fr = frames + hit.level;
    fp = fr->fp;
    cf = fr->func;
  }
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
  m.fuel_left = fuel_left;
  m.calls = calls;
  record_trap(m, trap_kind, trap_arg, cf, pc, frames, static_cast<size_t>(fr - frames));
  return false;

#undef HANDLER
#undef DISPATCH
#undef OP_WORD
#undef NEXT
#undef TRAP
#undef USE_FUEL
#undef RELOAD_MEMORY
#undef ZERO_LOCALS
#undef PUSH_FRAME_AND_ENTER
}

#pragma GCC diagnostic pop

const void* const* handler_table() {
  static const bool initialized = execute(nullptr, nullptr);
  (void)initialized;
  return g_handlers;
}

bool run(Machine& m, CompiledFunc* entry) { return execute(&m, entry); }

}  // namespace kiln::interp
