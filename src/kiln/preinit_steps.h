// The individual steps of pre-initialization, each small enough to read and test on its own.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "kiln/interp/interp.h"
#include "kiln/kiln.h"
#include "kiln/snapshot/snapshot.h"

namespace kiln::preinit {

// Imported memories, tables and globals cannot be snapshotted (their state
// lives outside the module), so such modules are refused up front.
Status check_supported(const Module& module);

// A defined memory whose declared minimum is above --max-memory is refused
// up front, naming the memory and the flag (growth past it returns -1).
Status check_limits(const Module& module, const Options& options);

// The init export to run: options.init_func, or "wizer.initialize" when the
// default is absent and that older default exists (reported through
// options.note). It must be exported and of type [] -> [].
Result<std::string> choose_init_func(const Module& module, const Options& options);

// Host imports from options and preloaded modules; everything else the
// module imports becomes a stub that fails init with a helpful message.
Status provide_imports(Store& store, Linker& linker, const Module& module, const Options& options);

Error explain_instantiation_error(Error error);

// The start function, then `_initialize` when exported (once, also when it
// is the init function), then the init function.
Status run_initialization(Instance& instance, const std::string& init_func, const Options& options, Stats& stats);

void count_snapshot(const Snapshot& snapshot, Stats& stats);

// Decodes and validates the output where it is (in memory, or a file mapped
// back) before anyone sees it. `input` is the validated module it was
// rewritten from: the sections kiln produced are checked in full, the copied
// function bodies again only when something they are typed against changed
// (see validate_derived_module).
Status verify_output(std::span<const uint8_t> output, const Module& input, const ModuleInfo& input_info);

}  // namespace kiln::preinit
