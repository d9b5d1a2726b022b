// Internal to the lowering: the Lowerer's state (emitted code, type stack, control frames), shared by compile*.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "internal_code.h"
#include "kiln/base/result.h"
#include "kiln/ir/instr.h"
#include "kiln/ir/module.h"
#include "kiln/validate/body_observer.h"

namespace kiln::interp {

inline constexpr uint32_t kNoFixup = UINT32_MAX;

// One structured-control frame seen during lowering.
struct Ctrl {
  // kTry: a legacy try's body; kCatch: one of its handlers.
  enum class Kind : uint8_t { kBlock, kLoop, kIf, kElse, kFunction, kTry, kCatch };
  Kind kind = Kind::kBlock;
  bool unreachable = false;
  uint32_t base_cells = 0;     // operand cells below the block's parameters
  uint32_t label_cells = 0;    // cells a branch to this label carries
  uint32_t loop_start = 0;     // word index of a loop's first instruction
  uint32_t fixups = kNoFixup;  // chain, through the placeholder words, of forward branches to the end
  uint32_t else_fixup = kNoFixup;  // the if's conditional jump to its else branch
  uint32_t try_range = kNoFixup;   // the covering range of a try_table's or legacy try's body
  uint32_t handler_range = kNoFixup;  // a legacy try's range, which its handlers' clauses join
};

// Follows the validator's walk over one body (the instance's type_body), so
// that the body is typed once, by the validator: each checked instruction
// comes with the operand stack's height in cells before and after it, from
// which branches get their pre-resolved heights and drops and selects their
// widths. Forward branches are patched when their block ends. Code after an
// unconditional transfer is skipped up to the matching else/end.
class Lowerer final : public BodyObserver {
 public:
  Lowerer(FuncInstance& func, const void* const* handlers);
  std::unique_ptr<CompiledFunc> run();
  void checked(const Instr& in, uint32_t cells_before, uint32_t cells_after) override;

 private:
  void follow(const Instr& in, uint32_t cells_before, uint32_t cells_after);
  void lower(const Instr& in);
  bool lower_control(const Instr& in);
  bool lower_variable(const Instr& in);
  bool lower_memory(const Instr& in);
  bool lower_table(const Instr& in);
  bool lower_simd_special(const Instr& in);
  void set_up_locals();
  void enter_block(const Instr& in, Ctrl::Kind kind);
  void end_block(const Instr& in);
  void branch(const Instr& in, uint32_t depth, bool conditional);
  void branch_table(const Instr& in);
  void call(const Instr& in, bool tail);
  void emit_return(uint64_t wasm_offset);
  void call_indirect(const Instr& in, bool tail);
  // compile_exceptions.cc
  void try_table(const Instr& in);
  void end_try_range(Ctrl& c);
  void throw_exception(const Instr& in);
  // compile_legacy_exceptions.cc
  void legacy_try(const Instr& in);
  void legacy_catch(const Instr& in);
  void legacy_delegate(const Instr& in);
  void legacy_end(const Instr& in);
  void rethrow(const Instr& in);
  uint32_t handlers_at(uint32_t depth) const;
  void memory_access(const Instr& in, IOp fast, IOp general, bool lane);
  // compile.cc: typed function references.
  void call_ref(bool tail, uint64_t wasm_offset);
  void branch_on_null(const Instr& in);
  uint64_t packed_adjustment(const Ctrl& t) const;
  // compile_gc.cc
  bool lower_gc(const Instr& in);
  const FieldType& field(uint32_t type_index, uint32_t field_index) const;
  uint32_t field_cell(uint32_t type_index, uint32_t field_index) const;  // cells before the field in its object
  void cast_target(ValType target);
  void struct_new(const Instr& in);
  void struct_access(const Instr& in);
  void array_new(const Instr& in);
  void array_access(const Instr& in);
  void branch_on_cast(const Instr& in);

  // Superinstructions (compile_fuse.cc): each takes back the instructions
  // just emitted that it absorbs, when no branch target lies between them.
  enum class CondBranch : uint8_t { kBrIf, kBrIfLoop, kBrUnless };
  void emit_binop(IOp plain, uint64_t wasm_offset);
  // A unary operation on the local.get just before it: its L form (KILN_FUSED_UNOPS); false where it has none.
  bool emit_local_unop(IOp plain, uint64_t wasm_offset);
  void emit_cond_branch(CondBranch kind, uint64_t wasm_offset);
  bool emit_fused_load(IOp fast, uint64_t wasm_offset, uint64_t offset);
  bool emit_fused_local_set(uint32_t cell, uint64_t wasm_offset);
  bool emit_fused_local_write(uint32_t cell, bool tee);
  // Takes back the last instruction if it is `op` of `width` words, its immediates into `immediates`; a
  // LocalGetPair or Const2 gives its second for a LocalGet or Const and stays as the plain form of its first.
  bool take_last(IOp op, uint32_t width, uint64_t* immediates);
  // `local.get a; local.get b` of one-cell locals: one LocalGetPair instead of two dispatches.
  bool emit_local_get_pair(uint32_t cell);
  IOp last_op() const;
  void bind_target() { fusion_floor_ = here(); }
  bool emit_fused_store(IOp fast, uint64_t wasm_offset, uint64_t offset);
  // `i32.load; [i32.const k; i32.sub;] br_table` of a fast load: one BrTableLoad32 form (fused_ops.h), written up
  // to its target count; false, with nothing changed, where the code before is not that or a target is a loop.
  bool emit_loaded_branch_table(const std::vector<uint32_t>& labels);
  // Buried local operands (compile_buried.cc): the value at operand height `height`, pushed by a local.get
  // that straight-line code has buried since, is taken out of the code and read from its local instead.
  void track_buried_locals(const Instr& in, uint32_t cells_before, uint32_t cells_after);
  bool take_buried_local(uint32_t height, uint64_t* cell);
  void remove_words(uint32_t instr, uint32_t at, uint32_t count, bool whole_instruction);
  // Peephole forms (compile_peephole.cc, peephole_ops.h).
  bool drop_identity_mask(IOp plain);  // an and that keeps every bit the load before it set
  bool emit_load_at_local_sum(IOp fast, uint64_t wasm_offset, uint64_t offset);
  void merge_local_copies();           // after a LocalCopy: two in a row become one LocalCopy2
  bool emit_const_pair(uint64_t value);
  // Writes the fused operands of a compare-and-branch after its target word.
  void fused_operand_word() {
    for (uint32_t i = 0; i < pending_count_; ++i) word(pending_operands_[i]);
    pending_count_ = 0;
  }

  // Emission.
  void emit(IOp op, uint64_t wasm_offset);
  uint64_t op_word(IOp op) const {
    const auto index = static_cast<uint16_t>(op);
    return handlers_ ? reinterpret_cast<uintptr_t>(handlers_[index]) : index;
  }
  void word(uint64_t value) { out_->code.push_back(value); }
  void pointer(const void* p) { word(reinterpret_cast<uintptr_t>(p)); }
  // The last word of every call: where a callee with another memory 0 returns (internal_code.h).
  void call_return_word() { word(op_word(IOp::kReloadMemory)); }
  void target(Ctrl& label);
  void patch(uint32_t chain, uint32_t destination);
  uint32_t here() const { return static_cast<uint32_t>(out_->code.size()); }

  // Control.
  void mark_unreachable() { ctrls_.back().unreachable = true; }
  Ctrl& label(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }

  FuncInstance& func_;
  Instance& instance_;
  const Module& module_;
  const void* const* handlers_;
  std::unique_ptr<CompiledFunc> out_;
  std::vector<uint32_t> relocations_;  // words holding code indices, turned into pointers at the end
  // The operand stack's height in cells before the instruction being lowered
  // (after it, between instructions): the validator's, plus the hidden cells
  // of the legacy handlers it lies in (compile_legacy_exceptions.cc).
  uint32_t cells_ = 0;
  uint32_t cells_after_ = 0;  // the height after the instruction being lowered
  uint32_t hidden_cells_ = 0;
  uint32_t max_cells_ = 0;
  std::optional<Error> failed_;  // the first lowering failure: the walk goes on, ignored
  // Per operand height (in cells), the one-cell local.get that pushed the value there, while nothing but
  // straight-line code that leaves it alone and writes no such local has run since.
  struct BuriedLocal {
    bool live = false;
    bool second = false;  // the second value of a LocalGetPair
    uint32_t cell = 0;    // the local's cell
    uint32_t instr = 0;   // its instruction, an index into ops_ and out_->instr_starts
  };
  std::vector<BuriedLocal> buried_;
  std::vector<Ctrl> ctrls_;
  uint32_t skip_depth_ = 0;
  std::vector<uint32_t> local_cell_;  // cell offset of each local
  std::vector<ValType> local_type_;
  std::vector<IOp> ops_;        // the internal opcode of each entry of out_->instr_starts
  uint32_t fusion_floor_ = 0;
  uint64_t pending_operands_[2] = {};  // a fused compare-and-branch's operand words, written after its target
  uint32_t pending_count_ = 0;   // the last branch target: nothing before it fuses with what follows
};

}  // namespace kiln::interp
