// Printable names of types.
#include "kiln/ir/types.h"

namespace kiln {

const char* val_type_name(ValType t) {
  switch (t) {
    case ValType::kI32: return "i32";
    case ValType::kI64: return "i64";
    case ValType::kF32: return "f32";
    case ValType::kF64: return "f64";
    case ValType::kV128: return "v128";
    case ValType::kFuncRef: return "funcref";
    case ValType::kExternRef: return "externref";
    case ValType::kExnRef: return "exnref";
  }
  return "?";
}

const char* extern_kind_name(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunc: return "func";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
    case ExternKind::kTag: return "tag";
  }
  return "?";
}

std::string func_type_text(const FuncType& type) {
  auto list = [](const std::vector<ValType>& types) {
    std::string out = "(";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i) out += ", ";
      out += val_type_name(types[i]);
    }
    return out + ")";
  };
  return list(type.params) + " -> " + list(type.results);
}

}  // namespace kiln
