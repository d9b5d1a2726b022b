// Instruction names of the text format, from opcodes.def.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "kiln/ir/opcode.h"

namespace kiln::text::detail {

struct TextOp {
  uint8_t prefix = 0;  // 0, 0xFB, 0xFC or 0xFD
  uint32_t code = 0;
  Imm imm = Imm::kNone;
};

// Every instruction spelled `name` ("select" and "ref.test" have two
// encodings; the parser picks by the immediates). Empty when unknown.
std::span<const TextOp> find_ops(std::string_view name);

// True for any keyword of the text format or the script language, so that an
// unexpected keyword can be told apart from an unknown one.
bool is_known_keyword(std::string_view word);

}  // namespace kiln::text::detail
