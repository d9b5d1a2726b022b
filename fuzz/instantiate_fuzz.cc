// libFuzzer target: decode, validate, instantiate (start function included) and call every exported function, with fuel.
#include <cstddef>
#include <cstdint>
#include <span>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kiln;
  // Every proposal on: a module valid without them is valid with them, so
  // the interpreter sees the most code.
  auto loaded = fuzz::load(std::span<const uint8_t>(data, size), Features::all());
  if (!loaded) return 0;
  Store store;
  auto instance = fuzz::instantiate_limited(store, *loaded);
  if (!instance) return 0;
  // In export order on one instance: a later export sees the state the
  // earlier ones left, which is how hosts use modules.
  for (const Export& e : loaded->module->exports) {
    if (e.kind != ExternKind::kFunc) continue;
    FuncInstance& func = *(*instance)->funcs[e.index];
    CallOutcome outcome = call_function(func, fuzz::zero_args(*func.type), fuzz::exec_options());
    if (!outcome.trap && outcome.results.size() != func.type->results.size())
      fuzz::oracle_failure("a call returned a different number of results than its type has");
    for (size_t i = 0; i < outcome.results.size(); ++i) {
      if (outcome.results[i].type != func.type->results[i]) fuzz::oracle_failure("a result has the wrong type");
    }
    // The message formatting walks names and backtraces: exercise it too.
    if (outcome.trap) (void)describe_trap(*outcome.trap, outcome.backtrace);
  }
  return 0;
}
