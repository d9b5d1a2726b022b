// Decoding of constant expressions and of the element, data count and data sections.
#include <vector>

#include "decode_internal.h"

namespace kiln::decode_detail {
namespace {

constexpr uint32_t kMaxElemFlags = 7;
constexpr uint32_t kMaxDataFlags = 2;
constexpr uint8_t kElemKindFuncRef = 0x00;

// Element segment flag bits (binary format, section 5.5.12).
constexpr uint32_t kElemPassiveOrDeclarative = 0x01;
constexpr uint32_t kElemExplicitTableOrDeclarative = 0x02;
constexpr uint32_t kElemUsesExprs = 0x04;

}  // namespace

// Blocks are tracked so a sequence ends at the `end` that closes it, even
// where the validator will later reject blocks (in a constant expression):
// where an expression ends is structure, what it holds is typing.
void read_instr_sequence(InstrReader& instrs) {
  // What the innermost construct may still take besides `end`: an `if` its
  // `else`, a legacy `try` its handlers or `delegate`.
  enum State : uint8_t { kPlain, kOpenIf, kOpenTry };
  std::vector<uint8_t> enclosing;  // per open construct, its parent's state
  uint8_t state = kPlain;
  while (true) {
    const Instr& instr = instrs.next();
    switch (instr.op) {
      case Opcode::kBlock:
      case Opcode::kLoop:
      case Opcode::kIf:
      case Opcode::kTryTable:
      case Opcode::kTry:
        enclosing.push_back(state);
        state = instr.op == Opcode::kIf ? kOpenIf : instr.op == Opcode::kTry ? kOpenTry : kPlain;
        break;
      case Opcode::kElse:
        if (state != kOpenIf) instrs.bytes().fail_at(instr.offset, "END opcode expected");
        state = kPlain;
        break;
      case Opcode::kCatch:
      case Opcode::kCatchAll:
        if (state != kOpenTry) instrs.bytes().fail_at(instr.offset, "END opcode expected");
        break;
      case Opcode::kDelegate:
        if (state != kOpenTry) instrs.bytes().fail_at(instr.offset, "END opcode expected");
        [[fallthrough]];
      case Opcode::kEnd:
        if (enclosing.empty()) return;
        state = enclosing.back();
        enclosing.pop_back();
        break;
      default: break;
    }
  }
}

ConstExpr read_const_expr(ByteReader& reader, const Features& features) {
  const uint64_t start = reader.offset();
  InstrReader instrs(reader.rest(), start, features);
  read_instr_sequence(instrs);
  const size_t length = instrs.position();
  reader.skip(length);
  return ConstExpr{{static_cast<size_t>(start), length}};
}

void decode_element_section(ByteReader& reader, Module& module) {
  // The shortest segment (passive, kind, no items) takes three bytes.
  const uint32_t count = read_vec_count(reader, module.elems, 3);
  for (uint32_t i = 0; i < count; ++i) {
    ElemSegment segment;
    segment.file_offset = reader.offset();
    const uint32_t flags = reader.read_u32();
    if (flags > kMaxElemFlags) reader.fail_at(segment.file_offset, "malformed elements segment kind");
    // Every form but the first came with bulk memory.
    if (flags != 0 && !module.features.bulk_memory) fail_disabled(Feature::kBulkMemory, segment.file_offset);
    if (flags & kElemPassiveOrDeclarative) {
      segment.mode = (flags & kElemExplicitTableOrDeclarative) ? SegmentMode::kDeclarative : SegmentMode::kPassive;
    } else {
      segment.mode = SegmentMode::kActive;
      if (flags & kElemExplicitTableOrDeclarative) segment.table = TableIdx{reader.read_u32()};
      segment.offset = read_const_expr(reader, module.features);
    }
    segment.uses_exprs = (flags & kElemUsesExprs) != 0;
    // Flags 0 and 4 imply funcref; the others spell out a kind or a type.
    if ((flags & (kElemPassiveOrDeclarative | kElemExplicitTableOrDeclarative)) != 0) {
      if (segment.uses_exprs) {
        const uint64_t at = reader.offset();
        segment.type = read_ref_type(reader, module.features, &module.type_defs);
        if (segment.type != ValType::kFuncRef && !module.features.reference_types)
          fail_disabled(Feature::kReferenceTypes, at);
      } else {
        const uint64_t at = reader.offset();
        if (reader.read_u8() != kElemKindFuncRef) reader.fail_at(at, "malformed element kind");
        segment.type = ValType::kFuncRef;
      }
    }
    if (segment.uses_exprs) {
      const uint32_t items = read_vec_count(reader, segment.exprs, 1);
      for (uint32_t j = 0; j < items; ++j) segment.exprs.push_back(read_const_expr(reader, module.features));
    } else {
      const uint32_t items = read_vec_count(reader, segment.funcs, 1);
      for (uint32_t j = 0; j < items; ++j) segment.funcs.push_back(FuncIdx{reader.read_u32()});
    }
    module.elems.push_back(std::move(segment));
  }
}

void decode_data_count_section(ByteReader& reader, Module& module) {
  if (!module.features.bulk_memory) fail_disabled(Feature::kBulkMemory, reader.offset());
  module.data_count = reader.read_u32();
}

void decode_data_section(ByteReader& reader, Module& module) {
  // The shortest segment (passive, empty) takes two bytes. The count is
  // compared with the data count section only once the whole module is read.
  const uint32_t count = read_vec_count(reader, module.datas, 2);
  for (uint32_t i = 0; i < count; ++i) {
    DataSegment segment;
    segment.file_offset = reader.offset();
    const uint32_t flags = reader.read_u32();
    if (flags > kMaxDataFlags) reader.fail_at(segment.file_offset, "malformed data segment kind");
    if (flags == 1) {
      if (!module.features.bulk_memory) fail_disabled(Feature::kBulkMemory, segment.file_offset);
      segment.mode = SegmentMode::kPassive;
    } else {
      segment.mode = SegmentMode::kActive;
      if (flags == 2) segment.memory = MemIdx{reader.read_u32()};
      segment.offset = read_const_expr(reader, module.features);
    }
    const uint32_t size = read_length(reader);
    const uint64_t bytes_at = reader.offset();
    reader.skip(size);
    segment.bytes = {static_cast<size_t>(bytes_at), size};
    module.datas.push_back(segment);
  }
}

}  // namespace kiln::decode_detail
