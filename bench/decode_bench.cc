// Benchmarks of decode and validate on a synthetic module of realistic shape, sized like a large real module.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/validate/validate.h"
#include "synthetic_module.h"

namespace {

const std::vector<uint8_t>& ten_megabytes() {
  // 40,000 bodies of ~250 bytes plus 1 MiB of data: about 10 MB.
  static const std::vector<uint8_t> module = [] {
    kiln::bench::SyntheticShape shape;
    shape.functions = 40000;
    shape.data_bytes = 1 << 20;
    return kiln::bench::make_module(shape);
  }();
  return module;
}

void BM_Decode10MB(benchmark::State& state) {
  const auto& bytes = ten_megabytes();
  for (auto _ : state) {
    auto m = kiln::decode_module(bytes);
    if (!m) state.SkipWithError(m.error().message.c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_Decode10MB)->Unit(benchmark::kMillisecond);

void BM_DecodeValidate10MB(benchmark::State& state) {
  const auto& bytes = ten_megabytes();
  for (auto _ : state) {
    auto m = kiln::decode_module(bytes);
    if (!m) {
      state.SkipWithError(m.error().message.c_str());
      break;
    }
    auto info = kiln::validate_module(*m);
    if (!info) state.SkipWithError(info.error().message.c_str());
    benchmark::DoNotOptimize(info);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeValidate10MB)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
