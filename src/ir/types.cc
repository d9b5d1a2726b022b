// Printable names of types.
#include "kiln/ir/types.h"

namespace kiln {

namespace {

const char* heap_top_name(TypeCode code) {
  switch (code) {
    case TypeCode::kFuncRef: return "func";
    case TypeCode::kExternRef: return "extern";
    case TypeCode::kExnRef: return "exn";
    default: return "?";
  }
}

}  // namespace

std::string val_type_name(ValType t) {
  switch (t.code) {
    case TypeCode::kI32: return "i32";
    case TypeCode::kI64: return "i64";
    case TypeCode::kF32: return "f32";
    case TypeCode::kF64: return "f64";
    case TypeCode::kV128: return "v128";
    case TypeCode::kFuncRef:
    case TypeCode::kExternRef:
    case TypeCode::kExnRef: {
      if (t.has_short_form()) return std::string(heap_top_name(t.code)) + "ref";
      const std::string heap = t.heap == ValType::kTopHeap ? heap_top_name(t.code) : std::to_string(t.heap);
      return std::string(t.nullable ? "(ref null " : "(ref ") + heap + ")";
    }
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
