// Internal to the validator: the operand/control stack machine that type-checks one function body.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_set>
#include <vector>

#include "context.h"
#include "kiln/ir/instr.h"
#include "kiln/validate/body_observer.h"
#include "kiln/validate/validate.h"
#include "op_signatures.h"

namespace kiln::validate_detail {

// kTry is a legacy try's body, kCatch / kCatchAll its handlers (what rethrow may name).
enum class FrameKind : uint8_t { kFunction, kBlock, kLoop, kIf, kElse, kTry, kCatch, kCatchAll };

struct ControlFrame {
  FrameKind kind = FrameKind::kBlock;
  bool unreachable = false;
  uint32_t param_count = 0;
  uint32_t result_count = 0;
  const ValType* params = nullptr;
  const ValType* results = nullptr;
  uint32_t height = 0;  // operand stack height when the frame was entered
  uint32_t init_height = 0;  // set_locals_ size on entry: locals set inside are unset again at its end

  // A branch to a loop restarts it; to anything else, leaves it.
  const ValType* label_types() const { return kind == FrameKind::kLoop ? params : results; }
  uint32_t label_count() const { return kind == FrameKind::kLoop ? param_count : result_count; }
};

// One instance checks every body of a module in turn; its vectors keep their
// capacity, so checking an instruction does not allocate.
class FunctionValidator {
 public:
  explicit FunctionValidator(const ModuleContext& context) : context_(context) {}

  // Throws Failure (kInvalid for typing, kMalformed for decoding). An
  // observer sees each instruction once it has passed its checks.
  void validate(uint32_t defined_index, FuncInfo& info, BodyObserver* observer = nullptr);

 private:
  void set_up_locals(const FuncType& type, const FunctionBody& body);
  ValType local_type(uint64_t offset, uint32_t index) const;

  // validate_function.cc: control instructions.
  void check_instruction(const Instr& instr);  // the "*" opcodes of opcodes.def
  void enter_block(const Instr& instr, FrameKind kind);
  void check_else(const Instr& instr);
  void check_end(const Instr& instr);
  void check_branch_table(const Instr& instr);
  const ControlFrame& label(uint64_t offset, uint32_t depth) const;
  void check_return_call(uint64_t offset, const FuncType& callee);

  // validate_exceptions.cc: throw, throw_ref and try_table.
  const FuncType& tag_type(uint64_t offset, uint32_t tag_index) const;
  void check_throw(const Instr& instr);
  void check_try_table(const Instr& instr);
  void check_catch_label(uint64_t offset, const CatchClause& clause, const FuncType* payload);
  // validate_legacy_exceptions.cc: try, catch, catch_all, delegate, rethrow.
  void check_legacy_catch(const Instr& instr);
  void check_delegate(const Instr& instr);
  void check_rethrow(const Instr& instr);

  // validate_instr.cc: everything else.
  void check_generic(const Instr& instr, const OpSignature& sig);
  ValType check_immediates(const Instr& instr, const OpSignature& sig);
  ValType check_memarg(const Instr& instr, Imm imm);
  ValType memory_address_type(uint64_t offset, uint32_t index) const;
  const TableType& table(uint64_t offset, uint32_t index) const;
  const FuncType& func_type_of(uint64_t offset, uint32_t func_index) const;
  const FuncType& type_at(uint64_t offset, uint32_t type_index) const;
  void check_data_index(uint64_t offset, uint32_t index) const;
  void check_elem_index(uint64_t offset, uint32_t index) const;
  void check_variable(const Instr& instr);
  void check_select(const Instr& instr);
  void check_reference(const Instr& instr);
  void check_table_op(const Instr& instr);
  void check_call(const Instr& instr);
  void check_memory_copy(const Instr& instr);
  void check_table_copy(const Instr& instr);
  void pop_copy_operands(uint64_t offset, ValType destination, ValType source);
  // validate_func_refs.cc: typed function references.
  void check_func_ref_op(const Instr& instr);
  void check_call_ref(const Instr& instr);
  const ValType* block_value_type(uint64_t offset, ValType t);
  bool results_match(const ValType* sub, uint32_t sub_count, const ValType* super, uint32_t super_count) const;
  // Local initialization: a local without a default must be set before it is read, in the same block or an
  // enclosing one.
  void note_local_set(uint32_t index, ValType t);
  void check_local_get(uint64_t offset, uint32_t index, ValType t) const;
  void unset_locals_to(uint32_t height);
  // validate_gc.cc: struct, array and i31 instructions, ref.eq, the any/extern conversions and the casts.
  void check_gc_op(const Instr& instr);
  void check_struct_op(const Instr& instr);
  void check_array_op(const Instr& instr);
  void check_array_bulk_op(const Instr& instr);
  void check_array_segment(const Instr& instr, ValType storage);
  void check_cast(const Instr& instr);
  void check_branch_on_cast(const Instr& instr);

  void push(ValType t) {
    values_.push_back(t);
    cells_ += cells_of(t);
  }

  // Pops one value; below the frame's base that is an error, unless the
  // frame is unreachable, where the stack is polymorphic.
  ValType pop(uint64_t offset, ValType expected) {
    if (values_.size() == frame_height_) return pop_at_frame_base(offset, expected);
    const ValType actual = values_.back();
    values_.pop_back();
    cells_ -= cells_of(actual);
    return actual;
  }

  ValType pop_expect(uint64_t offset, ValType expected) {
    const ValType actual = pop(offset, expected);
    if (actual != expected && !context_.is_subtype(actual, expected)) fail_type_mismatch(offset, expected, actual);
    return actual;
  }

  ValType pop_at_frame_base(uint64_t offset, ValType expected) const {
    if (!frames_.back().unreachable) fail_type_mismatch(offset, expected, kUnknownType);
    return kUnknownType;
  }

  void pop_types(uint64_t offset, const ValType* types, uint32_t count) {
    for (uint32_t i = count; i > 0; --i) pop_expect(offset, types[i - 1]);
  }

  // pop_types, with a mismatch worded as the reference interpreter words it
  // ("instruction requires [i32] but stack has [i64]"), which the suite checks
  // for throw and for the ends of try blocks.
  void pop_required(uint64_t offset, const ValType* types, uint32_t count);
  // The end of a block's instruction sequence (else, end, catch): its results
  // are popped and nothing else may remain above its base.
  void pop_frame_results(uint64_t offset, const ControlFrame& frame);

  void push_types(const ValType* types, uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) push(types[i]);
  }

  // Drops the operands of the current frame and makes its stack polymorphic.
  void mark_unreachable() {
    ControlFrame& frame = frames_.back();
    while (values_.size() > frame.height) {
      cells_ -= cells_of(values_.back());
      values_.pop_back();
    }
    frame.unreachable = true;
  }

  // v128 takes two cells; so does the unknown type, which may stand for one.
  static uint32_t cells_of(ValType t) { return t == ValType::kV128 || t == kUnknownType ? 2 : 1; }

  // A local run with the index one past its last local. Lookups go to
  // flat_locals_ (a direct index) for the first locals and to a binary
  // search over the runs beyond it; the flat part is sized by the body's
  // bytes, so a function declaring millions of locals costs nothing extra.
  struct LocalSpan {
    uint64_t end = 0;
    ValType type = ValType::kI32;
  };

  const ModuleContext& context_;
  const FuncType* func_type_ = nullptr;
  FuncInfo* info_ = nullptr;
  std::vector<ValType> values_;
  std::vector<ControlFrame> frames_;
  std::vector<LocalSpan> locals_;
  std::vector<ValType> flat_locals_;
  // Block result types that have no storage of their own (typed references); a deque keeps them in place.
  std::deque<ValType> block_types_;
  uint32_t param_count_ = 0;
  bool has_non_defaultable_locals_ = false;
  std::unordered_set<uint32_t> set_locals_;  // non-defaultable locals set so far on this path
  std::vector<uint32_t> set_log_;            // the order they were set in, unwound by block ends
  size_t frame_height_ = 0;  // frames_.back().height, read by every pop
  uint32_t cells_ = 0;
};

}  // namespace kiln::validate_detail
