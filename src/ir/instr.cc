// Instruction decoding: opcode lookup and every immediate encoding, with the spec's malformed-input wording.
#include "kiln/ir/instr.h"

#include "kiln/base/failure.h"

namespace kiln {

namespace {

// 0x63 (ref null ht) and 0x64 (ref ht) open a typed reference; the heap type follows as an s33.
bool is_typed_reference_prefix(uint8_t byte) { return byte == 0x63 || byte == 0x64; }

void check_top_enabled(ValType t, const Features& features, uint64_t at) {
  if (t.code == TypeCode::kExnRef && !features.exceptions) fail_disabled(Feature::kExceptions, at);
  if (t.code == TypeCode::kAnyRef && !features.gc) fail_disabled(Feature::kGc, at);
  // The bottoms (nofunc, noextern, noexn) came with GC.
  if (t.is_bottom() && !features.gc) fail_disabled(Feature::kGc, at);
  if (t.code != TypeCode::kFuncRef && !features.reference_types) fail_disabled(Feature::kReferenceTypes, at);
}

// After a 0x63/0x64 prefix byte at `at`.
ValType read_typed_reference(ByteReader& reader, const Features& features, uint8_t prefix, uint64_t at,
                             const std::vector<TypeDef>* type_defs) {
  if (!features.function_references) fail_disabled(Feature::kFunctionReferences, at);
  return read_heap_type(reader, features, prefix == 0x63, type_defs);
}

// A short form: funcref, externref (reference types), exnref, and GC's anyref, eqref, nullref, ...
std::optional<ValType> read_short_ref(uint8_t byte, const Features& features, uint64_t at) {
  const std::optional<ValType> t = abstract_heap_type(byte, true);
  if (!t) return std::nullopt;
  check_top_enabled(*t, features, at);
  return t;
}

}  // namespace

ValType read_heap_type(ByteReader& reader, const Features& features, bool nullable,
                       const std::vector<TypeDef>* type_defs) {
  const uint64_t at = reader.offset();
  if (const std::optional<ValType> abstract = abstract_heap_type(reader.peek_u8(), nullable)) {
    reader.read_u8();
    check_top_enabled(*abstract, features, at);
    return *abstract;
  }
  const int64_t index = reader.read_s33();
  if (index < 0) reader.fail_at(at, "malformed reference type");
  if (!features.function_references) fail_disabled(Feature::kFunctionReferences, at);
  const auto i = static_cast<uint32_t>(index);
  return ValType{concrete_type_code(i, type_defs), nullable, i};
}

ValType read_ref_type(ByteReader& reader, const Features& features, const std::vector<TypeDef>* type_defs) {
  const uint64_t at = reader.offset();
  const uint8_t byte = reader.read_u8();
  if (const std::optional<ValType> t = read_short_ref(byte, features, at)) return *t;
  if (is_typed_reference_prefix(byte)) return read_typed_reference(reader, features, byte, at, type_defs);
  reader.fail_at(at, "malformed reference type");
}

ValType read_val_type(ByteReader& reader, const Features& features, const std::vector<TypeDef>* type_defs) {
  const uint64_t at = reader.offset();
  const uint8_t byte = reader.read_u8();
  switch (byte) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C:
      return ValType::from_code(byte);
    case 0x7B:
      if (features.simd) return ValType::kV128;
      fail_disabled(Feature::kSimd, at);
    case 0x63: case 0x64:
      return read_typed_reference(reader, features, byte, at, type_defs);
    default:
      break;
  }
  if (const std::optional<ValType> t = read_short_ref(byte, features, at)) return *t;
  reader.fail_at(at, "malformed value type");
}

ValType read_storage_type(ByteReader& reader, const Features& features, const std::vector<TypeDef>* type_defs) {
  const uint8_t byte = reader.peek_u8();
  if (byte == 0x78 || byte == 0x77) {
    reader.read_u8();
    return ValType::from_code(byte);
  }
  return read_val_type(reader, features, type_defs);
}

const Instr& InstrReader::next() {
  Instr& instr = instr_;
  instr.offset = reader_.offset();
  const uint8_t first = reader_.read_u8();
  std::optional<Opcode> op;
  if (first == 0xFB || first == 0xFC || first == 0xFD) {
    const uint32_t code = reader_.read_u32();
    op = opcode_from_prefixed(first, code);
  } else {
    op = opcode_from_byte(first);
  }
  if (!op) [[unlikely]] fail_illegal(instr.offset);
  const OpcodeInfo& info = opcode_info(*op);
  if (info.feature != OpFeature::kCore) [[unlikely]] check_feature(info.feature, instr.offset);
  instr.op = *op;
  if (info.imm != Imm::kNone) read_immediates(instr, info.imm);
  return instr;
}

// The spec's wording for bytes that only a turned-off feature would give a
// meaning, with the feature named so front ends can say how to turn it on.
void InstrReader::fail_needing(Feature feature, uint64_t at, const char* message) const {
  throw Failure{Error{ErrorCode::kMalformed, at, message, std::string(feature_name(feature))}};
}

void InstrReader::check_feature(OpFeature needed, uint64_t at) const {
  switch (needed) {
    case OpFeature::kCore: return;
    case OpFeature::kSimd: if (!features_.simd) fail_disabled(Feature::kSimd, at); return;
    case OpFeature::kRelaxedSimd:
      if (!features_.simd) fail_disabled(Feature::kSimd, at);
      if (!features_.relaxed_simd) fail_disabled(Feature::kRelaxedSimd, at);
      return;
    case OpFeature::kTailCall: if (!features_.tail_call) fail_disabled(Feature::kTailCall, at); return;
    case OpFeature::kBulkMemory: if (!features_.bulk_memory) fail_disabled(Feature::kBulkMemory, at); return;
    case OpFeature::kReferenceTypes: if (!features_.reference_types) fail_disabled(Feature::kReferenceTypes, at); return;
    case OpFeature::kExceptions: if (!features_.exceptions) fail_disabled(Feature::kExceptions, at); return;
    case OpFeature::kEitherExceptions: if (!has_tags(features_)) fail_disabled(Feature::kExceptions, at); return;
    case OpFeature::kFunctionReferences:
      if (!features_.function_references) fail_disabled(Feature::kFunctionReferences, at);
      return;
    case OpFeature::kGc: if (!features_.gc) fail_disabled(Feature::kGc, at); return;
    case OpFeature::kLegacyExceptions:
      if (!features_.legacy_exceptions) fail_disabled(Feature::kLegacyExceptions, at);
      return;
  }
}

// The reference's wording: the opcode byte in hex, then a prefixed opcode's
// sub-opcode ("illegal opcode ff", "illegal opcode fc 1f").
void InstrReader::fail_illegal(uint64_t at) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto hex = [](uint64_t value) {
    std::string digits;
    do {
      digits.insert(digits.begin(), kHex[value & 15]);
      value >>= 4;
    } while (value);
    if (digits.size() < 2) digits.insert(digits.begin(), '0');
    return digits;
  };
  ByteReader again(reader_.data(), reader_.base_offset());
  again.skip(at - reader_.base_offset());
  const uint8_t first = again.read_u8();
  std::string message = "illegal opcode " + hex(first);
  if (first == 0xFB || first == 0xFC || first == 0xFD) message += " " + hex(again.read_u32());
  reader_.fail_at(at, std::move(message));
}

// Flags below 64 are the alignment exponent; bit 6 announces a memory index
// (multi-memory); anything from 128 up is malformed, as in the current
// binary format. Alignment beyond natural is the validator's "alignment must
// not be larger than natural".
void InstrReader::read_memarg(Instr& instr, unsigned /*natural_align_log2*/) {
  const uint64_t at = reader_.offset();
  const uint32_t flags = reader_.read_u32();
  if (flags >= 0x80) reader_.fail_at(at, "malformed memop flags");
  if ((flags & 0x40) && !features_.multi_memory) fail_needing(Feature::kMultiMemory, at, "malformed memop flags");
  instr.mem.memory = (flags & 0x40) ? reader_.read_u32() : 0;
  instr.mem.align_log2 = flags & 0x3f;
  instr.mem.offset = features_.memory64 ? reader_.read_u64() : reader_.read_u32();
}

void InstrReader::read_block_type(Instr& instr) {
  const uint8_t byte = reader_.peek_u8();
  if (byte == 0x40) {
    reader_.read_u8();
    instr.block.kind = BlockType::Kind::kEmpty;
  } else if (byte >= 0x40 && byte < 0x80) {
    instr.block.kind = BlockType::Kind::kValue;
    instr.block.value = read_val_type(reader_, features_, type_defs_);
  } else {
    const uint64_t at = reader_.offset();
    const int64_t index = reader_.read_s33();
    if (index < 0) reader_.fail_at(at, "malformed block type");
    if (!features_.multi_value) fail_disabled(Feature::kMultiValue, at);
    instr.block.kind = BlockType::Kind::kTypeIndex;
    instr.block.type_index = static_cast<uint32_t>(index);
  }
}

// try_table's clauses: a kind byte (0 catch, 1 catch_ref, 2 catch_all,
// 3 catch_all_ref), a tag index for the first two, then a label. Each clause
// takes at least two bytes, which bounds the reservation by the input.
void InstrReader::read_catches(Instr& instr) {
  const uint32_t count = reader_.read_count(2);
  catches_.clear();
  catches_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t at = reader_.offset();
    const uint8_t kind = reader_.read_u8();
    if (kind > 3) reader_.fail_at(at, "malformed catch clause");
    CatchClause clause;
    clause.kind = static_cast<CatchClause::Kind>(kind);
    if (!clause.any_tag()) clause.tag = reader_.read_u32();
    clause.label = reader_.read_u32();
    catches_.push_back(clause);
  }
  instr.catches = &catches_;
}

void InstrReader::read_immediates(Instr& instr, Imm imm) {
  // A memory index that pre-multi-memory encodings reserve as a zero byte.
  auto memory_index = [this]() -> uint32_t {
    if (features_.multi_memory) return reader_.read_u32();
    if (reader_.read_u8() != 0) fail_needing(Feature::kMultiMemory, reader_.offset() - 1, "zero byte expected");
    return 0;
  };
  switch (imm) {
    case Imm::kNone:
      break;
    case Imm::kBlockType:
      read_block_type(instr);
      break;
    case Imm::kTryTable:
      read_block_type(instr);
      read_catches(instr);
      break;
    case Imm::kTag:
      instr.index = reader_.read_u32();
      break;
    case Imm::kLabel: case Imm::kFunc: case Imm::kLocal: case Imm::kGlobal:
    case Imm::kTable: case Imm::kData: case Imm::kElem:
      instr.index = reader_.read_u32();
      break;
    case Imm::kLabelTable: {
      const uint32_t count = reader_.read_count(1);
      labels_.clear();
      labels_.reserve(count + 1u);
      for (uint32_t i = 0; i <= count; ++i) labels_.push_back(reader_.read_u32());
      instr.labels = &labels_;
      break;
    }
    case Imm::kCallIndirect: case Imm::kElemTable: case Imm::kTableTable: {
      instr.index = reader_.read_u32();
      const uint64_t table_at = reader_.offset();
      instr.index2 = reader_.read_u32();
      // A second table needs reference types (before it, the byte was reserved).
      if (imm == Imm::kCallIndirect && instr.index2 != 0 && !features_.reference_types)
        fail_disabled(Feature::kReferenceTypes, table_at);
      break;
    }
    case Imm::kSelectT: {
      instr.select_arity = reader_.read_count(1);
      for (uint32_t i = 0; i < instr.select_arity; ++i) {
        const ValType t = read_val_type(reader_, features_, type_defs_);
        if (i == 0) instr.type = t;
      }
      break;
    }
    case Imm::kMemory:
      instr.index = memory_index();
      break;
    case Imm::kMemoryMemory:
      instr.index = memory_index();
      instr.index2 = memory_index();
      break;
    case Imm::kDataMemory:
      instr.index = reader_.read_u32();
      instr.index2 = memory_index();
      break;
    case Imm::kI32:
      instr.bits = static_cast<uint32_t>(reader_.read_s32());
      break;
    case Imm::kI64:
      instr.bits = static_cast<uint64_t>(reader_.read_s64());
      break;
    case Imm::kF32:
      instr.bits = reader_.read_u32_fixed();
      break;
    case Imm::kF64:
      instr.bits = reader_.read_u64_fixed();
      break;
    case Imm::kV128: case Imm::kShuffle: {
      Bytes raw = reader_.read_bytes(16);
      for (size_t i = 0; i < 16; ++i) instr.bytes16[i] = raw[i];
      break;
    }
    case Imm::kRefType:  // ref.null's heap type
      instr.type = read_heap_type(reader_, features_, true, type_defs_);
      break;
    case Imm::kType:
      instr.index = reader_.read_u32();
      break;
    case Imm::kTypeField: case Imm::kTypeType: case Imm::kTypeU32: case Imm::kTypeData: case Imm::kTypeElem:
      instr.index = reader_.read_u32();
      instr.index2 = reader_.read_u32();
      break;
    case Imm::kCastRef: case Imm::kCastRefNull:
      instr.type = read_heap_type(reader_, features_, imm == Imm::kCastRefNull, type_defs_);
      break;
    case Imm::kBrOnCast: {
      // Bit 0: the source type is nullable; bit 1: the target type is.
      const uint64_t at = reader_.offset();
      const uint8_t flags = reader_.read_u8();
      if (flags > 3) reader_.fail_at(at, "malformed br_on_cast flags");
      instr.index = reader_.read_u32();
      instr.type = read_heap_type(reader_, features_, flags & 1, type_defs_);
      instr.type2 = read_heap_type(reader_, features_, (flags & 2) != 0, type_defs_);
      break;
    }
    case Imm::kMemArg1: case Imm::kMemArg2: case Imm::kMemArg4: case Imm::kMemArg8: case Imm::kMemArg16:
      read_memarg(instr, natural_alignment_log2(imm));
      break;
    case Imm::kMemLane1: case Imm::kMemLane2: case Imm::kMemLane4: case Imm::kMemLane8:
      read_memarg(instr, natural_alignment_log2(imm));
      instr.lane = reader_.read_u8();
      break;
    case Imm::kLane2: case Imm::kLane4: case Imm::kLane8: case Imm::kLane16:
      instr.lane = reader_.read_u8();
      break;
  }
}

}  // namespace kiln
