// Exception handling in function bodies: throw, throw_ref, and try_table with its catch clauses.
#include <algorithm>

#include "function_validator.h"

namespace kiln::validate_detail {
namespace {

std::string types_text(const ValType* types, size_t count) {
  std::string out = "[";
  for (size_t i = 0; i < count; ++i) {
    if (i) out += ' ';
    out += type_text(types[i]);
  }
  return out + "]";
}

}  // namespace

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
  const auto count = static_cast<uint32_t>(payload.params.size());
  // The reference names both sides here ("instruction requires [i32] but
  // stack has [i64]"), and the suite checks that wording for throw.
  const size_t available = std::min<size_t>(values_.size() - frame_height_, count);
  const ValType* top = values_.data() + values_.size() - available;
  bool fits = available == count || frames_.back().unreachable;
  for (size_t i = 0; fits && i < available; ++i) {
    const ValType want = payload.params[count - available + i];
    fits = context_.is_subtype(top[i], want);
  }
  if (!fits)
    fail_invalid(instr.offset, "type mismatch: instruction requires " + types_text(payload.params.data(), count) +
                                   " but stack has " + types_text(top, available));
  pop_types(instr.offset, payload.params.data(), count);
  mark_unreachable();
}

// A clause branches to its label with the payload (catch, catch_ref) and the
// caught exception (the _ref forms): the label must take exactly those.
void FunctionValidator::check_catch_label(uint64_t offset, const CatchClause& clause, const FuncType* payload) {
  const ControlFrame& target = label(offset, clause.label);
  std::vector<ValType> carried;
  if (payload) carried = payload->params;
  if (clause.takes_ref()) carried.push_back(ValType::kExnRef);
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
