// Evaluation of validated constant expressions (global initializers, segment offsets and elements).
#include "kiln/base/failure.h"
#include "kiln/interp/interp.h"
#include "kiln/ir/instr.h"
#include "gc_ops.h"
#include "kiln/runtime/gc.h"

namespace kiln {
namespace {

// The GC constructors of constant expressions: a struct or array of the values on top of `stack`.
class GcBuilder {
 public:
  GcBuilder(const Module& module, const Instance& instance, std::vector<Value>& stack)
      : module_(module), instance_(instance), stack_(stack) {}

  void struct_new(const Instr& in) {
    const std::vector<FieldType>& fields = module_.type_defs[in.index].fields;
    uint64_t cells = 0;
    for (const FieldType& f : fields) cells += cell_count(f.storage);
    GcObject* object = allocate(in, static_cast<uint32_t>(fields.size()), cells);
    if (in.op == Opcode::kStructNew) {
      const size_t first = stack_.size() - fields.size();
      uint64_t* out = object->cells();
      for (size_t i = 0; i < fields.size(); ++i) out = store(out, fields[i].storage, stack_[first + i]);
      stack_.resize(first);
    }
    push(in, object);
  }

  // array.new (value, length), array.new_default (length), array.new_fixed (n values).
  void array_new(const Instr& in) {
    const ValType storage = module_.type_defs[in.index].fields[0].storage;
    const uint32_t width = cell_count(storage);
    uint64_t length = in.index2;
    if (in.op != Opcode::kArrayNewFixed) {
      length = static_cast<uint32_t>(stack_.back().bits);
      stack_.pop_back();
    }
    GcObject* object = allocate(in, static_cast<uint32_t>(length), length * width);
    uint64_t* out = object->cells();
    if (in.op == Opcode::kArrayNew) {
      const Value value = stack_.back();
      stack_.pop_back();
      for (uint64_t i = 0; i < length; ++i) out = store(out, storage, value);
    } else if (in.op == Opcode::kArrayNewFixed) {
      const size_t first = stack_.size() - length;
      for (size_t i = first; i < stack_.size(); ++i) out = store(out, storage, stack_[i]);
      stack_.resize(first);
    }
    push(in, object);
  }

 private:
  GcObject* allocate(const Instr& in, uint32_t length, uint64_t cells) {
    GcObject* object = instance_.store->allocate_gc(instance_.store_types[in.index], length, cells);
    if (!object) fail(ErrorCode::kTrap, in.offset, "allocation too large");
    return object;
  }
  void push(const Instr& in, const GcObject* object) {
    stack_.push_back(Value::ref(module_.ref_to(in.index, false), gc_ref(object)));
  }
  // Writes one field or element as the interpreter keeps it: packed values zero-extended, a v128 in two cells.
  static uint64_t* store(uint64_t* out, ValType storage, const Value& value) {
    out[0] = value.bits & interp::storage_mask(storage);
    if (cell_count(storage) == 2) out[1] = value.hi;
    return out + cell_count(storage);
  }

  const Module& module_;
  const Instance& instance_;
  std::vector<Value>& stack_;
};

}  // namespace

Value eval_const_expr(const Module& module, const ConstExpr& expr, ValType type, const Instance& instance) {
  // Validation guarantees a well-typed stack; extended-const adds i32/i64
  // add, sub and mul, GC the struct and array constructors, i31 and the conversions.
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
      case Opcode::kStructNew: case Opcode::kStructNewDefault: GcBuilder(module, instance, stack).struct_new(in); break;
      case Opcode::kArrayNew: case Opcode::kArrayNewDefault: case Opcode::kArrayNewFixed:
        GcBuilder(module, instance, stack).array_new(in);
        break;
      case Opcode::kRefI31:
        stack.back() = Value::ref(ValType::abstract(TypeCode::kAnyRef, ValType::kI31Heap, false),
                                  i31_ref(static_cast<uint32_t>(stack.back().bits)));
        break;
      case Opcode::kAnyConvertExtern: case Opcode::kExternConvertAny:
        stack.back().bits = convert_ref(stack.back().bits);
        break;
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
