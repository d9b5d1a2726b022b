// The token cursor: expectations with "unexpected token" / "unknown operator" errors at line:column.
#include "wat_parser.h"

#include "kiln/base/failure.h"
#include "kiln/text/numbers.h"

namespace kiln::text::detail {

const Token& Cursor::peek(size_t ahead) const {
  const size_t i = pos_ + ahead;
  if (i < end_ && i < tokens_.size()) return tokens_[i];
  // The end of a module range reads as its closing ")" (which is at end_), and
  // anything beyond as the end of input.
  if (end_ < tokens_.size() && i == end_) return tokens_[end_];
  return tokens_.back();
}

const Token& Cursor::next() {
  const Token& t = peek();
  if (pos_ <= end_ && pos_ < tokens_.size()) ++pos_;
  return t;
}

void Cursor::error(const Token& at, std::string_view what) {
  fail(ErrorCode::kMalformed, at.offset, located(at, what));
}

void Cursor::unexpected(const Token& at) {
  switch (at.kind) {
    case TokenKind::kReserved: error(at, "unknown operator " + std::string(at.text));
    case TokenKind::kNumber:
      if (literal_shape(at.text) == LiteralShape::kNone) error(at, "unknown operator " + std::string(at.text));
      break;
    case TokenKind::kKeyword:
      if (!is_known_keyword(at.text)) error(at, "unknown operator " + std::string(at.text));
      break;
    case TokenKind::kEof: error(at, "unexpected end of input");
    default: break;
  }
  error(at, "unexpected token " + std::string(at.text));
}

void Cursor::unexpected() const { unexpected(peek()); }

void Cursor::expect_open() {
  if (!at(TokenKind::kLParen)) unexpected();
  next();
}

void Cursor::open(std::string_view word) {
  expect_open();
  keyword(word);
}

void Cursor::close() {
  if (!at(TokenKind::kRParen)) unexpected();
  next();
}

void Cursor::keyword(std::string_view word) {
  if (!at_keyword(word)) unexpected();
  next();
}

std::string Cursor::string() {
  if (!at(TokenKind::kString)) unexpected();
  return next().value;
}

std::optional<std::string> Cursor::maybe_id() {
  if (!at(TokenKind::kId)) return std::nullopt;
  return next().value;
}

uint32_t Cursor::u32() {
  const Token& t = peek();
  if (t.kind != TokenKind::kNumber || literal_shape(t.text) != LiteralShape::kNat) unexpected();
  const auto value = parse_nat(t.text, 0xFFFFFFFFu);
  if (!value) error(t, "constant out of range");
  next();
  return static_cast<uint32_t>(*value);
}

uint64_t Cursor::u64() {
  const Token& t = peek();
  if (t.kind != TokenKind::kNumber || literal_shape(t.text) != LiteralShape::kNat) unexpected();
  const auto value = parse_nat(t.text, ~uint64_t{0});
  if (!value) error(t, "constant out of range");
  next();
  return *value;
}

size_t Cursor::group_end(size_t pos) const {
  size_t depth = 0;
  for (size_t i = pos; i < tokens_.size(); ++i) {
    const TokenKind kind = tokens_[i].kind;
    if (kind == TokenKind::kLParen) ++depth;
    if (kind == TokenKind::kRParen && --depth == 0) return i;
    if (kind == TokenKind::kEof) break;
  }
  error(tokens_[pos], "unclosed parenthesis");
}

void Cursor::skip_group() { pos_ = group_end(pos_) + 1; }

void write_string(ByteWriter& out, std::string_view s) { out.write_name(s); }

}  // namespace kiln::text::detail
