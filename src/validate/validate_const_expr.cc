// Constant expressions: which instructions are constant, and the type of what they produce.
#include <algorithm>
#include <optional>

#include "const_expr.h"
#include "gc_types.h"
#include "kiln/ir/instr.h"

namespace kiln::validate_detail {
namespace {

struct TypeError {
  uint64_t offset;
  ValType expected;
  ValType actual;
};

bool is_extended_const_op(Opcode op) {
  switch (op) {
    case Opcode::kI32Add:
    case Opcode::kI32Sub:
    case Opcode::kI32Mul:
    case Opcode::kI64Add:
    case Opcode::kI64Sub:
    case Opcode::kI64Mul: return true;
    default: return false;
  }
}


}  // namespace

void collect_const_expr_refs(const Module& module, const ConstExpr& expr, std::vector<uint8_t>& declared) {
  InstrReader reader(module.slice(expr.code), expr.code.offset, module);
  while (!reader.at_end()) {
    const Instr& instr = reader.next();
    if (instr.op == Opcode::kRefFunc && instr.index < declared.size()) declared[instr.index] = 1;
  }
}

size_t visible_globals(const Module& module, size_t defined_global) {
  if (!module.features.function_references) return module.imported_globals;
  return std::min(module.global_types.size(), module.imported_globals + defined_global);
}

void validate_const_expr(const ModuleContext& context, const ConstExpr& expr, ValType expected,
                         size_t visible_globals) {
  const Module& module = context.module;
  InstrReader reader(module.slice(expr.code), expr.code.offset, module);
  // The spec first asks whether every instruction is constant, then types the
  // sequence; a type error is therefore only reported once the whole
  // expression has proved constant.
  std::vector<ValType>& stack = context.const_stack;
  stack.clear();
  std::optional<TypeError> type_error;
  // A constant expression has no unreachable code: popping an empty stack is always an error.
  auto pop = [&](uint64_t offset, ValType t) {
    const ValType actual = stack.empty() ? kUnknownType : stack.back();
    if (!stack.empty()) stack.pop_back();
    if ((actual == kUnknownType || !context.is_subtype(actual, t)) && !type_error)
      type_error = TypeError{offset, t, actual};
    return actual;
  };
  bool ended = false;
  while (!ended) {
    if (reader.at_end()) fail(ErrorCode::kMalformed, reader.offset(), "unexpected end");
    const Instr& instr = reader.next();
    switch (instr.op) {
      case Opcode::kI32Const: stack.push_back(ValType::kI32); break;
      case Opcode::kI64Const: stack.push_back(ValType::kI64); break;
      case Opcode::kF32Const: stack.push_back(ValType::kF32); break;
      case Opcode::kF64Const: stack.push_back(ValType::kF64); break;
      case Opcode::kV128Const: stack.push_back(ValType::kV128); break;
      case Opcode::kRefNull:
        context.check_val_type(instr.offset, instr.type);
        stack.push_back(instr.type);
        break;
      case Opcode::kRefFunc:
        if (instr.index >= module.func_types.size()) fail_unknown(instr.offset, "function", instr.index);
        stack.push_back(ValType::func_ref(to_u32(module.func_types[instr.index]), false));
        break;
      case Opcode::kGlobalGet: {
        // Globals initialized later are not visible: their values do not exist yet.
        if (instr.index >= visible_globals || instr.index >= module.global_types.size())
          fail_unknown(instr.offset, "global", instr.index);
        const GlobalType& global = module.global_types[instr.index];
        if (global.is_mutable)
          fail_invalid(instr.offset, "constant expression required: global.get of a mutable global");
        stack.push_back(global.type);
        break;
      }
      // GC: allocations and the reference conversions are constant.
      case Opcode::kStructNew:
      case Opcode::kStructNewDefault: {
        const TypeDef& def = struct_def(context, instr.offset, instr.index);
        if (instr.op == Opcode::kStructNewDefault) require_defaultable_fields(instr.offset, def, instr.index);
        else
          for (size_t i = def.fields.size(); i > 0; --i) pop(instr.offset, unpacked(def.fields[i - 1].storage));
        stack.push_back(module.ref_to(instr.index, false));
        break;
      }
      case Opcode::kArrayNew:
      case Opcode::kArrayNewDefault:
      case Opcode::kArrayNewFixed: {
        const TypeDef& def = array_def(context, instr.offset, instr.index);
        const ValType element = unpacked(def.fields[0].storage);
        if (instr.op == Opcode::kArrayNewFixed) {
          // The stack holds no unknown values: one means it ran out, which is reported once.
          for (uint32_t i = 0; i < instr.index2; ++i)
            if (pop(instr.offset, element) == kUnknownType) break;
        } else {
          pop(instr.offset, ValType::kI32);
          if (instr.op == Opcode::kArrayNew) pop(instr.offset, element);
          else require_defaultable_fields(instr.offset, def, instr.index);
        }
        stack.push_back(module.ref_to(instr.index, false));
        break;
      }
      case Opcode::kRefI31:
        pop(instr.offset, ValType::kI32);
        stack.push_back(kI31Ref.with_nullable(false));
        break;
      case Opcode::kAnyConvertExtern:
      case Opcode::kExternConvertAny: {
        const ValType t = pop(instr.offset, conversion_operand(instr.op));
        stack.push_back(conversion_result(instr.op, t));
        break;
      }
      case Opcode::kEnd: ended = true; break;
      default: {
        if (!module.features.extended_const || !is_extended_const_op(instr.op))
          fail_invalid(instr.offset,
                       std::string("constant expression required: ") + opcode_name(instr.op) + " is not constant");
        const ValType t = opcode_info(instr.op).params[0] == 'i' ? ValType::kI32 : ValType::kI64;
        pop(instr.offset, t);
        pop(instr.offset, t);
        stack.push_back(t);
        break;
      }
    }
  }
  if (!reader.at_end()) fail(ErrorCode::kMalformed, reader.offset(), "END opcode expected");
  if (type_error) fail_type_mismatch(type_error->offset, type_error->expected, type_error->actual);
  const uint64_t end_offset = expr.code.end() - 1;
  if (stack.size() != 1) {
    fail_invalid(end_offset, "type mismatch: a constant expression must produce exactly one value, got " +
                                 std::to_string(stack.size()));
  }
  if (!context.is_subtype(stack[0], expected)) fail_type_mismatch(end_offset, expected, stack[0]);
}

}  // namespace kiln::validate_detail
