// Numeric literals of the text format: shapes (nat, int, float) and their conversion to bit patterns.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kiln::text {

// What a token spells: an unsigned integer, a signed integer, a float
// (including inf, nan and nan:0x...), or nothing numeric at all.
enum class LiteralShape : uint8_t { kNone, kNat, kInt, kFloat };

LiteralShape literal_shape(std::string_view text);

// A nat no larger than `max`; nullopt when the text is not a nat or too large.
std::optional<uint64_t> parse_nat(std::string_view text, uint64_t max);

// An integer of `bits` (8, 16, 32 or 64) from a nat or int, as its two's
// complement bit pattern; nullopt when out of range or not an integer.
std::optional<uint64_t> parse_int_bits(std::string_view text, unsigned bits);

// Floats from any numeric literal, rounded to nearest even; nullopt when the
// value rounds to infinity or a NaN payload does not fit.
std::optional<uint32_t> parse_f32_bits(std::string_view text);
std::optional<uint64_t> parse_f64_bits(std::string_view text);

}  // namespace kiln::text
