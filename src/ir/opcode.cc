// The opcode table and encoding lookups, both built from opcodes.def.
#include "kiln/ir/opcode.h"

#include <array>

namespace kiln {
namespace {

constexpr OpcodeInfo kInfos[] = {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) \
  {prefix, code, text, Imm::imm, params, results, OpFeature::feature},
#include "kiln/ir/opcodes.def"
#undef KILN_OP
};
static_assert(std::size(kInfos) == kOpcodeCount);

constexpr uint16_t kNoOpcode = 0xffff;

// Dense maps from encoding to opcode: one for single bytes, one per prefix.
// Sub-opcodes stay below 0x200 (relaxed SIMD tops out at 0x113).
struct Lookup {
  std::array<uint16_t, 256> single{};
  std::array<uint16_t, 32> fc{};
  std::array<uint16_t, 512> fd{};

  constexpr Lookup() {
    single.fill(kNoOpcode);
    fc.fill(kNoOpcode);
    fd.fill(kNoOpcode);
    for (uint16_t i = 0; i < kOpcodeCount; ++i) {
      const OpcodeInfo& info = kInfos[i];
      if (info.prefix == 0) single[info.code] = i;
      else if (info.prefix == 0xFC) fc[info.code] = i;
      else fd[info.code] = i;
    }
  }
};

constexpr Lookup kLookup;

}  // namespace

const OpcodeInfo& opcode_info(Opcode op) { return kInfos[static_cast<uint16_t>(op)]; }

std::optional<Opcode> opcode_from_byte(uint8_t byte) {
  const uint16_t i = kLookup.single[byte];
  if (i == kNoOpcode) return std::nullopt;
  return static_cast<Opcode>(i);
}

std::optional<Opcode> opcode_from_prefixed(uint8_t prefix, uint32_t code) {
  uint16_t i = kNoOpcode;
  if (prefix == 0xFC && code < kLookup.fc.size()) i = kLookup.fc[code];
  if (prefix == 0xFD && code < kLookup.fd.size()) i = kLookup.fd[code];
  if (i == kNoOpcode) return std::nullopt;
  return static_cast<Opcode>(i);
}

unsigned natural_alignment_log2(Imm imm) {
  switch (imm) {
    case Imm::kMemArg1: case Imm::kMemLane1: return 0;
    case Imm::kMemArg2: case Imm::kMemLane2: return 1;
    case Imm::kMemArg4: case Imm::kMemLane4: return 2;
    case Imm::kMemArg8: case Imm::kMemLane8: return 3;
    case Imm::kMemArg16: return 4;
    default: return 0;
  }
}

unsigned lane_count(Imm imm) {
  switch (imm) {
    case Imm::kLane2: return 2;
    case Imm::kLane4: return 4;
    case Imm::kLane8: return 8;
    case Imm::kLane16: return 16;
    case Imm::kMemLane1: return 16;
    case Imm::kMemLane2: return 8;
    case Imm::kMemLane4: return 4;
    case Imm::kMemLane8: return 2;
    default: return 0;
  }
}

}  // namespace kiln
