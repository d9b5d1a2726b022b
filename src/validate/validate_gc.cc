// Garbage collection in function bodies: struct and array instructions, i31 references, ref.eq, the any/extern
// conversions, and the casts (ref.test, ref.cast, br_on_cast, br_on_cast_fail).
#include "function_validator.h"
#include "gc_types.h"

namespace kiln::validate_detail {
namespace {

const char* kind_name(TypeDef::Kind kind) {
  switch (kind) {
    case TypeDef::Kind::kFunc: return "function";
    case TypeDef::Kind::kStruct: return "struct";
    case TypeDef::Kind::kArray: return "array";
  }
  return "?";
}

const TypeDef& composite_def(const ModuleContext& context, uint64_t offset, uint32_t type_index, TypeDef::Kind kind) {
  const Module& module = context.module;
  if (type_index >= module.type_defs.size()) fail_unknown(offset, "type", type_index);
  const TypeDef& def = module.type_defs[type_index];
  if (def.kind != kind)
    fail_invalid(offset, std::string("non-") + kind_name(kind) + " type " + std::to_string(type_index) + " (" +
                             (def.kind == TypeDef::Kind::kArray ? "an " : "a ") + kind_name(def.kind) + " type)");
  return def;
}

// The one field of `def` that `field_index` names.
const FieldType& field_of(uint64_t offset, const TypeDef& def, uint32_t type_index, uint32_t field_index) {
  if (field_index >= def.fields.size())
    fail_invalid(offset, "unknown field " + std::to_string(field_index) + " of type " + std::to_string(type_index));
  return def.fields[field_index];
}

// The _s/_u forms read packed storage only, and the plain form only unpacked storage: a reader must say how an
// i8 or i16 widens to i32.
void check_sign_extension(const Instr& instr, ValType storage, bool has_sign) {
  if (storage.is_packed() == has_sign) return;
  if (has_sign)
    fail_invalid(instr.offset, std::string("type mismatch: ") + opcode_name(instr.op) + " needs packed storage, got " +
                                   type_text(storage));
  fail_invalid(instr.offset, std::string("type mismatch: ") + opcode_name(instr.op) + " cannot read packed " +
                                 type_text(storage) + " without a sign extension (_s or _u)");
}

// The difference rt1 \ rt2 of two reference types: rt1 without the null, when rt2 includes it.
ValType difference(ValType rt1, ValType rt2) { return rt1.with_nullable(rt1.nullable && !rt2.nullable); }

}  // namespace

const TypeDef& struct_def(const ModuleContext& context, uint64_t offset, uint32_t type_index) {
  return composite_def(context, offset, type_index, TypeDef::Kind::kStruct);
}

const TypeDef& array_def(const ModuleContext& context, uint64_t offset, uint32_t type_index) {
  return composite_def(context, offset, type_index, TypeDef::Kind::kArray);
}

void require_defaultable_fields(uint64_t offset, const TypeDef& def, uint32_t type_index) {
  for (const FieldType& field : def.fields)
    if (!is_defaultable(field.storage))
      fail_invalid(offset, "type mismatch: type " + std::to_string(type_index) + " has a field of " +
                               type_text(field.storage) + ", which has no default value");
}

void FunctionValidator::check_gc_op(const Instr& instr) {
  switch (instr.op) {
    case Opcode::kRefEq:
      pop_expect(instr.offset, kEqRef);
      pop_expect(instr.offset, kEqRef);
      return push(ValType::kI32);
    case Opcode::kRefI31: pop_expect(instr.offset, ValType::kI32); return push(kI31Ref.with_nullable(false));
    case Opcode::kI31GetS:
    case Opcode::kI31GetU: pop_expect(instr.offset, kI31Ref); return push(ValType::kI32);
    case Opcode::kAnyConvertExtern:
    case Opcode::kExternConvertAny:
      // The reference crosses hierarchies and keeps its nullability.
      return push(conversion_result(instr.op, pop_expect(instr.offset, conversion_operand(instr.op))));
    case Opcode::kRefTest:
    case Opcode::kRefTestNull:
    case Opcode::kRefCast:
    case Opcode::kRefCastNull: return check_cast(instr);
    case Opcode::kBrOnCast:
    case Opcode::kBrOnCastFail: return check_branch_on_cast(instr);
    case Opcode::kStructNew:
    case Opcode::kStructNewDefault:
    case Opcode::kStructGet:
    case Opcode::kStructGetS:
    case Opcode::kStructGetU:
    case Opcode::kStructSet: return check_struct_op(instr);
    case Opcode::kArrayFill:
    case Opcode::kArrayCopy:
    case Opcode::kArrayInitData:
    case Opcode::kArrayInitElem: return check_array_bulk_op(instr);
    default: return check_array_op(instr);
  }
}

void FunctionValidator::check_struct_op(const Instr& instr) {
  const uint64_t offset = instr.offset;
  const TypeDef& def = struct_def(context_, offset, instr.index);
  const ValType self = context_.module.ref_to(instr.index, true);
  switch (instr.op) {
    case Opcode::kStructNew:
      for (size_t i = def.fields.size(); i > 0; --i) pop_expect(offset, unpacked(def.fields[i - 1].storage));
      return push(self.with_nullable(false));
    case Opcode::kStructNewDefault:
      require_defaultable_fields(offset, def, instr.index);
      return push(self.with_nullable(false));
    case Opcode::kStructGet:
    case Opcode::kStructGetS:
    case Opcode::kStructGetU: {
      const FieldType& field = field_of(offset, def, instr.index, instr.index2);
      check_sign_extension(instr, field.storage, instr.op != Opcode::kStructGet);
      pop_expect(offset, self);
      return push(unpacked(field.storage));
    }
    case Opcode::kStructSet: {
      const FieldType& field = field_of(offset, def, instr.index, instr.index2);
      if (!field.is_mutable)
        fail_invalid(offset,
                     "immutable field " + std::to_string(instr.index2) + " of type " + std::to_string(instr.index));
      pop_expect(offset, unpacked(field.storage));
      pop_expect(offset, self);
      return;
    }
    default: return;
  }
}

void FunctionValidator::check_array_op(const Instr& instr) {
  const uint64_t offset = instr.offset;
  if (instr.op == Opcode::kArrayLen) {
    pop_expect(offset, kArrayRef);
    return push(ValType::kI32);
  }
  const TypeDef& def = array_def(context_, offset, instr.index);
  const FieldType& element = def.fields[0];
  const ValType value = unpacked(element.storage);
  const ValType self = context_.module.ref_to(instr.index, true);
  switch (instr.op) {
    case Opcode::kArrayNew:
      pop_expect(offset, ValType::kI32);
      pop_expect(offset, value);
      break;
    case Opcode::kArrayNewDefault:
      require_defaultable_fields(offset, def, instr.index);
      pop_expect(offset, ValType::kI32);
      break;
    case Opcode::kArrayNewFixed:
      // On a polymorphic stack the popping stops at the frame's base: any count of values may be below it.
      for (uint32_t i = 0; i < instr.index2; ++i) {
        if (values_.size() == frame_height_ && frames_.back().unreachable) break;
        pop_expect(offset, value);
      }
      break;
    case Opcode::kArrayNewData:
    case Opcode::kArrayNewElem: check_array_segment(instr, element.storage); break;
    case Opcode::kArrayGet:
    case Opcode::kArrayGetS:
    case Opcode::kArrayGetU:
      check_sign_extension(instr, element.storage, instr.op != Opcode::kArrayGet);
      pop_expect(offset, ValType::kI32);
      pop_expect(offset, self);
      return push(value);
    case Opcode::kArraySet:
      if (!element.is_mutable) fail_invalid(offset, "immutable array " + std::to_string(instr.index));
      pop_expect(offset, value);
      pop_expect(offset, ValType::kI32);
      pop_expect(offset, self);
      return;
    default: return;
  }
  push(self.with_nullable(false));  // the allocations
}

// array.new_data/new_elem and array.init_data/init_elem: segment `instr.index2` must hold values of the element
// type (bytes read as numbers or vectors, or references of a subtype); pops the segment offset and the count.
void FunctionValidator::check_array_segment(const Instr& instr, ValType storage) {
  const uint64_t offset = instr.offset;
  if (instr.op == Opcode::kArrayNewData || instr.op == Opcode::kArrayInitData) {
    if (storage.is_ref()) fail_invalid(offset, "array type is not numeric or vector: " + type_text(storage));
    check_data_index(offset, instr.index2);
  } else {
    check_elem_index(offset, instr.index2);
    const ValType segment = segment_type(context_.module.elems[instr.index2]);
    if (!context_.is_subtype(segment, storage)) fail_type_mismatch(offset, storage, segment);
  }
  pop_expect(offset, ValType::kI32);
  pop_expect(offset, ValType::kI32);
}

// fill, copy and the segment initializations write a range of a mutable array: (ref null $x) i32 ... i32.
void FunctionValidator::check_array_bulk_op(const Instr& instr) {
  const uint64_t offset = instr.offset;
  const TypeDef& def = array_def(context_, offset, instr.index);
  const FieldType& element = def.fields[0];
  if (!element.is_mutable) fail_invalid(offset, "immutable array " + std::to_string(instr.index));
  switch (instr.op) {
    case Opcode::kArrayFill:
      pop_expect(offset, ValType::kI32);
      pop_expect(offset, unpacked(element.storage));
      break;
    case Opcode::kArrayCopy: {
      const ValType source = array_def(context_, offset, instr.index2).fields[0].storage;
      if (!storage_matches(context_.module, context_.canonical_types, source, element.storage))
        fail_invalid(offset, "array types do not match: " + type_text(source) + " cannot be copied into " +
                                 type_text(element.storage));
      pop_expect(offset, ValType::kI32);
      pop_expect(offset, ValType::kI32);
      pop_expect(offset, context_.module.ref_to(instr.index2, true));
      break;
    }
    case Opcode::kArrayInitData:
    case Opcode::kArrayInitElem: check_array_segment(instr, element.storage); break;
    default: return;
  }
  pop_expect(offset, ValType::kI32);
  pop_expect(offset, context_.module.ref_to(instr.index, true));
}

// ref.test and ref.cast take any reference of the target's hierarchy: its top type admits them all.
void FunctionValidator::check_cast(const Instr& instr) {
  const ValType target = instr.type;
  context_.check_val_type(instr.offset, target);
  pop_expect(instr.offset, ValType::ref(target.code, true));
  const bool test = instr.op == Opcode::kRefTest || instr.op == Opcode::kRefTestNull;
  push(test ? ValType::kI32 : target);
}

// br_on_cast branches with the cast value (rt2) and falls through with the rest (rt1 \ rt2); br_on_cast_fail the
// other way round. The target must be a subtype of the source, and the label's last value takes what branches.
void FunctionValidator::check_branch_on_cast(const Instr& instr) {
  const uint64_t offset = instr.offset;
  const ValType source = instr.type;
  const ValType target = instr.type2;
  context_.check_val_type(offset, source);
  context_.check_val_type(offset, target);
  if (!context_.is_subtype(target, source))
    fail_invalid(offset, std::string("type mismatch: ") + opcode_name(instr.op) + " target " + type_text(target) +
                             " is not a subtype of its source " + type_text(source));
  const bool on_success = instr.op == Opcode::kBrOnCast;
  const ValType branched = on_success ? target : difference(source, target);
  const ValType kept = on_success ? difference(source, target) : target;

  const ControlFrame& frame = label(offset, instr.index);
  const uint32_t count = frame.label_count();
  if (count == 0)
    fail_invalid(offset,
                 std::string("type mismatch: ") + opcode_name(instr.op) + " needs a label that takes a reference");
  const ValType* types = frame.label_types();
  if (!context_.is_subtype(branched, types[count - 1])) fail_type_mismatch(offset, types[count - 1], branched);
  pop_expect(offset, source);
  pop_types(offset, types, count - 1);
  push_types(types, count - 1);
  push(kept);
}

}  // namespace kiln::validate_detail
