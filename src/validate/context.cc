// Failure helpers shared by the validator's checks.
#include "context.h"

namespace kiln::validate_detail {

void fail_unknown(uint64_t offset, const char* what, uint64_t index) {
  fail_invalid(offset, std::string("unknown ") + what + " " + std::to_string(index));
}

std::string type_text(ValType t) {
  if (t == kUnknownType) return "nothing";
  return val_type_name(t);
}

std::string types_text(const ValType* types, size_t count) {
  std::string out = "[";
  for (size_t i = 0; i < count; ++i) {
    if (i) out += ' ';
    out += type_text(types[i]);
  }
  return out + "]";
}

void fail_type_mismatch(uint64_t offset, ValType expected, ValType actual) {
  std::string message = "type mismatch: expected ";
  message += expected == kUnknownType ? "a value" : type_text(expected);
  message += ", got ";
  message += type_text(actual);
  fail_invalid(offset, std::move(message));
}

void ModuleContext::check_val_type(uint64_t offset, ValType t) const {
  if (t.is_concrete() && t.heap >= module.types.size()) fail_unknown(offset, "type", t.heap);
}

const FuncType& ModuleContext::func_type_at(uint64_t offset, uint32_t type_index) const {
  if (type_index >= module.types.size()) fail_unknown(offset, "type", type_index);
  if (!module.is_func_type(type_index)) fail_invalid(offset, "non-function type " + std::to_string(type_index));
  return module.types[type_index];
}

uint64_t section_offset(const Module& module, SectionId id) {
  for (const Section& section : module.sections)
    if (section.id == id) return section.payload.offset;
  return 0;
}

}  // namespace kiln::validate_detail
