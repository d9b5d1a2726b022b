// Gives each command of a spec script its verdict: text and decode/validate checks here, execution through an
// Executor.
#include "kiln/spectest/runner.h"

#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/runtime/trap.h"
#include "kiln/text/wat.h"

namespace kiln::spectest {

namespace {

struct LoadedModule {
  Module module;
  ModuleInfo info;
};

std::string in_quotes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

std::string error_text(const Error& error) {
  return std::string(error_code_name(error.code)) + " " + in_quotes(error.message);
}

std::string values_text(std::span<const SpecValue> values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += spec_value_text(values[i]);
  }
  return out + ")";
}

std::string either_text(const std::vector<std::vector<SpecValue>>& either) {
  std::string out = "either";
  for (const auto& alternative : either) {
    out += ' ';
    out += values_text(alternative);
  }
  return out;
}

class ScriptRunner {
 public:
  ScriptRunner(const RunOptions& options, ScriptReport& report) : options_(options), report_(report) {}

  void run(const Command& cmd) {
    const Verdict verdict = verdict_of(cmd);
    report_.by_type[static_cast<size_t>(cmd.type)].add(verdict);
  }

 private:
  Verdict verdict_of(const Command& cmd) {
    switch (cmd.type) {
      case CommandType::kModule: return run_module(cmd);
      case CommandType::kRegister: return run_register(cmd);
      case CommandType::kAssertMalformed:
      case CommandType::kAssertInvalid: return run_rejection(cmd);
      case CommandType::kAssertUnlinkable:
      case CommandType::kAssertUninstantiable: return run_failed_instantiation(cmd);
      case CommandType::kAction:
      case CommandType::kAssertReturn:
      case CommandType::kAssertTrap:
      case CommandType::kAssertExhaustion: return run_action_command(cmd);
      case CommandType::kAssertException: return run_action_command(cmd);
      case CommandType::kModuleInstance: return run_module_instance(cmd);
    }
    return Verdict::kFailed;
  }

  Verdict skipped(const std::string& reason) {
    ++report_.skip_reasons[reason];
    return Verdict::kSkipped;
  }

  Verdict no_executor() { return skipped("runs code, and no executor was given (--no-exec)"); }

  // A converted (JSON) script cannot check text modules; a .wast script's are assembled here.
  static bool text_not_applicable(const Command& cmd) {
    return cmd.module_type == ModuleType::kText && !cmd.in_memory;
  }

  Verdict failed(const Command& cmd, std::string expected, std::string actual, uint64_t offset = kNoOffset) {
    report_.failures.push_back(CommandFailure{options_.script_name, cmd.line, cmd.type, cmd.filename,
                                              std::move(expected), std::move(actual), offset});
    return Verdict::kFailed;
  }

  std::string module_path(const std::string& filename) const {
    if (options_.base_dir.empty()) return filename == "-" ? "./-" : filename;
    return (std::filesystem::path(options_.base_dir) / filename).string();
  }

  // Reads, decodes and validates one module file. A stage that escapes with
  // an exception (a bug, or std::bad_alloc on a hostile size) becomes an
  // error of this command instead of ending the whole run.
  Result<std::vector<uint8_t>> module_bytes(const Command& cmd) const {
    if (!cmd.in_memory) return read_file(module_path(cmd.filename));
    if (cmd.module_error) return *cmd.module_error;
    if (cmd.module_type == ModuleType::kText) return text::wat_to_binary(cmd.module_text, options_.features);
    return cmd.module_bytes;
  }

  Result<LoadedModule> load(const Command& cmd) const {
    try {
      auto bytes = module_bytes(cmd);
      if (!bytes.ok()) return std::move(bytes).error();
      auto module = decode_module(std::move(*bytes), options_.features);
      if (!module.ok()) return std::move(module).error();
      auto info = validate_module(*module);
      if (!info.ok()) return std::move(info).error();
      return LoadedModule{std::move(*module), std::move(*info)};
    } catch (const std::exception& e) {
      return Error{ErrorCode::kUnsupported, kNoOffset, std::string("internal error: ") + e.what()};
    }
  }

  static Status guarded_round_trip(const Module& module) {
    try {
      return check_round_trip(module);
    } catch (const std::exception& e) {
      return Error{ErrorCode::kUnsupported, kNoOffset, std::string("round trip: internal error: ") + e.what()};
    }
  }

  Verdict run_module(const Command& cmd) {
    if (text_not_applicable(cmd)) return Verdict::kNotApplicable;
    auto loaded = load(cmd);
    if (!loaded.ok()) return failed(cmd, "a valid module", error_text(loaded.error()), loaded.error().offset);
    const Status round_trip = guarded_round_trip(loaded->module);
    if (cmd.definition) {
      definitions_[cmd.name] = &cmd;
      last_definition_ = &cmd;
      if (!round_trip.ok())
        return failed(cmd, "an exact encoder round trip", round_trip.error().message, round_trip.error().offset);
      return Verdict::kPassed;
    }
    // Instantiate even when the encoder is wrong: later commands use the module.
    Status instantiated;
    if (options_.executor) {
      instantiated = options_.executor->instantiate(std::move(loaded->module), std::move(loaded->info), cmd.name);
    }
    if (!round_trip.ok())
      return failed(cmd, "an exact encoder round trip", round_trip.error().message, round_trip.error().offset);
    if (!instantiated.ok()) return failed(cmd, "instantiation", error_text(instantiated.error()));
    return Verdict::kPassed;
  }

  // "(module instance $I $M)": a fresh instance of a definition.
  Verdict run_module_instance(const Command& cmd) {
    const auto it = definitions_.find(cmd.instance_of);
    const Command* definition = cmd.instance_of.empty() ? last_definition_ : it == definitions_.end() ? nullptr : it->second;
    if (!definition) return failed(cmd, "a module definition " + cmd.instance_of, "none");
    if (!options_.executor) return no_executor();
    auto loaded = load(*definition);
    if (!loaded.ok()) return failed(cmd, "a valid module", error_text(loaded.error()), loaded.error().offset);
    const Status status = options_.executor->instantiate(std::move(loaded->module), std::move(loaded->info), cmd.name);
    if (!status.ok()) return failed(cmd, "instantiation", error_text(status.error()));
    return Verdict::kPassed;
  }

  Verdict run_register(const Command& cmd) {
    if (!options_.executor) return no_executor();
    const Status status = options_.executor->register_module(cmd.name, cmd.as);
    if (!status.ok()) return failed(cmd, "registration as " + in_quotes(cmd.as), error_text(status.error()));
    return Verdict::kPassed;
  }

  // assert_malformed / assert_invalid: decoding or validation must refuse
  // the module with a message that starts with the expected text.
  Verdict run_rejection(const Command& cmd) {
    if (text_not_applicable(cmd)) return Verdict::kNotApplicable;
    if (cmd.type == CommandType::kAssertMalformed && cmd.in_memory &&
        (cmd.module_type == ModuleType::kText || cmd.module_error))
      return run_text_rejection(cmd);
    auto loaded = load(cmd);
    if (loaded.ok()) return failed(cmd, in_quotes(cmd.text), "the module was accepted");
    const Error& error = loaded.error();
    if (!error.message.starts_with(cmd.text)) return failed(cmd, in_quotes(cmd.text), error_text(error), error.offset);
    const ErrorCode phase = cmd.type == CommandType::kAssertMalformed ? ErrorCode::kMalformed : ErrorCode::kInvalid;
    if (error.code != phase) ++report_.phase_mismatches;
    return Verdict::kPassed;
  }

  // assert_malformed of a text module: kiln's text reader must refuse it,
  // with a reason (after "LINE:COLUMN: ") that contains the expected text:
  // the 2.0 and 3.0 suites word a few reasons differently, and kiln's
  // message names both ("malformed lane index: i8 constant out of range").
  Verdict run_text_rejection(const Command& cmd) {
    auto bytes = module_bytes(cmd);
    if (bytes.ok()) return failed(cmd, in_quotes(cmd.text), "the text module was accepted");
    const Error& error = bytes.error();
    if (text::error_reason(error.message).find(cmd.text) == std::string_view::npos)
      return failed(cmd, in_quotes(cmd.text), error_text(error), error.offset);
    return Verdict::kPassed;
  }

  // assert_unlinkable / assert_uninstantiable: a valid module whose
  // instantiation must fail.
  Verdict run_failed_instantiation(const Command& cmd) {
    if (text_not_applicable(cmd)) return Verdict::kNotApplicable;
    auto loaded = load(cmd);
    if (!loaded.ok()) return failed(cmd, "a valid module", error_text(loaded.error()), loaded.error().offset);
    if (!options_.executor) return no_executor();
    const Status status = options_.executor->instantiate(std::move(loaded->module), std::move(loaded->info), "");
    const ErrorCode want = cmd.type == CommandType::kAssertUnlinkable ? ErrorCode::kUnlinkable : ErrorCode::kTrap;
    if (status.ok()) return failed(cmd, in_quotes(cmd.text), "the module was instantiated");
    return expect_error(cmd, status.error(), want);
  }

  Verdict expect_error(const Command& cmd, const Error& error, ErrorCode want) {
    if (error.code != want || !error.message.starts_with(cmd.text)) {
      return failed(cmd, std::string(error_code_name(want)) + " " + in_quotes(cmd.text), error_text(error));
    }
    return Verdict::kPassed;
  }

  Result<std::vector<SpecValue>> perform(const Action& action) {
    try {
      if (action.type == ActionType::kInvoke)
        return options_.executor->invoke(action.module, action.field, action.args);
      auto value = options_.executor->get(action.module, action.field);
      if (!value.ok()) return std::move(value).error();
      return std::vector<SpecValue>{*value};
    } catch (const std::exception& e) {
      return Error{ErrorCode::kUnsupported, kNoOffset, std::string("internal error: ") + e.what()};
    }
  }

  Verdict run_action_command(const Command& cmd) {
    if (!options_.executor || !cmd.action) return no_executor();
    auto results = perform(*cmd.action);
    switch (cmd.type) {
      case CommandType::kAssertTrap:
        if (results.ok()) return failed(cmd, "trap " + in_quotes(cmd.text), "results " + values_text(*results));
        return expect_error(cmd, results.error(), ErrorCode::kTrap);
      case CommandType::kAssertExhaustion:
        if (results.ok()) return failed(cmd, "exhaustion " + in_quotes(cmd.text), "results " + values_text(*results));
        return expect_error(cmd, results.error(), ErrorCode::kExhausted);
      case CommandType::kAssertException: {
        // Any tag will do: the script only says that an exception escapes.
        const std::string_view kUncaught = trap_message(TrapKind::kUncaughtException);
        if (results.ok()) return failed(cmd, std::string(kUncaught), "results " + values_text(*results));
        const Error& error = results.error();
        if (error.code != ErrorCode::kTrap || !error.message.starts_with(kUncaught))
          return failed(cmd, std::string(kUncaught), error_text(error));
        return Verdict::kPassed;
      }
      default: break;
    }
    const std::string want = cmd.either.empty() ? values_text(cmd.expected) : either_text(cmd.either);
    if (!results.ok()) return failed(cmd, want, error_text(results.error()));
    if (cmd.type == CommandType::kAction) return Verdict::kPassed;
    bool match = cmd.either.empty() && results_match(cmd.expected, *results);
    for (const auto& alternative : cmd.either) match = match || results_match(alternative, *results);
    return match ? Verdict::kPassed : failed(cmd, want, values_text(*results));
  }

  const RunOptions& options_;
  ScriptReport& report_;
  // "(module definition $M ...)" commands, by name; the script outlives the runner.
  std::map<std::string, const Command*, std::less<>> definitions_;
  const Command* last_definition_ = nullptr;
};

}  // namespace

ScriptReport run_script(const Script& script, const RunOptions& options) {
  ScriptReport report;
  ScriptRunner runner(options, report);
  for (const Command& cmd : script.commands) runner.run(cmd);
  return report;
}

namespace {

Result<ScriptReport> run_loaded(Result<Script> script, const std::string& path, const Features& features,
                                Executor* executor) {
  if (!script.ok()) return std::move(script).error();
  RunOptions options;
  options.features = features;
  options.executor = executor;
  options.base_dir = std::filesystem::path(path).parent_path().string();
  options.script_name = path;
  return run_script(*script, options);
}

}  // namespace

Result<ScriptReport> run_script_file(const std::string& path, const Features& features, Executor* executor) {
  return run_loaded(load_script(path), path, features, executor);
}

Result<ScriptReport> run_wast_file(const std::string& path, const Features& features, Executor* executor) {
  return run_loaded(load_wast_script(path, features), path, features, executor);
}

}  // namespace kiln::spectest
