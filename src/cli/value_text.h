// Parsing command-line arguments into typed values and printing results so they round-trip.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kiln/runtime/value.h"

namespace kiln::cli {

// Integers: decimal (signed or unsigned) or 0x hex; floats: decimal, hex
// floats, inf, nan, or nan:0xPAYLOAD; v128: 32 hex digits (optionally 0x).
std::optional<Value> parse_value(ValType type, std::string_view text);

// i32/i64 as signed decimal, floats in the shortest form that round-trips
// (NaNs with a non-canonical payload as nan:0x...), v128 as 0x + 32 hex digits
// (byte 15 first), references as ref.null / ref.func / ref.extern N.
std::string format_value(const Value& value);

}  // namespace kiln::cli
