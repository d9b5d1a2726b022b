// One benchmark per pre-initialization phase (decode, validate, instantiate, snapshot, rewrite, verify) on a
// generated module of 40,000 functions (~10 MB) whose init leaves 48 MiB of heap-like memory written, and the
// snapshot of 60 MB written as two kinds of heap.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/rewrite/rewrite.h"
#include "kiln/interp/interp.h"
#include "kiln/snapshot/snapshot.h"
#include "kiln/validate/validate.h"
#include "synthetic_module.h"

namespace {

constexpr uint64_t kWrittenBytes = 48ull << 20;

// Everything each phase starts from, built once: the phases run in pipeline
// order, each on the previous one's result.
struct Pipeline {
  std::vector<uint8_t> input;
  std::shared_ptr<const kiln::Module> module;
  std::shared_ptr<const kiln::ModuleInfo> info;
  kiln::Store store;
  kiln::Instance* instance = nullptr;
  kiln::InitialTables tables;
  std::optional<kiln::Snapshot> snapshot;
  std::vector<uint8_t> output;
  std::string error;

  Pipeline() {
    kiln::bench::SyntheticShape shape;
    shape.functions = 40000;
    shape.data_bytes = 1 << 20;
    shape.memory_pages = 1024;  // 64 MiB
    shape.with_init = true;
    input = kiln::bench::make_module(shape);
    auto decoded = kiln::decode_module(input);
    if (!decoded) { fail(decoded.error()); return; }
    module = std::make_shared<const kiln::Module>(std::move(decoded).value());
    auto validated = kiln::validate_module(*module);
    if (!validated) { fail(validated.error()); return; }
    info = std::make_shared<const kiln::ModuleInfo>(std::move(validated).value());
    auto made = instantiate_once();
    if (!made) { fail(made.error()); return; }
    instance = *made;
    tables = kiln::record_tables(*instance);
    kiln::CallOutcome outcome = kiln::call_function(*instance->export_func("init"), {});
    if (outcome.trap) { fail(kiln::Error{kiln::ErrorCode::kTrap, kiln::kNoOffset, "init trapped"}); return; }
    // A heap as init leaves one: mostly non-zero words, short zero gaps
    // (small integers, padding), and every 64th KiB left zero.
    uint8_t* memory = instance->memories[0]->data();
    for (uint64_t i = 0; i < kWrittenBytes; ++i) {
      const bool zero = (i % 61) < 3 || (i >> 10) % 64 == 63;
      memory[i] = zero ? 0 : static_cast<uint8_t>(i * 2654435761u >> 24 | 1);
    }
    auto snap = kiln::take_snapshot(*instance, tables, {});
    if (!snap) { fail(snap.error()); return; }
    snapshot = std::move(snap).value();
    kiln::VectorSink sink;
    auto written = kiln::rewrite_module(*module, *snapshot, rewrite_options(), sink);
    if (!written.ok()) { fail(written.error()); return; }
    output = std::move(sink.bytes());
  }

  // As the pipeline rewrites: the init export goes.
  static kiln::RewriteOptions rewrite_options() {
    kiln::RewriteOptions options;
    options.remove_exports.push_back("init");
    return options;
  }

  kiln::Result<kiln::Instance*> instantiate_once() {
    kiln::Linker linker;
    kiln::InstantiateOptions options;
    options.run_start = false;
    return kiln::instantiate(store, module, info, linker, options);
  }

  void fail(const kiln::Error& e) { error = e.message; }
};

Pipeline& pipeline() {
  static Pipeline p;
  return p;
}

// Skips the case when the shared setup failed; true when it may run.
bool ready(benchmark::State& state) {
  if (pipeline().error.empty()) return true;
  state.SkipWithError(pipeline().error.c_str());
  return false;
}

void BM_PhaseDecode(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    auto m = kiln::decode_module(pipeline().input);
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(pipeline().input.size()));
}
BENCHMARK(BM_PhaseDecode)->Unit(benchmark::kMillisecond);

void BM_PhaseValidate(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    auto info = kiln::validate_module(*pipeline().module);
    benchmark::DoNotOptimize(info);
  }
}
BENCHMARK(BM_PhaseValidate)->Unit(benchmark::kMillisecond);

void BM_PhaseInstantiate(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    // A store per instance, so memory reservations do not pile up.
    kiln::Store store;
    kiln::Linker linker;
    kiln::InstantiateOptions options;
    options.run_start = false;
    auto instance = kiln::instantiate(store, pipeline().module, pipeline().info, linker, options);
    benchmark::DoNotOptimize(instance);
  }
}
BENCHMARK(BM_PhaseInstantiate)->Unit(benchmark::kMillisecond);

void BM_PhaseSnapshot(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    auto snapshot = kiln::take_snapshot(*pipeline().instance, pipeline().tables, {});
    benchmark::DoNotOptimize(snapshot);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kWrittenBytes));
}
BENCHMARK(BM_PhaseSnapshot)->Unit(benchmark::kMillisecond);

// Memory as a heap leaves it, 60 MB written, for the snapshot cases below.
constexpr uint64_t kHeapBytes = 60'000'000;

// A small deterministic generator (xorshift64): the same pattern on every run.
struct PatternRandom {
  uint64_t state = 0x9E3779B97F4A7C15ull;
  uint64_t next(uint64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state % bound;
  }
};

// Every 64 bytes a run of 48 non-zero bytes: a million segments before the cap.
void fill_run_every_64_bytes(uint8_t* memory) {
  for (uint64_t i = 0; i < kHeapBytes; ++i) memory[i] = i % 64 < 48 ? static_cast<uint8_t>(i * 2654435761u >> 24 | 1) : 0;
}

// Like the Rust request classifier's heap after init (corpus/rust-heap): stretches
// of mostly 10 and 11 bytes (some of 1 to 3, some of 27 or 43) with zero gaps
// of 4 to 15 bytes, three in four of them short enough to merge, and zero
// regions of up to 16 KiB between: about two million stretches, a quarter
// of a million segments before the cap.
void fill_rust_heap_like(uint8_t* memory) {
  PatternRandom random;
  constexpr uint8_t kSizes[20] = {1, 1, 2, 3, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 13, 27, 43};
  constexpr uint8_t kGaps[20] = {4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 9, 10, 10, 15};
  uint64_t at = 0;
  while (at < kHeapBytes) {
    if (random.next(1500) == 0) at += 1 + random.next(16384);  // a free region
    const uint64_t end = std::min(kHeapBytes, at + kSizes[random.next(20)]);
    for (; at < end; ++at) memory[at] = static_cast<uint8_t>(random.next(255) + 1);
    at += kGaps[random.next(20)];
  }
}

// take_snapshot (page query, scan, merge, 10,000-segment cap) of a fresh
// instance whose memory `fill` wrote.
template <void (*fill)(uint8_t*)>
void BM_SnapshotHeap(benchmark::State& state) {
  if (!ready(state)) return;
  auto instance = pipeline().instantiate_once();
  if (!instance) {
    state.SkipWithError(instance.error().message.c_str());
    return;
  }
  uint8_t* memory = (*instance)->memories[0]->data();
  std::fill(memory, memory + (*instance)->memories[0]->size_bytes(), uint8_t{0});
  fill(memory);
  const kiln::InitialTables tables = kiln::record_tables(**instance);
  size_t segments = 0;
  for (auto _ : state) {
    auto snapshot = kiln::take_snapshot(**instance, tables, {});
    if (!snapshot) {
      state.SkipWithError(snapshot.error().message.c_str());
      break;
    }
    segments = snapshot->memories[0].runs.size();
    benchmark::DoNotOptimize(snapshot);
  }
  state.counters["segments"] = static_cast<double>(segments);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(kHeapBytes));
}
BENCHMARK(BM_SnapshotHeap<fill_run_every_64_bytes>)->Name("BM_SnapshotRunEvery64Bytes60MB")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SnapshotHeap<fill_rust_heap_like>)->Name("BM_SnapshotRustHeapLike60MB")->Unit(benchmark::kMillisecond);

void BM_PhaseRewrite(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    kiln::VectorSink sink;
    auto status = kiln::rewrite_module(*pipeline().module, *pipeline().snapshot, Pipeline::rewrite_options(), sink);
    benchmark::DoNotOptimize(status);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(pipeline().output.size()));
}
BENCHMARK(BM_PhaseRewrite)->Unit(benchmark::kMillisecond);

template <typename T>
std::string error_of(const kiln::Result<T>& result) {
  return result.ok() ? std::string() : result.error().message;
}

// Decodes the output and validates it: against the input it was rewritten
// from, as the pipeline's verify step does (`derived`), or from scratch.
void verify_output(benchmark::State& state, bool derived) {
  if (!ready(state)) return;
  for (auto _ : state) {
    // The pipeline hands the output to the decoder without a copy; the copy here is not timed.
    state.PauseTiming();
    std::vector<uint8_t> output = pipeline().output;
    state.ResumeTiming();
    auto decoded = kiln::decode_module(std::move(output));
    if (!decoded) {
      state.SkipWithError(decoded.error().message.c_str());
      break;
    }
    const std::string error = derived ? error_of(kiln::validate_derived_module(*decoded, *pipeline().module, *pipeline().info))
                                      : error_of(kiln::validate_module(*decoded));
    if (!error.empty()) state.SkipWithError(error.c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(pipeline().output.size()));
}

void BM_PhaseVerify(benchmark::State& state) { verify_output(state, true); }
BENCHMARK(BM_PhaseVerify)->Unit(benchmark::kMillisecond);

// The verify step as it was: every body of the output validated again.
void BM_PhaseVerifyFull(benchmark::State& state) { verify_output(state, false); }
BENCHMARK(BM_PhaseVerifyFull)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
