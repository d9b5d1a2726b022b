// The text-format lexer: tokens, strings with escapes, nested block comments, annotations skipped as balanced groups.
#include "kiln/text/lexer.h"

#include <utility>

#include "kiln/base/byte_reader.h"
#include "kiln/base/failure.h"

namespace kiln::text {

std::string located(uint32_t line, uint32_t column, std::string_view what) {
  std::string out = std::to_string(line) + ":" + std::to_string(column) + ": ";
  out += what;
  return out;
}

std::string located(const Token& token, std::string_view what) { return located(token.line, token.column, what); }

std::string_view error_reason(std::string_view message) {
  // "LINE:COLUMN: " is digits, a colon, digits, a colon and a space.
  size_t i = 0;
  for (int part = 0; part < 2; ++part) {
    const size_t start = i;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
    if (i == start || i >= message.size() || message[i] != ':') return message;
    ++i;
  }
  if (i < message.size() && message[i] == ' ') ++i;
  return message.substr(i);
}

namespace {

bool is_id_char(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  constexpr std::string_view kSymbols = "!#$%&'*+-./:<=>?@\\^_`|~";
  return kSymbols.find(c) != std::string_view::npos;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    tokens.reserve(src_.size() / 4 + 1);
    while (true) {
      skip_space();
      Token token = start_token();
      if (pos_ >= src_.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      const char c = src_[pos_];
      if (c == '(' && peek(1) == '@') {
        skip_annotation();
        continue;
      }
      if (c == '(' || c == ')') {
        token.kind = c == '(' ? TokenKind::kLParen : TokenKind::kRParen;
        token.text = src_.substr(pos_, 1);
        ++pos_;
        tokens.push_back(std::move(token));
        continue;
      }
      read_atom(token);
      tokens.push_back(std::move(token));
    }
  }

 private:
  char peek(size_t ahead) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }

  Token start_token() const {
    Token token;
    token.line = line_;
    token.column = static_cast<uint32_t>(pos_ - line_start_ + 1);
    token.offset = pos_;
    return token;
  }

  [[noreturn]] void error_here(std::string_view what) const {
    fail(ErrorCode::kMalformed, pos_, located(line_, static_cast<uint32_t>(pos_ - line_start_ + 1), what));
  }

  void newline() {
    ++line_;
    line_start_ = pos_ + 1;
  }

  // A character outside strings that is not part of any token.
  [[noreturn]] void bad_character() const {
    const auto b = static_cast<uint8_t>(src_[pos_]);
    if (b >= 0x80 && utf8_sequence_length(src_, pos_) == 0) error_here("malformed UTF-8 encoding");
    error_here("illegal character");
  }

  // Comment text may hold any Unicode character, but it must be UTF-8.
  void skip_comment_char() {
    const char c = src_[pos_];
    if (c == '\n') newline();
    if (static_cast<uint8_t>(c) >= 0x80) {
      const size_t len = utf8_sequence_length(src_, pos_);
      if (len == 0) error_here("malformed UTF-8 encoding");
      pos_ += len;
      return;
    }
    ++pos_;
  }

  void skip_space() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (is_space(c)) {
        if (c == '\n') newline();
        ++pos_;
      } else if (c == ';' && peek(1) == ';') {
        // A line comment ends at a line feed or a carriage return.
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') skip_comment_char();
      } else if (c == '(' && peek(1) == ';') {
        skip_block_comment();
      } else {
        return;
      }
    }
  }

  void skip_block_comment() {
    const uint32_t line = line_;
    const auto column = static_cast<uint32_t>(pos_ - line_start_ + 1);
    size_t depth = 0;
    while (pos_ < src_.size()) {
      if (src_[pos_] == '(' && peek(1) == ';') {
        ++depth;
        pos_ += 2;
      } else if (src_[pos_] == ';' && peek(1) == ')') {
        pos_ += 2;
        if (--depth == 0) return;
      } else {
        skip_comment_char();
      }
    }
    fail(ErrorCode::kMalformed, pos_, located(line, column, "unclosed comment"));
  }

  // "(@id ...)": the contents must lex, but the parser never sees them.
  void skip_annotation() {
    const Token open = start_token();
    pos_ += 2;
    if (pos_ < src_.size() && src_[pos_] == '"') {
      Token id = start_token();
      const std::string name = read_string_or(id, "empty annotation id");
      if (name.empty()) error_here("empty annotation id");
      if (!is_valid_utf8(name)) fail(ErrorCode::kMalformed, id.offset, located(id, "malformed UTF-8 encoding"));
    } else {
      const size_t start = pos_;
      while (pos_ < src_.size() && is_id_char(src_[pos_])) ++pos_;
      if (pos_ == start) error_here("empty annotation id");
    }
    size_t depth = 1;
    while (true) {
      skip_space();
      if (pos_ >= src_.size()) fail(ErrorCode::kMalformed, pos_, located(open, "unclosed annotation"));
      const char c = src_[pos_];
      if (c == '(') {
        ++depth;
        ++pos_;
      } else if (c == ')') {
        ++pos_;
        if (--depth == 0) return;
      } else {
        Token ignored = start_token();
        read_atom(ignored);
      }
    }
  }

  // A string that must be well formed to make the token it belongs to: when
  // it is not, the token is what is missing ("$" without a name).
  std::string read_string_or(const Token& at, std::string_view what) {
    try {
      return read_string();
    } catch (const Failure&) {
      fail(ErrorCode::kMalformed, at.offset, located(at, what));
    }
  }

  // The body of a string after its opening quote, decoded; ends after the closing quote.
  std::string read_string() {
    const Token open = start_token();
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= src_.size() || src_[pos_] == '\n') fail(ErrorCode::kMalformed, pos_, located(open, "unclosed string"));
      const char c = src_[pos_];
      const auto b = static_cast<uint8_t>(c);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (b < 0x20 || b == 0x7F) error_here("illegal character");
      if (b >= 0x80) {
        const size_t len = utf8_sequence_length(src_, pos_);
        if (len == 0) error_here("malformed UTF-8 encoding");
        out.append(src_.substr(pos_, len));
        pos_ += len;
        continue;
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      read_escape(out);
    }
  }

  void read_escape(std::string& out) {
    const char e = peek(1);
    switch (e) {
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\'': out += '\''; break;
      case '\\': out += '\\'; break;
      case 'u': {
        if (peek(2) != '{') error_here("illegal escape");
        pos_ += 3;
        uint32_t cp = 0;
        size_t digits = 0;
        while (pos_ < src_.size() && src_[pos_] != '}') {
          const int h = hex_value(src_[pos_]);
          if (h < 0 && !(src_[pos_] == '_' && digits > 0)) error_here("illegal escape");
          if (h >= 0) {
            cp = cp * 16 + static_cast<uint32_t>(h);
            ++digits;
            if (cp > 0x10FFFF) error_here("illegal escape");
          }
          ++pos_;
        }
        if (pos_ >= src_.size() || digits == 0 || (cp >= 0xD800 && cp < 0xE000)) error_here("illegal escape");
        append_utf8(out, cp);
        ++pos_;
        return;
      }
      default: {
        const int hi = hex_value(e);
        const int lo = hex_value(peek(2));
        if (hi < 0 || lo < 0) error_here("illegal escape");
        out += static_cast<char>(hi * 16 + lo);
        pos_ += 3;
        return;
      }
    }
    pos_ += 2;
  }

  // One token made of identifier characters and strings, up to a space, a
  // parenthesis or a comment; which kind it is follows from its shape.
  void read_atom(Token& token) {
    const size_t start = pos_;
    size_t strings = 0;
    size_t plain_chars = 0;
    bool only_id_chars = true;
    std::string decoded;
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == '"') {
        decoded = pos_ == start + 1 && src_[start] == '$' ? read_string_or(token, "empty identifier") : read_string();
        ++strings;
        only_id_chars = false;
      } else if (is_id_char(c)) {
        ++pos_;
        ++plain_chars;
      } else if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || (c == ';' && peek(1) != ';')) {
        only_id_chars = false;
        ++pos_;
      } else if (is_space(c) || c == '(' || c == ')' || c == ';') {
        break;
      } else {
        bad_character();
      }
    }
    token.text = src_.substr(start, pos_ - start);
    const std::string_view text = token.text;
    if (strings == 1 && plain_chars == 0 && text.front() == '"') {
      token.kind = TokenKind::kString;
      token.value = std::move(decoded);
      return;
    }
    const char first = text.front();
    if (first == '$') {
      classify_id(token, text, strings == 1 && plain_chars == 1 && text[1] == '"', strings, decoded);
      return;
    }
    if (!only_id_chars) {
      token.kind = TokenKind::kReserved;
    } else if (first >= 'a' && first <= 'z') {
      token.kind = TokenKind::kKeyword;
    } else if ((first >= '0' && first <= '9') || first == '+' || first == '-') {
      token.kind = TokenKind::kNumber;
    } else {
      token.kind = TokenKind::kReserved;
    }
  }

  void classify_id(Token& token, std::string_view text, bool quoted, size_t strings, std::string& decoded) const {
    const std::string_view rest = text.substr(1);
    token.kind = TokenKind::kId;
    if (strings == 0) {
      bool plain = !rest.empty();
      for (const char c : rest) plain = plain && is_id_char(c);
      if (rest.empty()) fail(ErrorCode::kMalformed, token.offset, located(token, "empty identifier"));
      if (!plain) token.kind = TokenKind::kReserved;
      token.value = std::string(rest);
      return;
    }
    if (quoted) {
      if (decoded.empty()) fail(ErrorCode::kMalformed, token.offset, located(token, "empty identifier"));
      if (!is_valid_utf8(decoded)) fail(ErrorCode::kMalformed, token.offset, located(token, "malformed UTF-8 encoding"));
      token.value = std::move(decoded);
      return;
    }
    token.kind = TokenKind::kReserved;
  }

  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view source) {
  return capture_failure([&] { return Lexer(source).run(); });
}

}  // namespace kiln::text
