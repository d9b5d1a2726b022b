// Strict JSON parser for wast2json output: RFC 8259 grammar, UTF-8 checked, bounded nesting.
#include "kiln/spectest/json.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <unordered_set>
#include <utility>

#include "kiln/base/failure.h"

namespace kiln::spectest {

const char* json_kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::kNull: return "null";
    case JsonKind::kBool: return "boolean";
    case JsonKind::kNumber: return "number";
    case JsonKind::kString: return "string";
    case JsonKind::kArray: return "array";
    case JsonKind::kObject: return "object";
  }
  return "?";
}

JsonValue JsonValue::boolean(bool value) {
  JsonValue v;
  v.kind_ = JsonKind::kBool;
  v.bool_ = value;
  return v;
}

JsonValue JsonValue::number(double value) {
  JsonValue v;
  v.kind_ = JsonKind::kNumber;
  v.number_ = value;
  return v;
}

JsonValue JsonValue::string(std::string value) {
  JsonValue v;
  v.kind_ = JsonKind::kString;
  v.string_ = std::move(value);
  return v;
}

JsonValue JsonValue::array(std::vector<JsonValue> items) {
  JsonValue v;
  v.kind_ = JsonKind::kArray;
  v.items_ = std::move(items);
  return v;
}

JsonValue JsonValue::object(std::vector<std::string> keys, std::vector<JsonValue> values) {
  JsonValue v;
  v.kind_ = JsonKind::kObject;
  v.keys_ = std::move(keys);
  v.items_ = std::move(values);
  return v;
}

const JsonValue* JsonValue::find(std::string_view key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  JsonValue parse_document() {
    skip_space();
    if (at_end()) error("empty input, expected a JSON value");
    JsonValue value = parse_value(0);
    skip_space();
    if (!at_end()) error("unexpected data after the JSON value");
    return value;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  uint8_t peek() const { return at_end() ? 0 : static_cast<uint8_t>(text_[pos_]); }

  [[noreturn]] void error(const std::string& what) const { error_at(pos_, what); }

  [[noreturn]] void error_at(size_t offset, const std::string& what) const {
    size_t line = 1;
    size_t column = 1;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      const auto c = static_cast<uint8_t>(text_[i]);
      if (c == '\n') {
        ++line;
        column = 1;
      } else if ((c & 0xC0) != 0x80) {  // count characters, not UTF-8 continuation bytes
        ++column;
      }
    }
    fail(ErrorCode::kMalformed, offset,
         "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + what);
  }

  static std::string describe(uint8_t c) {
    if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", c);
    return std::string("byte ") + buf;
  }

  void skip_space() {
    while (!at_end()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  void expect(char c, const char* context) {
    skip_space();
    if (at_end()) error(std::string("unexpected end of input, expected '") + c + "' " + context);
    if (text_[pos_] != c) error(std::string("expected '") + c + "' " + context + ", found " + describe(peek()));
    ++pos_;
  }

  JsonValue parse_value(size_t depth) {
    skip_space();
    if (at_end()) error("unexpected end of input, expected a value");
    switch (text_[pos_]) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': return JsonValue::string(parse_string());
      case 't': parse_literal("true"); return JsonValue::boolean(true);
      case 'f': parse_literal("false"); return JsonValue::boolean(false);
      case 'n': parse_literal("null"); return JsonValue::null();
      default:
        if (text_[pos_] == '-' || (text_[pos_] >= '0' && text_[pos_] <= '9')) return parse_number();
        error("expected a value, found " + describe(peek()));
    }
  }

  void check_depth(size_t depth) const {
    if (depth > kMaxJsonDepth) error("nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }

  JsonValue parse_object(size_t depth) {
    check_depth(depth);
    ++pos_;  // '{'
    std::vector<std::string> keys;
    std::vector<JsonValue> values;
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return JsonValue::object(std::move(keys), std::move(values));
    }
    // Small objects (every wast2json object) are checked for duplicates by
    // a linear scan; a set takes over so a huge object stays linear time.
    std::unordered_set<std::string> seen;
    constexpr size_t kLinearScanLimit = 16;
    while (true) {
      skip_space();
      if (peek() != '"') {
        if (at_end()) error("unexpected end of input in object, expected a key");
        error("expected a string key in object, found " + describe(peek()));
      }
      const size_t key_pos = pos_;
      std::string key = parse_string();
      const bool duplicate =
          seen.empty() ? std::find(keys.begin(), keys.end(), key) != keys.end() : seen.count(key) != 0;
      if (duplicate) error_at(key_pos, "duplicate key \"" + key + "\" in object");
      expect(':', "after an object key");
      values.push_back(parse_value(depth));
      keys.push_back(std::move(key));
      if (!seen.empty()) {
        seen.insert(keys.back());
      } else if (keys.size() == kLinearScanLimit) {
        seen.insert(keys.begin(), keys.end());
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return JsonValue::object(std::move(keys), std::move(values));
      }
      if (at_end()) error("unexpected end of input in object, expected ',' or '}'");
      error("expected ',' or '}' in object, found " + describe(peek()));
    }
  }

  JsonValue parse_array(size_t depth) {
    check_depth(depth);
    ++pos_;  // '['
    std::vector<JsonValue> items;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return JsonValue::array(std::move(items));
    }
    while (true) {
      items.push_back(parse_value(depth));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return JsonValue::array(std::move(items));
      }
      if (at_end()) error("unexpected end of input in array, expected ',' or ']'");
      error("expected ',' or ']' in array, found " + describe(peek()));
    }
  }

  void parse_literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) error("invalid literal, expected '" + std::string(word) + "'");
    pos_ += word.size();
  }

  bool eat_digits() {
    const size_t start = pos_;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  JsonValue parse_number() {
    const size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
      if (peek() >= '0' && peek() <= '9') error("leading zero in number");
    } else if (!eat_digits()) {
      error("expected a digit in number");
    }
    if (peek() == '.') {
      ++pos_;
      if (!eat_digits()) error("expected a digit after the decimal point");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!eat_digits()) error("expected a digit in the exponent");
    }
    double value = 0.0;
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec == std::errc::result_out_of_range) error_at(start, "number out of range");
    if (ec != std::errc() || ptr != last) error_at(start, "invalid number");
    return JsonValue::number(value);
  }

  uint32_t parse_hex4() {
    if (text_.size() - pos_ < 4) error("unexpected end of input in \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_];
      uint32_t digit;
      if (c >= '0' && c <= '9') {
        digit = static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        digit = static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        digit = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        error("expected four hex digits in \\u escape");
      }
      value = value * 16 + digit;
      ++pos_;
    }
    return value;
  }

  void parse_escape(std::string& out) {
    const size_t start = pos_;
    ++pos_;  // backslash
    if (at_end()) error("unexpected end of input in escape sequence");
    const char c = text_[pos_++];
    switch (c) {
      case '"': out.push_back('"'); return;
      case '\\': out.push_back('\\'); return;
      case '/': out.push_back('/'); return;
      case 'b': out.push_back('\b'); return;
      case 'f': out.push_back('\f'); return;
      case 'n': out.push_back('\n'); return;
      case 'r': out.push_back('\r'); return;
      case 't': out.push_back('\t'); return;
      case 'u': break;
      default: error_at(start, "invalid escape sequence '\\" + std::string(1, c) + "'");
    }
    uint32_t cp = parse_hex4();
    if (cp >= 0xDC00 && cp <= 0xDFFF) error_at(start, "unpaired low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (text_.substr(pos_, 2) != "\\u") error_at(start, "unpaired high surrogate in \\u escape");
      pos_ += 2;
      const uint32_t low = parse_hex4();
      if (low < 0xDC00 || low > 0xDFFF) error_at(start, "high surrogate not followed by a low surrogate");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
  }

  // Copies one UTF-8 sequence after checking it is the shortest form of a
  // scalar value (no overlongs, no surrogates, nothing above U+10FFFF).
  void copy_utf8_sequence(std::string& out) {
    const uint8_t lead = peek();
    size_t length;
    uint8_t low = 0x80;
    uint8_t high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      error("invalid UTF-8 in string");
    }
    if (text_.size() - pos_ < length) error("truncated UTF-8 sequence in string");
    for (size_t i = 1; i < length; ++i) {
      const auto c = static_cast<uint8_t>(text_[pos_ + i]);
      if (c < (i == 1 ? low : 0x80) || c > (i == 1 ? high : 0xBF)) error("invalid UTF-8 in string");
    }
    out.append(text_.substr(pos_, length));
    pos_ += length;
  }

  std::string parse_string() {
    const size_t start = pos_;
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      // Plain ASCII runs are copied in one piece: most strings have no escapes.
      const size_t run = pos_;
      while (!at_end()) {
        const auto c = static_cast<uint8_t>(text_[pos_]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++pos_;
      }
      out.append(text_.substr(run, pos_ - run));
      if (at_end()) error_at(start, "unterminated string");
      const uint8_t c = peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\') {
        parse_escape(out);
      } else if (c < 0x20) {
        error("control character " + describe(c) + " in string must be escaped");
      } else {
        copy_utf8_sequence(out);
      }
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<JsonValue> parse_json(std::string_view text) {
  return capture_failure([&] { return Parser(text).parse_document(); });
}

}  // namespace kiln::spectest
