// GC objects left in globals after init, written back as constant expressions (struct.new, array.new_fixed).
#include "gc_constant.h"

#include "kiln/encode/encode.h"
#include "kiln/runtime/gc.h"

namespace kiln {
namespace {

// Nesting beyond this is refused rather than recursed into: the walk stays on a bounded native stack.
constexpr uint32_t kMaxDepth = 256;
// Engines cap array.new_fixed's operand count (10,000 in V8 and wasmparser); larger arrays would not load.
constexpr uint32_t kMaxFixedElements = 10'000;
// Objects across all globals: far beyond a useful initializer, well below an output that would not load.
constexpr uint64_t kMaxObjects = 100'000;

}  // namespace

Result<std::vector<uint8_t>> GcConstantWriter::write(Ref ref) {
  ByteWriter out;
  const std::string problem = value(out, ValType::kAnyRef, &ref, 0);
  if (!problem.empty()) return Error{ErrorCode::kUnsupported, kNoOffset, problem};
  return out.take();
}

std::optional<uint32_t> GcConstantWriter::type_index(const StoreType* type) const {
  for (uint32_t i = 0; i < instance_.store_types.size(); ++i)
    if (instance_.store_types[i] == type) return i;
  return std::nullopt;
}

std::string GcConstantWriter::value(ByteWriter& out, ValType storage, const uint64_t* cells, uint32_t depth) {
  const uint64_t bits = cells[0];
  switch (storage.code) {
    case TypeCode::kI8: case TypeCode::kI16: case TypeCode::kI32: case TypeCode::kI64:
    case TypeCode::kF32: case TypeCode::kF64: case TypeCode::kV128:
      write_value_const(out, storage, bits, storage == ValType::kV128 ? cells[1] : 0);
      return {};
    case TypeCode::kFuncRef: {
      if (bits == kNullRef) break;
      const auto index = func_index_(bits);
      if (!index) return "a function of another module";
      out.write_u8(0xD2);  // ref.func
      out.write_uleb(*index);
      return {};
    }
    case TypeCode::kAnyRef:
      if (bits == kNullRef) break;
      if (is_i31(bits)) {
        out.write_u8(0x41);
        out.write_sleb(static_cast<int32_t>(i31_signed(bits)));
        out.write_u8(0xFB);
        out.write_uleb(0x1C);  // ref.i31
        return {};
      }
      if (!is_gc_object(bits)) return "a host value converted to anyref";
      return object(out, *ref_gc(bits), depth);
    case TypeCode::kExternRef:
      if (bits == kNullRef) break;
      return "a non-null externref";
    case TypeCode::kExnRef:
      if (bits == kNullRef) break;
      return "a non-null exnref (a caught exception)";
  }
  write_value_const(out, storage, kNullRef, 0);  // ref.null
  return {};
}

std::string GcConstantWriter::object(ByteWriter& out, const GcObject& object, uint32_t depth) {
  if (depth >= kMaxDepth) return "GC objects nested more than " + std::to_string(kMaxDepth) + " deep";
  if (!seen_.insert(&object).second) return "a GC object reached twice (shared or on a cycle)";
  if (++written_ > kMaxObjects) return "more than " + std::to_string(kMaxObjects) + " GC objects";
  const auto index = type_index(object.type);
  if (!index) return "a GC object of another module's type";
  // The field types as this module declares them: their concrete indices are this module's.
  const TypeDef& def = instance_.module->type_defs[*index];
  const uint64_t* cells = object.cells();
  if (def.kind == TypeDef::Kind::kStruct) {
    for (const FieldType& field : def.fields) {
      const std::string problem = value(out, field.storage, cells, depth + 1);
      if (!problem.empty()) return problem;
      cells += cell_count(field.storage);
    }
    out.write_u8(0xFB);
    out.write_uleb(0x00);  // struct.new
    out.write_uleb(*index);
    return {};
  }
  if (object.length > kMaxFixedElements)
    return "an array of " + std::to_string(object.length) + " elements (array.new_fixed takes at most " +
           std::to_string(kMaxFixedElements) + ")";
  const ValType element = def.fields[0].storage;
  for (uint32_t i = 0; i < object.length; ++i) {
    const std::string problem = value(out, element, cells, depth + 1);
    if (!problem.empty()) return problem;
    cells += cell_count(element);
  }
  out.write_u8(0xFB);
  out.write_uleb(0x08);  // array.new_fixed
  out.write_uleb(*index);
  out.write_uleb(object.length);
  return {};
}

}  // namespace kiln
