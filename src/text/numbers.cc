// Numeric literal shapes and conversions: '_' separators, hex integers, decimal and hex floats, NaN payloads.
#include "kiln/text/numbers.h"

#include <bit>
#include <charconv>
#include <limits>
#include <string>
#include <system_error>

namespace kiln::text {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Length of digits with single '_' between digits at the start of `s`; 0 when none.
size_t digits_at(std::string_view s, bool hex) {
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (hex ? is_hex(c) : is_digit(c)) {
      ++i;
    } else if (c == '_' && i > 0 && i + 1 < s.size() && (hex ? is_hex(s[i + 1]) : is_digit(s[i + 1]))) {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

bool has_sign(std::string_view s) { return !s.empty() && (s[0] == '+' || s[0] == '-'); }

// num or 0x hexnum, exactly.
bool is_nat(std::string_view s) {
  if (s.starts_with("0x")) {
    const size_t n = digits_at(s.substr(2), true);
    return n > 0 && n == s.size() - 2;
  }
  const size_t n = digits_at(s, false);
  return n > 0 && n == s.size();
}

bool is_float_body(std::string_view s) {
  if (s == "inf" || s == "nan") return true;
  if (s.starts_with("nan:0x")) {
    const size_t n = digits_at(s.substr(6), true);
    return n > 0 && n == s.size() - 6;
  }
  const bool hex = s.starts_with("0x");
  if (hex) s.remove_prefix(2);
  size_t i = digits_at(s, hex);
  if (i == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    i += digits_at(s.substr(i), hex);
  }
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const size_t n = digits_at(s.substr(i), false);
    if (n == 0) return false;
    i += n;
  }
  return i == s.size();
}

std::string without_underscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c != '_') out += c;
  }
  return out;
}

std::optional<uint64_t> nat_value(std::string_view s) {
  const bool hex = s.starts_with("0x");
  if (hex) s.remove_prefix(2);
  uint64_t value = 0;
  const uint64_t base = hex ? 16 : 10;
  for (const char c : s) {
    if (c == '_') continue;
    const uint64_t digit = is_digit(c) ? uint64_t(c - '0') : uint64_t((c | 0x20) - 'a' + 10);
    if (value > (~uint64_t{0} - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  return value;
}

// Whether a literal whose conversion reported a range error is tiny (rounds
// to zero, which is allowed) rather than huge (rounds to infinity): the
// position of its leading digit plus its exponent says which.
bool is_tiny(std::string_view digits, bool hex) {
  long magnitude = 0;
  bool seen_point = false;
  bool seen_nonzero = false;
  size_t i = 0;
  for (; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c == '.') {
      seen_point = true;
      continue;
    }
    if (hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E')) break;
    if (c != '0') seen_nonzero = true;
    if (!seen_point && seen_nonzero) ++magnitude;
    if (seen_point && !seen_nonzero) --magnitude;
  }
  long exponent = 0;
  if (i < digits.size()) {
    const std::string_view e = digits.substr(i + 1);
    const bool negative = !e.empty() && e[0] == '-';
    for (const char c : e) {
      if (is_digit(c) && exponent < 100000000) exponent = exponent * 10 + (c - '0');
    }
    if (negative) exponent = -exponent;
  }
  const long total = hex ? magnitude * 4 + exponent : magnitude + exponent;
  return total <= 0;
}

template <typename Float, typename Bits>
std::optional<Bits> parse_float(std::string_view text) {
  constexpr int kMantissa = std::numeric_limits<Float>::digits - 1;
  constexpr Bits kExpMask = static_cast<Bits>(((Bits{1} << (sizeof(Bits) * 8 - 1 - kMantissa)) - 1) << kMantissa);
  constexpr Bits kSign = Bits{1} << (sizeof(Bits) * 8 - 1);
  if (literal_shape(text) == LiteralShape::kNone) return std::nullopt;
  const bool negative = !text.empty() && text[0] == '-';
  if (has_sign(text)) text.remove_prefix(1);
  const Bits sign = negative ? kSign : 0;
  if (text == "inf") return sign | kExpMask;
  if (text == "nan") return sign | kExpMask | (Bits{1} << (kMantissa - 1));
  if (text.starts_with("nan:0x")) {
    const auto payload = nat_value(text.substr(4));
    if (!payload || *payload == 0 || *payload >= (uint64_t{1} << kMantissa)) return std::nullopt;
    return static_cast<Bits>(sign | kExpMask | static_cast<Bits>(*payload));
  }
  const bool hex = text.starts_with("0x");
  const std::string digits = without_underscores(hex ? text.substr(2) : text);
  Float value{};
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value,
                                      hex ? std::chars_format::hex : std::chars_format::general);
  if (result.ptr != digits.data() + digits.size()) return std::nullopt;
  if (result.ec == std::errc::result_out_of_range) {
    if (!is_tiny(digits, hex)) return std::nullopt;
    value = 0;
  } else if (result.ec != std::errc()) {
    return std::nullopt;
  }
  return static_cast<Bits>(std::bit_cast<Bits>(value) | sign);
}

}  // namespace

LiteralShape literal_shape(std::string_view text) {
  const bool sign = has_sign(text);
  const std::string_view body = sign ? text.substr(1) : text;
  if (is_nat(body)) return sign ? LiteralShape::kInt : LiteralShape::kNat;
  if (is_float_body(body)) return LiteralShape::kFloat;
  return LiteralShape::kNone;
}

std::optional<uint64_t> parse_nat(std::string_view text, uint64_t max) {
  if (literal_shape(text) != LiteralShape::kNat) return std::nullopt;
  const auto value = nat_value(text);
  if (!value || *value > max) return std::nullopt;
  return value;
}

std::optional<uint64_t> parse_int_bits(std::string_view text, unsigned bits) {
  const LiteralShape shape = literal_shape(text);
  if (shape != LiteralShape::kNat && shape != LiteralShape::kInt) return std::nullopt;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  if (shape == LiteralShape::kNat) return parse_nat(text, mask);
  const bool negative = text[0] == '-';
  const auto magnitude = nat_value(text.substr(1));
  const uint64_t half = uint64_t{1} << (bits - 1);
  if (!magnitude || *magnitude > (negative ? half : half - 1)) return std::nullopt;
  return (negative ? uint64_t{0} - *magnitude : *magnitude) & mask;
}

std::optional<uint32_t> parse_f32_bits(std::string_view text) { return parse_float<float, uint32_t>(text); }
std::optional<uint64_t> parse_f64_bits(std::string_view text) { return parse_float<double, uint64_t>(text); }

}  // namespace kiln::text
