// Lookups on a decoded Module.
#include "kiln/ir/module.h"

namespace kiln {

const Export* Module::find_export(std::string_view name) const {
  for (const Export& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

std::string Module::func_display_name(FuncIdx f) const {
  auto it = names.functions.find(to_u32(f));
  std::string index = "#";
  index += std::to_string(to_u32(f));
  if (it == names.functions.end()) return index;
  std::string out = "$";
  out += it->second;
  out += " (";
  out += index;
  out += ")";
  return out;
}

}  // namespace kiln
