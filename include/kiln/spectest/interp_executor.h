// The spec harness's Executor on kiln's interpreter, and the `spectest` host module scripts import from.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/interp/interp.h"
#include "kiln/runtime/linker.h"
#include "kiln/runtime/store.h"
#include "kiln/spectest/runner.h"

namespace kiln::spectest {

// Defines the host module the spec scripts import as "spectest": print
// functions (which print nothing), the globals global_i32/i64 = 666 and
// global_f32/f64 = 666.6, a funcref table of 10..20 entries and a memory of
// 1..2 pages. Returns an error only if the memory cannot be reserved.
Status define_spectest_module(Store& store, Linker& linker);

// The interpreter's call-depth limit for spec scripts. The suite's deepest
// legitimate recursion needs between 200 and 300 frames, so this leaves wide
// headroom, while the runaway recursion of assert_exhaustion still ends fast
// (skip-stack-guard-page recurses through frames of ~1000 locals: ~80 MB of
// value stack at this depth).
inline constexpr uint32_t kSpecCallDepth = 10'000;

// Fuel per invocation: the most any spec command uses is about a million
// units (tail-call's 1,000,000 return_calls), so a thousand times that only
// stops an interpreter bug that loops forever, as a failed command instead
// of a hung suite.
inline constexpr uint64_t kSpecFuel = 1'000'000'000;

// Runs one script's modules in one Store: every instance, the spectest host
// module and everything registered share it, so imported tables, memories
// and globals are the same objects in every module that names them. Use a
// fresh executor for each script.
class InterpExecutor final : public Executor {
 public:
  InterpExecutor();  // kSpecCallDepth, kSpecFuel
  explicit InterpExecutor(const ExecOptions& options);

  Status instantiate(Module module, ModuleInfo info, std::string_view name) override;
  Status register_module(std::string_view name, std::string_view as) override;
  Result<std::vector<SpecValue>> invoke(std::string_view module, std::string_view field,
                                        std::span<const SpecValue> args) override;
  Result<SpecValue> get(std::string_view module, std::string_view field) override;

 private:
  Result<Instance*> find_instance(std::string_view name) const;
  Result<const Export*> find_export(const Instance& instance, std::string_view field, ExternKind kind) const;

  Store store_;
  Linker linker_;
  ExecOptions exec_;
  Status host_status_;           // defining the spectest module; reported by every instantiation
  Instance* current_ = nullptr;  // the most recent successful instantiation
  std::map<std::string, Instance*, std::less<>> named_;
};

// Conversions between the script's values and the interpreter's, exposed for tests.
// A funcref argument other than null cannot be written in a script: kUnsupported.
Result<Value> to_value(const SpecValue& value);
SpecValue from_value(const Value& value);

}  // namespace kiln::spectest
