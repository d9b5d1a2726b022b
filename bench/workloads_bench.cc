// Start-up benchmarks of corpus/workloads/*.wasm in kiln's interpreter, the comparison Wizer publishes:
// original/NAME = instantiate + _initialize + wizer-initialize + run, preinitialized/NAME = instantiate + run of
// kiln's output, preinit/NAME = kiln::preinitialize itself. Every start-up's result() text is checked.
// `--output=NAME:LABEL=FILE` (repeatable) adds preinitialized/NAME/LABEL: the same start-up of another tool's
// output (tools/bench-report passes Wizer's and wasm-ctor-eval's).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/kiln.h"
#include "kiln/validate/validate.h"
#include "kiln/wasi/wasi.h"

namespace {

struct Workload {
  std::string name;
  std::vector<uint8_t> wasm;
  std::vector<uint8_t> input;
  std::string load_error;  // set when the files could not be read; its benchmarks report it
};

// Another tool's pre-initialized output of a workload, from --output=NAME:LABEL=FILE.
struct OtherOutput {
  std::string workload, label, path;
};

// Decoded and validated once, instantiated many times: decoding and validating are kiln's counterpart of
// compiling a WebAssembly.Module, which Wizer's numbers leave out of the timing too.
struct PreparedModule {
  std::shared_ptr<const kiln::Module> module;
  std::shared_ptr<const kiln::ModuleInfo> info;
};

kiln::Error harness_error(std::string message) { return {kiln::ErrorCode::kUsage, kiln::kNoOffset, std::move(message)}; }

kiln::Result<PreparedModule> prepare(std::vector<uint8_t> bytes) {
  auto decoded = kiln::decode_module(std::move(bytes));
  if (!decoded) return std::move(decoded).error();
  auto module = std::make_shared<const kiln::Module>(std::move(decoded).value());
  auto info = kiln::validate_module(*module);
  if (!info) return std::move(info).error();
  return PreparedModule{module, std::make_shared<const kiln::ModuleInfo>(std::move(info).value())};
}

// Calls an export and returns its single i32 result (0 for a function without results).
kiln::Result<uint32_t> call_export(const kiln::Instance& instance, const char* name, std::vector<kiln::Value> args) {
  kiln::FuncInstance* func = instance.export_func(name);
  if (!func) return harness_error(std::string("the module exports no function '") + name + "'");
  kiln::CallOutcome outcome = kiln::call_function(*func, args);
  if (outcome.trap) return harness_error(std::string(name) + ": " + kiln::describe_trap(*outcome.trap, outcome.backtrace));
  return outcome.results.empty() ? 0u : static_cast<uint32_t>(outcome.results[0].bits);
}

// One start-up as a user of the module sees it: a fresh store with WASI (the workloads import a few WASI
// functions but do not call them during init or run), instantiate, init when `run_init`, copy the input
// into a buffer from alloc(), run(). Returns result()'s text.
kiln::Result<std::string> start_once(const PreparedModule& prepared, std::span<const uint8_t> input, bool run_init) {
  kiln::Store store;
  kiln::Linker linker;
  kiln::WasiOptions wasi_options;
  wasi_options.inherit_stdio = false;
  auto wasi = kiln::Wasi::create(std::move(wasi_options));
  if (!wasi) return std::move(wasi).error();
  kiln::define_wasi(store, linker, std::move(wasi).value());
  auto instance = kiln::instantiate(store, prepared.module, prepared.info, linker);
  if (!instance) return std::move(instance).error();
  const kiln::Instance& inst = **instance;
  if (run_init) {
    if (inst.export_func("_initialize")) {
      if (auto done = call_export(inst, "_initialize", {}); !done) return std::move(done).error();
    }
    if (auto done = call_export(inst, "wizer-initialize", {}); !done) return std::move(done).error();
  }
  const kiln::Export* memory_export = inst.find_export("memory");
  if (!memory_export || memory_export->kind != kiln::ExternKind::kMemory) return harness_error("no exported memory");
  kiln::Memory& memory = *kiln::export_extern(inst, *memory_export).memory;

  const auto length = static_cast<uint32_t>(input.size());
  auto buffer = call_export(inst, "alloc", {kiln::Value::i32(length)});
  if (!buffer) return std::move(buffer).error();
  if (!memory.in_bounds(*buffer, length)) return harness_error("alloc() returned a buffer outside memory");
  std::copy(input.begin(), input.end(), memory.data() + *buffer);
  if (auto ran = call_export(inst, "run", {kiln::Value::i32(*buffer), kiln::Value::i32(length)}); !ran) {
    return std::move(ran).error();
  }

  auto text = call_export(inst, "result", {});
  if (!text) return std::move(text).error();
  const uint8_t* begin = memory.data();
  const uint8_t* end = begin + memory.size_bytes();
  if (*text >= memory.size_bytes()) return harness_error("result() points outside memory");
  const uint8_t* nul = std::find(begin + *text, end, uint8_t{0});
  if (nul == end) return harness_error("result() text is not NUL-terminated");
  return std::string(begin + *text, nul);
}

// 32-bit FNV-1a, also computed by tools/bench-workloads.mjs: the label lets tools/bench-report check that
// kiln and V8 computed the same result() without putting arbitrary text into the JSON report.
std::string fnv1a_label(const std::string& text) {
  uint32_t hash = 2166136261u;
  for (char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  char label[32];
  std::snprintf(label, sizeof label, "result fnv1a=%08x", hash);
  return label;
}

// Pre-initialization options: WASI is offered only when init needs it, as `kiln --allow-wasi` would be.
kiln::Result<std::vector<uint8_t>> preinitialize_workload(const Workload& workload, bool* needed_wasi) {
  kiln::Options options;
  options.inherit_stdio = false;
  auto output = kiln::preinitialize(workload.wasm, options);
  if (output) return output;
  options.allow_wasi = true;
  auto with_wasi = kiln::preinitialize(workload.wasm, options);
  if (!with_wasi) return std::move(output).error();  // the first message: the one about the module
  if (needed_wasi) *needed_wasi = true;
  return with_wasi;
}

// What the original module answers, computed once per workload; every other variant must match it.
kiln::Result<std::string> expected_result(const Workload& workload) {
  static std::map<std::string, kiln::Result<std::string>> cache;
  auto found = cache.find(workload.name);
  if (found == cache.end()) {
    auto prepared = prepare(workload.wasm);
    kiln::Result<std::string> result =
        prepared ? start_once(*prepared, workload.input, true) : kiln::Result<std::string>(std::move(prepared).error());
    found = cache.emplace(workload.name, std::move(result)).first;
  }
  return found->second;
}

// Times start_once; `bytes` is the module to start, `run_init` whether it still needs its init.
void time_start_up(benchmark::State& state, const Workload& workload, kiln::Result<std::vector<uint8_t>> bytes,
                   bool run_init) {
  auto expected = expected_result(workload);
  if (!expected) return state.SkipWithError(("original: " + expected.error().message).c_str());
  if (!bytes) return state.SkipWithError(bytes.error().message.c_str());
  auto prepared = prepare(std::move(bytes).value());
  if (!prepared) return state.SkipWithError(prepared.error().message.c_str());
  for (auto _ : state) {
    auto text = start_once(*prepared, workload.input, run_init);
    if (!text) return state.SkipWithError(text.error().message.c_str());
    if (*text != *expected) {
      return state.SkipWithError(("result() is \"" + *text + "\", the original gives \"" + *expected + "\"").c_str());
    }
  }
  state.SetLabel(fnv1a_label(*expected));
}

void BM_Original(benchmark::State& state, const Workload* workload) {
  if (!workload->load_error.empty()) return state.SkipWithError(workload->load_error.c_str());
  time_start_up(state, *workload, workload->wasm, true);
}

void BM_Preinitialized(benchmark::State& state, const Workload* workload) {
  if (!workload->load_error.empty()) return state.SkipWithError(workload->load_error.c_str());
  time_start_up(state, *workload, preinitialize_workload(*workload, nullptr), false);
}

void BM_OtherOutput(benchmark::State& state, const Workload* workload, const OtherOutput* output) {
  if (!workload->load_error.empty()) return state.SkipWithError(workload->load_error.c_str());
  time_start_up(state, *workload, kiln::read_file(output->path), false);
}

void BM_Preinit(benchmark::State& state, const Workload* workload) {
  if (!workload->load_error.empty()) return state.SkipWithError(workload->load_error.c_str());
  bool needed_wasi = false;
  auto first = preinitialize_workload(*workload, &needed_wasi);
  if (!first) return state.SkipWithError(first.error().message.c_str());
  kiln::Options options;
  options.inherit_stdio = false;
  options.allow_wasi = needed_wasi;
  for (auto _ : state) {
    auto output = kiln::preinitialize(workload->wasm, options);
    if (!output) return state.SkipWithError(output.error().message.c_str());
    benchmark::DoNotOptimize(output->data());
  }
  state.counters["output_bytes"] = static_cast<double>(first->size());
}

// KILN_WORKLOADS_DIR overrides the checked-in directory (to benchmark modules elsewhere).
std::filesystem::path workloads_dir() {
  if (const char* dir = std::getenv("KILN_WORKLOADS_DIR"); dir && *dir) return dir;
  return std::filesystem::path(KILN_SOURCE_ROOT) / "corpus" / "workloads";
}

// Every NAME.wasm in the directory, with NAME.input beside it, sorted by name.
std::deque<Workload> find_workloads(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> modules;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".wasm") modules.push_back(entry.path());
  }
  std::sort(modules.begin(), modules.end());
  std::deque<Workload> workloads;
  for (const auto& path : modules) {
    Workload& w = workloads.emplace_back();
    w.name = path.stem().string();
    auto wasm = kiln::read_file(path.string());
    std::filesystem::path input_path = path;
    input_path.replace_extension(".input");
    auto input = kiln::read_file(input_path.string());
    if (!wasm) w.load_error = wasm.error().message;
    else if (!input) w.load_error = "no input for " + w.name + ": " + input.error().message;
    else {
      w.wasm = std::move(wasm).value();
      w.input = std::move(input).value();
    }
  }
  return workloads;
}

// Takes the --output=NAME:LABEL=FILE arguments out of argv (Google Benchmark has removed its own by now).
std::deque<OtherOutput> take_other_outputs(int& argc, char** argv) {
  static constexpr std::string_view kFlag = "--output=";
  std::deque<OtherOutput> outputs;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with(kFlag)) {
      argv[kept++] = argv[i];
      continue;
    }
    const std::string_view spec = arg.substr(kFlag.size());
    const size_t colon = spec.find(':');
    const size_t equals = spec.find('=', colon == std::string_view::npos ? 0 : colon);
    if (colon == std::string_view::npos || equals == std::string_view::npos || colon == 0 || equals == colon + 1) {
      std::fprintf(stderr, "workloads_bench: '%s' is not --output=NAME:LABEL=FILE\n", argv[i]);
      std::exit(1);
    }
    outputs.push_back({std::string(spec.substr(0, colon)), std::string(spec.substr(colon + 1, equals - colon - 1)),
                       std::string(spec.substr(equals + 1))});
  }
  argc = kept;
  return outputs;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static std::deque<OtherOutput> other_outputs = take_other_outputs(argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const std::filesystem::path dir = workloads_dir();
  static std::deque<Workload> workloads = find_workloads(dir);
  if (workloads.empty()) {
    std::fprintf(stderr, "workloads_bench: no *.wasm in %s\n", dir.c_str());
    return 1;
  }
  for (const Workload& w : workloads) {
    benchmark::RegisterBenchmark(("original/" + w.name).c_str(), BM_Original, &w)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("preinitialized/" + w.name).c_str(), BM_Preinitialized, &w)
        ->Unit(benchmark::kMillisecond);
    for (const OtherOutput& o : other_outputs) {
      if (o.workload != w.name) continue;
      benchmark::RegisterBenchmark(("preinitialized/" + w.name + "/" + o.label).c_str(), BM_OtherOutput, &w, &o)
          ->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark(("preinit/" + w.name).c_str(), BM_Preinit, &w)->Unit(benchmark::kMillisecond);
  }
  for (const OtherOutput& o : other_outputs) {
    if (std::none_of(workloads.begin(), workloads.end(), [&](const Workload& w) { return w.name == o.workload; })) {
      std::fprintf(stderr, "workloads_bench: --output names '%s', which is not a workload in %s\n",
                   o.workload.c_str(), dir.c_str());
      return 1;
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
