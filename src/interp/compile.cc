// Lowering driver and structured control: blocks, branches with pre-resolved heights, calls, and the final code layout.
#include "compile.h"
#include "dispatch_profile.h"

#include <algorithm>
#include <string>

#include "kiln/base/failure.h"
#include "lowerer.h"

namespace kiln::interp {
namespace {

uint32_t cells_of(const std::vector<ValType>& types) {
  uint32_t cells = 0;
  for (ValType t : types) cells += cell_count(t);
  return cells;
}

// Locals beyond this are refused rather than lowered into huge tables; far
// above what real code (and the spec suite) uses.
constexpr uint64_t kMaxLocals = uint64_t{1} << 24;

}  // namespace

Lowerer::Lowerer(FuncInstance& func, const void* const* handlers)
    : func_(func), instance_(*func.instance), module_(*func.instance->module), handlers_(handlers) {}

void Lowerer::set_up_locals() {
  const FuncType& type = *func_.type;
  const FunctionBody& body = module_.body(FuncIdx{func_.index});
  if (body.local_count > kMaxLocals) fail(ErrorCode::kExhausted, body.code.offset, "too many locals to run");
  uint32_t cell = 0;
  auto add = [&](ValType t) {
    local_cell_.push_back(cell);
    local_type_.push_back(t);
    cell += cell_count(t);
  };
  for (ValType t : type.params) add(t);
  out_->param_cells = cell;
  for (const LocalRun& run : body.locals)
    for (uint32_t i = 0; i < run.count; ++i) add(run.type);
  out_->local_cells = cell;
  out_->declared_cells = cell - out_->param_cells;
  out_->result_cells = cells_of(type.results);
}

std::unique_ptr<CompiledFunc> Lowerer::run() {
  out_ = std::make_unique<CompiledFunc>();
  out_->func = &func_;
  out_->instance = &instance_;
  out_->memory0 = instance_.memories.empty() ? nullptr : instance_.memories[0];
  set_up_locals();

  Ctrl fn;
  fn.kind = Ctrl::Kind::kFunction;
  fn.label_cells = out_->result_cells;
  ctrls_.push_back(fn);

  if (!instance_.type_body) fail(ErrorCode::kUsage, kNoOffset, "lowering: the instance has no way to type its bodies");
  Status typed = instance_.type_body(func_.index - module_.imported_funcs, *this);
  if (!typed) throw Failure{std::move(typed).error()};
  if (failed_) throw Failure{std::move(*failed_)};

  // The code no longer grows: branch targets become absolute pointers.
  uint64_t* base = out_->code.data();
  for (uint32_t at : relocations_) out_->code[at] = reinterpret_cast<uintptr_t>(base + out_->code[at]);
  for (TryRange& range : out_->try_ranges)
    for (size_t i = 1; i < range.handlers.size(); i += kClauseWords)
      range.handlers[i] = reinterpret_cast<uintptr_t>(base + range.handlers[i]);
  out_->frame_cells = out_->operand_base() + max_cells_;
  out_->param_bytes = uint64_t{out_->param_cells} * sizeof(uint64_t);
  out_->bytes_above_args = uint64_t{out_->frame_cells - out_->param_cells} * sizeof(uint64_t);
  return std::move(out_);
}

void Lowerer::checked(const Instr& in, uint32_t cells_before, uint32_t cells_after) {
  if (failed_) return;
  try {
    follow(in, cells_before, cells_after);
    if (profile_unfused()) bind_target();  // nothing before fuses with what follows
  } catch (Failure& failure) {
    failed_ = std::move(failure.error);
  }
}

void Lowerer::follow(const Instr& in, uint32_t cells_before, uint32_t cells_after) {
  if (ctrls_.back().unreachable) {
    // Dead code: nothing reaches it, so only its nesting matters.
    const Opcode op = in.op;
    if (op == Opcode::kBlock || op == Opcode::kLoop || op == Opcode::kIf || op == Opcode::kTryTable ||
        op == Opcode::kTry) {
      ++skip_depth_;
      return;
    }
    const bool closes = op == Opcode::kEnd || op == Opcode::kDelegate;
    if (closes && skip_depth_ > 0) {
      --skip_depth_;
      return;
    }
    // else and a legacy try's handlers make code reachable again.
    const bool reopens = op == Opcode::kElse || op == Opcode::kCatch || op == Opcode::kCatchAll;
    if (!closes && !(reopens && skip_depth_ == 0)) return;
  }
  cells_ = cells_before + hidden_cells_;
  cells_after_ = cells_after + hidden_cells_;
  lower(in);
  track_buried_locals(in, cells_before + hidden_cells_, cells_after + hidden_cells_);
  cells_ = cells_after + hidden_cells_;
  max_cells_ = std::max(max_cells_, cells_);
}

void Lowerer::emit(IOp op, uint64_t wasm_offset) {
  out_->instr_starts.push_back(here());
  out_->instr_offsets.push_back(static_cast<uint32_t>(wasm_offset));
  ops_.push_back(op);
  word(op_word(op));
}

void Lowerer::target(Ctrl& label) {
  relocations_.push_back(here());
  if (label.kind == Ctrl::Kind::kLoop) {
    word(label.loop_start);
  } else {
    word(label.fixups);  // resolved when the block ends
    label.fixups = here() - 1;
  }
}

void Lowerer::patch(uint32_t chain, uint32_t destination) {
  while (chain != kNoFixup) {
    const auto next = static_cast<uint32_t>(out_->code[chain]);
    out_->code[chain] = destination;
    chain = next;
  }
}

void Lowerer::lower(const Instr& in) {
  if (lower_control(in) || lower_variable(in) || lower_memory(in) || lower_table(in) || lower_simd_special(in) ||
      lower_gc(in))
    return;
  const IOp op = direct_op(in.op);
  if (op == IOp::kInvalid) fail(ErrorCode::kUnsupported, in.offset, std::string("cannot lower ") + opcode_name(in.op));
  if (drop_identity_mask(op) || emit_local_unop(op, in.offset)) return;
  emit_binop(op, in.offset);
}

void Lowerer::enter_block(const Instr& in, Ctrl::Kind kind) {
  Ctrl c;
  c.kind = kind;
  uint32_t param_cells = 0;
  uint32_t result_cells = 0;
  switch (in.block.kind) {
    case BlockType::Kind::kEmpty:
      break;
    case BlockType::Kind::kValue:
      result_cells = cell_count(in.block.value);
      break;
    case BlockType::Kind::kTypeIndex: {
      const FuncType& type = module_.types[in.block.type_index];
      param_cells = cells_of(type.params);
      result_cells = cells_of(type.results);
      break;
    }
  }
  if (kind == Ctrl::Kind::kIf) --cells_;  // the condition
  c.base_cells = cells_ - param_cells;
  c.label_cells = kind == Ctrl::Kind::kLoop ? param_cells : result_cells;
  if (kind == Ctrl::Kind::kLoop) {
    c.loop_start = here();
    bind_target();
  }
  if (kind == Ctrl::Kind::kIf) {
    emit_cond_branch(CondBranch::kBrUnless, in.offset);
    relocations_.push_back(here());
    c.else_fixup = here();
    word(kNoFixup);
    fused_operand_word();
  }
  ctrls_.push_back(c);
}

void Lowerer::end_block(const Instr& in) {
  Ctrl& c = ctrls_.back();
  if (c.try_range != kNoFixup) end_try_range(c);
  if (in.op == Opcode::kElse) {
    if (!c.unreachable) {
      emit(IOp::kBr, in.offset);
      target(c);
    }
    patch(c.else_fixup, here());
    bind_target();
    c.else_fixup = kNoFixup;
    c.kind = Ctrl::Kind::kElse;
    c.unreachable = false;
    return;
  }
  if (c.else_fixup != kNoFixup || c.fixups != kNoFixup) bind_target();
  patch(c.else_fixup, here());  // an if without else falls through to its end
  patch(c.fixups, here());
  if (c.kind == Ctrl::Kind::kFunction) {
    emit_return(in.offset);
    ctrls_.pop_back();
    return;
  }
  ctrls_.pop_back();
}

void Lowerer::branch(const Instr& in, uint32_t depth, bool conditional) {
  if (conditional) --cells_;  // the condition
  Ctrl& t = label(depth);
  if (t.kind == Ctrl::Kind::kFunction) {
    // The function's end holds a Return, which takes the results from the
    // top of the stack whatever lies below them: no adjustment needed.
    if (conditional) {
      emit_cond_branch(CondBranch::kBrIf, in.offset);
      target(t);
      fused_operand_word();
    } else {
      emit_return(in.offset);
    }
    return;
  }
  const bool loop = t.kind == Ctrl::Kind::kLoop;
  const uint32_t keep = t.label_cells;
  const uint32_t drop = cells_ - t.base_cells - keep;
  if (conditional && !drop) {
    emit_cond_branch(loop ? CondBranch::kBrIfLoop : CondBranch::kBrIf, in.offset);
    target(t);
    fused_operand_word();
    return;
  }
  IOp op;
  if (conditional) op = loop ? IOp::kBrIfLoopAdj : IOp::kBrIfAdj;
  else op = loop ? (drop ? IOp::kBrLoopAdj : IOp::kBrLoop) : (drop ? IOp::kBrAdj : IOp::kBr);
  emit(op, in.offset);
  target(t);
  if (drop) word(uint64_t{drop} << 32 | keep);
}

void Lowerer::branch_table(const Instr& in) {
  --cells_;  // the index
  const std::vector<uint32_t>& labels = *in.labels;
  // An index an i32.load read joins the br_table with the load's offset (emit_loaded_branch_table). Else
  // `i32.const k; i32.sub` in front (lowered to I32SubK, or I32SubLK after a local.get) joins it, and the
  // br_table keeps its own offset (a branch to a loop spends fuel there), as compare-and-branch does.
  uint64_t subtracted[2] = {};
  if (emit_loaded_branch_table(labels)) {
  } else if (take_last(IOp::kI32SubK, 2, subtracted)) {
    emit(IOp::kBrTableSubK, in.offset);
    word(subtracted[0]);
  } else if (take_last(IOp::kI32SubLK, 3, subtracted)) {
    emit(IOp::kBrTableSubLK, in.offset);
    word(subtracted[0]);
    word(subtracted[1]);
  } else if (take_last(IOp::kLocalGet, 2, subtracted)) {  // an index in a local: x - 0
    emit(IOp::kBrTableSubLK, in.offset);
    word(subtracted[0]);
    word(0);
  } else {
    emit(IOp::kBrTable, in.offset);
  }
  word(labels.size() - 1);
  for (uint32_t depth : labels) {
    Ctrl& t = label(depth);
    target(t);
    word(packed_adjustment(t));
  }
}

// A return takes the results from the top of the stack whatever lies below
// them; the one-cell and empty results, nearly all functions, skip the loop, and a one-cell result that is a
// local returns from its cell.
void Lowerer::emit_return(uint64_t wasm_offset) {
  const uint32_t cells = out_->result_cells;
  uint64_t local = 0;
  if (cells == 1 && take_last(IOp::kLocalGet, 2, &local)) {  // `local.get r; return`
    emit(IOp::kReturnLocal, wasm_offset);
    word(local);
    return;
  }
  emit(cells == 1 ? IOp::kReturnOne : cells == 0 ? IOp::kReturnNone : IOp::kReturn, wasm_offset);
}

void Lowerer::call(const Instr& in, bool tail) {
  FuncInstance* callee = instance_.funcs[in.index];
  // A callee already lowered (or this function calling itself) that shares
  // this function's memory 0 is called through its code directly; a Call
  // becomes that form when it first runs.
  CompiledFunc* lowered = callee == &func_ ? out_.get() : static_cast<CompiledFunc*>(callee->compiled);
  if (!tail && lowered && lowered->memory0 == out_->memory0) {
    emit(IOp::kCallCompiled, in.offset);
    pointer(lowered);
  } else {
    emit(tail ? IOp::kReturnCall : IOp::kCall, in.offset);
    pointer(callee);
  }
  if (!tail) call_return_word();
}

void Lowerer::call_indirect(const Instr& in, bool tail) {
  emit(tail ? IOp::kReturnCallIndirect : IOp::kCallIndirect, in.offset);
  pointer(instance_.tables[in.index2]);
  word(instance_.type_ids[in.index]);
  pointer(instance_.store_types[in.index]);
  if (!tail) call_return_word();
}

void Lowerer::call_ref(bool tail, uint64_t wasm_offset) {
  emit(tail ? IOp::kReturnCallRef : IOp::kCallRef, wasm_offset);
  if (!tail) call_return_word();
}

// A branch's stack adjustment in BrTable's packing; a function's end returns
// whatever lies below its results, so it needs none.
uint64_t Lowerer::packed_adjustment(const Ctrl& t) const {
  if (t.kind == Ctrl::Kind::kFunction) return 0;
  const uint64_t keep = t.label_cells;
  const uint64_t drop = cells_ - t.base_cells - keep;
  const uint64_t loop = t.kind == Ctrl::Kind::kLoop ? 1 : 0;
  return loop << 63 | drop << 32 | keep;
}

// br_on_null branches without the reference; br_on_non_null branches with it
// (it is the label's last value) and drops a null.
void Lowerer::branch_on_null(const Instr& in) {
  const bool on_null = in.op == Opcode::kBrOnNull;
  Ctrl& t = label(in.index);
  if (on_null) --cells_;  // the branch leaves the null behind
  const uint64_t packed = packed_adjustment(t);
  emit(on_null ? IOp::kBrOnNull : IOp::kBrOnNonNull, in.offset);
  target(t);
  word(packed);
}

bool Lowerer::lower_control(const Instr& in) {
  switch (in.op) {
    case Opcode::kNop: return true;
    case Opcode::kUnreachable:
      emit(IOp::kUnreachable, in.offset);
      mark_unreachable();
      return true;
    case Opcode::kBlock: enter_block(in, Ctrl::Kind::kBlock); return true;
    case Opcode::kLoop: enter_block(in, Ctrl::Kind::kLoop); return true;
    case Opcode::kIf: enter_block(in, Ctrl::Kind::kIf); return true;
    case Opcode::kElse: end_block(in); return true;
    case Opcode::kEnd: ctrls_.back().kind == Ctrl::Kind::kCatch ? legacy_end(in) : end_block(in); return true;
    case Opcode::kTry: legacy_try(in); return true;
    case Opcode::kCatch: case Opcode::kCatchAll: legacy_catch(in); return true;
    case Opcode::kDelegate: legacy_delegate(in); return true;
    case Opcode::kRethrow:
      rethrow(in);
      mark_unreachable();
      return true;
    case Opcode::kBr:
      branch(in, in.index, false);
      mark_unreachable();
      return true;
    case Opcode::kBrIf: branch(in, in.index, true); return true;
    case Opcode::kBrTable:
      branch_table(in);
      mark_unreachable();
      return true;
    case Opcode::kReturn:
      emit_return(in.offset);
      mark_unreachable();
      return true;
    case Opcode::kCall: call(in, false); return true;
    case Opcode::kCallRef: call_ref(false, in.offset); return true;
    case Opcode::kReturnCallRef:
      call_ref(true, in.offset);
      mark_unreachable();
      return true;
    case Opcode::kBrOnNull: case Opcode::kBrOnNonNull: branch_on_null(in); return true;
    case Opcode::kRefAsNonNull: emit(IOp::kRefAsNonNull, in.offset); return true;
    case Opcode::kCallIndirect: call_indirect(in, false); return true;
    case Opcode::kReturnCall:
      call(in, true);
      mark_unreachable();
      return true;
    case Opcode::kReturnCallIndirect:
      call_indirect(in, true);
      mark_unreachable();
      return true;
    case Opcode::kDrop:  // the stack's fall is the dropped value's width
      emit(cells_ - cells_after_ == 2 ? IOp::kDrop2 : IOp::kDrop, in.offset);
      return true;
    case Opcode::kTryTable: try_table(in); return true;
    case Opcode::kThrow: case Opcode::kThrowRef:
      throw_exception(in);
      mark_unreachable();
      return true;
    case Opcode::kSelect: case Opcode::kSelectT:  // the stack falls by the condition and one value
      emit(cells_ - cells_after_ == 3 ? IOp::kSelect2 : IOp::kSelect, in.offset);
      return true;
    default:
      return false;
  }
}

Result<CompiledFunc*> lower_function(FuncInstance& func, const void* const* handlers) {
  if (func.compiled) return static_cast<CompiledFunc*>(func.compiled);
  if (func.is_host() || !func.instance->module)
    return Error{ErrorCode::kUsage, kNoOffset, "lower_function: not a defined function"};
  // The body is typed as it is lowered, so an invalid one is refused here.
  auto lowered = capture_failure([&] { return Lowerer(func, handlers).run().release(); });
  if (!lowered) return std::move(lowered).error();
  func.compiled = *lowered;
  func.destroy_compiled = [](void* p) { delete static_cast<CompiledFunc*>(p); };
  return *lowered;
}

}  // namespace kiln::interp
