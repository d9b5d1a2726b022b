// Lowering of instructions with immediates: constants, locals, globals, references, memories, tables, SIMD lanes.
#include <cstring>

#include "kiln/base/failure.h"
#include "lowerer.h"

namespace kiln::interp {
namespace {

// The two internal forms of a scalar memory access: memory 0 of 32-bit type
// through the cached base and size, or any memory through its Memory*.
struct MemoryForms {
  IOp fast;
  IOp general;
};

MemoryForms scalar_memory_forms(Opcode op) {
  switch (op) {
    case Opcode::kI32Load: case Opcode::kF32Load: case Opcode::kI64Load32U: return {IOp::kLoad32, IOp::kLoad32M};
    case Opcode::kI64Load: case Opcode::kF64Load: return {IOp::kLoad64, IOp::kLoad64M};
    case Opcode::kI32Load8U: case Opcode::kI64Load8U: return {IOp::kLoad8U, IOp::kLoad8UM};
    case Opcode::kI32Load16U: case Opcode::kI64Load16U: return {IOp::kLoad16U, IOp::kLoad16UM};
    case Opcode::kI32Load8S: return {IOp::kI32Load8S, IOp::kI32Load8SM};
    case Opcode::kI32Load16S: return {IOp::kI32Load16S, IOp::kI32Load16SM};
    case Opcode::kI64Load8S: return {IOp::kI64Load8S, IOp::kI64Load8SM};
    case Opcode::kI64Load16S: return {IOp::kI64Load16S, IOp::kI64Load16SM};
    case Opcode::kI64Load32S: return {IOp::kI64Load32S, IOp::kI64Load32SM};
    case Opcode::kI32Store: case Opcode::kF32Store: case Opcode::kI64Store32: return {IOp::kStore32, IOp::kStore32M};
    case Opcode::kI64Store: case Opcode::kF64Store: return {IOp::kStore64, IOp::kStore64M};
    case Opcode::kI32Store8: case Opcode::kI64Store8: return {IOp::kStore8, IOp::kStore8M};
    case Opcode::kI32Store16: case Opcode::kI64Store16: return {IOp::kStore16, IOp::kStore16M};
    default: return {IOp::kInvalid, IOp::kInvalid};
  }
}

// SIMD memory instructions have only the general form; they are not hot enough to double.
IOp simd_memory_op(Opcode op) {
  switch (op) {
    case Opcode::kV128Load: return IOp::kV128Load;
    case Opcode::kV128Load8x8S: return IOp::kV128Load8x8S;
    case Opcode::kV128Load8x8U: return IOp::kV128Load8x8U;
    case Opcode::kV128Load16x4S: return IOp::kV128Load16x4S;
    case Opcode::kV128Load16x4U: return IOp::kV128Load16x4U;
    case Opcode::kV128Load32x2S: return IOp::kV128Load32x2S;
    case Opcode::kV128Load32x2U: return IOp::kV128Load32x2U;
    case Opcode::kV128Load8Splat: return IOp::kV128Load8Splat;
    case Opcode::kV128Load16Splat: return IOp::kV128Load16Splat;
    case Opcode::kV128Load32Splat: return IOp::kV128Load32Splat;
    case Opcode::kV128Load64Splat: return IOp::kV128Load64Splat;
    case Opcode::kV128Load32Zero: return IOp::kV128Load32Zero;
    case Opcode::kV128Load64Zero: return IOp::kV128Load64Zero;
    case Opcode::kV128Store: return IOp::kV128Store;
    case Opcode::kV128Load8Lane: return IOp::kV128Load8Lane;
    case Opcode::kV128Load16Lane: return IOp::kV128Load16Lane;
    case Opcode::kV128Load32Lane: return IOp::kV128Load32Lane;
    case Opcode::kV128Load64Lane: return IOp::kV128Load64Lane;
    case Opcode::kV128Store8Lane: return IOp::kV128Store8Lane;
    case Opcode::kV128Store16Lane: return IOp::kV128Store16Lane;
    case Opcode::kV128Store32Lane: return IOp::kV128Store32Lane;
    case Opcode::kV128Store64Lane: return IOp::kV128Store64Lane;
    default: return IOp::kInvalid;
  }
}

IOp lane_op(Opcode op) {
  switch (op) {
    case Opcode::kI8x16ExtractLaneS: return IOp::kI8x16ExtractLaneS;
    case Opcode::kI8x16ExtractLaneU: return IOp::kI8x16ExtractLaneU;
    case Opcode::kI8x16ReplaceLane: return IOp::kI8x16ReplaceLane;
    case Opcode::kI16x8ExtractLaneS: return IOp::kI16x8ExtractLaneS;
    case Opcode::kI16x8ExtractLaneU: return IOp::kI16x8ExtractLaneU;
    case Opcode::kI16x8ReplaceLane: return IOp::kI16x8ReplaceLane;
    case Opcode::kI32x4ExtractLane: return IOp::kI32x4ExtractLane;
    case Opcode::kI32x4ReplaceLane: return IOp::kI32x4ReplaceLane;
    case Opcode::kI64x2ExtractLane: return IOp::kI64x2ExtractLane;
    case Opcode::kI64x2ReplaceLane: return IOp::kI64x2ReplaceLane;
    case Opcode::kF32x4ExtractLane: return IOp::kF32x4ExtractLane;
    case Opcode::kF32x4ReplaceLane: return IOp::kF32x4ReplaceLane;
    case Opcode::kF64x2ExtractLane: return IOp::kF64x2ExtractLane;
    case Opcode::kF64x2ReplaceLane: return IOp::kF64x2ReplaceLane;
    default: return IOp::kInvalid;
  }
}

uint64_t bytes_half(const std::array<uint8_t, 16>& bytes, size_t half) {
  uint64_t v;
  std::memcpy(&v, bytes.data() + half * 8, 8);
  return v;
}

}  // namespace

bool Lowerer::lower_variable(const Instr& in) {
  switch (in.op) {
    case Opcode::kI32Const: case Opcode::kF32Const: case Opcode::kI64Const: case Opcode::kF64Const: {
      const bool narrow = in.op == Opcode::kI32Const || in.op == Opcode::kF32Const;
      const uint64_t value = narrow ? in.bits & 0xFFFF'FFFFu : in.bits;
      if (!emit_const_pair(value)) {
        emit(IOp::kConst, in.offset);
        word(value);
      }
      return true;
    }
    case Opcode::kV128Const:
      emit(IOp::kConst128, in.offset);
      word(bytes_half(in.bytes16, 0));
      word(bytes_half(in.bytes16, 1));
      return true;
    case Opcode::kRefNull:
      emit(IOp::kConst, in.offset);
      word(kNullRef);
      return true;
    case Opcode::kRefFunc:
      emit(IOp::kConst, in.offset);
      word(func_ref(instance_.funcs[in.index]));
      return true;
    case Opcode::kRefIsNull:
      emit(IOp::kRefIsNull, in.offset);
      return true;
    case Opcode::kLocalGet: {
      const ValType t = local_type_[in.index];
      if (cell_count(t) == 1 && emit_local_get_pair(local_cell_[in.index])) return true;
      emit(cell_count(t) == 2 ? IOp::kLocalGet2 : IOp::kLocalGet, in.offset);
      word(local_cell_[in.index]);
      return true;
    }
    case Opcode::kLocalSet: case Opcode::kLocalTee: {
      const ValType t = local_type_[in.index];
      const bool wide = cell_count(t) == 2;
      if (in.op == Opcode::kLocalSet) {
        if (!wide && emit_fused_local_set(local_cell_[in.index], in.offset)) {
          merge_local_copies();
          return true;
        }
        emit(wide ? IOp::kLocalSet2 : IOp::kLocalSet, in.offset);
      } else {
        if (!wide && emit_fused_local_write(local_cell_[in.index], true)) return true;
        emit(wide ? IOp::kLocalTee2 : IOp::kLocalTee, in.offset);
      }
      word(local_cell_[in.index]);
      return true;
    }
    case Opcode::kGlobalGet: {
      const ValType t = module_.global_types[in.index].type;
      emit(cell_count(t) == 2 ? IOp::kGlobalGet2 : IOp::kGlobalGet, in.offset);
      pointer(instance_.globals[in.index]);
      return true;
    }
    case Opcode::kGlobalSet: {
      const ValType t = module_.global_types[in.index].type;
      emit(cell_count(t) == 2 ? IOp::kGlobalSet2 : IOp::kGlobalSet, in.offset);
      pointer(instance_.globals[in.index]);
      return true;
    }
    default:
      return false;
  }
}

void Lowerer::memory_access(const Instr& in, IOp fast, IOp general, bool lane) {
  Memory* memory = instance_.memories[in.mem.memory];
  if (fast != IOp::kInvalid && in.mem.memory == 0 && !memory->is_64()) {
    if (emit_load_at_local_sum(fast, in.offset, in.mem.offset) || emit_fused_load(fast, in.offset, in.mem.offset) ||
        emit_fused_store(fast, in.offset, in.mem.offset))
      return;
    emit(fast, in.offset);
    word(in.mem.offset);
    return;
  }
  emit(general, in.offset);
  word(in.mem.offset);
  pointer(memory);
  word(memory->is_64() ? ~uint64_t{0} : 0xFFFF'FFFFu);  // address mask
  if (lane) word(in.lane);
}

bool Lowerer::lower_memory(const Instr& in) {
  const MemoryForms forms = scalar_memory_forms(in.op);
  if (forms.fast != IOp::kInvalid) {
    memory_access(in, forms.fast, forms.general, false);
    return true;
  }
  const IOp simd = simd_memory_op(in.op);
  if (simd != IOp::kInvalid) {
    const Imm imm = opcode_info(in.op).imm;
    const bool lane = imm == Imm::kMemLane1 || imm == Imm::kMemLane2 || imm == Imm::kMemLane4 || imm == Imm::kMemLane8;
    memory_access(in, IOp::kInvalid, simd, lane);
    return true;
  }
  switch (in.op) {
    case Opcode::kMemorySize: case Opcode::kMemoryGrow: case Opcode::kMemoryFill:
      emit(in.op == Opcode::kMemorySize ? IOp::kMemorySize
                                        : in.op == Opcode::kMemoryGrow ? IOp::kMemoryGrow : IOp::kMemoryFill,
           in.offset);
      pointer(instance_.memories[in.index]);
      return true;
    case Opcode::kMemoryCopy:
      emit(IOp::kMemoryCopy, in.offset);
      pointer(instance_.memories[in.index]);
      pointer(instance_.memories[in.index2]);
      return true;
    case Opcode::kMemoryInit:
      emit(IOp::kMemoryInit, in.offset);
      pointer(instance_.memories[in.index2]);
      word(in.index);
      return true;
    case Opcode::kDataDrop:
      emit(IOp::kDataDrop, in.offset);
      word(in.index);
      return true;
    default:
      return false;
  }
}

bool Lowerer::lower_table(const Instr& in) {
  switch (in.op) {
    case Opcode::kTableGet:
      emit(IOp::kTableGet, in.offset);
      break;
    case Opcode::kTableSet:
      emit(IOp::kTableSet, in.offset);
      break;
    case Opcode::kTableSize:
      emit(IOp::kTableSize, in.offset);
      break;
    case Opcode::kTableGrow:
      emit(IOp::kTableGrow, in.offset);
      break;
    case Opcode::kTableFill:
      emit(IOp::kTableFill, in.offset);
      break;
    case Opcode::kTableCopy:
      emit(IOp::kTableCopy, in.offset);
      pointer(instance_.tables[in.index]);
      pointer(instance_.tables[in.index2]);
      return true;
    case Opcode::kTableInit:
      emit(IOp::kTableInit, in.offset);
      pointer(instance_.tables[in.index2]);
      word(in.index);
      return true;
    case Opcode::kElemDrop:
      emit(IOp::kElemDrop, in.offset);
      word(in.index);
      return true;
    default:
      return false;
  }
  pointer(instance_.tables[in.index]);
  return true;
}

bool Lowerer::lower_simd_special(const Instr& in) {
  if (in.op == Opcode::kI8x16Shuffle) {
    emit(IOp::kI8x16Shuffle, in.offset);
    word(bytes_half(in.bytes16, 0));
    word(bytes_half(in.bytes16, 1));
    return true;
  }
  const IOp op = lane_op(in.op);
  if (op == IOp::kInvalid) return false;
  emit(op, in.offset);
  word(in.lane);
  return true;
}

}  // namespace kiln::interp
