// Constants of .wast scripts: arguments and expected results (NaN classes, v128 lanes, reference patterns).
#pragma once

#include <span>

#include "kiln/spectest/script.h"
#include "kiln/text/lexer.h"

namespace kiln::spectest {

// Reads the "(...)" value at tokens[pos] and moves `pos` past it. `expected`
// allows the result-only forms (nan:canonical, "(ref.func)", "(ref.i31)").
// Errors fail() with ErrorCode::kMalformed and "LINE:COLUMN: ".
SpecValue read_value(std::span<const text::Token> tokens, size_t& pos, bool expected);

}  // namespace kiln::spectest
