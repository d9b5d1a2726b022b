// The opcode table and encoding lookups, both built from opcodes.def.
#include "kiln/ir/opcode.h"

namespace kiln {
namespace opcode_tables {

constexpr OpcodeInfo kInfos[] = {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) \
  {prefix, code, text, Imm::imm, params, results, OpFeature::feature},
#include "kiln/ir/opcodes.def"
#undef KILN_OP
};
static_assert(std::size(kInfos) == kOpcodeCount);

namespace {
constexpr Lookup make_lookup() {
  Lookup lookup{};
  for (uint16_t& i : lookup.single) i = kNone;
  for (uint16_t& i : lookup.fb) i = kNone;
  for (uint16_t& i : lookup.fc) i = kNone;
  for (uint16_t& i : lookup.fd) i = kNone;
  for (uint16_t i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = kInfos[i];
    if (info.prefix == 0) lookup.single[info.code] = i;
    else if (info.prefix == 0xFB) lookup.fb[info.code] = i;
    else if (info.prefix == 0xFC) lookup.fc[info.code] = i;
    else lookup.fd[info.code] = i;
  }
  return lookup;
}
}  // namespace

constexpr Lookup kLookup = make_lookup();

}  // namespace opcode_tables

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
