// Tests of the IR layer: the opcode table's consistency and the instruction reader's immediates and errors.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "kiln/base/failure.h"
#include "kiln/ir/instr.h"
#include "kiln/ir/opcode.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using test::ByteVec;

namespace {

// Decodes the single instruction in `code` (absolute offset 0x10).
Result<Instr> read_one(const ByteVec& code, Features features = {}) {
  return capture_failure([&] {
    InstrReader reader(code, 0x10, features);
    Instr instr = reader.next();
    if (!reader.at_end()) fail(ErrorCode::kMalformed, reader.offset(), "trailing bytes");
    return instr;
  });
}

}  // namespace

TEST_CASE("every opcode's encoding maps back to it and names are unique") {
  std::set<std::string> names_with_code;
  for (uint16_t i = 0; i < kOpcodeCount; ++i) {
    const auto op = static_cast<Opcode>(i);
    const OpcodeInfo& info = opcode_info(op);
    const auto back = info.prefix == 0 ? opcode_from_byte(static_cast<uint8_t>(info.code))
                                       : opcode_from_prefixed(info.prefix, info.code);
    REQUIRE(back.has_value());
    CHECK(*back == op);
    // select and select t share a mnemonic, and so do the non-null and nullable forms of ref.test and ref.cast
    // (the heap type's nullability picks one); everything else is unique.
    const bool second_spelling = op == Opcode::kSelectT || op == Opcode::kRefTestNull || op == Opcode::kRefCastNull;
    CHECK(names_with_code.insert(std::string(info.text) + "/" + std::to_string(info.prefix)).second ==
          !second_spelling);
  }
  CHECK(kOpcodeCount > 450);
  CHECK_FALSE(opcode_from_byte(0x27).has_value());
  CHECK_FALSE(opcode_from_prefixed(0xFC, 18).has_value());
  CHECK_FALSE(opcode_from_prefixed(0xFD, 0x9A).has_value());
  CHECK_FALSE(opcode_from_prefixed(0xFD, 100000).has_value());
}

TEST_CASE("simple instruction signatures come from the table") {
  CHECK(std::string(opcode_info(Opcode::kI32Add).params) == "ii");
  CHECK(std::string(opcode_info(Opcode::kI64Eqz).results) == "i");
  CHECK(std::string(opcode_info(Opcode::kF64ConvertI32U).params) == "i");
  CHECK(std::string(opcode_info(Opcode::kV128Store).params) == "av");
  CHECK(std::string(opcode_info(Opcode::kI8x16AllTrue).results) == "i");
  CHECK(std::string(opcode_info(Opcode::kI32x4Shl).params) == "vi");
  CHECK(std::string(opcode_info(Opcode::kI16x8ExtmulLowI8x16S).params) == "vv");
  CHECK(natural_alignment_log2(opcode_info(Opcode::kI64Load32U).imm) == 2);
  CHECK(lane_count(opcode_info(Opcode::kI16x8ExtractLaneS).imm) == 8);
}

TEST_CASE("immediates decode into the instruction") {
  auto c = read_one({0x41, 0x7F});
  REQUIRE(c.ok());
  CHECK(c->op == Opcode::kI32Const);
  CHECK(c->bits == 0xFFFFFFFFu);
  CHECK(c->offset == 0x10);

  auto load = read_one({0x29, 0x03, 0x80, 0x01});
  REQUIRE(load.ok());
  CHECK(load->mem.align_log2 == 3);
  CHECK(load->mem.offset == 128);

  {
    // The label list lives in the reader, so it is checked while the reader exists.
    const ByteVec code{0x0E, 0x02, 0x00, 0x01, 0x02};
    InstrReader reader(code, 0, Features{});
    const Instr& table = reader.next();
    REQUIRE(table.labels != nullptr);
    CHECK(*table.labels == std::vector<uint32_t>{0, 1, 2});
  }

  auto copy = read_one({0xFC, 0x0A, 0x00, 0x00});
  REQUIRE(copy.ok());
  CHECK(copy->op == Opcode::kMemoryCopy);

  auto shuffle = read_one(test::cat({{0xFD, 0x0D}, ByteVec(16, 0x1F)}));
  REQUIRE(shuffle.ok());
  CHECK(shuffle->bytes16[15] == 0x1F);

  auto block = read_one({0x02, 0x7E});
  REQUIRE(block.ok());
  CHECK(block->block.kind == BlockType::Kind::kValue);
  CHECK(block->block.value == ValType::kI64);
  auto typed_block = read_one({0x03, 0x05});
  REQUIRE(typed_block.ok());
  CHECK(typed_block->block.kind == BlockType::Kind::kTypeIndex);
  CHECK(typed_block->block.type_index == 5u);

  auto relaxed = read_one({0xFD, 0x80, 0x02}, Features::all());
  REQUIRE(relaxed.ok());
  CHECK(relaxed->op == Opcode::kI8x16RelaxedSwizzle);
}

TEST_CASE("malformed instructions fail at their offset with the spec wording") {
  auto illegal = read_one({0x27});
  REQUIRE_FALSE(illegal.ok());
  CHECK(illegal.error().message == "illegal opcode 27");
  CHECK(illegal.error().offset == 0x10);
  CHECK(read_one({0xFF}).error().message == "illegal opcode ff");
  CHECK(read_one({0xFC, 0x1F}).error().message == "illegal opcode fc 1f");
  CHECK(read_one({0xFD, 0xFF, 0x03}).error().message == "illegal opcode fd 1ff");
  CHECK(illegal.error().code == ErrorCode::kMalformed);

  auto zero = read_one({0x3F, 0x01});
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message == "zero byte expected");
  CHECK(zero.error().offset == 0x11);

  CHECK(read_one({0x41}).error().message == "unexpected end");
  CHECK(read_one({0xD0, 0x7F}).error().message == "malformed reference type");

  // Features gate whole opcode groups.
  Features no_simd;
  no_simd.simd = false;
  CHECK(read_one({0xFD, 0x0E}, no_simd).error().message == "SIMD support is not enabled");
  CHECK(read_one({0xFD, 0x0E}, no_simd).error().feature == "simd");
  CHECK(read_one({0x12, 0x00}).error().message == "tail calls support is not enabled");
  Features tail;
  tail.tail_call = true;
  CHECK(read_one({0x12, 0x00}, tail).ok());
  CHECK(read_one({0xFD, 0x80, 0x02}).error().message == "relaxed SIMD support is not enabled");
  Features no_bulk;
  no_bulk.bulk_memory = false;
  CHECK(read_one({0xFC, 0x0B, 0x00}, no_bulk).error().message == "bulk memory support is not enabled");
  CHECK(read_one({0xFC, 0x0B, 0x00}).ok());
  Features no_refs;
  no_refs.reference_types = false;
  CHECK(read_one({0xD0, 0x70}, no_refs).error().feature == "reference-types");
  CHECK(read_one({0x11, 0x00, 0x01}, no_refs).error().message == "reference types support is not enabled");
  CHECK(read_one({0x11, 0x00, 0x00}, no_refs).ok());  // call_indirect on table 0 is 1.0
  Features no_multi_value;
  no_multi_value.multi_value = false;
  CHECK(read_one({0x02, 0x00}, no_multi_value).error().feature == "multi-value");
  CHECK(read_one({0x02, 0x7f}, no_multi_value).ok());
}

TEST_CASE("multi-memory and memory64 change the memarg encoding") {
  Features multi;
  multi.multi_memory = true;
  auto load = read_one({0x28, 0x42, 0x03, 0x08}, multi);  // align 2 | 0x40, memory 3, offset 8
  REQUIRE(load.ok());
  CHECK(load->mem.memory == 3u);
  CHECK(load->mem.align_log2 == 2u);
  CHECK(load->mem.offset == 8u);
  CHECK(read_one({0x3F, 0x02}, multi)->index == 2u);

  Features mem64;
  mem64.memory64 = true;
  auto far = read_one({0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10}, mem64);
  REQUIRE(far.ok());
  CHECK(far->mem.offset == (uint64_t{1} << 32));
  CHECK(read_one({0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10}).error().message == "integer too large");
}

TEST_CASE("memop flags: an alignment below 64, a memory index at bit 6, nothing from 128 up") {
  // Any exponent below 64 decodes; beyond natural alignment is the validator's business.
  auto far_aligned = read_one({0x28, 0x3F, 0x00});
  REQUIRE(far_aligned.ok());
  CHECK(far_aligned->mem.align_log2 == 63u);
  // Bit 6 is a memory index, which needs multi-memory.
  auto indexed = read_one({0x28, 0x41, 0x00, 0x00});
  REQUIRE_FALSE(indexed.ok());
  CHECK(indexed.error().message == "malformed memop flags");
  CHECK(indexed.error().offset == 0x11);
  Features multi;
  multi.multi_memory = true;
  auto with_index = read_one({0x28, 0x41, 0x00, 0x00}, multi);
  REQUIRE(with_index.ok());
  CHECK(with_index->mem.align_log2 == 1u);
  CHECK(with_index->mem.memory == 0u);
  // 128 and above are malformed, also when the low byte looks harmless.
  for (const ByteVec& flags : {ByteVec{0x80, 0x01}, ByteVec{0x80, 0x02}, ByteVec{0xC1, 0x01}}) {
    ByteVec code = {0x28};
    code.insert(code.end(), flags.begin(), flags.end());
    code.push_back(0x00);
    CHECK(read_one(code, multi).error().message == "malformed memop flags");
  }
}
