// `kiln run`: instantiate a module in kiln's interpreter and call one export with typed arguments.
#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "feature_flags.h"
#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/interp/interp.h"
#include "kiln/validate/validate.h"
#include "kiln/wasi/wasi.h"
#include "value_text.h"

namespace kiln::cli {
namespace {

constexpr const char* kRunUsage =
    "usage: kiln run [--fuel N] [--dir DIR] [--mapdir GUEST::HOST] [--env NAME=VALUE] [--enable-FEATURE...]\n"
    "                FILE [--invoke NAME] [ARGS...]\n"
    "WASI (wasi_snapshot_preview1) is provided, with this process's stdio; a call to proc_exit ends the run\n"
    "with its exit code.\n";

int fail_with(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

int report_trap(const CallOutcome& outcome) {
  if (outcome.trap->kind == TrapKind::kExit) return outcome.trap->exit_code;
  std::fprintf(stderr, "error: %s\n", describe_trap(*outcome.trap, outcome.backtrace).c_str());
  return 1;
}

}  // namespace

int run_command(std::span<char* const> args) {
  Features features;
  ExecOptions exec;
  std::string path;
  std::string invoke = "_start";
  std::vector<std::string_view> values;
  WasiOptions wasi;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!path.empty() && arg != "--invoke") {
      values.push_back(arg);  // everything after FILE (but --invoke) is an argument
      continue;
    }
    if (apply_feature_flag(features, arg) == FlagMatch::kApplied) continue;
    if (arg == "--dir" || arg == "--mapdir" || arg == "--env") {
      if (i + 1 >= args.size()) return fail_with(std::string(arg) + " needs a value");
      const std::string value = args[++i];
      if (arg == "--dir") {
        wasi.preopens.push_back({value, value});
      } else if (arg == "--env") {
        wasi.env.push_back(value);
      } else {
        const size_t sep = value.find("::");
        if (sep == std::string::npos) return fail_with("--mapdir needs GUEST::HOST");
        wasi.preopens.push_back({value.substr(0, sep), value.substr(sep + 2)});
      }
      continue;
    }
    if (arg == "--fuel" || arg == "--invoke") {
      if (i + 1 >= args.size()) return fail_with(std::string(arg) + " needs a value");
      const std::string_view value = args[++i];
      if (arg == "--invoke") {
        invoke = value;
        continue;
      }
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), exec.fuel);
      if (ec != std::errc() || end != value.data() + value.size()) return fail_with("--fuel needs a number");
      continue;
    }
    if (arg.starts_with("-") && arg != "-") {
      std::fprintf(stderr, "kiln run: unknown option '%.*s'\n%s", static_cast<int>(arg.size()), arg.data(), kRunUsage);
      return 1;
    }
    path = arg;
  }
  if (path.empty()) {
    std::fputs(kRunUsage, stderr);
    return 1;
  }
  auto bytes = read_module_file(path, features);
  if (!bytes) return fail_with(bytes.error().message);
  auto decoded = decode_module(std::move(*bytes), features);
  if (!decoded) return fail_with(path + ":0x" + [&] {
    char hex[20];
    std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(decoded.error().offset));
    return std::string(hex);
  }() + ": " + message_with_enable_hint(decoded.error()));
  auto module = std::make_shared<const Module>(std::move(decoded).value());
  auto info = validate_module(*module);
  if (!info) return fail_with(path + ": " + message_with_enable_hint(info.error()));

  Store store;
  Linker linker;
  wasi.args.push_back(path);
  for (std::string_view v : values) wasi.args.emplace_back(v);
  auto context = Wasi::create(std::move(wasi));
  if (!context) return fail_with(context.error().message);
  define_wasi(store, linker, std::move(context).value());
  InstantiateOptions options;
  options.stub_missing_func_imports = true;
  options.exec = exec;
  auto instance = instantiate(store, module, std::make_shared<const ModuleInfo>(std::move(info).value()), linker, options);
  if (!instance) return fail_with(instance.error().message);

  FuncInstance* func = (*instance)->export_func(invoke);
  if (!func) return fail_with("no exported function named '" + invoke + "'");
  // Reactors expect _initialize before any other export.
  if (invoke != "_initialize") {
    if (FuncInstance* init = (*instance)->export_func("_initialize")) {
      CallOutcome initialized = call_function(*init, {}, exec);
      if (initialized.trap) return report_trap(initialized);
    }
  }
  const FuncType& type = *func->type;
  if (values.size() != type.params.size()) {
    return fail_with("'" + invoke + "' takes " + std::to_string(type.params.size()) + " argument(s) " +
                     func_type_text(type) + ", got " + std::to_string(values.size()));
  }
  std::vector<Value> call_args;
  for (size_t i = 0; i < values.size(); ++i) {
    auto v = parse_value(type.params[i], values[i]);
    if (!v) {
      return fail_with("argument " + std::to_string(i + 1) + " '" + std::string(values[i]) + "' is not a valid " +
                       val_type_name(type.params[i]));
    }
    call_args.push_back(*v);
  }
  CallOutcome outcome = call_function(*func, call_args, exec);
  if (outcome.trap) return report_trap(outcome);
  for (const Value& v : outcome.results) std::printf("%s\n", format_value(v).c_str());
  return 0;
}

}  // namespace kiln::cli
