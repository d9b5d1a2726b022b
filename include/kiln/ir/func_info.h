// What validation learns about each function body and hands to the rewriter: plain data.
#pragma once

#include <cstdint>
#include <vector>

namespace kiln {

// Stack heights and block structure are not kept: the lowerer follows the
// validator's walk itself (BodyObserver).
struct FuncInfo {
  bool names_data_segment = false;  // holds memory.init, data.drop, array.new_data or array.init_data
  std::vector<uint32_t> ref_funcs;  // the functions its ref.func instructions name, in order (repeats kept)
  bool operator==(const FuncInfo&) const = default;
};

struct ModuleInfo {
  std::vector<FuncInfo> funcs;  // one per defined function, same order as Module::codes
  bool names_data_segments = false;  // some body names a data segment by index
};

}  // namespace kiln
