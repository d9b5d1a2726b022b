// Typed function references: ref.as_non_null, br_on_null, br_on_non_null, call_ref, return_call_ref, block types
// of typed references, and the initialization of locals that have no default value.
#include <algorithm>
#include <iterator>

#include "function_validator.h"

namespace kiln::validate_detail {

namespace {

// Storage for the single-result block types of one byte, so a frame can
// point at its result type; typed references get a slot per block.
constexpr ValType kSingleTypes[] = {ValType::kI32,     ValType::kI64,       ValType::kF32,   ValType::kF64,
                                    ValType::kV128,    ValType::kFuncRef,   ValType::kExternRef,
                                    ValType::kExnRef};

}  // namespace

const ValType* FunctionValidator::block_value_type(uint64_t offset, ValType t) {
  const ValType* single = std::find(std::begin(kSingleTypes), std::end(kSingleTypes), t);
  if (single != std::end(kSingleTypes)) return single;
  context_.check_val_type(offset, t);
  block_types_.push_back(t);
  return &block_types_.back();
}

bool FunctionValidator::results_match(const ValType* sub, uint32_t sub_count, const ValType* super,
                                      uint32_t super_count) const {
  if (sub_count != super_count) return false;
  for (uint32_t i = 0; i < sub_count; ++i)
    if (!context_.is_subtype(sub[i], super[i])) return false;
  return true;
}

void FunctionValidator::note_local_set(uint32_t index, ValType t) {
  if (is_defaultable(t) || index < param_count_) return;
  if (set_locals_.insert(index).second) set_log_.push_back(index);
}

void FunctionValidator::check_local_get(uint64_t offset, uint32_t index, ValType t) const {
  if (!has_non_defaultable_locals_ || is_defaultable(t) || index < param_count_) return;
  if (!set_locals_.count(index)) fail_invalid(offset, "uninitialized local " + std::to_string(index));
}

// A block's end (or an if's else) forgets the locals first set inside it:
// the code after it may be reached without them being set.
void FunctionValidator::unset_locals_to(uint32_t height) {
  while (set_log_.size() > height) {
    set_locals_.erase(set_log_.back());
    set_log_.pop_back();
  }
}

void FunctionValidator::check_func_ref_op(const Instr& instr) {
  // The operand: any reference (or nothing known, in unreachable code).
  auto pop_reference = [&]() {
    const ValType t = pop(instr.offset, kUnknownType);
    if (t != kUnknownType && !t.is_ref())
      fail_invalid(instr.offset, std::string("type mismatch: ") + opcode_name(instr.op) + " needs a reference, got " +
                                     type_text(t));
    return t;
  };
  switch (instr.op) {
    case Opcode::kRefAsNonNull: {
      const ValType t = pop_reference();
      return push(t == kUnknownType ? t : t.with_nullable(false));
    }
    case Opcode::kBrOnNull: {
      const ValType t = pop_reference();
      const ControlFrame& target = label(instr.offset, instr.index);
      pop_types(instr.offset, target.label_types(), target.label_count());
      push_types(target.label_types(), target.label_count());
      return push(t == kUnknownType ? t : t.with_nullable(false));
    }
    case Opcode::kBrOnNonNull: {
      const ControlFrame& target = label(instr.offset, instr.index);
      const uint32_t count = target.label_count();
      if (count == 0)
        fail_invalid(instr.offset, "type mismatch: br_on_non_null needs a label that takes a reference");
      const ValType* types = target.label_types();
      const ValType want = types[count - 1];
      if (!want.is_ref()) fail_type_mismatch(instr.offset, want, kUnknownType);
      const ValType t = pop_reference();
      if (t != kUnknownType && !context_.is_subtype(t.with_nullable(false), want))
        fail_type_mismatch(instr.offset, want, t);
      pop_types(instr.offset, types, count - 1);
      return push_types(types, count - 1);
    }
    default: return;
  }
}

void FunctionValidator::check_call_ref(const Instr& instr) {
  const FuncType& callee = type_at(instr.offset, instr.index);
  pop_expect(instr.offset, ValType::func_ref(instr.index, true));
  if (instr.op == Opcode::kReturnCallRef) return check_return_call(instr.offset, callee);
  pop_types(instr.offset, callee.params.data(), static_cast<uint32_t>(callee.params.size()));
  push_types(callee.results.data(), static_cast<uint32_t>(callee.results.size()));
}

}  // namespace kiln::validate_detail
