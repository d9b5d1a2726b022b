// Internal to the validator: what every check needs to know about the module, and its failure helpers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kiln/base/failure.h"
#include "kiln/ir/module.h"
#include "kiln/ir/type_equivalence.h"

namespace kiln::validate_detail {

// The bottom type of the polymorphic stack after unreachable/br/return: it
// matches every value type. 0 is no ValType encoding.
inline constexpr ValType kUnknownType = ValType::from_code(0);

// Facts about the whole module that function bodies and constant expressions
// are checked against; built once, before any body.
struct ModuleContext {
  const Module& module;
  // Functions that ref.func may name: the spec's C.refs, every function index
  // that occurs outside function bodies (exports, element segments, globals).
  std::vector<uint8_t> declared_funcs;
  // Scratch for constant expressions, kept to avoid one allocation each.
  mutable std::vector<ValType> const_stack;
  // Per type index, the lowest index of an equivalent type (typed references compare by these).
  std::vector<uint32_t> canonical_types;

  explicit ModuleContext(const Module& m) : module(m), canonical_types(canonical_type_ids(m)) {}

  // Subtyping; kUnknownType (the bottom of unreachable code) matches either side.
  bool is_subtype(ValType sub, ValType super) const {
    if (sub == kUnknownType || super == kUnknownType) return true;
    return is_subtype_in(module, canonical_types, sub, super);
  }

  // A typed reference must name a type the module declares ("unknown type").
  void check_val_type(uint64_t offset, ValType t) const;

  // The signature a function, tag, call_indirect, call_ref or block type names: "unknown type" past the type
  // section, "non-function type" for a struct or array type.
  const FuncType& func_type_at(uint64_t offset, uint32_t type_index) const;
};

// A segment of function indices holds (ref func): none of them can be null.
inline ValType segment_type(const ElemSegment& segment) {
  return segment.uses_exprs ? segment.type : ValType::ref(TypeCode::kFuncRef, false);
}

// References without a null (ref ht) have no default value: locals of such a
// type must be set before use, and a table of them needs an initializer.
inline bool is_defaultable(ValType t) { return !t.is_ref() || t.nullable; }

[[noreturn]] inline void fail_invalid(uint64_t offset, std::string message) {
  fail(ErrorCode::kInvalid, offset, std::move(message));
}

// "unknown memory 1": the suite matches the prefix, the index helps a reader.
[[noreturn]] void fail_unknown(uint64_t offset, const char* what, uint64_t index);

// "type mismatch: expected i32, got f64"; either side may be kUnknownType.
[[noreturn]] void fail_type_mismatch(uint64_t offset, ValType expected, ValType actual);

std::string type_text(ValType t);
std::string types_text(const ValType* types, size_t count);  // "[i32 i64]", as the reference interpreter lists them

// Where a section's payload starts, for errors about items that keep no
// offset of their own; 0 when the module has no such section.
uint64_t section_offset(const Module& module, SectionId id);

}  // namespace kiln::validate_detail
