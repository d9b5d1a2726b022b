// Tokens of the WebAssembly text format and .wast scripts: one pass over UTF-8 source with line:column positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/result.h"

namespace kiln::text {

enum class TokenKind : uint8_t {
  kLParen,
  kRParen,
  kKeyword,   // starts with a-z: "module", "i32.add", "offset=4", "nan:0x1"
  kId,        // "$name" or $"quoted"; value() is the name without '$'
  kNumber,    // starts with a digit or a sign; classified by the literal readers
  kString,    // value() is the decoded bytes
  kReserved,  // any other run of token characters: always a syntax error
  kEof,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  uint32_t line = 1;
  uint32_t column = 1;
  size_t offset = 0;           // byte offset in the source
  std::string_view text;       // the source text of the token
  std::string value;           // kString: decoded bytes; kId: the name

  bool is_keyword(std::string_view word) const { return kind == TokenKind::kKeyword && text == word; }
};

// Splits `source` into tokens, ending with one kEof. Comments, whitespace and
// annotations "(@id ...)" are dropped. Errors (illegal characters, malformed
// UTF-8, unclosed strings and comments) are ErrorCode::kMalformed with the
// byte offset and a message that starts with "LINE:COLUMN: ".
Result<std::vector<Token>> tokenize(std::string_view source);

// "LINE:COLUMN: what" for errors at a token or position.
std::string located(const Token& token, std::string_view what);
std::string located(uint32_t line, uint32_t column, std::string_view what);

// The reason without the "LINE:COLUMN: " prefix that located() adds.
std::string_view error_reason(std::string_view message);

}  // namespace kiln::text
