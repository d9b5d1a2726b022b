// Lowering into the peephole forms of peephole_ops.h: each takes back what was just emitted, as the fused
// forms do (compile_fuse.cc), and so never reaches across a branch target.
#include "lowerer.h"

namespace kiln::interp {
namespace {

// The low bits a load leaves on top of the stack with every higher bit zero, by the form it took; 0 when it
// sign-extends or leaves nothing on the stack.
unsigned zero_extended_bits(IOp load) {
  switch (load) {
#define KILN_CASES(name, bits)                                                                              \
  case IOp::k##name: case IOp::k##name##M: case IOp::k##name##L: case IOp::k##name##LK: case IOp::k##name##K: \
  case IOp::k##name##ShlL: case IOp::k##name##ShlK: case IOp::k##name##LL: case IOp::k##name##Tee:          \
  case IOp::k##name##LTee: case IOp::k##name##LKTee: case IOp::k##name##KTee:                                \
    return bits;
    KILN_CASES(Load8U, 8)
    KILN_CASES(Load16U, 16)
    KILN_CASES(Load32, 32)
    KILN_CASES(Load64, 64)
#undef KILN_CASES
    default: return 0;
  }
}

IOp local_sum_load(IOp fast) {
  switch (fast) {
#define KILN_CASE(name, T, convert) \
  case IOp::k##name: return IOp::k##name##LL;
    KILN_FUSED_LOADS(KILN_CASE)
#undef KILN_CASE
    default: return IOp::kInvalid;
  }
}

}  // namespace

bool Lowerer::drop_identity_mask(IOp plain) {
  if ((plain != IOp::kI32And && plain != IOp::kI64And) || last_op() != IOp::kConst) return false;
  const size_t count = ops_.size();
  // The load must be the instruction right before the mask, with no branch target between them: a value
  // arriving there by a branch could have any bits.
  if (count < 2 || out_->instr_starts[count - 2] < fusion_floor_) return false;
  const unsigned bits = zero_extended_bits(ops_[count - 2]);
  if (bits == 0) return false;
  const uint64_t loaded = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  if ((out_->code[out_->instr_starts.back() + 1] & loaded) != loaded) return false;
  uint64_t mask = 0;
  return take_last(IOp::kConst, 2, &mask);
}

bool Lowerer::emit_load_at_local_sum(IOp fast, uint64_t wasm_offset, uint64_t offset) {
  const IOp form = local_sum_load(fast);
  uint64_t locals[2] = {};
  if (form == IOp::kInvalid || !take_last(IOp::kI32AddLL, 3, locals)) return false;
  emit(form, wasm_offset);  // traps at the load's own offset
  word(locals[0]);
  word(locals[1]);
  word(offset);
  return true;
}

void Lowerer::merge_local_copies() {
  const size_t count = ops_.size();
  if (count < 2 || ops_[count - 1] != IOp::kLocalCopy || ops_[count - 2] != IOp::kLocalCopy) return;
  const uint32_t first = out_->instr_starts[count - 2];
  // A target at the second copy (the floor above the first) keeps them apart.
  if (first < fusion_floor_ || here() - first != 6) return;
  const uint64_t first_offset = out_->instr_offsets[count - 2];
  uint64_t second_copy[2] = {};  // dst, src
  uint64_t first_copy[2] = {};
  if (!take_last(IOp::kLocalCopy, 3, second_copy) || !take_last(IOp::kLocalCopy, 3, first_copy)) return;
  emit(IOp::kLocalCopy2, first_offset);
  word(first_copy[1]);
  word(first_copy[0]);
  word(second_copy[1]);
  word(second_copy[0]);
}

bool Lowerer::emit_const_pair(uint64_t value) {
  if (last_op() != IOp::kConst) return false;
  const uint64_t first_offset = out_->instr_offsets.back();
  uint64_t first = 0;
  if (!take_last(IOp::kConst, 2, &first)) return false;
  emit(IOp::kConst2, first_offset);
  word(first);
  word(value);
  return true;
}

}  // namespace kiln::interp
