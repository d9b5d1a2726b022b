// Function bodies: the single decoding pass, locals, and the control instructions of the stack machine.
#include <algorithm>

#include "code_structure.h"
#include "function_validator.h"

namespace kiln::validate_detail {
namespace {

// How many locals per body byte get a direct-index slot: plenty for real
// code, and bounded by the input's size for hostile code.
constexpr uint64_t kFlatLocalsPerByte = 4;

}  // namespace

void FunctionValidator::set_up_locals(const FuncType& type, const FunctionBody& body) {
  locals_.clear();
  uint64_t end = 0;
  auto add = [&](uint64_t count, ValType t) {
    if (count == 0) return;
    end += count;
    if (!locals_.empty() && locals_.back().type == t)
      locals_.back().end = end;
    else
      locals_.push_back({end, t});
  };
  for (ValType t : type.params) add(1, t);
  param_count_ = static_cast<uint32_t>(type.params.size());
  has_non_defaultable_locals_ = false;
  for (const LocalRun& run : body.locals) {
    context_.check_val_type(body.whole.offset, run.type);
    if (run.count != 0 && !is_defaultable(run.type)) has_non_defaultable_locals_ = true;
    add(run.count, run.type);
  }

  const uint64_t flat_size = std::min<uint64_t>(end, kFlatLocalsPerByte * body.whole.size + type.params.size());
  flat_locals_.clear();
  uint64_t next = 0;
  for (const LocalSpan& span : locals_) {
    if (next >= flat_size) break;
    const uint64_t stop = std::min(span.end, flat_size);
    flat_locals_.insert(flat_locals_.end(), static_cast<size_t>(stop - next), span.type);
    next = stop;
  }
}

ValType FunctionValidator::local_type(uint64_t offset, uint32_t index) const {
  if (index < flat_locals_.size()) return flat_locals_[index];
  auto it = std::upper_bound(locals_.begin(), locals_.end(), uint64_t{index},
                             [](uint64_t i, const LocalSpan& span) { return i < span.end; });
  if (it == locals_.end()) fail_unknown(offset, "local", index);
  return it->type;
}

void FunctionValidator::validate(uint32_t defined_index, FuncInfo& info, BodyObserver* observer) {
  const Module& module = context_.module;
  const FunctionBody& body = module.codes[defined_index];
  func_type_ = &module.func_type(FuncIdx{module.imported_funcs + defined_index});
  info_ = &info;
  info.names_data_segment = false;
  info.ref_funcs.clear();
  set_up_locals(*func_type_, body);

  values_.clear();
  frames_.clear();
  block_types_.clear();
  set_locals_.clear();
  set_log_.clear();
  cells_ = 0;
  frames_.push_back({FrameKind::kFunction, false, 0, static_cast<uint32_t>(func_type_->results.size()), nullptr,
                     func_type_->results.data(), 0, 0});
  frame_height_ = 0;

  InstrReader reader(module.slice(body.code), body.code.offset, module);
  while (!frames_.empty()) {
    if (reader.at_end()) fail_missing_end(module, defined_index, reader.offset());
    const Instr& instr = reader.next();
    const OpSignature& sig = op_signature(instr.op);
    const uint32_t cells_before = cells_;
    if (sig.manual)
      check_instruction(instr);
    else
      check_generic(instr, sig);
    if (observer) observer->checked(instr, cells_before, cells_);
  }
  if (!reader.at_end()) fail_after_final_end(reader.offset());
}

void FunctionValidator::check_instruction(const Instr& instr) {
  switch (instr.op) {
    case Opcode::kUnreachable: return mark_unreachable();
    case Opcode::kBlock: return enter_block(instr, FrameKind::kBlock);
    case Opcode::kLoop: return enter_block(instr, FrameKind::kLoop);
    case Opcode::kIf: return enter_block(instr, FrameKind::kIf);
    case Opcode::kElse: return check_else(instr);
    case Opcode::kEnd: return check_end(instr);
    case Opcode::kBr: {
      const ControlFrame& target = label(instr.offset, instr.index);
      pop_types(instr.offset, target.label_types(), target.label_count());
      return mark_unreachable();
    }
    case Opcode::kBrIf: {
      pop_expect(instr.offset, ValType::kI32);
      const ControlFrame& target = label(instr.offset, instr.index);
      pop_types(instr.offset, target.label_types(), target.label_count());
      return push_types(target.label_types(), target.label_count());
    }
    case Opcode::kBrTable: return check_branch_table(instr);
    case Opcode::kReturn:
      pop_types(instr.offset, func_type_->results.data(), static_cast<uint32_t>(func_type_->results.size()));
      return mark_unreachable();
    case Opcode::kDrop: pop(instr.offset, kUnknownType); return;
    case Opcode::kSelect:
    case Opcode::kSelectT: return check_select(instr);
    case Opcode::kLocalGet:
    case Opcode::kLocalSet:
    case Opcode::kLocalTee:
    case Opcode::kGlobalGet:
    case Opcode::kGlobalSet: return check_variable(instr);
    case Opcode::kTableGet:
    case Opcode::kTableSet:
    case Opcode::kTableGrow:
    case Opcode::kTableFill: return check_table_op(instr);
    case Opcode::kRefNull:
    case Opcode::kRefIsNull:
    case Opcode::kRefFunc: return check_reference(instr);
    case Opcode::kRefAsNonNull:
    case Opcode::kBrOnNull:
    case Opcode::kBrOnNonNull: return check_func_ref_op(instr);
    case Opcode::kCallRef:
    case Opcode::kReturnCallRef: return check_call_ref(instr);
    case Opcode::kCall:
    case Opcode::kCallIndirect:
    case Opcode::kReturnCall:
    case Opcode::kReturnCallIndirect: return check_call(instr);
    case Opcode::kMemoryCopy: return check_memory_copy(instr);
    case Opcode::kTableCopy: return check_table_copy(instr);
    case Opcode::kThrow:
    case Opcode::kThrowRef: return check_throw(instr);
    case Opcode::kTryTable: return check_try_table(instr);
    case Opcode::kTry: return enter_block(instr, FrameKind::kTry);
    case Opcode::kCatch:
    case Opcode::kCatchAll: return check_legacy_catch(instr);
    case Opcode::kDelegate: return check_delegate(instr);
    case Opcode::kRethrow: return check_rethrow(instr);
    case Opcode::kStructNew:
    case Opcode::kStructNewDefault:
    case Opcode::kStructGet:
    case Opcode::kStructGetS:
    case Opcode::kStructGetU:
    case Opcode::kStructSet:
    case Opcode::kArrayNew:
    case Opcode::kArrayNewDefault:
    case Opcode::kArrayNewFixed:
    case Opcode::kArrayNewData:
    case Opcode::kArrayNewElem:
    case Opcode::kArrayGet:
    case Opcode::kArrayGetS:
    case Opcode::kArrayGetU:
    case Opcode::kArraySet:
    case Opcode::kArrayLen:
    case Opcode::kArrayFill:
    case Opcode::kArrayCopy:
    case Opcode::kArrayInitData:
    case Opcode::kArrayInitElem:
    case Opcode::kRefTest:
    case Opcode::kRefTestNull:
    case Opcode::kRefCast:
    case Opcode::kRefCastNull:
    case Opcode::kBrOnCast:
    case Opcode::kBrOnCastFail:
    case Opcode::kAnyConvertExtern:
    case Opcode::kExternConvertAny:
    case Opcode::kRefI31:
    case Opcode::kI31GetS:
    case Opcode::kI31GetU:
    case Opcode::kRefEq: return check_gc_op(instr);
    default:
      // Every "*" opcode of opcodes.def has a case above; a new one must get one.
      fail(ErrorCode::kUnsupported, instr.offset, std::string("validator has no rule for ") + opcode_name(instr.op));
  }
}

void FunctionValidator::enter_block(const Instr& instr, FrameKind kind) {
  ControlFrame frame;
  frame.kind = kind;
  switch (instr.block.kind) {
    case BlockType::Kind::kEmpty: break;
    case BlockType::Kind::kValue:
      frame.results = block_value_type(instr.offset, instr.block.value);
      frame.result_count = 1;
      break;
    case BlockType::Kind::kTypeIndex: {
      const FuncType& type = type_at(instr.offset, instr.block.type_index);
      frame.params = type.params.data();
      frame.param_count = static_cast<uint32_t>(type.params.size());
      frame.results = type.results.data();
      frame.result_count = static_cast<uint32_t>(type.results.size());
      break;
    }
  }
  if (kind == FrameKind::kIf) pop_expect(instr.offset, ValType::kI32);
  pop_types(instr.offset, frame.params, frame.param_count);
  frame.height = static_cast<uint32_t>(values_.size());
  frame.init_height = static_cast<uint32_t>(set_log_.size());
  frames_.push_back(frame);
  frame_height_ = frame.height;
  push_types(frame.params, frame.param_count);
}

void FunctionValidator::pop_required(uint64_t offset, const ValType* types, uint32_t count) {
  const size_t available = std::min<size_t>(values_.size() - frame_height_, count);
  const ValType* top = values_.data() + values_.size() - available;
  bool fits = available == count || frames_.back().unreachable;
  for (size_t i = 0; fits && i < available; ++i) {
    const ValType want = types[count - available + i];
    fits = context_.is_subtype(top[i], want);
  }
  if (!fits)
    fail_invalid(offset, "type mismatch: instruction requires " + types_text(types, count) + " but stack has " +
                             types_text(top, available));
  pop_types(offset, types, count);
}

void FunctionValidator::pop_frame_results(uint64_t offset, const ControlFrame& frame) {
  pop_required(offset, frame.results, frame.result_count);
  if (values_.size() == frame.height) return;
  // Values remain, so the popped ones were all above the base and matched
  // the results: the block's stack was the rest followed by the results.
  std::vector<ValType> had(values_.begin() + frame.height, values_.end());
  had.insert(had.end(), frame.results, frame.results + frame.result_count);
  fail_invalid(offset, "type mismatch: block requires " + types_text(frame.results, frame.result_count) +
                           " but stack has " + types_text(had.data(), had.size()));
}

void FunctionValidator::check_else(const Instr& instr) {
  ControlFrame& frame = frames_.back();
  // The spec's decoder ends an instruction sequence at `else` and then wants
  // the `end` of the enclosing construct.
  if (frame.kind != FrameKind::kIf) fail(ErrorCode::kMalformed, instr.offset, "END opcode expected");
  pop_frame_results(instr.offset, frame);
  frame.kind = FrameKind::kElse;
  frame.unreachable = false;
  unset_locals_to(frame.init_height);
  push_types(frame.params, frame.param_count);
}

void FunctionValidator::check_end(const Instr& instr) {
  const ControlFrame frame = frames_.back();
  pop_frame_results(instr.offset, frame);
  // An `if` without `else` has an empty else branch, which must turn the
  // block's parameters into its results unchanged.
  if (frame.kind == FrameKind::kIf && !results_match(frame.params, frame.param_count, frame.results, frame.result_count))
    fail_invalid(instr.offset, "type mismatch: if without else must leave its parameters as results");
  unset_locals_to(frame.init_height);
  frames_.pop_back();
  if (frames_.empty()) return;
  frame_height_ = frames_.back().height;
  push_types(frame.results, frame.result_count);
}

const ControlFrame& FunctionValidator::label(uint64_t offset, uint32_t depth) const {
  if (depth >= frames_.size()) fail_unknown(offset, "label", depth);
  return frames_[frames_.size() - 1 - depth];
}

void FunctionValidator::check_branch_table(const Instr& instr) {
  pop_expect(instr.offset, ValType::kI32);
  const std::vector<uint32_t>& labels = *instr.labels;  // the default target is last
  const ControlFrame& fallback = label(instr.offset, labels.back());
  const uint32_t arity = fallback.label_count();
  const ControlFrame& frame = frames_.back();
  for (uint32_t depth : labels) {
    const ControlFrame& target = label(instr.offset, depth);
    if (target.label_count() != arity) fail_invalid(instr.offset, "type mismatch: br_table targets differ in arity");
    // Each target must accept the operands in place; slots below the frame
    // base are unknown when the stack is polymorphic, and match anything.
    const ValType* types = target.label_types();
    for (uint32_t i = 0; i < arity; ++i) {
      const size_t from_top = arity - i;
      const ValType expected = types[i];
      if (values_.size() < frame.height + from_top) {
        if (!frame.unreachable) fail_type_mismatch(instr.offset, expected, kUnknownType);
        continue;
      }
      const ValType actual = values_[values_.size() - from_top];
      if (!context_.is_subtype(actual, expected)) fail_type_mismatch(instr.offset, expected, actual);
    }
  }
  pop_types(instr.offset, fallback.label_types(), arity);
  mark_unreachable();
}

void FunctionValidator::check_return_call(uint64_t offset, const FuncType& callee) {
  if (!results_match(callee.results.data(), static_cast<uint32_t>(callee.results.size()), func_type_->results.data(),
                     static_cast<uint32_t>(func_type_->results.size())))
    fail_invalid(offset, "type mismatch: tail call results " + func_type_text(callee) + " differ from the caller's");
  pop_types(offset, callee.params.data(), static_cast<uint32_t>(callee.params.size()));
  mark_unreachable();
}

}  // namespace kiln::validate_detail
