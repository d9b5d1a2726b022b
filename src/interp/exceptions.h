// Internal to the interpreter: the out-of-line steps of throw and throw_ref, called from the dispatch loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "machine.h"

namespace kiln::interp {

// The clause that catches an exception, and the frame it belongs to: `level`
// is the number of saved frames below it (equal to the frames in use when the
// throwing function itself catches).
struct CatchHit {
  size_t level = 0;
  const uint64_t* clause = nullptr;  // kClauseWords words: tag, target, label cell << 2 | ref << 1 | loop
};

// Records a new exception with `cells` payload cells; it lives as long as `instance`.
ExceptionInstance* new_exception(Instance& instance, TagInstance* tag, const uint64_t* payload, size_t cells);

// Looks for a clause that catches `exn`, from the throwing instruction at
// `pc` in `func` out through the saved frames. False when nothing does.
bool find_catch(const ExceptionInstance& exn, const CompiledFunc* func, const uint64_t* pc, const Frame* frames,
                size_t frames_used, CatchHit& hit);

// "tag \"e0\" (#0)" when the defining module exports it, else "tag #0".
std::string tag_text(const TagInstance& tag);

// Makes `exn` escaping the entry function the machine's trap.
void set_uncaught(Machine& m, const ExceptionInstance& exn);

}  // namespace kiln::interp
