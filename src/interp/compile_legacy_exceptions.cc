// Lowering of the legacy exception encoding: try bodies as covered ranges, catch handlers, delegate and rethrow.
//
// A handler starts with the caught exception in a hidden cell at the try's
// base, below the payload: rethrow reads it from there, and leaving the
// handler (its end, or a branch) drops it like any other operand.
#include <utility>

#include "lowerer.h"

namespace kiln::interp {

void Lowerer::legacy_try(const Instr& in) {
  enter_block(in, Ctrl::Kind::kTry);
  bind_target();
  Ctrl& c = ctrls_.back();
  c.try_range = static_cast<uint32_t>(out_->try_ranges.size());
  c.handler_range = c.try_range;
  TryRange range;
  range.begin = range.end = here();
  range.legacy = true;
  out_->try_ranges.push_back(std::move(range));
}

void Lowerer::legacy_catch(const Instr& in) {
  Ctrl& c = ctrls_.back();
  // The body (or the previous handler) leaves for the end of the try.
  if (!c.unreachable) branch(in, 0, false);
  Ctrl& frame = ctrls_.back();
  if (frame.try_range != kNoFixup) end_try_range(frame);
  frame.try_range = kNoFixup;
  if (frame.kind != Ctrl::Kind::kCatch) ++hidden_cells_;  // the first handler's, which the later ones reuse
  frame.kind = Ctrl::Kind::kCatch;
  frame.unreachable = false;
  bind_target();
  TagInstance* tag = in.op == Opcode::kCatch ? instance_.tags[in.index] : nullptr;
  const uint64_t cell = out_->operand_base() + frame.base_cells;
  TryRange& range = out_->try_ranges[frame.handler_range];
  range.handlers.push_back(reinterpret_cast<uintptr_t>(tag));
  range.handlers.push_back(here());  // a code index until the code stops growing
  range.handlers.push_back(cell << kClauseCellShift | kClauseExnFirst);
}

// The handlers in effect at label `depth` (counted from the top of the
// control stack): the innermost try body or try_table body there or outside
// it. None means the caller's.
uint32_t Lowerer::handlers_at(uint32_t depth) const {
  for (size_t i = ctrls_.size() - 1 - depth + 1; i-- > 0;) {
    const Ctrl& c = ctrls_[i];
    if (c.try_range != kNoFixup) return c.try_range;
  }
  return kNoFixup;
}

void Lowerer::legacy_delegate(const Instr& in) {
  Ctrl& c = ctrls_.back();
  const uint32_t target = handlers_at(in.index + 1);
  TryRange& range = out_->try_ranges[c.try_range];
  range.delegate = target == kNoFixup ? TryRange::kToCaller : target;
  end_block(in);
}

void Lowerer::legacy_end(const Instr& in) {
  // A handler's results sit above the hidden cell: branching to the try's
  // own end moves them down over it.
  if (ctrls_.back().kind == Ctrl::Kind::kCatch && !ctrls_.back().unreachable) branch(in, 0, false);
  if (ctrls_.back().kind == Ctrl::Kind::kCatch) --hidden_cells_;
  end_block(in);
}

void Lowerer::rethrow(const Instr& in) {
  const Ctrl& handler = label(in.index);
  emit(IOp::kRethrow, in.offset);
  word(out_->operand_base() + handler.base_cells);
}

}  // namespace kiln::interp
