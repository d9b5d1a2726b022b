// Lowering of buried local operands: a local.get whose value waits under straight-line code for an instruction
// that can read it from the local's cell instead (a store's address, a binop's left operand).
//
// `local.get p; <compute v>; i32.store` pushes p, then works above it: no fusion of adjacent instructions can
// absorb the local.get. Operand heights are static, so the lowerer knows which local.get pushed each value still
// on the stack; when the consumer comes, that local.get is taken out of the code and the consumer's local form
// reads the cell. That is sound while nothing between them branches or is a branch target (the code between
// runs exactly once, in order, after the local.get) and nothing writes the local: every control instruction and
// call ends the tracking, and a local.set or local.tee ends it for its local. The code between then runs with
// the stack one cell lower than the lowerer counts, which nothing in straight-line code can observe.
#include "dispatch_profile.h"
#include "lowerer.h"

namespace kiln::interp {
namespace {

constexpr uint32_t kEndsTracking = UINT32_MAX;

uint32_t letter_cells(const char* letters) {
  uint32_t cells = 0;
  for (const char* p = letters; *p; ++p) cells += *p == 'v' ? 2 : 1;
  return cells;
}

}  // namespace

void Lowerer::track_buried_locals(const Instr& in, uint32_t cells_before, uint32_t cells_after) {
  // The lowest operand cell the instruction popped or wrote: everything from there up is no longer what the
  // local.gets left.
  uint32_t lowest = kEndsTracking;
  switch (in.op) {
    case Opcode::kLocalGet: case Opcode::kGlobalGet: lowest = cells_before; break;
    case Opcode::kLocalSet: case Opcode::kLocalTee: {
      lowest = in.op == Opcode::kLocalSet ? cells_after : cells_after - cell_count(local_type_[in.index]);
      const uint32_t cell = local_cell_[in.index];
      for (BuriedLocal& b : buried_)
        if (b.cell == cell) b.live = false;
      break;
    }
    case Opcode::kGlobalSet: case Opcode::kDrop: lowest = cells_after; break;
    case Opcode::kSelect: case Opcode::kSelectT: lowest = cells_after - (cells_before - cells_after - 1); break;
    default: {
      const OpcodeInfo& info = opcode_info(in.op);
      // Control, calls and the instructions typed by hand: the tracking ends.
      if (info.params[0] != '*') lowest = cells_before - letter_cells(info.params);
      break;
    }
  }
  if (lowest == kEndsTracking) {
    buried_.clear();
    return;
  }
  if (buried_.size() > lowest) buried_.resize(lowest);
  if (in.op != Opcode::kLocalGet || cell_count(local_type_[in.index]) != 1) return;
  buried_.resize(cells_before + 1);
  buried_[cells_before] = {true, ops_.back() == IOp::kLocalGetPair, local_cell_[in.index],
                           static_cast<uint32_t>(ops_.size() - 1)};
}

bool Lowerer::take_buried_local(uint32_t height, uint64_t* cell) {
  if (profile_unfused() || height >= buried_.size() || !buried_[height].live) return false;
  const BuriedLocal b = buried_[height];
  if (b.instr >= ops_.size()) return false;  // taken back since, with the values above it
  // The instruction may have changed since: a LocalGetPair split by a fusion keeps its first value as a LocalGet.
  const uint32_t start = out_->instr_starts[b.instr];
  const IOp op = ops_[b.instr];
  if (op == IOp::kLocalGet && !b.second && out_->code[start + 1] == b.cell) {
    remove_words(b.instr, start, 2, true);
  } else if (const uint32_t at = start + (b.second ? 2 : 1); op == IOp::kLocalGetPair && out_->code[at] == b.cell) {
    // A pair gives up the value and stays as a LocalGet of the other.
    remove_words(b.instr, at, 1, false);
    out_->code[start] = op_word(IOp::kLocalGet);
    ops_[b.instr] = IOp::kLocalGet;
  } else {
    return false;
  }
  buried_[height].live = false;
  *cell = b.cell;
  return true;
}

// Takes `count` words out of the code at `at`, inside instruction `instr` (all of it when `whole_instruction`).
// Straight-line code follows it, so no branch, target or try range lies beyond `at` to move; what does is the
// side table, the fusion floor and the other buried locals' instruction indices.
void Lowerer::remove_words(uint32_t instr, uint32_t at, uint32_t count, bool whole_instruction) {
  out_->code.erase(out_->code.begin() + at, out_->code.begin() + at + count);
  for (size_t i = instr + 1; i < out_->instr_starts.size(); ++i) out_->instr_starts[i] -= count;
  if (fusion_floor_ > at) fusion_floor_ -= count;
  if (!whole_instruction) return;
  out_->instr_starts.erase(out_->instr_starts.begin() + instr);
  out_->instr_offsets.erase(out_->instr_offsets.begin() + instr);
  ops_.erase(ops_.begin() + instr);
  for (BuriedLocal& b : buried_)
    if (b.instr > instr) --b.instr;
}

}  // namespace kiln::interp
