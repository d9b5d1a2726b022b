// Lowering into superinstructions: fused local/constant operands, compare-and-branch, local-addressed loads.
#include "lowerer.h"

namespace kiln::interp {
namespace {

// The fused forms of one plain internal opcode (kInvalid where it has none).
struct OperandForms {
  IOp local = IOp::kInvalid;       // right operand from a local
  IOp imm = IOp::kInvalid;         // right operand an immediate
  IOp local_local = IOp::kInvalid;
  IOp local_imm = IOp::kInvalid;
};

OperandForms operand_forms(IOp plain) {
  switch (plain) {
#define KILN_CASE(name, T, expr) \
  case IOp::k##name: return {IOp::k##name##L, IOp::k##name##K, IOp::k##name##LL, IOp::k##name##LK};
    KILN_FUSED_BINOPS(KILN_CASE)
#undef KILN_CASE
    default: return {};
  }
}

// A comparison's three branch forms, by the form the comparison itself took.
struct BranchForms {
  IOp br_if = IOp::kInvalid;
  IOp br_if_loop = IOp::kInvalid;
  IOp br_unless = IOp::kInvalid;
  uint32_t width = 0;  // words of the comparison being absorbed: 1, 2 with a fused operand, 3 with two
};

BranchForms branch_forms(IOp compare) {
  switch (compare) {
#define KILN_CASE(name, T, expr)                                                                  \
  case IOp::k##name: return {IOp::kBrIf##name, IOp::kBrIfLoop##name, IOp::kBrUnless##name, 1};   \
  case IOp::k##name##L:                                                                           \
    return {IOp::kBrIf##name##L, IOp::kBrIfLoop##name##L, IOp::kBrUnless##name##L, 2};            \
  case IOp::k##name##K:                                                                           \
    return {IOp::kBrIf##name##K, IOp::kBrIfLoop##name##K, IOp::kBrUnless##name##K, 2};            \
  case IOp::k##name##LL:                                                                          \
    return {IOp::kBrIf##name##LL, IOp::kBrIfLoop##name##LL, IOp::kBrUnless##name##LL, 3};         \
  case IOp::k##name##LK:                                                                          \
    return {IOp::kBrIf##name##LK, IOp::kBrIfLoop##name##LK, IOp::kBrUnless##name##LK, 3};
    KILN_FUSED_COMPARES(KILN_CASE)
#undef KILN_CASE
    default: return {};
  }
}

struct LoadForms {
  IOp local = IOp::kInvalid;
  IOp local_imm = IOp::kInvalid;
  IOp imm = IOp::kInvalid;
  IOp shifted_local = IOp::kInvalid;
  IOp shifted_imm = IOp::kInvalid;
};

LoadForms fused_load(IOp fast) {
  switch (fast) {
#define KILN_CASE(name, T, convert) \
  case IOp::k##name:                                                                          \
    return {IOp::k##name##L, IOp::k##name##LK, IOp::k##name##K, IOp::k##name##ShlL, IOp::k##name##ShlK};
    KILN_FUSED_LOADS(KILN_CASE)
#undef KILN_CASE
    default: return {};
  }
}

// A fast store's fused forms: the value from a local or an immediate, with the
// address on the stack or (LL, LK) from a local.
struct StoreForms {
  IOp local = IOp::kInvalid;
  IOp imm = IOp::kInvalid;
  IOp local_local = IOp::kInvalid;
  IOp local_imm = IOp::kInvalid;
  IOp local_address = IOp::kInvalid;  // the address from a local, the value on the stack
};

StoreForms fused_store(IOp fast) {
  switch (fast) {
#define KILN_CASE(name, T) \
  case IOp::k##name:       \
    return {IOp::k##name##L, IOp::k##name##K, IOp::k##name##LL, IOp::k##name##LK, IOp::k##name##A};
    KILN_FUSED_STORES(KILN_CASE)
#undef KILN_CASE
    default: return {};
  }
}

// The local.set / local.tee forms of a binop or a fast load, by the form it took.
struct SetForms {
  IOp set = IOp::kInvalid;
  IOp tee = IOp::kInvalid;
  uint32_t width = 0;  // words of the binop or load being absorbed
};

SetForms set_forms(IOp binop) {
  switch (binop) {
#define KILN_CASE(name, T, expr)                                                  \
  case IOp::k##name##LK: return {IOp::k##name##LKSet, IOp::k##name##LKTee, 3}; \
  case IOp::k##name##LL: return {IOp::k##name##LLSet, IOp::k##name##LLTee, 3};
    KILN_FUSED_SET_BINOPS(KILN_CASE)
#undef KILN_CASE
#define KILN_CASE(name, T, expr)                                                \
  case IOp::k##name##K: return {IOp::k##name##KSet, IOp::k##name##KTee, 2};  \
  case IOp::k##name##L: return {IOp::k##name##LSet, IOp::k##name##LTee, 2};  \
  case IOp::k##name: return {IOp::k##name##Set, IOp::k##name##Tee, 1};
    KILN_FUSED_BINOPS(KILN_CASE)
#undef KILN_CASE
#define KILN_CASE(name, T, convert)                                                 \
  case IOp::k##name: return {IOp::k##name##Set, IOp::k##name##Tee, 2};           \
  case IOp::k##name##L: return {IOp::k##name##LSet, IOp::k##name##LTee, 3};      \
  case IOp::k##name##LK: return {IOp::k##name##LKSet, IOp::k##name##LKTee, 4};   \
  case IOp::k##name##K: return {IOp::k##name##KSet, IOp::k##name##KTee, 3};
    KILN_FUSED_LOADS(KILN_CASE)
#undef KILN_CASE
    case IOp::kI32AddShlLK: return {IOp::kI32AddShlLKSet, IOp::kI32AddShlLKTee, 3};
    case IOp::kI32AddShlLLK: return {IOp::kI32AddShlLLKSet, IOp::kI32AddShlLLKTee, 4};
    case IOp::kI32AddShlK: return {IOp::kI32AddShlKSet, IOp::kI32AddShlKTee, 2};
    default: return {};
  }
}

// The binop that computes `b op a` from `a` and `b`, bit for bit: itself where the operands commute, the mirrored
// comparison (a < b is b > a); kInvalid for the rest.
IOp swapped(IOp plain) {
  switch (plain) {
    case IOp::kI32Add: case IOp::kI32Mul: case IOp::kI32And: case IOp::kI32Or: case IOp::kI32Xor:
    case IOp::kI32Eq: case IOp::kI32Ne: case IOp::kI64Add: case IOp::kI64Mul: case IOp::kI64And:
    case IOp::kI64Or: case IOp::kI64Xor: case IOp::kI64Eq: case IOp::kI64Ne:
      return plain;
    case IOp::kI32LtS: return IOp::kI32GtS;
    case IOp::kI32GtS: return IOp::kI32LtS;
    case IOp::kI32LtU: return IOp::kI32GtU;
    case IOp::kI32GtU: return IOp::kI32LtU;
    case IOp::kI32LeS: return IOp::kI32GeS;
    case IOp::kI32GeS: return IOp::kI32LeS;
    case IOp::kI32LeU: return IOp::kI32GeU;
    case IOp::kI32GeU: return IOp::kI32LeU;
    case IOp::kI64LtS: return IOp::kI64GtS;
    case IOp::kI64GtS: return IOp::kI64LtS;
    case IOp::kI64LtU: return IOp::kI64GtU;
    case IOp::kI64GtU: return IOp::kI64LtU;
    case IOp::kI64LeS: return IOp::kI64GeS;
    case IOp::kI64GeS: return IOp::kI64LeS;
    case IOp::kI64LeU: return IOp::kI64GeU;
    case IOp::kI64GeU: return IOp::kI64LeU;
    default: return IOp::kInvalid;
  }
}

}  // namespace

IOp Lowerer::last_op() const {
  if (ops_.empty() || out_->instr_starts.back() < fusion_floor_) return IOp::kInvalid;
  return ops_.back();
}

bool Lowerer::take_last(IOp op, uint32_t width, uint64_t* immediates) {
  // A pair of two one-word instructions (LocalGetPair, Const2) gives up its
  // second and stays as the plain form of its first.
  const IOp pair = op == IOp::kLocalGet ? IOp::kLocalGetPair : op == IOp::kConst ? IOp::kConst2 : IOp::kInvalid;
  if (pair != IOp::kInvalid && last_op() == pair) {
    const uint32_t start = out_->instr_starts.back();
    immediates[0] = out_->code[start + 2];
    out_->code.resize(start + 2);
    out_->code[start] = op_word(op);
    ops_.back() = op;
    return true;
  }
  if (last_op() != op) return false;
  const uint32_t start = out_->instr_starts.back();
  if (here() - start != width) return false;
  for (uint32_t i = 1; i < width; ++i) immediates[i - 1] = out_->code[start + i];
  out_->code.resize(start);
  out_->instr_starts.pop_back();
  out_->instr_offsets.pop_back();
  ops_.pop_back();
  return true;
}

void Lowerer::emit_binop(IOp plain, uint64_t wasm_offset) {
  if (plain == IOp::kI32Add) {
    // `base + (i << k)`: the shift, in either of its immediate forms, joins the add.
    uint64_t shift[2] = {};
    if (take_last(IOp::kI32ShlLK, 3, shift)) {
      uint64_t base = 0;
      const bool local_base = take_last(IOp::kLocalGet, 2, &base) || take_buried_local(cells_ - 2, &base);
      emit(local_base ? IOp::kI32AddShlLLK : IOp::kI32AddShlLK, wasm_offset);
      if (local_base) word(base);
      word(shift[0]);
      word(shift[1]);
      return;
    }
    if (take_last(IOp::kI32ShlK, 2, shift)) {
      emit(IOp::kI32AddShlK, wasm_offset);
      word(shift[0]);
      return;
    }
  }
  const OperandForms forms = operand_forms(plain);
  if (forms.local == IOp::kInvalid) {
    emit(plain, wasm_offset);
    return;
  }
  uint64_t right = 0;
  uint64_t left = 0;
  IOp one = IOp::kInvalid;
  IOp two = IOp::kInvalid;
  if (take_last(IOp::kLocalGet, 2, &right)) {
    one = forms.local;
    two = forms.local_local;
  } else if (take_last(IOp::kConst, 2, &right)) {
    one = forms.imm;
    two = forms.local_imm;
  } else {
    // With its operands swapped (the same op where they commute, the mirrored comparison), the L form takes
    // a buried left operand.
    const IOp mirror = swapped(plain);
    if (mirror != IOp::kInvalid && take_buried_local(cells_ - 2, &left)) {
      emit(operand_forms(mirror).local, wasm_offset);
      word(left);
      return;
    }
    emit(plain, wasm_offset);
    return;
  }
  if (take_last(IOp::kLocalGet, 2, &left) || take_buried_local(cells_ - 2, &left)) {
    emit(two, wasm_offset);
    word(left);
  } else {
    emit(one, wasm_offset);
  }
  word(right);
}

bool Lowerer::emit_local_unop(IOp plain, uint64_t wasm_offset) {
  IOp local = IOp::kInvalid;
  switch (plain) {
#define KILN_CASE(name, In, expr) \
  case IOp::k##name: local = IOp::k##name##L; break;
    KILN_FUSED_UNOPS(KILN_CASE)
#undef KILN_CASE
    default: return false;
  }
  uint64_t cell = 0;
  if (!take_last(IOp::kLocalGet, 2, &cell)) return false;
  emit(local, wasm_offset);
  word(cell);
  return true;
}

// The caller writes the target next, then fused_operand_word().
void Lowerer::emit_cond_branch(CondBranch kind, uint64_t wasm_offset) {
  const IOp previous = last_op();
  // A condition that is a local, or a local tested with i32.eqz, is read from its cell.
  const auto emit_tested = [&](const IOp* plain, const IOp* local) {
    const int k = static_cast<int>(kind);
    if (take_last(IOp::kLocalGet, 2, pending_operands_)) {
      emit(local[k], wasm_offset);
      pending_count_ = 1;
    } else {
      emit(plain[k], wasm_offset);
    }
  };
  if (previous == IOp::kI32Eqz && take_last(IOp::kI32Eqz, 1, nullptr)) {
    // Branching on "x == 0" is the opposite test of branching on x.
    static constexpr IOp kInverse[] = {IOp::kBrUnless, IOp::kBrUnlessLoop, IOp::kBrIf};
    static constexpr IOp kInverseLocal[] = {IOp::kBrUnlessLocal, IOp::kBrUnlessLoopLocal, IOp::kBrIfLocal};
    emit_tested(kInverse, kInverseLocal);
    return;
  }
  const BranchForms forms = branch_forms(previous);
  if (forms.width != 0 && take_last(previous, forms.width, pending_operands_)) {
    const IOp fused[] = {forms.br_if, forms.br_if_loop, forms.br_unless};
    emit(fused[static_cast<int>(kind)], wasm_offset);
    pending_count_ = forms.width - 1;
    return;
  }
  static constexpr IOp kPlain[] = {IOp::kBrIf, IOp::kBrIfLoop, IOp::kBrUnless};
  static constexpr IOp kLocal[] = {IOp::kBrIfLocal, IOp::kBrIfLoopLocal, IOp::kBrUnlessLocal};
  emit_tested(kPlain, kLocal);
}

bool Lowerer::emit_fused_load(IOp fast, uint64_t wasm_offset, uint64_t offset) {
  const LoadForms forms = fused_load(fast);
  if (forms.local == IOp::kInvalid) return false;
  uint64_t operands[2] = {};
  uint64_t shift = 0;
  if (take_last(IOp::kLocalGet, 2, operands)) {
    emit(forms.local, wasm_offset);
    word(operands[0]);
  } else if (take_last(IOp::kI32AddLK, 3, operands)) {
    emit(forms.local_imm, wasm_offset);
    word(operands[0]);
    word(operands[1]);
  } else if (take_last(IOp::kI32ShlLK, 3, operands)) {
    emit(forms.shifted_local, wasm_offset);
    word(operands[0]);
    word(operands[1]);
  } else if (take_last(IOp::kI32AddK, 2, operands)) {
    if (take_last(IOp::kI32ShlK, 2, &shift)) {
      emit(forms.shifted_imm, wasm_offset);
      word(shift);
    } else {
      emit(forms.imm, wasm_offset);
    }
    word(operands[0]);
  } else {
    return false;
  }
  word(offset);
  return true;
}

bool Lowerer::emit_fused_store(IOp fast, uint64_t wasm_offset, uint64_t offset) {
  const StoreForms forms = fused_store(fast);
  if (forms.local == IOp::kInvalid) return false;
  uint64_t value = 0;
  uint64_t address = 0;
  const bool immediate = take_last(IOp::kConst, 2, &value);
  if (!immediate && !take_last(IOp::kLocalGet, 2, &value)) {
    // The value was computed; its address may wait under it.
    if (!take_buried_local(cells_ - 2, &address)) return false;
    emit(forms.local_address, wasm_offset);
    word(address);
    word(offset);
    return true;
  }
  if (take_last(IOp::kLocalGet, 2, &address) || take_buried_local(cells_ - 2, &address)) {
    emit(immediate ? forms.local_imm : forms.local_local, wasm_offset);
    word(address);
  } else {
    emit(immediate ? forms.imm : forms.local, wasm_offset);
  }
  word(value);
  word(offset);
  return true;
}

bool Lowerer::emit_loaded_branch_table(const std::vector<uint32_t>& labels) {
  for (const uint32_t depth : labels)
    if (label(depth).kind == Ctrl::Kind::kLoop) return false;
  const bool subtracts = last_op() == IOp::kI32SubK;
  const size_t count = ops_.size();
  if (count < (subtracts ? 2u : 1u)) return false;
  const size_t load = count - (subtracts ? 2 : 1);
  const uint32_t start = out_->instr_starts[load];
  if (start < fusion_floor_) return false;
  IOp fused = IOp::kInvalid;
  switch (ops_[load]) {
    case IOp::kLoad32: fused = IOp::kBrTableLoad32; break;
    case IOp::kLoad32L: fused = IOp::kBrTableLoad32L; break;
    case IOp::kLoad32ShlL: fused = IOp::kBrTableLoad32ShlL; break;
    default: return false;
  }
  const uint32_t load_end = subtracts ? out_->instr_starts[count - 1] : here();
  const std::vector<uint64_t> address(out_->code.begin() + start + 1, out_->code.begin() + load_end);
  const uint64_t k = subtracts ? out_->code[load_end + 1] : 0;
  const uint64_t load_offset = out_->instr_offsets[load];
  out_->code.resize(start);
  out_->instr_starts.resize(load);
  out_->instr_offsets.resize(load);
  ops_.resize(load);
  emit(fused, load_offset);
  for (const uint64_t w : address) word(w);
  word(k);
  return true;
}

bool Lowerer::emit_fused_local_write(uint32_t cell, bool tee) {
  const IOp previous = last_op();
  const SetForms forms = set_forms(previous);
  uint64_t operands[3] = {};
  if (forms.set == IOp::kInvalid) return false;
  // The fused form starts where the absorbed instruction did: a load traps at its own offset.
  const uint64_t absorbed_offset = out_->instr_offsets.back();
  if (!take_last(previous, forms.width, operands)) return false;
  emit(tee ? forms.tee : forms.set, absorbed_offset);
  for (uint32_t i = 0; i + 1 < forms.width; ++i) word(operands[i]);
  word(cell);
  return true;
}

bool Lowerer::emit_local_get_pair(uint32_t cell) {
  uint64_t first = 0;
  const uint64_t first_offset = out_->instr_offsets.empty() ? 0 : out_->instr_offsets.back();
  if (last_op() != IOp::kLocalGet || !take_last(IOp::kLocalGet, 2, &first)) return false;
  emit(IOp::kLocalGetPair, first_offset);
  word(first);
  word(cell);
  return true;
}

bool Lowerer::emit_fused_local_set(uint32_t cell, uint64_t wasm_offset) {
  if (emit_fused_local_write(cell, false)) return true;
  uint64_t source = 0;
  IOp fused = IOp::kInvalid;
  if (take_last(IOp::kLocalGet, 2, &source)) fused = IOp::kLocalCopy;
  else if (take_last(IOp::kConst, 2, &source)) fused = IOp::kLocalSetK;
  else return false;
  emit(fused, wasm_offset);
  word(cell);
  word(source);
  return true;
}

}  // namespace kiln::interp
