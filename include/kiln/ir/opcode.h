// The opcode enum and per-opcode facts generated from opcodes.def.
#pragma once

#include <cstdint>
#include <optional>

namespace kiln {

// How an instruction's immediates are encoded.
enum class Imm : uint8_t {
  kNone, kBlockType, kLabel, kLabelTable, kFunc, kCallIndirect, kSelectT, kLocal, kGlobal,
  kTable, kMemory, kMemoryMemory, kTableTable, kData, kElem, kDataMemory, kElemTable,
  kI32, kI64, kF32, kF64, kV128, kShuffle, kRefType,
  kMemArg1, kMemArg2, kMemArg4, kMemArg8, kMemArg16,
  kMemLane1, kMemLane2, kMemLane4, kMemLane8,
  kLane2, kLane4, kLane8, kLane16,
};

// Which feature flag an opcode needs (WebAssembly 2.0 core needs none).
enum class OpFeature : uint8_t { kCore, kSimd, kRelaxedSimd, kTailCall };

enum class Opcode : uint16_t {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) k##ident,
#include "kiln/ir/opcodes.def"
#undef KILN_OP
};

inline constexpr uint16_t kOpcodeCount = 0
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) +1
#include "kiln/ir/opcodes.def"
#undef KILN_OP
    ;

struct OpcodeInfo {
  uint8_t prefix;       // 0, 0xFC or 0xFD
  uint32_t code;        // byte, or sub-opcode after a prefix
  const char* text;     // "i32.add"
  Imm imm;
  const char* params;   // "ii"; "*" when the validator types it by hand
  const char* results;  // "i"
  OpFeature feature;
};

const OpcodeInfo& opcode_info(Opcode op);
inline const char* opcode_name(Opcode op) { return opcode_info(op).text; }

// Lookup by encoding; nullopt when the encoding is not an instruction.
std::optional<Opcode> opcode_from_byte(uint8_t byte);
std::optional<Opcode> opcode_from_prefixed(uint8_t prefix, uint32_t code);

// Natural alignment (log2 bytes) for memory instructions, lane count for lane
// instructions; 0 otherwise.
unsigned natural_alignment_log2(Imm imm);
unsigned lane_count(Imm imm);

}  // namespace kiln
