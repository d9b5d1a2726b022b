// Benchmarks of the page-diff scanner: sparse writes in a 4 GiB reservation and a dense 64 MiB memory.
#include <benchmark/benchmark.h>

#include "kiln/runtime/memory.h"
#include "kiln/runtime/page_residency.h"
#include "kiln/snapshot/scan.h"

namespace {

// A 32-bit memory without a maximum (4 GiB reserved) grown to 1 GiB, with
// 1 MiB written in 4 KiB pieces spread across it.
void BM_ScanSparse1MiBIn4GiB(benchmark::State& state) {
  kiln::MemoryType type;
  type.limits.min = 16384;  // 1 GiB current size
  auto memory = kiln::Memory::create(type);
  if (!memory) {
    state.SkipWithError(memory.error().message.c_str());
    return;
  }
  const uint64_t stride = memory->size_bytes() / 256;
  for (uint64_t i = 0; i < 256; ++i) {
    for (uint64_t b = 0; b < 4096; b += 3) memory->data()[i * stride + b] = static_cast<uint8_t>(b | 1);
  }
  for (auto _ : state) {
    // The OS's page query is part of the cost: it is what lets the scan skip untouched pages.
    const auto pages = kiln::pages_with_data(memory->data(), memory->size_bytes());
    auto runs = kiln::scan_memory({memory->data(), memory->size_bytes()}, pages, {});
    benchmark::DoNotOptimize(runs);
  }
}
BENCHMARK(BM_ScanSparse1MiBIn4GiB)->Unit(benchmark::kMicrosecond);

// 64 MiB, every page written with `byte_at(address)`, scanned as a snapshot scans it.
template <typename ByteAt>
void scan_64mib(benchmark::State& state, ByteAt byte_at) {
  kiln::MemoryType type;
  type.limits.min = 1024;
  auto memory = kiln::Memory::create(type);
  if (!memory) {
    state.SkipWithError(memory.error().message.c_str());
    return;
  }
  for (uint64_t i = 0; i < memory->size_bytes(); ++i) memory->data()[i] = byte_at(i);
  for (auto _ : state) {
    // The OS's page query is part of the cost: it is what lets the scan skip untouched pages.
    const auto pages = kiln::pages_with_data(memory->data(), memory->size_bytes());
    auto runs = kiln::scan_memory({memory->data(), memory->size_bytes()}, pages, {});
    benchmark::DoNotOptimize(runs);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(memory->size_bytes()));
}

// Mostly non-zero with short zero gaps, which never end a run.
void BM_ScanDense64MiB(benchmark::State& state) {
  scan_64mib(state, [](uint64_t i) { return (i % 61 < 3) ? uint8_t{0} : static_cast<uint8_t>(i | 1); });
}
BENCHMARK(BM_ScanDense64MiB)->Unit(benchmark::kMillisecond);

// Like a heap: short zero gaps as above, and every 64 bytes eight zero bytes
// that end a run (a million runs for the merger and the segment cap).
void BM_ScanHeapLike64MiB(benchmark::State& state) {
  scan_64mib(state, [](uint64_t i) {
    const bool zero = (i % 61) < 3 || (i % 64) >= 56;
    return zero ? uint8_t{0} : static_cast<uint8_t>(i * 2654435761u >> 24 | 1);
  });
}
BENCHMARK(BM_ScanHeapLike64MiB)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
