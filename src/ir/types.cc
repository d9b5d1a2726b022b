// Printable names of types.
#include "kiln/ir/types.h"

namespace kiln {

namespace {

// The abstract heap types: code, hierarchy, sentinel, text name, short-form name.
struct AbstractHeap {
  uint8_t code;
  TypeCode top;
  uint32_t heap;
  const char* name;
  const char* short_name;
};

constexpr AbstractHeap kAbstractHeaps[] = {
    {heap_code::kFunc, TypeCode::kFuncRef, ValType::kTopHeap, "func", "funcref"},
    {heap_code::kNoFunc, TypeCode::kFuncRef, ValType::kBottomHeap, "nofunc", "nullfuncref"},
    {heap_code::kExtern, TypeCode::kExternRef, ValType::kTopHeap, "extern", "externref"},
    {heap_code::kNoExtern, TypeCode::kExternRef, ValType::kBottomHeap, "noextern", "nullexternref"},
    {heap_code::kExn, TypeCode::kExnRef, ValType::kTopHeap, "exn", "exnref"},
    {heap_code::kNoExn, TypeCode::kExnRef, ValType::kBottomHeap, "noexn", "nullexnref"},
    {heap_code::kAny, TypeCode::kAnyRef, ValType::kTopHeap, "any", "anyref"},
    {heap_code::kNone, TypeCode::kAnyRef, ValType::kBottomHeap, "none", "nullref"},
    {heap_code::kEq, TypeCode::kAnyRef, ValType::kEqHeap, "eq", "eqref"},
    {heap_code::kI31, TypeCode::kAnyRef, ValType::kI31Heap, "i31", "i31ref"},
    {heap_code::kStruct, TypeCode::kAnyRef, ValType::kStructHeap, "struct", "structref"},
    {heap_code::kArray, TypeCode::kAnyRef, ValType::kArrayHeap, "array", "arrayref"},
};

const AbstractHeap* find_abstract(TypeCode top, uint32_t heap) {
  for (const AbstractHeap& h : kAbstractHeaps)
    if (h.top == top && h.heap == heap) return &h;
  return nullptr;
}

}  // namespace

std::optional<ValType> abstract_heap_type(uint8_t code, bool nullable) {
  for (const AbstractHeap& h : kAbstractHeaps)
    if (h.code == code) return ValType::abstract(h.top, h.heap, nullable);
  return std::nullopt;
}

uint8_t ValType::byte() const {
  if (!is_ref()) return static_cast<uint8_t>(code);
  const AbstractHeap* h = find_abstract(code, heap);
  return h ? h->code : static_cast<uint8_t>(code);
}

std::string val_type_name(ValType t) {
  switch (t.code) {
    case TypeCode::kI32: return "i32";
    case TypeCode::kI64: return "i64";
    case TypeCode::kF32: return "f32";
    case TypeCode::kF64: return "f64";
    case TypeCode::kV128: return "v128";
    case TypeCode::kI8: return "i8";
    case TypeCode::kI16: return "i16";
    case TypeCode::kFuncRef:
    case TypeCode::kExternRef:
    case TypeCode::kExnRef:
    case TypeCode::kAnyRef: {
      const AbstractHeap* h = find_abstract(t.code, t.heap);
      if (h && t.nullable) return h->short_name;
      const std::string heap = h ? h->name : std::to_string(t.heap);
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
