// Spec values written in .wast: numbers through the text reader's literal rules, NaN classes and reference forms.
#include "wast_values.h"

#include <string>

#include "kiln/base/failure.h"
#include "kiln/text/numbers.h"

namespace kiln::spectest {

namespace {

using text::Token;
using text::TokenKind;

struct Reader {
  std::span<const Token> tokens;
  size_t& pos;
  bool expected;

  const Token& peek() const { return pos < tokens.size() ? tokens[pos] : tokens.back(); }
  const Token& next() { return pos + 1 < tokens.size() ? tokens[pos++] : tokens.back(); }

  [[noreturn]] static void bad(const Token& at, std::string_view what) {
    fail(ErrorCode::kMalformed, at.offset, text::located(at, what));
  }

  bool at_number() const {
    const Token& t = peek();
    return (t.kind == TokenKind::kNumber || t.kind == TokenKind::kKeyword) &&
           text::literal_shape(t.text) != text::LiteralShape::kNone;
  }

  // One number (or NaN class) of `bits` width.
  uint64_t number(bool is_float, unsigned bits, NanClass& nan) {
    const Token& t = peek();
    if (is_float && (t.is_keyword("nan:canonical") || t.is_keyword("nan:arithmetic"))) {
      if (!expected) bad(t, "a NaN class is only allowed in an expected result");
      nan = t.is_keyword("nan:canonical") ? NanClass::kCanonical : NanClass::kArithmetic;
      next();
      return 0;
    }
    if (!at_number()) bad(t, "expected a number, not " + std::string(t.text));
    next();
    std::optional<uint64_t> value;
    if (!is_float) {
      value = text::parse_int_bits(t.text, bits);
    } else if (bits == 32) {
      if (const auto v = text::parse_f32_bits(t.text)) value = *v;
    } else {
      value = text::parse_f64_bits(t.text);
    }
    if (!value) bad(t, "constant out of range: " + std::string(t.text));
    return *value;
  }

  void v128(SpecValue& out) {
    struct Shape {
      std::string_view name;
      LaneType lane;
      bool is_float;
    };
    constexpr Shape kShapes[] = {{"i8x16", LaneType::kI8, false},  {"i16x8", LaneType::kI16, false},
                                 {"i32x4", LaneType::kI32, false}, {"i64x2", LaneType::kI64, false},
                                 {"f32x4", LaneType::kF32, true},  {"f64x2", LaneType::kF64, true}};
    const Token& t = next();
    for (const Shape& s : kShapes) {
      if (!t.is_keyword(s.name)) continue;
      out.lane_type = s.lane;
      for (size_t i = 0; i < lane_count(s.lane); ++i) {
        NanClass nan = NanClass::kNone;
        out.set_lane(i, number(s.is_float, static_cast<unsigned>(lane_bytes(s.lane) * 8), nan));
        if (s.is_float) out.nan[i] = nan;
      }
      return;
    }
    bad(t, "unknown v128 shape " + std::string(t.text));
  }

  void null(SpecValue& out) {
    const Token& t = peek();
    out.is_null = true;
    if (t.kind == TokenKind::kRParen) {
      if (!expected) bad(t, "a null argument needs its heap type");
      out.ref_kind = RefKind::kNull;
      return;
    }
    next();
    if (t.is_keyword("func") || t.is_keyword("nofunc")) {
      out.type = ValType::kFuncRef;
    } else if (t.is_keyword("extern") || t.is_keyword("noextern")) {
      out.type = ValType::kExternRef;
    } else {
      out.ref_kind = RefKind::kNull;  // a null of a GC, exception or indexed heap type
    }
  }

  SpecValue value() {
    const Token& open = peek();
    if (open.kind != TokenKind::kLParen) bad(open, "expected a value");
    next();
    const Token& op = next();
    SpecValue out;
    NanClass nan = NanClass::kNone;
    if (op.is_keyword("i32.const") || op.is_keyword("f32.const")) {
      out.type = op.text[0] == 'i' ? ValType::kI32 : ValType::kF32;
      out.set_bits(number(op.text[0] == 'f', 32, nan));
      out.nan[0] = nan;
    } else if (op.is_keyword("i64.const") || op.is_keyword("f64.const")) {
      out.type = op.text[0] == 'i' ? ValType::kI64 : ValType::kF64;
      out.set_bits(number(op.text[0] == 'f', 64, nan));
      out.nan[0] = nan;
    } else if (op.is_keyword("v128.const")) {
      out.type = ValType::kV128;
      v128(out);
    } else if (op.is_keyword("ref.null")) {
      null(out);
    } else if (op.is_keyword("ref.extern") || op.is_keyword("ref.func")) {
      out.type = op.is_keyword("ref.func") ? ValType::kFuncRef : ValType::kExternRef;
      if (peek().kind == TokenKind::kRParen || op.is_keyword("ref.func")) {
        if (!expected) bad(op, "an argument needs a value");
        while (peek().kind != TokenKind::kRParen && peek().kind != TokenKind::kEof) next();
        out.has_value = false;
        out.non_null = true;
      } else {
        out.set_bits(number(false, 64, nan));
      }
    } else if (const RefKind kind = gc_kind(op); kind != RefKind::kNone) {
      out.ref_kind = kind;
      if (peek().kind != TokenKind::kRParen) {
        out.set_bits(number(false, 64, nan));
      } else {
        out.has_value = false;
      }
    } else {
      bad(op, "unknown value " + std::string(op.text));
    }
    if (peek().kind != TokenKind::kRParen) bad(peek(), "unexpected token " + std::string(peek().text));
    next();
    return out;
  }

  static RefKind gc_kind(const Token& t) {
    if (t.is_keyword("ref.host")) return RefKind::kHost;
    if (t.is_keyword("ref.i31")) return RefKind::kI31;
    if (t.is_keyword("ref.struct")) return RefKind::kStruct;
    if (t.is_keyword("ref.array")) return RefKind::kArray;
    if (t.is_keyword("ref.eq")) return RefKind::kEq;
    if (t.is_keyword("ref.any")) return RefKind::kAny;
    if (t.is_keyword("ref.exn")) return RefKind::kExn;
    return RefKind::kNone;
  }
};

}  // namespace

SpecValue read_value(std::span<const Token> tokens, size_t& pos, bool expected) {
  Reader reader{tokens, pos, expected};
  return reader.value();
}

}  // namespace kiln::spectest
