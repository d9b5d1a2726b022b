// Internal to the validator: operand and result types of every table-typed opcode, compiled from opcodes.def.
#pragma once

#include <array>
#include <cstdint>

#include "kiln/ir/opcode.h"
#include "kiln/ir/types.h"

namespace kiln::validate_detail {

// Stands for the address type of the instruction's memory (i32, or i64 for a
// memory64 memory); resolved per instruction. 1 is no ValType encoding.
inline constexpr ValType kAddressType = ValType::from_code(1);

struct OpSignature {
  bool manual = false;  // "*" in the table: typed by hand in the validator
  Imm imm = Imm::kNone;
  bool has_index_or_lane = false;  // immediates the validator must check
  uint8_t param_count = 0;
  uint8_t result_count = 0;
  std::array<ValType, 3> params{};
  std::array<ValType, 1> results{};
};

namespace signature_parsing {

constexpr ValType letter_type(char c) {
  switch (c) {
    case 'i': return ValType::kI32;
    case 'l': return ValType::kI64;
    case 'f': return ValType::kF32;
    case 'd': return ValType::kF64;
    case 'v': return ValType::kV128;
    case 'a': return kAddressType;
    default: throw "opcodes.def: unknown type letter";  // a compile error in constant evaluation
  }
}

template <size_t N>
constexpr uint8_t parse_letters(const char* text, std::array<ValType, N>& out) {
  uint8_t count = 0;
  for (; text[count] != '\0'; ++count) {
    if (count >= N) throw "opcodes.def: too many types for OpSignature";
    out[count] = letter_type(text[count]);
  }
  return count;
}

constexpr OpSignature parse(Imm imm, const char* params, const char* results) {
  OpSignature sig;
  sig.imm = imm;
  sig.has_index_or_lane = imm != Imm::kNone && imm != Imm::kI32 && imm != Imm::kI64 && imm != Imm::kF32 &&
                          imm != Imm::kF64 && imm != Imm::kV128;
  if (params[0] == '*' || results[0] == '*') {
    sig.manual = true;
    return sig;
  }
  sig.param_count = parse_letters(params, sig.params);
  sig.result_count = parse_letters(results, sig.results);
  return sig;
}

}  // namespace signature_parsing

inline constexpr std::array<OpSignature, kOpcodeCount> kOpSignatures = {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) \
  signature_parsing::parse(Imm::imm, params, results),
#include "kiln/ir/opcodes.def"
#undef KILN_OP
};

inline const OpSignature& op_signature(Opcode op) { return kOpSignatures[static_cast<uint16_t>(op)]; }

}  // namespace kiln::validate_detail
