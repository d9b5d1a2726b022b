// Non-control instructions: the table-driven typing from opcodes.def and the hand-typed variable, table, memory,
// reference and call instructions.
#include "code_structure.h"
#include "function_validator.h"

namespace kiln::validate_detail {

const FuncType& FunctionValidator::type_at(uint64_t offset, uint32_t type_index) const {
  return context_.func_type_at(offset, type_index);
}

const FuncType& FunctionValidator::func_type_of(uint64_t offset, uint32_t func_index) const {
  if (func_index >= context_.module.func_types.size()) fail_unknown(offset, "function", func_index);
  return context_.module.func_type(FuncIdx{func_index});
}

const TableType& FunctionValidator::table(uint64_t offset, uint32_t index) const {
  if (index >= context_.module.tables.size()) fail_unknown(offset, "table", index);
  return context_.module.tables[index];
}

ValType FunctionValidator::memory_address_type(uint64_t offset, uint32_t index) const {
  if (index >= context_.module.memories.size()) fail_unknown(offset, "memory", index);
  return address_type_of(context_.module.memories[index].limits);
}

void FunctionValidator::check_data_index(uint64_t offset, uint32_t index) const {
  if (index >= data_segment_count(context_.module, offset)) fail_unknown(offset, "data segment", index);
  info_->names_data_segment = true;
}

void FunctionValidator::check_elem_index(uint64_t offset, uint32_t index) const {
  if (index >= context_.module.elems.size()) fail_unknown(offset, "elem segment", index);
}

ValType FunctionValidator::check_memarg(const Instr& instr, Imm imm) {
  const ValType address = memory_address_type(instr.offset, instr.mem.memory);
  if (instr.mem.align_log2 > natural_alignment_log2(imm))
    fail_invalid(instr.offset, "alignment must not be larger than natural");
  if (address == ValType::kI32 && instr.mem.offset > UINT32_MAX) fail_invalid(instr.offset, "offset out of range");
  if (lane_count(imm) != 0 && instr.lane >= lane_count(imm)) fail_invalid(instr.offset, "invalid lane index");
  return address;
}

// Checks the indices and lanes of a table-typed instruction; returns the
// address type that "a" stands for: the memory's, or the table's.
ValType FunctionValidator::check_immediates(const Instr& instr, const OpSignature& sig) {
  ValType address = ValType::kI32;
  switch (sig.imm) {
    case Imm::kMemArg1:
    case Imm::kMemArg2:
    case Imm::kMemArg4:
    case Imm::kMemArg8:
    case Imm::kMemArg16:
    case Imm::kMemLane1:
    case Imm::kMemLane2:
    case Imm::kMemLane4:
    case Imm::kMemLane8: address = check_memarg(instr, sig.imm); break;
    case Imm::kLane2:
    case Imm::kLane4:
    case Imm::kLane8:
    case Imm::kLane16:
      if (instr.lane >= lane_count(sig.imm)) fail_invalid(instr.offset, "invalid lane index");
      break;
    case Imm::kShuffle:
      for (uint8_t lane : instr.bytes16)
        if (lane >= 32) fail_invalid(instr.offset, "invalid lane index");
      break;
    case Imm::kMemory: address = memory_address_type(instr.offset, instr.index); break;
    case Imm::kDataMemory:  // memory.init: data index, then memory
      data_segment_count(context_.module, instr.offset);
      address = memory_address_type(instr.offset, instr.index2);
      check_data_index(instr.offset, instr.index);
      break;
    case Imm::kData: check_data_index(instr.offset, instr.index); break;
    case Imm::kElem: check_elem_index(instr.offset, instr.index); break;
    case Imm::kTable: address = address_type_of(table(instr.offset, instr.index).limits); break;
    case Imm::kElemTable: {  // table.init: elem index, then table
      const TableType& target = table(instr.offset, instr.index2);
      address = address_type_of(target.limits);
      check_elem_index(instr.offset, instr.index);
      const ValType elem = segment_type(context_.module.elems[instr.index]);
      if (!context_.is_subtype(elem, target.elem)) fail_type_mismatch(instr.offset, target.elem, elem);
      break;
    }
    case Imm::kTableTable: {  // table.copy: destination, then source
      const TableType& destination = table(instr.offset, instr.index);
      const TableType& source = table(instr.offset, instr.index2);
      if (!context_.is_subtype(source.elem, destination.elem))
        fail_type_mismatch(instr.offset, destination.elem, source.elem);
      break;
    }
    default: break;
  }
  return address;
}

// Operands come from the signature table.
void FunctionValidator::check_generic(const Instr& instr, const OpSignature& sig) {
  const ValType address = sig.has_index_or_lane ? check_immediates(instr, sig) : ValType::kI32;
  auto resolve = [address](ValType t) { return t == kAddressType ? address : t; };
  for (uint32_t i = sig.param_count; i > 0; --i) pop_expect(instr.offset, resolve(sig.params[i - 1]));
  for (uint32_t i = 0; i < sig.result_count; ++i) push(resolve(sig.results[i]));
}

void FunctionValidator::check_variable(const Instr& instr) {
  const Module& module = context_.module;
  switch (instr.op) {
    case Opcode::kLocalGet: {
      const ValType t = local_type(instr.offset, instr.index);
      check_local_get(instr.offset, instr.index, t);
      return push(t);
    }
    case Opcode::kLocalSet: {
      const ValType t = local_type(instr.offset, instr.index);
      pop_expect(instr.offset, t);
      return note_local_set(instr.index, t);
    }
    case Opcode::kLocalTee: {
      const ValType t = local_type(instr.offset, instr.index);
      pop_expect(instr.offset, t);
      note_local_set(instr.index, t);
      return push(t);
    }
    case Opcode::kGlobalGet:
    case Opcode::kGlobalSet: {
      if (instr.index >= module.global_types.size()) fail_unknown(instr.offset, "global", instr.index);
      const GlobalType& global = module.global_types[instr.index];
      if (instr.op == Opcode::kGlobalGet) return push(global.type);
      if (!global.is_mutable) fail_invalid(instr.offset, "immutable global " + std::to_string(instr.index));
      pop_expect(instr.offset, global.type);
      return;
    }
    default: return;
  }
}

void FunctionValidator::check_select(const Instr& instr) {
  if (instr.op == Opcode::kSelectT) {
    if (instr.select_arity != 1) fail_invalid(instr.offset, "invalid result arity");
    context_.check_val_type(instr.offset, instr.type);
    pop_expect(instr.offset, ValType::kI32);
    pop_expect(instr.offset, instr.type);
    pop_expect(instr.offset, instr.type);
    return push(instr.type);
  }
  pop_expect(instr.offset, ValType::kI32);
  const ValType first = pop(instr.offset, kUnknownType);
  const ValType second = pop(instr.offset, kUnknownType);
  // Untyped select cannot carry references: an engine may need to know
  // which operands are references, and this form does not say.
  if (is_ref_type(first) || is_ref_type(second))
    fail_invalid(instr.offset, "type mismatch: select without a type needs numeric or vector operands");
  if (first != second && first != kUnknownType && second != kUnknownType)
    fail_type_mismatch(instr.offset, first, second);
  push(first == kUnknownType ? second : first);
}

void FunctionValidator::check_reference(const Instr& instr) {
  switch (instr.op) {
    case Opcode::kRefNull:
      context_.check_val_type(instr.offset, instr.type);
      return push(instr.type);
    case Opcode::kRefIsNull: {
      const ValType t = pop(instr.offset, kUnknownType);
      if (t != kUnknownType && !is_ref_type(t))
        fail_invalid(instr.offset, std::string("type mismatch: ref.is_null needs a reference, got ") + type_text(t));
      return push(ValType::kI32);
    }
    case Opcode::kRefFunc:
      func_type_of(instr.offset, instr.index);
      if (!context_.declared_funcs[instr.index])
        fail_invalid(instr.offset, "undeclared function reference " + std::to_string(instr.index));
      info_->ref_funcs.push_back(instr.index);  // a derived module must still declare it (validate_derived_module)
      // The function's own type: (ref $t), a subtype of funcref.
      return push(ValType::func_ref(to_u32(context_.module.func_types[instr.index]), false));
    default: return;
  }
}

void FunctionValidator::check_table_op(const Instr& instr) {
  const TableType& target = table(instr.offset, instr.index);
  const ValType elem = target.elem;
  const ValType address = address_type_of(target.limits);
  switch (instr.op) {
    case Opcode::kTableGet: pop_expect(instr.offset, address); return push(elem);
    case Opcode::kTableSet:
      pop_expect(instr.offset, elem);
      pop_expect(instr.offset, address);
      return;
    case Opcode::kTableGrow:
      pop_expect(instr.offset, address);
      pop_expect(instr.offset, elem);
      return push(address);
    case Opcode::kTableFill:
      pop_expect(instr.offset, address);
      pop_expect(instr.offset, elem);
      pop_expect(instr.offset, address);
      return;
    default: return;
  }
}

void FunctionValidator::check_call(const Instr& instr) {
  const FuncType* callee = nullptr;
  const bool indirect = instr.op == Opcode::kCallIndirect || instr.op == Opcode::kReturnCallIndirect;
  if (indirect) {  // type index, then table index
    const TableType& target = table(instr.offset, instr.index2);
    callee = &type_at(instr.offset, instr.index);
    if (!context_.is_subtype(target.elem, ValType::kFuncRef))
      fail_type_mismatch(instr.offset, ValType::kFuncRef, target.elem);
    pop_expect(instr.offset, address_type_of(target.limits));
  } else {
    callee = &func_type_of(instr.offset, instr.index);
  }
  if (instr.op == Opcode::kReturnCall || instr.op == Opcode::kReturnCallIndirect)
    return check_return_call(instr.offset, *callee);
  pop_types(instr.offset, callee->params.data(), static_cast<uint32_t>(callee->params.size()));
  push_types(callee->results.data(), static_cast<uint32_t>(callee->results.size()));
}

// Each side of memory.copy and table.copy uses its own address type; the
// length must fit both, so it is i64 only when both sides are 64-bit.
void FunctionValidator::pop_copy_operands(uint64_t offset, ValType destination, ValType source) {
  const ValType length = destination == ValType::kI64 && source == ValType::kI64 ? ValType::kI64 : ValType::kI32;
  pop_expect(offset, length);
  pop_expect(offset, source);
  pop_expect(offset, destination);
}

void FunctionValidator::check_memory_copy(const Instr& instr) {
  pop_copy_operands(instr.offset, memory_address_type(instr.offset, instr.index),
                    memory_address_type(instr.offset, instr.index2));
}

void FunctionValidator::check_table_copy(const Instr& instr) {
  check_immediates(instr, op_signature(instr.op));  // both tables exist and hold the same references
  pop_copy_operands(instr.offset, address_type_of(table(instr.offset, instr.index).limits),
                    address_type_of(table(instr.offset, instr.index2).limits));
}

}  // namespace kiln::validate_detail
