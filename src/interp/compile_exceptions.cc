// Lowering of exception handling: try_table's clauses laid out in the code, and throw / throw_ref.
#include <algorithm>
#include <utility>

#include "lowerer.h"

namespace kiln::interp {

// TryTable jumps over its clauses; they stay in the code so that each clause's
// target joins its label's chain of forward branches and is patched with them.
// The body that follows is an ordinary block, and the range of code words it
// covers is what a throw looks up (CompiledFunc::try_ranges).
void Lowerer::try_table(const Instr& in) {
  emit(IOp::kTryTable, in.offset);
  const uint32_t skip = here();
  relocations_.push_back(skip);
  word(0);  // the word after the clauses, set below
  const std::vector<CatchClause>& clauses = *in.catches;
  word(clauses.size());
  const uint32_t first_clause = here();
  // Clause labels count from outside the try_table, so they are resolved
  // before its own frame is pushed.
  for (const CatchClause& clause : clauses) {
    pointer(clause.any_tag() ? nullptr : instance_.tags[clause.tag]);
    Ctrl& label_frame = label(clause.label);
    target(label_frame);
    // A catch may be the only way values ever reach this label: the frame
    // must have room for them even if no instruction pushes them.
    max_cells_ = std::max(max_cells_, label_frame.base_cells + label_frame.label_cells);
    const uint64_t cell = out_->operand_base() + label_frame.base_cells;
    const bool loop = label_frame.kind == Ctrl::Kind::kLoop;
    word(cell << kClauseCellShift | (clause.takes_ref() ? kClauseExnLast : 0) | (loop ? kClauseLoop : 0));
  }
  out_->code[skip] = here();
  bind_target();
  enter_block(in, Ctrl::Kind::kBlock);
  ctrls_.back().try_range = static_cast<uint32_t>(out_->try_ranges.size());
  TryRange range;
  range.begin = range.end = here();
  range.clauses = first_clause;
  out_->try_ranges.push_back(std::move(range));
}

// Nothing after the body may fuse with instructions inside it, or a fused
// instruction would straddle the range's end.
void Lowerer::end_try_range(Ctrl& c) {
  out_->try_ranges[c.try_range].end = here();
  bind_target();
}

void Lowerer::throw_exception(const Instr& in) {
  if (in.op == Opcode::kThrowRef) {
    emit(IOp::kThrowRef, in.offset);
    return;
  }
  const FuncType& payload = module_.tag_type(TagIdx{in.index});
  uint64_t cells = 0;
  for (ValType t : payload.params) cells += cell_count(t);
  emit(IOp::kThrow, in.offset);
  pointer(instance_.tags[in.index]);
  word(cells);
}

}  // namespace kiln::interp
