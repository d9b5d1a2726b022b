// What validation learns about each function body and hands to the interpreter: plain data.
#pragma once

#include <cstdint>
#include <vector>

namespace kiln {

// One structured block of a function body. Positions are byte offsets
// relative to the start of FunctionBody::code.
struct BlockSpan {
  uint32_t start = 0;     // the block / loop / if opcode
  uint32_t else_pos = 0;  // the else opcode of an if; 0 when there is none
  uint32_t end = 0;       // the matching end opcode
  bool operator==(const BlockSpan&) const = default;
};

struct FuncInfo {
  uint32_t max_stack_height = 0;  // operand stack, in values
  uint32_t max_stack_cells = 0;   // operand stack, in 8-byte cells (v128 takes two)
  uint32_t max_control_depth = 0;
  std::vector<BlockSpan> blocks;  // in order of their start
  bool names_data_segment = false;  // holds memory.init, data.drop, array.new_data or array.init_data
  std::vector<uint32_t> ref_funcs;  // the functions its ref.func instructions name, in order (repeats kept)
  bool operator==(const FuncInfo&) const = default;
};

struct ModuleInfo {
  std::vector<FuncInfo> funcs;  // one per defined function, same order as Module::codes
  bool names_data_segments = false;  // some body names a data segment by index
};

}  // namespace kiln
