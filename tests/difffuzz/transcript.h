// Differential fuzzing transcript: the line format kiln's runner and tools/difffuzz-v8.mjs both print.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kiln/interp/interp.h"
#include "kiln/runtime/store.h"

namespace kiln::difffuzz {

// Lines are compared textually by tools/difffuzz-compare.mjs, so every spelling
// here has a twin there. Lines starting with "k:" carry state only kiln can
// see (unexported globals, tables); they are compared between kiln runs only.
void emit(const std::string& line);

// "i32:-1", "f32:0x7fc00000" (exact bits: the comparator folds NaNs when it
// compares against V8), "funcref:#12", "externref:null".
std::string value_text(const Value& value);

// A trap as one of the classes both engines can name; "stack" and "fuel" are
// limits rather than semantics and end a comparison (see is_limit_class).
const char* trap_class(const Trap& trap);
bool is_limit_class(const std::string& trap_class);

// V8 says "float unrepresentable in integer range" for every trapping
// truncation, where the spec (and kiln) say "integer overflow" for a value out
// of range: the opcode at the trap tells a truncation from a division.
std::string refine_class(std::string trap_class, std::span<const uint8_t> module_bytes, uint64_t offset);

// The class of a call's trap, refined by the trapping instruction.
std::string outcome_class(const CallOutcome& outcome);

// The same classes, recovered from a preinitialize() error message (the API
// turns an init trap into text "... at 0xOFFSET").
std::string trap_class_from_message(const std::string& message, std::span<const uint8_t> module_bytes);

// FNV-1a over the bytes: cheap in C++ and in JS (Math.imul), and enough to
// decide whether to dump the memories and compare them byte by byte.
uint32_t fnv1a(const uint8_t* data, uint64_t size);

// The arguments of call round `round` (0: zeros, 1: small non-zero values)
// for a parameter list; tools/difffuzz-v8.mjs builds the same values.
std::vector<Value> call_args(const std::vector<ValType>& params, int round);

}  // namespace kiln::difffuzz
