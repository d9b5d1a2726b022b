// Evaluation of validated constant expressions (global initializers, segment offsets and elements).
#include "kiln/base/failure.h"
#include "kiln/interp/interp.h"
#include "kiln/ir/instr.h"

namespace kiln {

Value eval_const_expr(const Module& module, const ConstExpr& expr, ValType type, const Instance& instance) {
  // Validation guarantees a well-typed stack of at most a few values;
  // extended-const adds i32/i64 add, sub and mul.
  std::vector<Value> stack;
  InstrReader reader(module.slice(expr.code), expr.code.offset, module);
  while (!reader.at_end()) {
    const Instr& in = reader.next();
    switch (in.op) {
      case Opcode::kI32Const: stack.push_back(Value::i32(static_cast<uint32_t>(in.bits))); break;
      case Opcode::kI64Const: stack.push_back(Value::i64(in.bits)); break;
      case Opcode::kF32Const: stack.push_back(Value::f32_bits(static_cast<uint32_t>(in.bits))); break;
      case Opcode::kF64Const: stack.push_back(Value::f64_bits(in.bits)); break;
      case Opcode::kV128Const: {
        V128 v;
        for (unsigned i = 0; i < 16; ++i) v.bytes[i] = in.bytes16[i];
        stack.push_back(Value::v128(v));
        break;
      }
      case Opcode::kRefNull: stack.push_back(Value::ref(in.type, kNullRef)); break;
      case Opcode::kRefFunc: stack.push_back(Value::ref(ValType::kFuncRef, func_ref(instance.funcs[in.index]))); break;
      case Opcode::kGlobalGet: stack.push_back(instance.globals[in.index]->get()); break;
      case Opcode::kI32Add: case Opcode::kI32Sub: case Opcode::kI32Mul:
      case Opcode::kI64Add: case Opcode::kI64Sub: case Opcode::kI64Mul: {
        const uint64_t b = stack.back().bits;
        stack.pop_back();
        uint64_t& a = stack.back().bits;
        if (in.op == Opcode::kI32Add || in.op == Opcode::kI64Add) a += b;
        else if (in.op == Opcode::kI32Sub || in.op == Opcode::kI64Sub) a -= b;
        else a *= b;
        if (stack.back().type == ValType::kI32) a &= 0xFFFFFFFFu;
        break;
      }
      case Opcode::kEnd: break;
      default:
        // Unreachable for validated modules; a clear failure beats a wrong value.
        fail(ErrorCode::kInvalid, in.offset, "constant expression required");
    }
  }
  Value result = stack.empty() ? Value{type, 0, 0} : stack.back();
  result.type = type;
  return result;
}

}  // namespace kiln
