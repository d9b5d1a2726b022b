// Exception handling in function bodies: throw, throw_ref, and try_table with its catch clauses.
#include <algorithm>

#include "function_validator.h"

namespace kiln::validate_detail {

const FuncType& FunctionValidator::tag_type(uint64_t offset, uint32_t tag_index) const {
  if (tag_index >= context_.module.tags.size()) fail_unknown(offset, "tag", tag_index);
  return context_.module.tag_type(TagIdx{tag_index});
}

void FunctionValidator::check_throw(const Instr& instr) {
  if (instr.op == Opcode::kThrowRef) {
    pop_expect(instr.offset, ValType::kExnRef);
    return mark_unreachable();
  }
  const FuncType& payload = tag_type(instr.offset, instr.index);
  pop_required(instr.offset, payload.params.data(), static_cast<uint32_t>(payload.params.size()));
  mark_unreachable();
}

// A clause branches to its label with the payload (catch, catch_ref) and the
// caught exception (the _ref forms): the label must take exactly those.
void FunctionValidator::check_catch_label(uint64_t offset, const CatchClause& clause, const FuncType* payload) {
  const ControlFrame& target = label(offset, clause.label);
  std::vector<ValType> carried;
  if (payload) carried = payload->params;
  if (clause.takes_ref()) carried.push_back(ValType::kExnRef.with_nullable(false));  // (ref exn): a caught exception is never null
  const uint32_t count = target.label_count();
  const ValType* types = target.label_types();
  if (results_match(carried.data(), static_cast<uint32_t>(carried.size()), types, count)) return;
  fail_invalid(offset, "type mismatch: catch clause carries " + types_text(carried.data(), carried.size()) +
                           " to a label that takes " + types_text(types, count));
}

// Clause labels count from outside the try_table, so they are checked before
// its own frame is pushed; the body is then an ordinary block.
void FunctionValidator::check_try_table(const Instr& instr) {
  for (const CatchClause& clause : *instr.catches) {
    const FuncType* payload = clause.any_tag() ? nullptr : &tag_type(instr.offset, clause.tag);
    check_catch_label(instr.offset, clause, payload);
  }
  enter_block(instr, FrameKind::kBlock);
}

}  // namespace kiln::validate_detail
