// The opcode enum and per-opcode facts generated from opcodes.def.
#pragma once

#include <cstdint>
#include <iterator>
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
  kTag,       // throw: a tag index
  kTryTable,  // try_table: a block type, then a vector of catch clauses
  kType,      // call_ref, struct.new, array.get, ...: a type index
  // GC: a type index and a second immediate: a field index (struct.get), a
  // second type (array.copy), a count (array.new_fixed), a data or element segment.
  kTypeField, kTypeType, kTypeU32, kTypeData, kTypeElem,
  kCastRef, kCastRefNull,  // ref.test and ref.cast: a heap type, the reference non-null / nullable
  kBrOnCast,               // br_on_cast(_fail): flags, a label, two heap types
};

// Which feature flag an opcode needs (the always-on core needs none); throw belongs to both exception encodings.
enum class OpFeature : uint8_t { kCore, kSimd, kRelaxedSimd, kTailCall, kBulkMemory, kReferenceTypes, kExceptions,
                                   kLegacyExceptions, kEitherExceptions, kFunctionReferences, kGc };

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
  uint8_t prefix;       // 0, 0xFB, 0xFC or 0xFD
  uint32_t code;        // byte, or sub-opcode after a prefix
  const char* text;     // "i32.add"
  Imm imm;
  const char* params;   // "ii"; "*" when the validator types it by hand
  const char* results;  // "i"
  OpFeature feature;
};

// The tables behind the lookups below, defined in opcode.cc. The lookups are
// inline because the decoder calls them for every instruction: out of line,
// the std::optional they return went through memory, and its byte-wise store
// followed by a wider load stalled store forwarding on every call.
namespace opcode_tables {
inline constexpr uint16_t kNone = 0xffff;
// Dense maps from encoding to opcode: one for single bytes, one per prefix.
// Sub-opcodes stay below 0x200 (relaxed SIMD tops out at 0x113).
struct Lookup {
  uint16_t single[256];
  uint16_t fb[32];
  uint16_t fc[32];
  uint16_t fd[512];
};
extern const OpcodeInfo kInfos[];
extern const Lookup kLookup;
}  // namespace opcode_tables

inline const OpcodeInfo& opcode_info(Opcode op) { return opcode_tables::kInfos[static_cast<uint16_t>(op)]; }
inline const char* opcode_name(Opcode op) { return opcode_info(op).text; }

// Lookup by encoding; nullopt when the encoding is not an instruction.
inline std::optional<Opcode> opcode_from_byte(uint8_t byte) {
  const uint16_t i = opcode_tables::kLookup.single[byte];
  if (i == opcode_tables::kNone) return std::nullopt;
  return static_cast<Opcode>(i);
}
inline std::optional<Opcode> opcode_from_prefixed(uint8_t prefix, uint32_t code) {
  uint16_t i = opcode_tables::kNone;
  if (prefix == 0xFB && code < std::size(opcode_tables::kLookup.fb)) i = opcode_tables::kLookup.fb[code];
  if (prefix == 0xFC && code < std::size(opcode_tables::kLookup.fc)) i = opcode_tables::kLookup.fc[code];
  if (prefix == 0xFD && code < std::size(opcode_tables::kLookup.fd)) i = opcode_tables::kLookup.fd[code];
  if (i == opcode_tables::kNone) return std::nullopt;
  return static_cast<Opcode>(i);
}

// Natural alignment (log2 bytes) for memory instructions, lane count for lane
// instructions; 0 otherwise.
unsigned natural_alignment_log2(Imm imm);
unsigned lane_count(Imm imm);

}  // namespace kiln
