// The pipeline: decode, validate (function bodies alongside init), instantiate, run init, snapshot, rewrite, verify.
#include <chrono>
#include <memory>
#include <string>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/kiln.h"
#include "kiln/snapshot/snapshot.h"
#include "kiln/validate/body_validation.h"
#include "bounded_sink.h"
#include "preinit_output.h"
#include "preinit_steps.h"
#include "setting_names.h"

namespace kiln {
namespace {

class Stopwatch {
 public:
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double ms = std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
    return ms;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// What init leaves for the snapshot.
struct Initialized {
  Instance* instance = nullptr;
  InitialTables initial_tables;
  std::string init_name;
};

// Instantiates the module and runs its start, _initialize and init functions.
// Bodies are checked by `validation` before they are first lowered: an invalid
// one is never run, the call traps instead.
Result<Initialized> instantiate_and_run(Store& store, const std::shared_ptr<const Module>& module,
                                        BodyValidation& validation, const Options& options, Stats& st,
                                        Stopwatch& clock) {
  KILN_TRY(preinit::check_supported(*module));
  KILN_TRY(preinit::check_limits(*module, options));
  auto init_name = preinit::choose_init_func(*module, options);
  if (!init_name) return std::move(init_name).error();
  st.init_func = *init_name;

  Linker linker;
  KILN_TRY(preinit::provide_imports(store, linker, *module, options));
  InstantiateOptions inst_options;
  inst_options.stub_missing_func_imports = true;
  inst_options.run_start = false;  // run below, after the tables are recorded
  inst_options.max_memory_bytes = options.max_memory_bytes;
  inst_options.exec.fuel = options.fuel;
  inst_options.type_body = [&validation](uint32_t defined_index, BodyObserver& observer) {
    return validation.check_body(defined_index, &observer);
  };
  // The function facts come once validation is joined, after init.
  auto instance = instantiate(store, module, nullptr, linker, inst_options);
  if (!instance) return preinit::explain_instantiation_error(std::move(instance).error());
  Initialized initialized{*instance, record_tables(**instance), std::move(init_name).value()};
  st.instantiate_ms = clock.lap();

  KILN_TRY(preinit::run_initialization(**instance, initialized.init_name, options, st));
  st.init_ms = clock.lap();
  return initialized;
}

// The whole pipeline, writing the output to `output` and checking it there.
Status run_pipeline(std::vector<uint8_t>&& wasm, const Options& options, Stats* stats, preinit::Output& output) {
  Stats local;
  Stats& st = stats ? *stats : local;
  st.input_bytes = wasm.size();
  Stopwatch clock;

  // The module keeps the bytes (it slices them for the sections it copies out).
  auto decoded = decode_module(std::move(wasm), options.features);
  if (!decoded) return preinit::with_feature_hint(std::move(decoded).error(), options.setting_names);
  auto module = std::make_shared<const Module>(std::move(decoded).value());
  st.decode_ms = clock.lap();
  // Only the rules outside function bodies are checked before init runs; the
  // bodies are typed on other threads meanwhile, and each before it is first
  // lowered (validation_threads counts the threads beside init's).
  auto validation = BodyValidation::start(*module, BodyValidation::workers_beside_busy_caller(*module, options.validation_threads));
  if (!validation) return preinit::with_feature_hint(std::move(validation).error(), options.setting_names);
  st.validate_ms = clock.lap();

  Store store;
  // --max-memory caps the GC heap as it caps each linear memory.
  if (options.max_memory_bytes != ~uint64_t{0}) store.set_gc_limit(options.max_memory_bytes);
  auto initialized = instantiate_and_run(store, module, **validation, options, st, clock);
  // Whatever init did (finished, trapped, or stopped at an invalid body), an
  // invalid module is refused with validate_module's error, before anything is made of init's state.
  auto validated = (*validation)->finish();
  st.validate_ms += clock.lap();
  if (!validated) return preinit::with_feature_hint(std::move(validated).error(), options.setting_names);
  if (!initialized) return std::move(initialized).error();
  auto info = std::make_shared<const ModuleInfo>(std::move(validated).value());
  Instance& instance = *initialized->instance;
  instance.info = info;
  const std::string& init_name = initialized->init_name;

  SnapshotOptions snap_options;
  snap_options.max_data_segments = options.max_data_segments;
  auto snapshot = take_snapshot(instance, initialized->initial_tables, snap_options);
  if (!snapshot) return std::move(snapshot).error();
  preinit::count_snapshot(*snapshot, st);
  st.snapshot_ms = clock.lap();

  RewriteOptions rewrite;
  rewrite.renames = options.renames;
  rewrite.code_names_data_segments = info->names_data_segments;
  // As Wizer does, _initialize goes even with --keep-init-func: hosts call it
  // on reactors, and it must not run the constructors a second time.
  if (!options.keep_init_func) rewrite.remove_exports.push_back(init_name);
  if (module->find_export("_initialize")) rewrite.remove_exports.push_back("_initialize");
  auto sink = output.open();
  if (!sink) return std::move(sink).error();
  using preinit::Setting;
  preinit::BoundedSink bounded(**sink, options.max_output_bytes,
                               preinit::setting_name(Setting::kMaxOutputSize, options.setting_names),
                               preinit::setting_value(Setting::kMaxOutputSize, options.max_output_bytes, options.setting_names));
  KILN_TRY(rewrite_module(*module, *snapshot, rewrite, bounded));
  st.rewrite_ms = clock.lap();
  st.output_bytes = bounded.written();

  KILN_TRY(output.verify(*module, *info));
  st.verify_ms = clock.lap();
  return {};
}

}  // namespace

const char* version() { return KILN_VERSION; }

Result<std::vector<uint8_t>> preinitialize(std::span<const uint8_t> wasm, const Options& options, Stats* stats) {
  return preinitialize(std::vector<uint8_t>(wasm.begin(), wasm.end()), options, stats);
}

Result<std::vector<uint8_t>> preinitialize(std::vector<uint8_t>&& wasm, const Options& options, Stats* stats) {
  preinit::MemoryOutput output;
  KILN_TRY(run_pipeline(std::move(wasm), options, stats, output));
  return std::move(output.bytes());
}

Status preinitialize_to_file(std::vector<uint8_t>&& wasm, const std::string& path, const Options& options, Stats* stats,
                             bool* writing_failed) {
  preinit::FileOutput output(path);
  Status made = run_pipeline(std::move(wasm), options, stats, output);
  if (made.ok()) made = output.commit();
  if (writing_failed) *writing_failed = output.failed();
  return made;
}

}  // namespace kiln
