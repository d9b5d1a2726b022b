// Wizer's own oracle for pre-initialization: init run in place versus the pre-initialized output, compared.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/interp/interp.h"
#include "kiln/kiln.h"

namespace kiln::test {

// An export call made on both modules after init. `original` names the export
// on the input when a rename moved it (empty: the same name).
struct Probe {
  std::string name;
  std::vector<Value> args = {};
  std::string original = {};
};

// A module instantiated on its own, in its own Store: host imports from the
// options, every other function import a stub that traps when called (as in
// kiln's pipeline), the start function run.
struct Loaded {
  std::unique_ptr<Store> store = std::make_unique<Store>();
  std::shared_ptr<const Module> module;
  Instance* instance = nullptr;
  std::string error;  // why decoding, validation or instantiation failed
};
Loaded load_module(std::span<const uint8_t> bytes, const Options& options);

// The init export Wizer would run: options.init_func, or "wizer.initialize"
// when the default is asked for, absent, and that older default exported.
std::string init_export_name(const Module& module, const Options& options);

// Pre-initialization as Wizer defines it, on a loaded module (start already
// run): `_initialize` when exported, then the init function, each once.
// Returns the failure as text, empty on success.
std::string run_init_in_place(Loaded& original, const Options& options);

// Every difference between two instances' observable state: each global by
// index (funcrefs compared as function indices), each memory's limits, size and
// bytes, each table's limits, size and entries.
std::vector<std::string> compare_state(const Instance& expected, const Instance& actual);

// The outcome of one call.
struct CallResult {
  std::vector<Value> results;
  std::optional<Trap> trap;
  std::string error;  // no such export, or arguments of the wrong types
};
CallResult call_export(Instance& instance, const std::string& name, std::span<const Value> args);

// "i32:5 f32:0x40490fdb", "trap: unreachable", "funcref:#3"; exact bits.
std::string outcome_text(const CallResult& result);
// What tests/node/check_output.mjs prints for the same outcome (NaNs as "nan",
// traps as "trap", "skip" for values JS cannot hold).
std::string node_text(const CallResult& result, const FuncType& type);

struct OracleChecks {
  std::string wabt_flags;  // wasm-validate's --enable flags (see corpus_wabt_flags)
  bool wabt = true;        // false for modules wabt 1.0.32 cannot read (64-bit tables)
  bool node = true;        // also run the output in node (V8) when node is installed
};

struct OracleResult {
  std::string error;  // preinitialize failed, or the original could not be initialized
  std::vector<uint8_t> output;
  Stats stats;
  std::vector<std::string> differences;  // empty when the output is equivalent
  std::vector<std::string> skipped;      // external checks that could not run, and why
  std::string summary() const;           // error and differences, one per line
};

// Runs the whole oracle: init in place, preinitialize, validation (kiln's and,
// when installed, wabt's), the output's imports, exports and limits, the state
// right after init, then each probe on both modules in turn with the state
// compared again after each. Where node is installed, the probes also run on
// the output in V8, and on the original after V8 itself ran its init (so a
// kiln interpreter bug during init cannot hide behind the in-place run).
OracleResult check_preinit(std::span<const uint8_t> input, const Options& options, const std::vector<Probe>& probes,
                           const OracleChecks& checks = {});

// Options as the CLI starts from them: every feature on.
Options all_features();

// One call on a fresh instance of `wasm` (start function run, no init), as
// outcome_text; a load failure as its message.
std::string call_fresh(std::span<const uint8_t> wasm, const std::string& name, std::vector<Value> args = {});

// check_preinit on corpus module NAME with its own checks (corpus_checks).
OracleResult check_corpus(std::string_view name, const Options& options, const std::vector<Probe>& probes);

// corpus/preinit/NAME.wasm, and the `;; wabt-flags:` line of NAME.wat.
std::vector<uint8_t> read_corpus(std::string_view name);
std::string corpus_wabt_flags(std::string_view name);
OracleChecks corpus_checks(std::string_view name);

// External tools: whether one is on the PATH, and running a command.
bool have_tool(const char* name);
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
CommandResult run_command(const std::string& command);

// A fresh temporary path (nothing created) for tests that write files.
std::string temp_path(std::string_view suffix);
void write_bytes(const std::string& path, std::span<const uint8_t> bytes);
std::vector<uint8_t> read_bytes(const std::string& path);

// wasm-validate's verdict: nullopt when wabt is not installed, "" when valid,
// else its message.
std::optional<std::string> wabt_validate(std::span<const uint8_t> bytes, const std::string& flags);

// Runs the probes on `wasm` in node (tests/node/check_output.mjs), after
// calling `init_exports` in order, and returns its lines, one per probe;
// `loaded` is the same module loaded in kiln, for the exports' types. nullopt
// with `failure` set when node fails.
std::optional<std::vector<std::string>> run_probes_in_node(std::span<const uint8_t> wasm, const Instance& loaded,
                                                           const std::vector<Probe>& probes, std::string& failure,
                                                           const std::vector<std::string>& init_exports = {});

// Typed argument shorthands for probes.
inline Value i32(int32_t v) { return Value::i32(static_cast<uint32_t>(v)); }
inline Value i64(int64_t v) { return Value::i64(static_cast<uint64_t>(v)); }

}  // namespace kiln::test
