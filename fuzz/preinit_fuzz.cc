// libFuzzer target: the whole preinitialize pipeline with fuel, then Wizer's oracle: output == original after init.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "kiln/kiln.h"

namespace {

using namespace kiln;

// Init functions: exported () -> () functions, so that spec modules and
// generated ones have some without naming conventions. A few per input, as
// the first one often traps.
constexpr size_t kMaxInits = 4;

std::vector<std::string> pick_inits(const Module& module) {
  std::vector<std::string> names;
  for (const Export& e : module.exports) {
    if (e.kind != ExternKind::kFunc || names.size() == kMaxInits) continue;
    const FuncType& type = module.func_type(FuncIdx{e.index});
    if (type.params.empty() && type.results.empty()) names.push_back(e.name);
  }
  return names;
}

// Function references compare by what they denote: the same defined function
// index (the rewrite keeps the function index space) or the same import.
bool same_ref(ValType type, Ref a, Ref b) {
  if (type.code != TypeCode::kFuncRef || a == kNullRef || b == kNullRef) return a == b;
  const FuncInstance* fa = ref_func(a);
  const FuncInstance* fb = ref_func(b);
  if (fa->is_host() || fb->is_host()) return fa->is_host() && fb->is_host() && fa->host_name == fb->host_name;
  return fa->index == fb->index;
}

bool same_value(const Value& a, const Value& b) {
  if (a.type != b.type) return false;
  if (is_ref_type(a.type)) return same_ref(a.type, a.bits, b.bits);
  return a.bits == b.bits && a.hi == b.hi;  // kiln on both sides: NaN bits too
}

void compare_state(const Instance& original, const Instance& output) {
  if (original.globals.size() != output.globals.size()) fuzz::oracle_failure("global count differs");
  for (size_t i = 0; i < original.globals.size(); ++i) {
    if (!same_value(original.globals[i]->get(), output.globals[i]->get())) fuzz::oracle_failure("a global differs");
  }
  if (original.memories.size() != output.memories.size()) fuzz::oracle_failure("memory count differs");
  for (size_t i = 0; i < original.memories.size(); ++i) {
    const Memory& a = *original.memories[i];
    const Memory& b = *output.memories[i];
    if (a.size_bytes() != b.size_bytes()) fuzz::oracle_failure("a memory's size differs");
    if (std::memcmp(a.data(), b.data(), a.size_bytes()) != 0) fuzz::oracle_failure("a memory's bytes differ");
  }
  if (original.tables.size() != output.tables.size()) fuzz::oracle_failure("table count differs");
  for (size_t i = 0; i < original.tables.size(); ++i) {
    const TableInstance& a = *original.tables[i];
    const TableInstance& b = *output.tables[i];
    if (a.elements.size() != b.elements.size()) fuzz::oracle_failure("a table's size differs");
    for (size_t j = 0; j < a.elements.size(); ++j) {
      if (!same_ref(a.type.elem, a.elements[j], b.elements[j])) fuzz::oracle_failure("a table entry differs");
    }
  }
}

// Runs the original as preinitialize does (instantiate_limited ran the start
// function; then _initialize and init), each phase with the whole fuel: the
// pipeline succeeded with less in total.
bool run_init(Instance& instance, const std::string& init) {
  if (FuncInstance* initialize = instance.export_func("_initialize")) {
    if (init != "_initialize" && call_function(*initialize, {}, fuzz::exec_options()).trap) return false;
  }
  return !call_function(*instance.export_func(init), {}, fuzz::exec_options()).trap;
}

void check_output(const fuzz::Loaded& original, std::span<const uint8_t> output_bytes, const std::string& init) {
  auto output = fuzz::load(output_bytes, Features::all());
  if (!output) fuzz::oracle_failure("the output does not decode or validate");
  Store store_a;
  Store store_b;
  auto a = fuzz::instantiate_limited(store_a, original);
  if (!a) fuzz::oracle_failure("the original does not instantiate outside the pipeline");
  if (!run_init(**a, init)) fuzz::oracle_failure("init trapped outside the pipeline");
  auto b = fuzz::instantiate_limited(store_b, *output);
  if (!b) fuzz::oracle_failure("the output does not instantiate");
  compare_state(**a, **b);
  for (const Export& e : output->module->exports) {
    if (e.kind != ExternKind::kFunc) continue;
    FuncInstance* fa = (*a)->export_func(e.name);
    if (!fa) fuzz::oracle_failure("the output exports a function the original does not");
    FuncInstance& fb = *(*b)->funcs[e.index];
    const auto args = fuzz::zero_args(*fb.type);
    CallOutcome ra = call_function(*fa, args, fuzz::exec_options());
    CallOutcome rb = call_function(fb, args, fuzz::exec_options());
    if (ra.trap.has_value() != rb.trap.has_value()) fuzz::oracle_failure("a call traps on one side only");
    if (ra.trap) {
      if (ra.trap->kind != rb.trap->kind) fuzz::oracle_failure("a call traps differently");
      // Past a limit the two runs may stop at different points.
      if (ra.trap->kind == TrapKind::kOutOfFuel || ra.trap->kind == TrapKind::kCallStackExhausted) return;
      continue;
    }
    if (ra.results.size() != rb.results.size()) fuzz::oracle_failure("result counts differ");
    for (size_t i = 0; i < ra.results.size(); ++i) {
      if (!same_value(ra.results[i], rb.results[i])) fuzz::oracle_failure("a result differs");
    }
  }
  compare_state(**a, **b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  auto original = fuzz::load(bytes, Features::all());
  if (!original) return 0;
  for (const std::string& init : pick_inits(*original->module)) {
    Options options;
    options.init_func = init;
    options.init_func_fallback = false;
    options.features = Features::all();
    options.fuel = fuzz::kFuel;
    options.max_memory_bytes = fuzz::kMaxMemoryBytes;
    options.inherit_stdio = false;
    options.host_imports = fuzz::zero_imports(*original->module);
    auto output = preinitialize(bytes, options);
    if (output) check_output(*original, *output, init);
  }
  return 0;
}
