// Instruction immediates in the text format: indices, memargs, constants, lanes, and the GC/exception operands.
#include <bit>

#include "kiln/base/failure.h"
#include "kiln/text/numbers.h"
#include "wat_parser.h"

namespace kiln::text::detail {

namespace {

void write_bytes(ByteWriter& out, std::string_view bytes) {
  for (const char b : bytes) out.write_u8(static_cast<uint8_t>(b));
}

void write_le(ByteWriter& out, uint64_t bits, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i) out.write_u8(static_cast<uint8_t>(bits >> (8 * i)));
}

// A literal token of the kind `allowed` accepts; errors say what went wrong.
const Token& literal(Cursor& c, bool allow_float) {
  const Token& t = c.peek();
  const bool numeric = t.kind == TokenKind::kNumber || t.kind == TokenKind::kKeyword;
  const LiteralShape shape = numeric ? literal_shape(t.text) : LiteralShape::kNone;
  if (shape == LiteralShape::kNone || (shape == LiteralShape::kFloat && !allow_float)) c.unexpected();
  return c.next();
}

uint64_t int_literal(Cursor& c, unsigned bits, std::string_view range_error = "constant out of range") {
  const Token& t = literal(c, false);
  const auto value = parse_int_bits(t.text, bits);
  if (!value) Cursor::error(t, range_error);
  return *value;
}

uint64_t float_literal(Cursor& c, unsigned bits) {
  const Token& t = literal(c, true);
  std::optional<uint64_t> value;
  if (bits == 32) {
    if (const auto v = parse_f32_bits(t.text)) value = *v;
  } else {
    value = parse_f64_bits(t.text);
  }
  if (!value) Cursor::error(t, "constant out of range");
  return *value;
}

int64_t sign_extend(uint64_t bits, unsigned width) {
  if (width == 64) return static_cast<int64_t>(bits);
  const uint64_t sign = uint64_t{1} << (width - 1);
  return static_cast<int64_t>((bits ^ sign) - sign);
}

// WebAssembly 2.0's suite says "malformed lane index", 3.0's "i8 constant out of range".
constexpr std::string_view kBadLane = "malformed lane index: i8 constant out of range";

uint8_t lane_index(Cursor& c) {
  const Token& t = c.peek();
  if (t.kind != TokenKind::kNumber || literal_shape(t.text) != LiteralShape::kNat) c.unexpected();
  const auto value = parse_nat(t.text, 255);
  if (!value) Cursor::error(t, kBadLane);
  c.next();
  return static_cast<uint8_t>(*value);
}

// How many lane literals follow (numbers, malformed ones included, and inf
// or nan): lane lists are counted before their values are read.
size_t literal_count(const Cursor& c) {
  size_t n = 0;
  while (true) {
    const Token& t = c.peek(n);
    const bool lane = t.kind == TokenKind::kNumber || t.kind == TokenKind::kReserved ||
                      (t.kind == TokenKind::kKeyword && (t.text.starts_with("nan") || t.text.starts_with("inf")));
    if (!lane) return n;
    ++n;
  }
}

unsigned natural_log2(Imm imm) {
  switch (imm) {
    case Imm::kMemArg1:
    case Imm::kMemLane1: return 0;
    case Imm::kMemArg2:
    case Imm::kMemLane2: return 1;
    case Imm::kMemArg4:
    case Imm::kMemLane4: return 2;
    case Imm::kMemArg8:
    case Imm::kMemLane8: return 3;
    default: return 4;
  }
}

}  // namespace

void ModuleBuilder::write_op(const TextOp& op, ByteWriter& out) {
  if (op.prefix != 0) {
    out.write_u8(op.prefix);
    out.write_uleb(op.code);
  } else {
    out.write_u8(static_cast<uint8_t>(op.code));
  }
}

void ModuleBuilder::memarg(Cursor& c, const TextOp& op, unsigned natural, bool lane, ByteWriter& out) {
  uint32_t memory = 0;
  auto is_memarg_key = [&](size_t ahead) {
    const Token& t = c.peek(ahead);
    return t.kind == TokenKind::kKeyword && (t.text.starts_with("offset=") || t.text.starts_with("align="));
  };
  if (c.at(TokenKind::kId)) {
    memory = index(c, Space::kMemory);
  } else if (at_index(c) && (!lane || at_index_after(c) || is_memarg_key(1))) {
    memory = index(c, Space::kMemory);
  }
  uint64_t offset = 0;
  unsigned align = natural;
  if (c.at(TokenKind::kKeyword) && c.peek().text.starts_with("offset=")) {
    const Token& t = c.next();
    const auto value = parse_nat(t.text.substr(7), ~uint64_t{0});
    if (!value) Cursor::error(t, "unknown operator " + std::string(t.text));
    const bool is64 = memory < memory64_.size() && memory64_[memory];
    if (!is64 && !wide_limits_ && *value > 0xFFFFFFFFu) Cursor::error(t, "i32 constant out of range");
    offset = *value;
  }
  if (c.at(TokenKind::kKeyword) && c.peek().text.starts_with("align=")) {
    const Token& t = c.next();
    const auto value = parse_nat(t.text.substr(6), ~uint64_t{0});
    if (!value) Cursor::error(t, "unknown operator " + std::string(t.text));
    if (*value == 0 || !std::has_single_bit(*value)) Cursor::error(t, "alignment must be a power of two");
    align = static_cast<unsigned>(std::countr_zero(*value));
  }
  write_op(op, out);
  out.write_uleb(align | (memory != 0 ? 0x40u : 0u));
  if (memory != 0) out.write_uleb(memory);
  out.write_uleb(offset);
}

bool ModuleBuilder::at_index_after(const Cursor& c) const {
  const Token& t = c.peek(1);
  return t.kind == TokenKind::kNumber && literal_shape(t.text) == LiteralShape::kNat;
}

void ModuleBuilder::v128_const(Cursor& c, ByteWriter& out) {
  struct Shape {
    std::string_view name;
    unsigned lanes;
    unsigned bits;
    bool is_float;
  };
  constexpr Shape kShapes[] = {{"i8x16", 16, 8, false}, {"i16x8", 8, 16, false}, {"i32x4", 4, 32, false},
                               {"i64x2", 2, 64, false}, {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true}};
  const Token& shape_token = c.peek();
  const Shape* shape = nullptr;
  for (const Shape& s : kShapes) {
    if (shape_token.is_keyword(s.name)) shape = &s;
  }
  if (!shape) c.unexpected();
  c.next();
  if (literal_count(c) != shape->lanes) Cursor::error(c.peek(), "wrong number of lane literals");
  for (unsigned i = 0; i < shape->lanes; ++i) {
    const uint64_t bits = shape->is_float ? float_literal(c, shape->bits) : int_literal(c, shape->bits);
    write_le(out, bits, shape->bits / 8);
  }
}

void ModuleBuilder::immediates(Cursor& c, FuncContext& f, const Token& name, std::span<const TextOp> ops,
                                    ByteWriter& out) {
  const TextOp& op = ops[0];
  auto optional_index = [&](Space space) { return at_index(c) ? index(c, space) : 0u; };
  switch (op.imm) {
    case Imm::kNone:
      if (ops.size() > 1 && c.at_open("result")) {  // select with types
        std::vector<std::string> types;
        while (c.at_open("result")) {
          c.next();
          c.next();
          while (!c.at_close()) types.push_back(val_type(c));
          c.close();
        }
        write_op(ops[1], out);
        out.write_uleb(types.size());
        for (const std::string& t : types) write_bytes(out, t);
        return;
      }
      write_op(op, out);
      return;
    case Imm::kBlockType: Cursor::unexpected(name);
    case Imm::kLabel:
      write_op(op, out);
      out.write_uleb(label(c, f));
      return;
    case Imm::kLabelTable: {
      std::vector<uint32_t> labels;
      while (at_index(c)) labels.push_back(label(c, f));
      if (labels.empty()) c.unexpected();
      write_op(op, out);
      out.write_uleb(labels.size() - 1);
      for (const uint32_t l : labels) out.write_uleb(l);
      return;
    }
    case Imm::kFunc:
      write_op(op, out);
      out.write_uleb(index(c, Space::kFunc));
      return;
    case Imm::kCallIndirect: {
      const uint32_t table = optional_index(Space::kTable);
      const uint32_t type = type_use(c);
      write_op(op, out);
      out.write_uleb(type);
      out.write_uleb(table);
      return;
    }
    case Imm::kSelectT: write_op(op, out); return;
    case Imm::kLocal: {
      const Token& t = c.peek();
      uint32_t local = 0;
      if (t.kind == TokenKind::kId) {
        const auto it = f.locals.find(t.value);
        if (it == f.locals.end()) Cursor::error(t, "unknown local $" + t.value);
        local = it->second;
        c.next();
      } else {
        local = c.u32();
      }
      write_op(op, out);
      out.write_uleb(local);
      return;
    }
    case Imm::kGlobal:
      write_op(op, out);
      out.write_uleb(index(c, Space::kGlobal));
      return;
    case Imm::kTable:
    case Imm::kMemory: {
      const uint32_t i = optional_index(op.imm == Imm::kTable ? Space::kTable : Space::kMemory);
      write_op(op, out);
      out.write_uleb(i);
      return;
    }
    case Imm::kMemoryMemory:
    case Imm::kTableTable: {
      const Space space = op.imm == Imm::kTableTable ? Space::kTable : Space::kMemory;
      uint32_t a = 0, b = 0;
      if (at_index(c)) {
        a = index(c, space);
        b = index(c, space);
      }
      write_op(op, out);
      out.write_uleb(a);
      out.write_uleb(b);
      return;
    }
    case Imm::kData:
    case Imm::kElem: {
      if (op.imm == Imm::kData) uses_data_count_ = true;
      const uint32_t i = index(c, op.imm == Imm::kData ? Space::kData : Space::kElem);
      write_op(op, out);
      out.write_uleb(i);
      return;
    }
    case Imm::kDataMemory:
    case Imm::kElemTable: {
      const bool is_data = op.imm == Imm::kDataMemory;
      if (is_data) uses_data_count_ = true;
      const Space target = is_data ? Space::kMemory : Space::kTable;
      const Space segment = is_data ? Space::kData : Space::kElem;
      uint32_t where = 0, which = 0;
      if (at_index(c) && (at_index_after(c) || c.at(TokenKind::kId, 1))) {
        where = index(c, target);
        which = index(c, segment);
      } else {
        which = index(c, segment);
      }
      write_op(op, out);
      out.write_uleb(which);
      out.write_uleb(where);
      return;
    }
    case Imm::kI32:
    case Imm::kI64: {
      const unsigned bits = op.imm == Imm::kI32 ? 32 : 64;
      const uint64_t value = int_literal(c, bits);
      write_op(op, out);
      out.write_sleb(sign_extend(value, bits));
      return;
    }
    case Imm::kF32:
    case Imm::kF64: {
      const unsigned bits = op.imm == Imm::kF32 ? 32 : 64;
      const uint64_t value = float_literal(c, bits);
      write_op(op, out);
      write_le(out, value, bits / 8);
      return;
    }
    case Imm::kV128:
      write_op(op, out);
      v128_const(c, out);
      return;
    case Imm::kShuffle:
      if (literal_count(c) != 16) Cursor::error(c.peek(), "invalid lane length");
      write_op(op, out);
      for (int i = 0; i < 16; ++i) {
        if (literal_shape(c.peek().text) != LiteralShape::kNat) Cursor::error(c.peek(), kBadLane);
        out.write_u8(lane_index(c));
      }
      return;
    case Imm::kRefType:
      write_op(op, out);
      write_bytes(out, heap_type(c));
      return;
    case Imm::kMemArg1:
    case Imm::kMemArg2:
    case Imm::kMemArg4:
    case Imm::kMemArg8:
    case Imm::kMemArg16: memarg(c, op, natural_log2(op.imm), false, out); return;
    case Imm::kMemLane1:
    case Imm::kMemLane2:
    case Imm::kMemLane4:
    case Imm::kMemLane8:
      memarg(c, op, natural_log2(op.imm), true, out);
      out.write_u8(lane_index(c));
      return;
    case Imm::kLane2:
    case Imm::kLane4:
    case Imm::kLane8:
    case Imm::kLane16: {
      const uint8_t lane = lane_index(c);
      write_op(op, out);
      out.write_u8(lane);
      return;
    }
    case Imm::kTag:
      write_op(op, out);
      out.write_uleb(index(c, Space::kTag));
      return;
    case Imm::kType:
      write_op(op, out);
      out.write_uleb(index(c, Space::kType));
      return;
    case Imm::kTryTable: Cursor::unexpected(name);  // a block: the instruction readers take it
    case Imm::kTypeField:
    case Imm::kTypeType:
    case Imm::kTypeU32:
    case Imm::kTypeData:
    case Imm::kTypeElem:
    case Imm::kCastRef:
    case Imm::kCastRefNull:
    case Imm::kBrOnCast: gc_immediates(c, f, ops, out); return;
  }
  Cursor::unexpected(name);
}

}  // namespace kiln::text::detail
