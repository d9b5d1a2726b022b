// kiln's side of tools/difffuzz: runs a wasm-opt -ttf module (optionally init, or pre-initialized) and prints a transcript.
//
// usage: difffuzz_runner [--fuel N] [--init NAME [--preinit OUT.wasm [--max-segments N]]] [--dump PREFIX] FILE
//   (no --init)        instantiate, call every export twice (zero, then simple arguments)
//   --init NAME        instantiate, call _initialize (if exported) and NAME, then the other exports
//   --preinit OUT      pre-initialize FILE with NAME into OUT, then run OUT's exports
//   --max-segments N   preinitialize's cap on data segments (merging runs to fit)
//   --dump PREFIX      write each exported memory to PREFIX-STATE-NAME.bin
// tools/difffuzz-v8.mjs prints the same transcript from V8; tools/difffuzz-node.mjs compares.
#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/kiln.h"
#include "kiln/validate/validate.h"
#include "transcript.h"

namespace kiln::difffuzz {
namespace {

constexpr const char* kUsage =
    "usage: difffuzz_runner [--fuel N] [--init NAME [--preinit OUT.wasm [--max-segments N]]] [--dump PREFIX] FILE\n";
constexpr const char* kHangLimitReset = "hangLimitInitializer";
constexpr const char* kReactorInit = "_initialize";
constexpr size_t kMaxTableEntries = 1000;  // per exported table in a transcript

struct Args {
  std::string file;
  std::string init;
  std::string preinit_out;
  std::string dump;
  uint64_t fuel = 20'000'000;
  uint64_t max_segments = Options{}.max_data_segments;
};

// What node 20's V8 runs without flags, so that both engines accept the same
// modules: kiln's defaults plus tail calls.
Features engine_features() {
  Features features;
  features.tail_call = true;
  // The exception encoding node 20's V8 runs by default (try, catch, catch_all, rethrow, delegate).
  features.legacy_exceptions = true;
  return features;
}

bool has_v128(const FuncType& type) {
  for (ValType t : type.params)
    if (t == ValType::kV128) return true;
  for (ValType t : type.results)
    if (t == ValType::kV128) return true;
  return false;
}

// wasm-opt -ttf modules import fuzzing-support.log-TYPE. Each call becomes a
// transcript line. V8 cannot pass a v128 to JS, so log-v128 is a host trap in
// both runners.
HostFunction logger(const std::string& name) {
  const bool is_v128 = name == "log-v128";
  return [is_v128](HostContext&, std::span<const Value> args, std::span<Value>) -> std::optional<Trap> {
    if (is_v128) return Trap{TrapKind::kHostError, 0, 0, 0, "v128 crosses the JS boundary"};
    std::string line = "log";
    for (const Value& v : args) line += " " + value_text(v);
    emit(line);
    return std::nullopt;
  };
}

std::vector<HostImport> fuzzing_imports(const Module& module) {
  std::vector<HostImport> imports;
  for (const Import& import : module.imports) {
    if (import.kind != ExternKind::kFunc || import.module != "fuzzing-support" || !import.name.starts_with("log-"))
      continue;
    const FuncType& type = module.types[to_u32(import.func_type)];
    imports.push_back(HostImport{import.module, import.name, type, logger(import.name)});
  }
  return imports;
}

Result<std::shared_ptr<const Module>> load(const std::vector<uint8_t>& bytes, std::shared_ptr<const ModuleInfo>& info) {
  auto decoded = decode_module(bytes, engine_features());
  if (!decoded) return std::move(decoded).error();
  auto module = std::make_shared<const Module>(std::move(decoded).value());
  auto validated = validate_module(*module);
  if (!validated) return std::move(validated).error();
  info = std::make_shared<const ModuleInfo>(std::move(validated).value());
  return module;
}

// load(), printing the transcript's "invalid" lines when the module is not valid.
Result<std::shared_ptr<const Module>> load_or_report(const std::vector<uint8_t>& bytes,
                                                     std::shared_ptr<const ModuleInfo>& info) {
  auto module = load(bytes, info);
  if (!module) {
    emit("invalid");  // V8 prints the same word; the reason is kiln's own
    emit("k:reason " + module.error().message);
  }
  return module;
}

void dump_state(const Instance& instance, const std::string& tag, const std::string& dump_prefix) {
  emit("state " + tag);
  char text[96];
  for (const Export& e : instance.module->exports) {
    if (e.kind == ExternKind::kMemory) {
      const Memory& m = *instance.memories[e.index];
      std::snprintf(text, sizeof text, " pages=%llu fnv=%08x", static_cast<unsigned long long>(m.pages()),
                    fnv1a(m.data(), m.size_bytes()));
      emit("mem " + e.name + text);
      if (!dump_prefix.empty()) {
        const std::string path = dump_prefix + "-" + tag + "-" + e.name + ".bin";
        if (!write_file_atomic(path, std::span<const uint8_t>(m.data(), m.size_bytes())))
          std::fprintf(stderr, "difffuzz_runner: cannot write %s\n", path.c_str());
      }
    } else if (e.kind == ExternKind::kTable) {
      const TableInstance& table = *instance.tables[e.index];
      std::string line = "table " + e.name + " size=" + std::to_string(table.elements.size());
      for (size_t i = 0; i < table.elements.size() && i < kMaxTableEntries; ++i)
        line += " " + value_text(Value::ref(table.type.elem, table.elements[i]));
      emit(line);
    } else if (e.kind == ExternKind::kGlobal) {
      const Value v = instance.globals[e.index]->get();
      if (v.type != ValType::kV128) emit("global " + e.name + " " + value_text(v));
    }
  }
  for (size_t i = 0; i < instance.globals.size(); ++i)
    emit("k:global #" + std::to_string(i) + " " + value_text(instance.globals[i]->get()));
  for (size_t i = 0; i < instance.tables.size(); ++i) {
    const TableInstance& table = *instance.tables[i];
    std::string line = "k:table #" + std::to_string(i) + " size=" + std::to_string(table.elements.size());
    for (Ref r : table.elements) line += " " + value_text(Value::ref(table.type.elem, r));
    emit(line);
  }
  for (size_t i = 0; i < instance.memories.size(); ++i) {
    const Memory& m = *instance.memories[i];
    std::snprintf(text, sizeof text, "k:mem #%zu pages=%llu fnv=%08x", i, static_cast<unsigned long long>(m.pages()),
                  fnv1a(m.data(), m.size_bytes()));
    emit(text);
  }
}

// Calls every exported function but `exclude` in export order, twice (see
// call_args). Returns
// false when a limit (fuel, call depth) ended the run: what follows would not
// be comparable.
bool call_exports(Instance& instance, const std::string& exclude, const ExecOptions& exec) {
  FuncInstance* reset = instance.export_func(kHangLimitReset);
  for (int round = 0; round < 2; ++round) {
    for (const Export& e : instance.module->exports) {
      // With an init function, _initialize has run and pre-initialization
      // removes its export.
      if (e.kind != ExternKind::kFunc || e.name == exclude || (!exclude.empty() && e.name == kReactorInit)) continue;
      FuncInstance& func = *instance.funcs[e.index];
      if (has_v128(*func.type)) {
        emit("skip " + e.name + " v128");
        continue;
      }
      // As binaryen's own harness does: every call starts with a fresh hang
      // limit, so loops end by the module's own counter rather than by fuel.
      if (reset) {
        CallOutcome r = call_function(*reset, {}, exec);
        if (r.trap) {
          emit(std::string("stop reset ") + trap_class(*r.trap));
          return false;
        }
      }
      emit("call " + e.name + " " + std::to_string(round));
      CallOutcome outcome = call_function(func, call_args(func.type->params, round), exec);
      if (outcome.trap) {
          const std::string cls = outcome_class(outcome);
        emit((is_limit_class(cls) ? "stop " : "trap ") + cls);
        if (is_limit_class(cls)) return false;
        continue;
      }
      std::string line = "ret";
      for (const Value& v : outcome.results) line += " " + value_text(v);
      emit(line);
    }
  }
  return true;
}

// Instantiates with the logging imports; other imports trap when called.
Result<Instance*> instantiate_with_logging(Store& store, Linker& linker, std::shared_ptr<const Module> module,
                                           std::shared_ptr<const ModuleInfo> info, const ExecOptions& exec) {
  for (HostImport& h : fuzzing_imports(*module)) linker.define_func(store, h.module, h.name, h.type, h.function);
  InstantiateOptions options;
  options.stub_missing_func_imports = true;
  options.exec = exec;
  return instantiate(store, std::move(module), std::move(info), linker, options);
}

// Instantiates `bytes`, optionally calls `init`, then the exports.
int run_module(const std::vector<uint8_t>& bytes, const Args& args, bool call_init) {
  std::shared_ptr<const ModuleInfo> info;
  auto module = load_or_report(bytes, info);
  if (!module) return 0;
  ExecOptions exec;
  exec.fuel = args.fuel;
  Store store;
  Linker linker;
  // Instantiation (the start function) is part of init for preinitialize.
  if (call_init) emit("section init");
  auto instance = instantiate_with_logging(store, linker, *module, info, exec);
  if (!instance) {
    std::string cls = instance.error().code == ErrorCode::kUnlinkable
                          ? "link"
                          : trap_class_from_message(instance.error().message, bytes);
    if (cls.empty()) cls = instance.error().message;
    emit((call_init ? (is_limit_class(cls) ? "stop " : "trap ") : "instantiate-error ") + cls);
    return 0;
  }
  if (call_init) {
    FuncInstance* init = (*instance)->export_func(args.init);
    if (!init) {
      emit("no-init");
      return 0;
    }
    // What preinitialize does: a reactor's _initialize runs first (one of
    // another type makes it refuse, which the comparator skips).
    FuncInstance* reactor = args.init == kReactorInit ? nullptr : (*instance)->export_func(kReactorInit);
    if (reactor && (!reactor->type->params.empty() || !reactor->type->results.empty())) reactor = nullptr;
    for (FuncInstance* f : {reactor, init}) {
      if (!f) continue;
      CallOutcome outcome = call_function(*f, {}, exec);
      if (outcome.trap) {
        const std::string cls = outcome_class(outcome);
        emit((is_limit_class(cls) ? "stop " : "trap ") + cls);
        return 0;
      }
    }
    emit("ok");
  }
  emit("section run");
  dump_state(**instance, "start", args.dump);
  if (call_exports(**instance, args.init, exec)) dump_state(**instance, "end", args.dump);
  return 0;
}

int preinit_then_run(const std::vector<uint8_t>& bytes, const Args& args) {
  std::shared_ptr<const ModuleInfo> info;
  auto module = load_or_report(bytes, info);
  if (!module) return 0;
  Options options;
  options.init_func = args.init;
  options.init_func_fallback = false;
  options.fuel = args.fuel;
  options.max_data_segments = args.max_segments;
  options.features = engine_features();
  options.host_imports = fuzzing_imports(**module);
  emit("section init");
  auto output = preinitialize(bytes, options);
  if (!output) {
    const std::string& message = output.error().message;
    std::string cls = trap_class_from_message(message, bytes);
    const std::string first_line = message.substr(0, message.find('\n'));
    if (output.error().code == ErrorCode::kUnsupported) {
      emit("stop refused: " + first_line);  // by design (imported memory, ...): nothing to compare
    } else if (cls.empty()) {
      // Neither a trap nor a refusal: an internal error, which the comparator reports.
      emit("preinit-error " + std::string(error_code_name(output.error().code)) + ": " + first_line);
    } else {
      emit((is_limit_class(cls) ? "stop " : "trap ") + cls);
    }
    return 0;
  }
  emit("ok");
  if (auto written = write_file_atomic(args.preinit_out, *output); !written) {
    std::fprintf(stderr, "difffuzz_runner: %s\n", written.error().message.c_str());
    return 2;
  }
  return run_module(*output, args, false);
}

bool parse_args(std::span<char* const> argv, Args& args) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string_view arg = argv[i];
    const bool takes_value =
        arg == "--fuel" || arg == "--init" || arg == "--preinit" || arg == "--dump" || arg == "--max-segments";
    if (!takes_value) {
      if (arg.starts_with("-") || !args.file.empty()) return false;
      args.file = arg;
      continue;
    }
    if (i + 1 >= argv.size()) return false;
    const std::string_view value = argv[++i];
    if (arg == "--init") args.init = value;
    if (arg == "--preinit") args.preinit_out = value;
    if (arg == "--dump") args.dump = value;
    if (arg == "--fuel" || arg == "--max-segments") {
      uint64_t& number = arg == "--fuel" ? args.fuel : args.max_segments;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc() || end != value.data() + value.size()) return false;
    }
  }
  return !args.file.empty() && (args.preinit_out.empty() || !args.init.empty());
}

}  // namespace
}  // namespace kiln::difffuzz

int main(int argc, char** argv) {
  using namespace kiln::difffuzz;
  Args args;
  if (!parse_args(std::span<char* const>(argv + 1, static_cast<size_t>(argc - 1)), args)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto bytes = kiln::read_file(args.file);
  if (!bytes) {
    std::fprintf(stderr, "difffuzz_runner: %s\n", bytes.error().message.c_str());
    return 2;
  }
  if (!args.preinit_out.empty()) return preinit_then_run(*bytes, args);
  return run_module(*bytes, args, !args.init.empty());
}
