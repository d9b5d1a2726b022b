// Benchmarks of kiln's interpreter on the corpus/kernels/*.wasm compute kernels, each call's checksum checked.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/validate/validate.h"

namespace {

// A kernel instantiated once; its `run` export re-initializes all the state it
// uses, so every call does the same work and returns the same checksum.
struct LoadedKernel {
  kiln::Store store;
  kiln::FuncInstance* run = nullptr;
};

kiln::Result<std::unique_ptr<LoadedKernel>> load_kernel(const std::string& name) {
  auto bytes = kiln::read_file(std::string(KILN_SOURCE_ROOT) + "/corpus/kernels/" + name + ".wasm");
  if (!bytes) return std::move(bytes).error();
  auto decoded = kiln::decode_module(std::move(*bytes));
  if (!decoded) return std::move(decoded).error();
  auto module = std::make_shared<const kiln::Module>(std::move(decoded).value());
  auto info = kiln::validate_module(*module);
  if (!info) return std::move(info).error();
  auto kernel = std::make_unique<LoadedKernel>();
  kiln::Linker no_imports;
  auto instance = kiln::instantiate(kernel->store, module,
                                    std::make_shared<const kiln::ModuleInfo>(std::move(info).value()), no_imports);
  if (!instance) return std::move(instance).error();
  kernel->run = (*instance)->export_func("run");
  if (!kernel->run) return kiln::Error{kiln::ErrorCode::kUsage, kiln::kNoOffset, name + " exports no 'run'"};
  return kernel;
}

// Empty when the call returned `expected`; otherwise what went wrong.
std::string check_call(kiln::FuncInstance& run, uint64_t expected, kiln::ExecStats* stats) {
  kiln::CallOutcome outcome = kiln::call_function(run, {}, {}, stats);
  if (outcome.trap) return kiln::describe_trap(*outcome.trap, outcome.backtrace);
  if (outcome.results.size() != 1) return "run() returned " + std::to_string(outcome.results.size()) + " values";
  if (outcome.results[0].bits != expected) {
    return "checksum " + std::to_string(outcome.results[0].bits) + ", expected " + std::to_string(expected);
  }
  return {};
}

void BM_Kernel(benchmark::State& state, const char* name, uint64_t expected) {
  auto kernel = load_kernel(name);
  if (!kernel) {
    state.SkipWithError(kernel.error().message.c_str());
    return;
  }
  kiln::FuncInstance& run = *(*kernel)->run;
  // The first call lowers the functions it reaches; keep that out of the timed loop.
  if (std::string error = check_call(run, expected, nullptr); !error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  kiln::ExecStats stats;
  for (auto _ : state) {
    if (std::string error = check_call(run, expected, &stats); !error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  // Function entries per second, for call-heavy kernels (fib) only: elsewhere it is one per iteration.
  if (stats.calls > 2 * static_cast<uint64_t>(state.iterations())) {
    state.counters["calls"] = benchmark::Counter(static_cast<double>(stats.calls), benchmark::Counter::kIsRate);
  }
}

// Checksums from the kernels compiled natively with clang -O2; node (V8) and
// wabt's wasm-interp return the same values (tools/bench-kernels checks that).
BENCHMARK_CAPTURE(BM_Kernel, fib, "fib", 2178309)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, crc32, "crc32", 552229425)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, sieve, "sieve", 36179136)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, hash_table, "hash_table", 2119620799)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, tokenizer, "tokenizer", 576461949)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, matmul, "matmul", 9131528829716267008u)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, nbody, "nbody", 442222876564748310)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, sort, "sort", 1362314795)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, sha256, "sha256", 1287681899)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, bignum, "bignum", 661577868668945595)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, vm, "vm", 1848907706)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, tree, "tree", 1665533239)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, strsearch, "strsearch", 2023019156)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Kernel, lz, "lz", 943213294)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
