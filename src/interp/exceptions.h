// Internal to the interpreter: the out-of-line steps of throw and throw_ref, called from the dispatch loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "machine.h"

namespace kiln::interp {

// The clause that catches an exception, and the frame it belongs to: its
// function and base, and how many callees' frames the throw leaves (0 when
// the throwing function itself catches).
struct CatchHit {
  CompiledFunc* func = nullptr;
  uint64_t* fp = nullptr;
  size_t frames_left = 0;
  const uint64_t* clause = nullptr;  // kClauseWords words: tag, target, packed cell and kClause* flags
};

// Exceptions an instance keeps at most. Each one a catch_ref clause handed out
// lives as long as the instance (an exnref may be anywhere), so an init that
// keeps catching by reference in a loop would otherwise grow without bound.
inline constexpr size_t kMaxKeptExceptions = size_t{1} << 20;

// A new exception with `cells` payload cells, reusing one that was caught
// without a reference when there is one; it lives as long as `instance`.
// Null (and `m.trap` set) once kMaxKeptExceptions are kept.
ExceptionInstance* new_exception(Machine& m, Instance& instance, TagInstance* tag, const uint64_t* payload,
                                 size_t cells);

// Once a non-ref clause has copied out its payload, an exception nothing else
// refers to can serve the next throw.
void release_if_unreferenced(ExceptionInstance& exn);

// Looks for a clause that catches `exn`, from the throwing instruction at
// `pc` in `func` (its frame at `fp`) out through the callers its frame
// records lead to. False when nothing does.
bool find_catch(const ExceptionInstance& exn, CompiledFunc* func, const uint64_t* pc, uint64_t* fp,
                CatchHit& hit);

// "tag \"e0\" (#0)" when the defining module exports it, else "tag #0".
std::string tag_text(const TagInstance& tag);

// Makes `exn` escaping the entry function the machine's trap.
void set_uncaught(Machine& m, const ExceptionInstance& exn);

}  // namespace kiln::interp
