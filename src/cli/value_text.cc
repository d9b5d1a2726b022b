// Conversions between command-line text and Values.
#include "value_text.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace kiln::cli {
namespace {

std::optional<uint64_t> parse_integer(std::string_view text, unsigned bits) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  if (!negative && magnitude > mask) return std::nullopt;
  if (negative && magnitude > (uint64_t{1} << (bits - 1))) return std::nullopt;
  return (negative ? (~magnitude + 1) : magnitude) & mask;
}

template <typename Float, typename Bits>
std::optional<Bits> parse_float(std::string_view text) {
  constexpr int kMantissaBits = std::numeric_limits<Float>::digits - 1;
  constexpr Bits kExpMask = static_cast<Bits>(~Bits{0} >> 1) & ~((Bits{1} << kMantissaBits) - 1);
  bool negative = false;
  std::string_view body = text;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  const Bits sign = negative ? Bits{1} << (sizeof(Bits) * 8 - 1) : 0;
  if (body.starts_with("nan:")) {
    auto payload = parse_integer(body.substr(4), kMantissaBits);
    if (!payload || *payload == 0) return std::nullopt;
    return static_cast<Bits>(sign | kExpMask | static_cast<Bits>(*payload));
  }
  if (body == "nan") return static_cast<Bits>(sign | kExpMask | (Bits{1} << (kMantissaBits - 1)));
  const std::string copy(text);
  char* end = nullptr;
  const Float value = std::is_same_v<Float, float> ? static_cast<Float>(std::strtof(copy.c_str(), &end))
                                                   : static_cast<Float>(std::strtod(copy.c_str(), &end));
  if (end != copy.c_str() + copy.size() || copy.empty()) return std::nullopt;
  return std::bit_cast<Bits>(value);
}

template <typename Float, typename Bits>
std::string format_float(Bits bits) {
  constexpr int kMantissaBits = std::numeric_limits<Float>::digits - 1;
  const Float value = std::bit_cast<Float>(bits);
  if (std::isnan(value)) {
    const Bits payload = bits & ((Bits{1} << kMantissaBits) - 1);
    const bool negative = (bits >> (sizeof(Bits) * 8 - 1)) != 0;
    std::string out = negative ? "-nan" : "nan";
    if (payload != (Bits{1} << (kMantissaBits - 1))) {
      char hex[24];
      auto res = std::to_chars(hex, hex + sizeof hex, static_cast<uint64_t>(payload), 16);
      out += ":0x" + std::string(hex, res.ptr);
    }
    return out;
  }
  char buffer[64];
  auto res = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, res.ptr);
}

}  // namespace

std::optional<Value> parse_value(ValType type, std::string_view text) {
  switch (type.code) {
    case TypeCode::kI32:
      if (auto v = parse_integer(text, 32)) return Value::i32(static_cast<uint32_t>(*v));
      return std::nullopt;
    case TypeCode::kI64:
      if (auto v = parse_integer(text, 64)) return Value::i64(*v);
      return std::nullopt;
    case TypeCode::kF32:
      if (auto v = parse_float<float, uint32_t>(text)) return Value::f32_bits(*v);
      return std::nullopt;
    case TypeCode::kF64:
      if (auto v = parse_float<double, uint64_t>(text)) return Value::f64_bits(*v);
      return std::nullopt;
    case TypeCode::kV128: {
      if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
      if (text.size() != 32) return std::nullopt;
      auto hi = parse_integer("0x" + std::string(text.substr(0, 16)), 64);
      auto lo = parse_integer("0x" + std::string(text.substr(16)), 64);
      if (!hi || !lo) return std::nullopt;
      return Value{ValType::kV128, *lo, *hi};
    }
    case TypeCode::kFuncRef:
    case TypeCode::kExternRef:
    case TypeCode::kExnRef:
    case TypeCode::kAnyRef:
      if ((text == "null" || text == "ref.null") && type.nullable) return Value::ref(type, kNullRef);
      if (type.code == TypeCode::kExternRef)
        if (auto v = parse_integer(text, 62)) return Value::ref(type, extern_ref(*v));
      return std::nullopt;
    case TypeCode::kI8:
    case TypeCode::kI16:
      return std::nullopt;  // storage types only
  }
  return std::nullopt;
}

std::string format_value(const Value& value) {
  switch (value.type.code) {
    case TypeCode::kI32: return std::to_string(static_cast<int32_t>(static_cast<uint32_t>(value.bits)));
    case TypeCode::kI64: return std::to_string(static_cast<int64_t>(value.bits));
    case TypeCode::kF32: return format_float<float, uint32_t>(static_cast<uint32_t>(value.bits));
    case TypeCode::kF64: return format_float<double, uint64_t>(value.bits);
    case TypeCode::kV128: {
      char hex[40];
      std::snprintf(hex, sizeof hex, "0x%016llx%016llx", static_cast<unsigned long long>(value.hi),
                    static_cast<unsigned long long>(value.bits));
      return hex;
    }
    case TypeCode::kFuncRef: return value.bits == kNullRef ? "ref.null func" : "ref.func";
    case TypeCode::kExternRef:
      return value.bits == kNullRef ? "ref.null extern" : "ref.extern " + std::to_string(ref_extern(value.bits));
    case TypeCode::kExnRef: return value.bits == kNullRef ? "ref.null exn" : "ref.exn";
    case TypeCode::kAnyRef:
      if (value.bits == kNullRef) return "ref.null any";
      if (is_i31(value.bits)) return "ref.i31 " + std::to_string(static_cast<int32_t>(i31_signed(value.bits)));
      return is_gc_object(value.bits) ? "ref.gc" : "ref.any";
    case TypeCode::kI8:
    case TypeCode::kI16: return "?";
  }
  return "?";
}

}  // namespace kiln::cli
