// A small strict JSON reader for wast2json scripts: a value tree and a parser with line/column errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/result.h"

namespace kiln::spectest {

enum class JsonKind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

const char* json_kind_name(JsonKind kind);

// Arrays and objects nest at most this deep. The parser recurses once per
// level, so the limit is what keeps hostile input off the native stack.
inline constexpr size_t kMaxJsonDepth = 256;

class JsonValue {
 public:
  JsonValue() = default;
  static JsonValue null() { return JsonValue(); }
  static JsonValue boolean(bool value);
  static JsonValue number(double value);
  static JsonValue string(std::string value);
  static JsonValue array(std::vector<JsonValue> items);
  // Keys and values pair up by position; the parser refuses duplicate keys.
  static JsonValue object(std::vector<std::string> keys, std::vector<JsonValue> values);

  JsonKind kind() const { return kind_; }
  bool is_null() const { return kind_ == JsonKind::kNull; }
  bool is_bool() const { return kind_ == JsonKind::kBool; }
  bool is_number() const { return kind_ == JsonKind::kNumber; }
  bool is_string() const { return kind_ == JsonKind::kString; }
  bool is_array() const { return kind_ == JsonKind::kArray; }
  bool is_object() const { return kind_ == JsonKind::kObject; }

  // The accessors for the wrong kind return a neutral value (false, 0, "",
  // no items), so a caller that checked the kind never needs to handle them.
  bool as_bool() const { return kind_ == JsonKind::kBool && bool_; }
  double as_number() const { return kind_ == JsonKind::kNumber ? number_ : 0.0; }
  const std::string& as_string() const { return string_; }

  // Elements of an array, or the values of an object in input order.
  const std::vector<JsonValue>& items() const { return items_; }
  // Keys of an object, in input order (empty for other kinds).
  const std::vector<std::string>& keys() const { return keys_; }
  size_t size() const { return items_.size(); }

  // The member named `key` of an object, or nullptr.
  const JsonValue* find(std::string_view key) const;

 private:
  JsonKind kind_ = JsonKind::kNull;
  bool bool_ = false;
  double number_ = 0.0;
  std::string string_;
  std::vector<std::string> keys_;
  std::vector<JsonValue> items_;
};

// Parses one JSON text (RFC 8259, UTF-8, no extensions). Errors are
// ErrorCode::kMalformed with the byte offset, and the message starts with
// "line L, column C: ".
Result<JsonValue> parse_json(std::string_view text);

}  // namespace kiln::spectest
