// What the walk that types one function body shows, instruction by instruction, to code that follows it.
#pragma once

#include <cstdint>

#include "kiln/ir/instr.h"

namespace kiln {

// The lowerer is one: it emits internal code as the validator types each
// instruction, so that a body is typed by one implementation, in one walk,
// and the two cannot disagree about a stack height.
class BodyObserver {
 public:
  // `instr` has passed its checks. The operand stack held `cells_before`
  // 8-byte cells before it and holds `cells_after` now (a v128 takes two).
  // Called for every instruction, reachable or not. An observer that fails
  // keeps its own error and ignores what follows: an exception from here
  // would read as the body being invalid.
  virtual void checked(const Instr& instr, uint32_t cells_before, uint32_t cells_after) = 0;

 protected:
  ~BodyObserver() = default;
};

}  // namespace kiln
