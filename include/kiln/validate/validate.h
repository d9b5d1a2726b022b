// Validator: the spec's typing rules over a decoded Module, plus what the interpreter needs per function.
#pragma once

#include <cstdint>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/func_info.h"
#include "kiln/ir/module.h"

namespace kiln {

// Also decodes every instruction, so malformed code surfaces here as
// ErrorCode::kMalformed; typing errors are ErrorCode::kInvalid. The bodies
// are typed on max_threads threads, or with 0 on one per MiB of code up to
// the machine's count (at most 8); the result and any error are the same for
// every count.
Result<ModuleInfo> validate_module(const Module& module, unsigned max_threads = 0);

// How validate_derived_module checked the function bodies.
enum class BodyCheck : uint8_t {
  kReused,       // the bodies and everything they are typed against are those of the original
  kRevalidated,  // something they depend on differs, so every body was checked again
};

// Validates `derived`, a module re-encoded from `original` (which passed
// validate_module, decoded with the same features) around a byte-identical
// code section, as the pre-initializer's rewriter makes it. The rules outside
// function bodies are always checked in full. The bodies are typed only
// against the module's context, so they are checked again exactly when that
// context may differ: any section other than tables, memories, globals,
// exports, start, elements, data count, data and custom ones is not
// byte-identical (the code section among them), a table, memory, global or
// element segment changed its type or count, the data count section came or
// went or shrank while some body names a data segment (original_info, from
// validate_module(original), says whether any does), or the code section may hold a ref.func of a function that
// `derived` no longer declares (the original's own export of it removed,
// say). Errors are validate_module's.
Result<BodyCheck> validate_derived_module(const Module& derived, const Module& original, const ModuleInfo& original_info);

}  // namespace kiln
