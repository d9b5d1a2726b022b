// kiln's public API: pre-initialize a WebAssembly module (the job of Wizer), in process, with no JIT.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/rewrite/rewrite.h"
#include "kiln/interp/interp.h"
#include "kiln/ir/features.h"
#include "kiln/runtime/store.h"

namespace kiln {

inline constexpr const char* kDefaultInitFunc = "wizer-initialize";

// A host function the init function may import, registered by module/name.
struct HostImport {
  std::string module;
  std::string name;
  FuncType type;
  HostFunction function;
};

// How messages name the setting that would change an outcome ("raise
// Options::fuel" for an embedder; the kiln command line asks for its flags).
enum class SettingNames : uint8_t { kOptions, kCommandLine };

// Mirrors the command line (Wizer's flags plus kiln's own).
struct Options {
  std::string init_func = kDefaultInitFunc;
  // Use "wizer.initialize" when init_func is the default and absent (the CLI
  // turns this off when -f names the function explicitly).
  bool init_func_fallback = true;
  std::vector<ExportRename> renames;
  bool keep_init_func = false;
  bool allow_wasi = false;
  bool inherit_stdio = true;
  bool inherit_env = false;
  std::vector<std::string> dirs;
  std::vector<std::pair<std::string, std::string>> map_dirs;  // guest, host
  std::vector<std::string> env;         // NAME=VALUE for WASI, after the inherited environment
  std::vector<std::string> args;        // WASI argv (empty: just the program name "kiln-init")
  // WASI clocks count only work and random_get is seeded: the same input gives a
  // byte-identical output (at the price Wizer warns about: randomness
  // taken during init is the same in every instance of the output).
  bool deterministic = false;
  uint64_t random_seed = 0;
  // WASI's monotonic and CPU-time clocks are the host's during init. By
  // default they count the guest's work (WasiOptions::Clocks::kWork): under
  // the interpreter, host time would tell init it runs many times slower
  // than it will in production, and code that tunes itself by timing (a
  // garbage collector sizing its nursery) snapshots other choices, such as a
  // larger heap.
  bool host_clocks = false;
  // Receives one line per host call the init makes (WASI and preloads' imports).
  std::function<void(const std::string&)> trace_host;
  std::vector<std::pair<std::string, std::string>> preloads;  // import module name, file
  Features features;
  uint64_t fuel = 0;                    // 0 = unlimited
  uint64_t max_data_segments = 10'000;  // more runs are merged, never refused
  // Threads that type the function bodies while init runs (0: one per MiB of code, up to the machine's threads
  // less init's); the output is the same for any count.
  unsigned validation_threads = 0;
  // Each memory's size during init: memory.grow past it returns -1 (as the
  // spec allows); a declared minimum above it is refused.
  uint64_t max_memory_bytes = ~uint64_t{0};
  // Nested calls during init; deeper recursion fails "call stack exhausted".
  uint32_t max_call_depth = ExecOptions{}.max_call_depth;
  // The output module's size: a larger one is refused before anything is written.
  uint64_t max_output_bytes = ~uint64_t{0};
  std::vector<HostImport> host_imports;
  // Notes for the user (e.g. which init function was chosen); may be empty.
  std::function<void(const std::string&)> note;
  SettingNames setting_names = SettingNames::kOptions;
};

// What happened, for --stats.
struct Stats {
  // Wall time of each phase. validate_ms is what validation held up: the
  // rules outside function bodies, and the wait for the bodies after init
  // (typed on other threads while it ran; those it called, inside init_ms).
  double decode_ms = 0, validate_ms = 0, instantiate_ms = 0, init_ms = 0, snapshot_ms = 0, rewrite_ms = 0,
         verify_ms = 0;
  uint64_t input_bytes = 0, output_bytes = 0;
  uint64_t data_segments = 0;      // active segments written from the snapshot
  uint64_t memory_bytes = 0;       // size of all defined memories after init
  uint64_t pages_written = 0;      // 4 KiB pages holding memory after init (the OS's count: instantiation's
                                   // and init's writes, and pages only read)
  uint64_t calls = 0;              // function entries during instantiate + init
  uint64_t fuel_used = 0;
  std::string init_func;           // the export that was run
};

// Instantiates `wasm`, runs the start function, `_initialize` (when
// exported) and the init function, and returns the pre-initialized module.
// The output has been decoded and validated again before it is returned.
// The span form copies the input for the decoded module to keep; the vector
// form hands it over (leaving `wasm` empty), so a large input is held once.
Result<std::vector<uint8_t>> preinitialize(std::span<const uint8_t> wasm, const Options& options,
                                           Stats* stats = nullptr);
Result<std::vector<uint8_t>> preinitialize(std::vector<uint8_t>&& wasm, const Options& options,
                                           Stats* stats = nullptr);

// The same, writing the output to the file `path` ("-": standard output) as
// it is made, never holding it in memory: through a temporary beside `path`
// that replaces it only once the output has been checked (mapped back from
// the file). A failed run leaves no file behind and `path` as it was. Devices
// and pipes, which cannot be read back, get the output built in memory,
// checked and then written. `writing_failed`, when given, says whether the
// error is about writing the file (its message names the file) rather than
// about the input.
Status preinitialize_to_file(std::vector<uint8_t>&& wasm, const std::string& path, const Options& options,
                             Stats* stats = nullptr, bool* writing_failed = nullptr);

const char* version();

// Reads a module file ("-": standard input) for preinitialize and the other
// commands: a binary module as is, anything else (no leading NUL byte of
// the "\0asm" magic) as a text module (.wat) assembled by kiln's text reader, the way Wizer accepts
// .wat input. Text errors say "FILE:LINE:COLUMN: what" and carry no byte offset.
// `was_text`, when given, says which it was (a later byte offset is then one
// into the assembled binary, not into the file).
Result<std::vector<uint8_t>> read_module_file(const std::string& path, const Features& features = Features::all(),
                                              bool* was_text = nullptr);

}  // namespace kiln
