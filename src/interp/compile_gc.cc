// Lowering of the GC instructions: structs (fields by cell index), arrays (by element width), i31, conversions and
// casts resolved to a CastKind and a StoreType.
#include "gc_ops.h"
#include "lowerer.h"

namespace kiln::interp {
const FieldType& Lowerer::field(uint32_t type_index, uint32_t field_index) const {
  return module_.type_defs[type_index].fields[field_index];
}

uint32_t Lowerer::field_cell(uint32_t type_index, uint32_t field_index) const {
  uint32_t cell = 0;
  for (uint32_t i = 0; i < field_index; ++i) cell += cell_count(field(type_index, i).storage);
  return cell;
}

// The packed cast word and the target's StoreType (null for an abstract heap type).
void Lowerer::cast_target(ValType target) {
  CastKind kind = CastKind::kTop;
  const StoreType* type = nullptr;
  switch (target.heap) {
    case ValType::kTopHeap: kind = CastKind::kTop; break;
    case ValType::kBottomHeap: kind = CastKind::kBottom; break;
    case ValType::kEqHeap: kind = CastKind::kEq; break;
    case ValType::kI31Heap: kind = CastKind::kI31; break;
    case ValType::kStructHeap: kind = CastKind::kStruct; break;
    case ValType::kArrayHeap: kind = CastKind::kArray; break;
    default:
      kind = target.code == TypeCode::kFuncRef ? CastKind::kConcreteFunc : CastKind::kConcreteGc;
      type = instance_.store_types[target.heap];
  }
  word(pack_cast(kind, target.nullable));
  pointer(type);
}

void Lowerer::struct_new(const Instr& in) {
  const TypeDef& def = module_.type_defs[in.index];
  const StoreType* type = instance_.store_types[in.index];
  if (in.op == Opcode::kStructNewDefault) {
    emit(IOp::kStructNewDefault, in.offset);
    pointer(type);
    word(field_cell(in.index, static_cast<uint32_t>(def.fields.size())));
    return;
  }
  emit(IOp::kStructNew, in.offset);
  pointer(type);
  word(field_cell(in.index, static_cast<uint32_t>(def.fields.size())));
  uint32_t packed = 0;
  for (const FieldType& f : def.fields) packed += f.storage.is_packed() ? 1 : 0;
  word(packed);
  for (uint32_t i = 0; i < def.fields.size(); ++i) {
    const ValType storage = def.fields[i].storage;
    if (storage.is_packed()) word(uint64_t{field_cell(in.index, i)} << 32 | storage_mask(storage));
  }
}

void Lowerer::struct_access(const Instr& in) {
  const ValType storage = field(in.index, in.index2).storage;
  const uint32_t cell = field_cell(in.index, in.index2);
  const bool wide = cell_count(storage) == 2;
  if (in.op == Opcode::kStructSet) {
    emit(storage.is_packed() ? IOp::kStructSetPacked : wide ? IOp::kStructSet2 : IOp::kStructSet, in.offset);
    word(cell);
    if (storage.is_packed()) word(storage_mask(storage));
    return;
  }
  IOp op = wide ? IOp::kStructGet2 : IOp::kStructGet;
  // A packed field is kept zero-extended: get_u reads it as it is.
  if (in.op == Opcode::kStructGetS) op = storage.code == TypeCode::kI8 ? IOp::kStructGetS8 : IOp::kStructGetS16;
  emit(op, in.offset);
  word(cell);
}

void Lowerer::array_new(const Instr& in) {
  const ValType storage = field(in.index, 0).storage;
  const StoreType* type = instance_.store_types[in.index];
  const uint32_t width = cell_count(storage);
  switch (in.op) {
    case Opcode::kArrayNew:
      emit(IOp::kArrayNew, in.offset);
      pointer(type);
      word(width);
      word(storage_mask(storage));
      break;
    case Opcode::kArrayNewDefault:
      emit(IOp::kArrayNewDefault, in.offset);
      pointer(type);
      word(width);
      break;
    case Opcode::kArrayNewFixed:
      emit(IOp::kArrayNewFixed, in.offset);
      pointer(type);
      word(width);
      word(in.index2);
      word(storage_mask(storage));
      break;
    case Opcode::kArrayNewData:
      emit(IOp::kArrayNewData, in.offset);
      pointer(type);
      word(in.index2);
      word(storage_bytes(storage));
      break;
    default:  // array.new_elem
      emit(IOp::kArrayNewElem, in.offset);
      pointer(type);
      word(in.index2);
      break;
  }
}

void Lowerer::array_access(const Instr& in) {
  const ValType storage = field(in.index, 0).storage;
  const uint32_t width = cell_count(storage);
  switch (in.op) {
    case Opcode::kArrayGet: case Opcode::kArrayGetU:
      emit(width == 2 ? IOp::kArrayGet2 : IOp::kArrayGet, in.offset);
      break;
    case Opcode::kArrayGetS:
      emit(storage.code == TypeCode::kI8 ? IOp::kArrayGetS8 : IOp::kArrayGetS16, in.offset);
      break;
    case Opcode::kArraySet:
      emit(width == 2 ? IOp::kArraySet2 : IOp::kArraySet, in.offset);
      if (width == 1) word(storage_mask(storage));
      break;
    case Opcode::kArrayFill:
      emit(IOp::kArrayFill, in.offset);
      word(width);
      word(storage_mask(storage));
      break;
    case Opcode::kArrayCopy:
      emit(IOp::kArrayCopy, in.offset);
      word(width);
      break;
    case Opcode::kArrayInitData:
      emit(IOp::kArrayInitData, in.offset);
      word(in.index2);
      word(storage_bytes(storage));
      break;
    default:  // array.init_elem
      emit(IOp::kArrayInitElem, in.offset);
      word(in.index2);
      break;
  }
}

// br_on_cast branches with the reference when the cast succeeds, br_on_cast_fail when it fails; either way the
// reference stays on the stack (it is the label's last value), as br_on_non_null keeps it.
void Lowerer::branch_on_cast(const Instr& in) {
  const bool on_fail = in.op == Opcode::kBrOnCastFail;
  Ctrl& t = label(in.index);
  const uint64_t packed = packed_adjustment(t);
  emit(on_fail ? IOp::kBrOnCastFail : IOp::kBrOnCast, in.offset);
  target(t);
  word(packed);
  cast_target(in.type2);
}

bool Lowerer::lower_gc(const Instr& in) {
  switch (in.op) {
    case Opcode::kStructNew: case Opcode::kStructNewDefault: struct_new(in); return true;
    case Opcode::kStructGet: case Opcode::kStructGetS: case Opcode::kStructGetU: case Opcode::kStructSet:
      struct_access(in);
      return true;
    case Opcode::kArrayNew: case Opcode::kArrayNewDefault: case Opcode::kArrayNewFixed: case Opcode::kArrayNewData:
    case Opcode::kArrayNewElem:
      array_new(in);
      return true;
    case Opcode::kArrayGet: case Opcode::kArrayGetS: case Opcode::kArrayGetU: case Opcode::kArraySet:
    case Opcode::kArrayFill: case Opcode::kArrayCopy: case Opcode::kArrayInitData: case Opcode::kArrayInitElem:
      array_access(in);
      return true;
    case Opcode::kArrayLen: case Opcode::kI31GetS: case Opcode::kI31GetU: case Opcode::kRefEq: case Opcode::kRefI31:
    case Opcode::kAnyConvertExtern: case Opcode::kExternConvertAny:
      break;
    case Opcode::kRefTest: case Opcode::kRefTestNull:
      emit(IOp::kRefTest, in.offset);
      cast_target(in.type);
      return true;
    case Opcode::kRefCast: case Opcode::kRefCastNull:
      emit(IOp::kRefCast, in.offset);
      cast_target(in.type);
      return true;
    case Opcode::kBrOnCast: case Opcode::kBrOnCastFail: branch_on_cast(in); return true;
    default: return false;
  }
  // The instructions without immediates keep their opcodes.def names.
  emit(direct_op(in.op), in.offset);
  return true;
}

}  // namespace kiln::interp
