// Runs one wast2json script against the decoder and validator, and through an Executor once one exists.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/features.h"
#include "kiln/ir/module.h"
#include "kiln/spectest/script.h"
#include "kiln/validate/validate.h"

namespace kiln::spectest {

// What the runner needs from an engine to run the commands that execute
// code. Without one, those commands are counted as skipped.
class Executor {
 public:
  virtual ~Executor() = default;

  // Instantiates a decoded and validated module; on success it becomes the
  // target of actions that name no module, and `name` ("$M", may be empty)
  // refers to it. Linking errors are ErrorCode::kUnlinkable; a trap in a
  // segment initializer or the start function is ErrorCode::kTrap. A failed
  // instantiation leaves the current module unchanged.
  virtual Status instantiate(Module module, ModuleInfo info, std::string_view name) = 0;

  // Makes the exports of module `name` (empty: the current one) importable
  // under the module name `as`.
  virtual Status register_module(std::string_view name, std::string_view as) = 0;

  // Calls export `field` of module `module` (empty: the current one).
  // Traps are ErrorCode::kTrap, call-depth or fuel limits ErrorCode::kExhausted,
  // with the spec's message wording ("integer divide by zero").
  virtual Result<std::vector<SpecValue>> invoke(std::string_view module, std::string_view field,
                                                std::span<const SpecValue> args) = 0;

  // Reads exported global `field`.
  virtual Result<SpecValue> get(std::string_view module, std::string_view field) = 0;
};

enum class Verdict : uint8_t { kPassed, kFailed, kSkipped, kNotApplicable };

struct Tally {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;         // the engine cannot run it yet (the report keeps the reason)
  uint64_t not_applicable = 0;  // JSON scripts: tests the text format, which a converted script cannot

  void add(Verdict verdict);
  Tally& operator+=(const Tally& other);
  uint64_t total() const { return passed + failed + skipped + not_applicable; }
};

struct CommandFailure {
  std::string script;  // the JSON file (or the name the caller gave)
  uint32_t line = 0;   // in the .wast source
  CommandType type = CommandType::kModule;
  std::string module_file;      // the module the command loaded, if any
  std::string expected;         // expected message or results
  std::string actual;           // what happened instead
  uint64_t offset = kNoOffset;  // byte offset of the error in the module
};

std::string format_failure(const CommandFailure& failure);  // one line

struct ScriptReport {
  std::array<Tally, kCommandTypeCount> by_type{};
  std::vector<CommandFailure> failures;
  // assert_malformed / assert_invalid that passed on the message although the
  // error came from the other phase (a malformed module reported as invalid
  // or the reverse). Not failures, but worth a look.
  uint64_t phase_mismatches = 0;
  std::map<std::string, uint64_t> skip_reasons;  // reason -> commands skipped for it

  Tally total() const;
  ScriptReport& operator+=(const ScriptReport& other);
};

struct RunOptions {
  Features features;
  Executor* executor = nullptr;  // not owned; nullptr skips execution
  std::string base_dir;          // module file names are relative to it
  std::string script_name;       // recorded in failures
};

ScriptReport run_script(const Script& script, const RunOptions& options);

// Loads the JSON at `path` and runs it with module files taken from its
// folder. An unreadable or malformed script is an Error, not a report.
Result<ScriptReport> run_script_file(const std::string& path, const Features& features, Executor* executor = nullptr);
// The same for a .wast script, read by kiln's text reader.
Result<ScriptReport> run_wast_file(const std::string& path, const Features& features, Executor* executor = nullptr);

// The encoder must reproduce a decoded module: copy mode gives back the
// input bytes, and re-encoding is stable (its output decodes, validates and
// re-encodes to the same bytes). Run on every module the suite accepts.
Status check_round_trip(const Module& module);

// Result comparison for assert_return: exact bits, except NaN classes and
// results the script gave only a type for.
bool value_matches(const SpecValue& expected, const SpecValue& actual);
bool results_match(std::span<const SpecValue> expected, std::span<const SpecValue> actual);

}  // namespace kiln::spectest
