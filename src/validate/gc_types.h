// Internal to the validator: the struct and array definitions GC instructions name, and the abstract references
// they take and produce; shared by function bodies and constant expressions.
#pragma once

#include <cstdint>

#include "context.h"
#include "kiln/ir/opcode.h"

namespace kiln::validate_detail {

inline constexpr ValType kEqRef = ValType::abstract(TypeCode::kAnyRef, ValType::kEqHeap, true);
inline constexpr ValType kI31Ref = ValType::abstract(TypeCode::kAnyRef, ValType::kI31Heap, true);
inline constexpr ValType kArrayRef = ValType::abstract(TypeCode::kAnyRef, ValType::kArrayHeap, true);

// any.convert_extern and extern.convert_any move a reference between hierarchies: what they take, and what they
// give for an operand of type `operand`: the same nullability (non-null for an unknown operand, the tighter choice).
inline ValType conversion_operand(Opcode op) {
  return op == Opcode::kAnyConvertExtern ? ValType::kExternRef : ValType::kAnyRef;
}
inline ValType conversion_result(Opcode op, ValType operand) {
  const TypeCode top = op == Opcode::kAnyConvertExtern ? TypeCode::kAnyRef : TypeCode::kExternRef;
  return ValType::ref(top, operand != kUnknownType && operand.nullable);
}

// The definition `type_index` names, which must be a struct (array) type: "unknown type" past the type
// section, "non-struct type" ("non-array type") for another kind.
const TypeDef& struct_def(const ModuleContext& context, uint64_t offset, uint32_t type_index);
const TypeDef& array_def(const ModuleContext& context, uint64_t offset, uint32_t type_index);

// struct.new_default and array.new_default: every field must have a default value (no non-null reference).
void require_defaultable_fields(uint64_t offset, const TypeDef& def, uint32_t type_index);

}  // namespace kiln::validate_detail
