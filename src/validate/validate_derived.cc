// validate_derived_module: full module-level rules, and the function bodies again only when their context changed.
#include <algorithm>
#include <utility>

#include "context.h"
#include "kiln/validate/validate.h"
#include "module_rules.h"

namespace kiln {
namespace validate_detail {
namespace {

// Sections whose contents function bodies are not typed against beyond the
// facts compared in same_body_context: a derived module may re-encode these.
bool may_be_reencoded(SectionId id) {
  switch (id) {
    case SectionId::kCustom:
    case SectionId::kTable:
    case SectionId::kMemory:
    case SectionId::kGlobal:
    case SectionId::kExport:
    case SectionId::kStart:
    case SectionId::kElement:
    case SectionId::kDataCount:
    case SectionId::kData:
      return true;
    default:
      return false;  // types, imports, functions, code, and any section kind added later
  }
}

// Every other section in order, as payload bytes.
std::vector<std::pair<SectionId, Bytes>> fixed_sections(const Module& module) {
  std::vector<std::pair<SectionId, Bytes>> fixed;
  for (const Section& section : module.sections)
    if (!may_be_reencoded(section.id)) fixed.emplace_back(section.id, module.slice(section.payload));
  return fixed;
}

bool same_fixed_sections(const Module& derived, const Module& original) {
  const auto a = fixed_sections(derived);
  const auto b = fixed_sections(original);
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.first == y.first && std::ranges::equal(x.second, y.second);
  });
}

// What a body's instructions are typed against in the sections that may be re-encoded.
// The data count only types memory.init and data.drop: when no body names a
// data segment, the rewriter may drop the section with the emptied segments.
bool same_reencoded_facts(const Module& derived, const Module& original, bool bodies_name_data) {
  auto same_table = [](const TableType& a, const TableType& b) { return a.elem == b.elem && a.limits.is_64 == b.limits.is_64; };
  auto same_memory = [](const MemoryType& a, const MemoryType& b) {
    return a.limits.is_64 == b.limits.is_64 && a.limits.shared == b.limits.shared;
  };
  auto same_elem = [](const ElemSegment& a, const ElemSegment& b) { return segment_type(a) == segment_type(b); };
  return std::ranges::equal(derived.tables, original.tables, same_table) &&
         std::ranges::equal(derived.memories, original.memories, same_memory) &&
         derived.global_types == original.global_types &&
         std::ranges::equal(derived.elems, original.elems, same_elem) &&
         (!bodies_name_data || (derived.data_count.has_value() == original.data_count.has_value() &&
                                derived.data_count.value_or(0) >= original.data_count.value_or(0)));
}

// Whether a body names with ref.func a function that the original declares
// (C.refs) and `derived` no longer does, as when the init function loses its
// export. The original's validation recorded every body's ref.func targets,
// so this is exact and reads no code.
bool names_undeclared_func(const ModuleContext& derived, const Module& original, const ModuleInfo& original_info) {
  ModuleContext before(original);
  collect_declared_funcs(before);
  if (before.declared_funcs.size() != derived.declared_funcs.size()) return true;
  for (const FuncInfo& func : original_info.funcs)
    for (uint32_t f : func.ref_funcs)
      if (f < before.declared_funcs.size() && before.declared_funcs[f] && !derived.declared_funcs[f]) return true;
  return false;
}

}  // namespace
}  // namespace validate_detail

Result<BodyCheck> validate_derived_module(const Module& derived, const Module& original, const ModuleInfo& original_info) {
  using namespace validate_detail;
  bool reuse = false;
  Status module_level = capture_failure([&] {
    ModuleContext context(derived);
    check_module_level(context);
    reuse = same_fixed_sections(derived, original) && same_reencoded_facts(derived, original, original_info.names_data_segments) &&
            !names_undeclared_func(context, original, original_info);
  });
  // A module-level error may be preceded, in validate_module's order, by a
  // malformed body; the full validation reports whichever comes first.
  if (module_level.ok() && reuse) return BodyCheck::kReused;
  auto full = validate_module(derived);
  if (!full) return std::move(full).error();
  return BodyCheck::kRevalidated;
}

}  // namespace kiln
