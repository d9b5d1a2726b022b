// Pre-initialization steps: refusals, init-function choice, imports, running init, verification.
#include "preinit_steps.h"

#include <algorithm>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/validate/validate.h"
#include "kiln/wasi/wasi.h"
#include "setting_names.h"

namespace kiln::preinit {
namespace {

Error unsupported(std::string message) { return Error{ErrorCode::kUnsupported, kNoOffset, std::move(message)}; }

std::string quoted_import(const Import& import) { return "\"" + import.module + "\".\"" + import.name + "\""; }

// For a trap that a kiln limit caused: the limit, and the setting that raises it.
std::string limit_hint(TrapKind kind, const Options& options) {
  const SettingNames names = options.setting_names;
  if (kind == TrapKind::kOutOfFuel)
    return " (the limit is " + setting_value(Setting::kFuel, options.fuel, names) + "; raise it to let init run longer)";
  if (kind == TrapKind::kCallStackExhausted)
    return " (the limit is " + setting_value(Setting::kMaxStack, options.max_call_depth, names) +
           " nested calls, or 256 MiB of locals and operands; raise " + setting_name(Setting::kMaxStack, names) +
           " for deeper recursion)";
  return "";
}

// A trap during init becomes an error naming what happened and where.
Error init_trap(const char* phase, const CallOutcome& outcome, const Options& options) {
  const bool wasi_allowed = options.allow_wasi;
  const Trap& trap = *outcome.trap;
  std::string message = std::string(phase) + " failed: ";
  if (trap.kind == TrapKind::kExit) {
    message += "the program called proc_exit(" + std::to_string(trap.exit_code) + ") during initialization";
  } else if (trap.kind == TrapKind::kUnresolvedImport) {
    const std::string& name = trap.detail;
    message += "it called the import " + name + ", which nothing provides";
    const bool is_wasi = name.rfind("wasi_snapshot_preview1.", 0) == 0 || name.rfind("wasi_unstable.", 0) == 0;
    if (is_wasi && wasi_allowed)
      message += " (kiln's WASI does not implement this function)";
    else if (is_wasi)
      message += " (provide WASI with " + setting_name(Setting::kAllowWasi, options.setting_names) + ")";
    else
      message += " (provide it with " + preload_hint(name.substr(0, name.find('.')), options.setting_names) + ")";
    message += "\n" + describe_trap(trap, outcome.backtrace);
  } else {
    // The hint ends the first line, which names the trap and the function.
    std::string described = describe_trap(trap, outcome.backtrace);
    described.insert(std::min(described.find('\n'), described.size()), limit_hint(trap.kind, options));
    message += described;
  }
  const ErrorCode code = trap.kind == TrapKind::kOutOfFuel || trap.kind == TrapKind::kCallStackExhausted
                             ? ErrorCode::kExhausted
                             : ErrorCode::kTrap;
  return Error{code, kNoOffset, std::move(message)};
}

// Init that fails after memory.grow returned -1 at --max-memory rarely says
// so itself (a failed allocation, an abort): the error says which memory is full.
std::string memory_limit_note(const Instance& instance, const Options& options) {
  std::string note;
  for (size_t i = 0; i < instance.memories.size(); ++i) {
    const uint64_t size = instance.memories[i]->size_bytes();
    if (size > options.max_memory_bytes - kPageSize)
      note += "\n  note: memory " + std::to_string(i) + " is at " +
              setting_value(Setting::kMaxMemory, options.max_memory_bytes, options.setting_names) + " (" +
              std::to_string(size / kPageSize) + " pages); memory.grow past it returns -1";
  }
  return note;
}

// Runs one phase of init. --fuel is one budget for all phases together.
Status call_phase(FuncInstance& func, const char* phase, const Options& options, Stats& stats) {
  ExecOptions exec;
  exec.max_call_depth = options.max_call_depth;
  if (options.fuel > 0) {
    if (stats.fuel_used >= options.fuel)
      return Error{ErrorCode::kExhausted, kNoOffset,
                   std::string(phase) + " failed: out of fuel" + limit_hint(TrapKind::kOutOfFuel, options)};
    exec.fuel = options.fuel - stats.fuel_used;
  }
  ExecStats exec_stats;
  CallOutcome outcome = call_function(func, {}, exec, &exec_stats);
  stats.calls += exec_stats.calls;
  stats.fuel_used += exec_stats.fuel_used;
  if (!outcome.trap) return {};
  Error error = init_trap(phase, outcome, options);
  if (options.max_memory_bytes != ~uint64_t{0} && func.instance) error.message += memory_limit_note(*func.instance, options);
  return error;
}

}  // namespace

Status check_supported(const Module& module) {
  for (const Import& import : module.imports) {
    if (import.kind == ExternKind::kFunc) continue;
    static constexpr const char* kPlural[] = {"functions", "tables", "memories", "globals"};
    return unsupported(std::string("imported ") + kPlural[static_cast<int>(import.kind)] +
                       " are not supported: the module imports " + extern_kind_name(import.kind) + " " +
                       quoted_import(import) + ", whose state a snapshot cannot capture");
  }
  return {};
}

Status check_limits(const Module& module, const Options& options) {
  const uint64_t max_pages = options.max_memory_bytes / kPageSize;
  for (size_t i = module.imported_memories; i < module.memories.size(); ++i) {
    const uint64_t min_pages = module.memories[i].limits.min;
    if (min_pages <= max_pages) continue;
    return Error{ErrorCode::kExhausted, kNoOffset,
                 "memory " + std::to_string(i) + " declares a minimum of " + std::to_string(min_pages) +
                     " pages, more than " + setting_value(Setting::kMaxMemory, options.max_memory_bytes, options.setting_names) +
                     " allows (" + std::to_string(max_pages) + " pages of 64 KiB); raise " +
                     setting_name(Setting::kMaxMemory, options.setting_names)};
  }
  return {};
}

Result<std::string> choose_init_func(const Module& module, const Options& options) {
  std::string name = options.init_func;
  if (options.init_func_fallback && !module.find_export(name) && name == kDefaultInitFunc &&
      module.find_export("wizer.initialize")) {
    name = "wizer.initialize";
    if (options.note) options.note("no export named 'wizer-initialize'; using 'wizer.initialize' as the init function");
  }
  const Export* e = module.find_export(name);
  if (!e)
    return unsupported("the module has no export named '" + name + "' (choose the init function with " +
                       setting_name(Setting::kInitFunc, options.setting_names) + ")");
  if (e->kind != ExternKind::kFunc) return unsupported("the init export '" + name + "' is not a function");
  const FuncType& type = module.func_type(FuncIdx{e->index});
  if (!type.params.empty() || !type.results.empty())
    return unsupported("the init function '" + name + "' must have type () -> (), it has " + func_type_text(type));
  return name;
}

namespace {

// WASI for init (and preloads), configured like Wizer's: stdio inherited by
// default, environment only when asked, directories only when given.
Status provide_wasi(Store& store, Linker& linker, const Options& options) {
  WasiOptions wasi;
  wasi.args = options.args.empty() ? std::vector<std::string>{"kiln-init"} : options.args;
  wasi.env = options.env;
  wasi.inherit_env = options.inherit_env;
  wasi.inherit_stdio = options.inherit_stdio;
  for (const std::string& dir : options.dirs) wasi.preopens.push_back({dir, dir});
  for (const auto& [guest, host] : options.map_dirs) wasi.preopens.push_back({guest, host});
  wasi.deterministic = options.deterministic;
  wasi.clocks = options.host_clocks ? WasiOptions::Clocks::kHost : WasiOptions::Clocks::kWork;
  wasi.random_seed = options.random_seed;
  wasi.trace = options.trace_host;
  auto context = Wasi::create(std::move(wasi));
  if (!context) return std::move(context).error();
  define_wasi(store, linker, std::move(context).value());
  return {};
}

}  // namespace

Status provide_imports(Store& store, Linker& linker, const Module& module, const Options& options) {
  (void)module;
  if (options.allow_wasi) KILN_TRY(provide_wasi(store, linker, options));
  for (const HostImport& host : options.host_imports) linker.define_func(store, host.module, host.name, host.type, host.function);
  for (const auto& [name, path] : options.preloads) {
    auto bytes = read_module_file(path, options.features);
    if (!bytes) return Error{ErrorCode::kIo, kNoOffset, "preload " + name + "=" + path + ": " + bytes.error().message};
    // A preload's decoding or validation error, named as the preload's.
    // (path is passed in: clang before 16 cannot capture a structured binding.)
    auto preload_error = [&options](Error error, const std::string& file) {
      error = with_feature_hint(std::move(error), options.setting_names);
      error.message = "preload '" + file + "': " + error.message;
      return error;
    };
    auto decoded = decode_module(std::move(*bytes), options.features);
    if (!decoded) return preload_error(std::move(decoded).error(), path);
    auto preload = std::make_shared<const Module>(std::move(decoded).value());
    auto info = validate_module(*preload);
    if (!info) return preload_error(std::move(info).error(), path);
    InstantiateOptions inst;
    inst.stub_missing_func_imports = true;
    inst.max_memory_bytes = options.max_memory_bytes;
    inst.exec.fuel = options.fuel;
    inst.exec.max_call_depth = options.max_call_depth;
    auto instance = instantiate(store, preload, std::make_shared<const ModuleInfo>(std::move(info).value()), linker, inst);
    if (!instance) return Error{instance.error().code, kNoOffset, "preload '" + path + "': " + instance.error().message};
    linker.define_instance(name, **instance);
  }
  return {};
}

Error explain_instantiation_error(Error error) {
  error.message = "instantiation failed: " + error.message;
  return error;
}

Status run_initialization(Instance& instance, const std::string& init_func, const Options& options, Stats& stats) {
  const Module& m = *instance.module;
  if (m.start) KILN_TRY(call_phase(*instance.funcs[to_u32(*m.start)], "the start function", options, stats));
  if (FuncInstance* initialize = instance.export_func("_initialize")) {
    if (!initialize->type->params.empty() || !initialize->type->results.empty())
      return unsupported("the module exports _initialize with type " + func_type_text(*initialize->type) +
                         "; the reactor convention needs () -> ()");
    KILN_TRY(call_phase(*initialize, "_initialize", options, stats));
    if (init_func == "_initialize") return {};
  }
  return call_phase(*instance.export_func(init_func), "the init function", options, stats);
}

void count_snapshot(const Snapshot& snapshot, Stats& stats) {
  stats.data_segments = 0;
  for (const MemorySnapshot& m : snapshot.memories) {
    stats.data_segments += m.runs.size();
    stats.memory_bytes += m.bytes.size();
    stats.pages_written += m.pages_scanned;
  }
}

Status verify_output(std::span<const uint8_t> output, const Module& input, const ModuleInfo& input_info) {
  auto decoded = decode_borrowed_module(output, input.features);
  if (!decoded)
    return Error{ErrorCode::kMalformed, decoded.error().offset, "internal error: the output does not decode: " + decoded.error().message};
  auto valid = validate_derived_module(*decoded, input, input_info);
  if (!valid)
    return Error{ErrorCode::kInvalid, valid.error().offset, "internal error: the output does not validate: " + valid.error().message};
  return {};
}

}  // namespace kiln::preinit
