// The pre-initialization oracle: the original after init and the output must be indistinguishable.
#include "support/preinit_oracle.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "kiln/decode/decode.h"
#include "kiln/validate/validate.h"

namespace kiln::test {
namespace {

std::string hex(uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%" PRIx64, value);
  return buffer;
}

std::string ref_text(ValType type, Ref ref) {
  if (ref == kNullRef) return std::string(val_type_name(type)) + ":null";
  if (type == ValType::kExternRef) return "externref:" + std::to_string(ref_extern(ref));
  if (type == ValType::kExnRef) return "exnref:non-null";  // pre-initialization refuses these
  const FuncInstance* f = ref_func(ref);
  if (f->is_host()) return "funcref:import " + f->host_name;
  return "funcref:#" + std::to_string(f->index);
}

// Exact bits: a NaN payload that changed is a difference.
std::string value_text(const Value& v) {
  switch (v.type.code) {
    case TypeCode::kI32: return "i32:" + std::to_string(static_cast<uint32_t>(v.bits));
    case TypeCode::kI64: return "i64:" + std::to_string(v.bits);
    case TypeCode::kF32: return "f32:" + hex(static_cast<uint32_t>(v.bits));
    case TypeCode::kF64: return "f64:" + hex(v.bits);
    case TypeCode::kV128: return "v128:" + hex(v.hi) + ":" + hex(v.bits);
    case TypeCode::kFuncRef:
    case TypeCode::kExternRef:
    case TypeCode::kExnRef:
    case TypeCode::kAnyRef: return ref_text(v.type, v.bits);
    case TypeCode::kI8:
    case TypeCode::kI16: break;
  }
  return "?";
}

std::string limits_text(const Limits& l) {
  return std::to_string(l.min) + ".." + (l.max ? std::to_string(*l.max) : std::string("none"));
}

// The exports the output should have: the input's, minus the init function
// (unless kept) and `_initialize` (always, as Wizer does), with each rename's source moved onto its
// destination. Maps name -> the original export it must equal.
// As Wizer 11 does: a rename whose source is missing or was removed does
// nothing, and renames apply all at once (two may swap names).
std::map<std::string, const Export*> expected_exports(const Module& m, const Options& options) {
  std::map<std::string, const Export*> kept;
  for (const Export& e : m.exports) kept[e.name] = &e;
  if (!options.keep_init_func) kept.erase(init_export_name(m, options));
  kept.erase("_initialize");
  std::map<std::string, const Export*> out = kept;
  for (const ExportRename& r : options.renames) out.erase(r.src);
  for (const ExportRename& r : options.renames)
    if (const auto it = kept.find(r.src); it != kept.end()) out[r.dst] = it->second;
  return out;
}

// Imports, exports, limits and the start function: what a user of the output
// sees before running anything.
void compare_shape(const Instance& original, const Instance& output, const Options& options,
                   std::vector<std::string>& diffs) {
  const Module& in = *original.module;
  const Module& out = *output.module;
  if (out.start) diffs.push_back("the output still has a start function");
  if (in.imports.size() != out.imports.size()) diffs.push_back("import count changed");
  for (size_t i = 0; i < std::min(in.imports.size(), out.imports.size()); ++i) {
    const Import& a = in.imports[i];
    const Import& b = out.imports[i];
    if (a.module != b.module || a.name != b.name || a.kind != b.kind)
      diffs.push_back("import " + std::to_string(i) + " is " + b.module + "." + b.name + ", was " + a.module + "." + a.name);
  }
  const auto expected = expected_exports(in, options);
  std::set<std::string> seen;
  for (const Export& e : out.exports) {
    seen.insert(e.name);
    const auto it = expected.find(e.name);
    if (it == expected.end()) {
      diffs.push_back("unexpected export '" + e.name + "'");
    } else if (it->second->kind != e.kind || it->second->index != e.index) {
      diffs.push_back("export '" + e.name + "' refers to another item than the original '" + it->second->name + "'");
    }
  }
  for (const auto& [name, e] : expected)
    if (!seen.count(name)) diffs.push_back("missing export '" + name + "'");
  for (size_t i = 0; i < std::min(in.memories.size(), out.memories.size()); ++i) {
    const Limits& a = in.memories[i].limits;
    const Limits& b = out.memories[i].limits;
    const uint64_t pages = original.memories[i]->pages();
    if (b.min != pages || a.max != b.max || a.is_64 != b.is_64)
      diffs.push_back("memory " + std::to_string(i) + " limits " + limits_text(b) + ", expected " +
                      std::to_string(pages) + ".." + (a.max ? std::to_string(*a.max) : std::string("none")));
  }
  for (size_t i = 0; i < std::min(in.global_types.size(), out.global_types.size()); ++i)
    if (!(in.global_types[i] == out.global_types[i]))
      diffs.push_back("global " + std::to_string(i) + " changed its type or mutability");
}

std::string join_args(std::span<const Value> args) {
  std::string s;
  for (const Value& v : args) s += (s.empty() ? "" : ", ") + value_text(v);
  return s;
}

// V8 runs the original's init itself; the probes must then give what the
// output gives. (Host imports exist only in kiln, so callers skip this then.)
void compare_with_node_init(std::span<const uint8_t> input, const Instance& original, const Options& options,
                            const std::vector<Probe>& probes, const std::vector<std::string>& expected,
                            std::vector<std::string>& diffs) {
  std::vector<std::string> init;
  const std::string init_func = init_export_name(*original.module, options);
  if (original.export_func("_initialize")) init.push_back("_initialize");
  if (init_func != "_initialize") init.push_back(init_func);
  std::vector<Probe> renamed = probes;
  for (Probe& p : renamed)
    if (!p.original.empty()) p.name = p.original;
  std::string failure;
  const auto lines = run_probes_in_node(input, original, renamed, failure, init);
  if (!lines) {
    diffs.push_back("node could not initialize the original: " + failure);
    return;
  }
  for (size_t i = 0; i < probes.size(); ++i) {
    const std::string got = i < lines->size() ? (*lines)[i] : "(no line)";
    if (got != expected[i])
      diffs.push_back("node, original after its init: probe " + std::to_string(i) + " " + renamed[i].name + " gives " +
                      got + ", the output in kiln " + expected[i]);
  }
}

}  // namespace

Loaded load_module(std::span<const uint8_t> bytes, const Options& options) {
  Loaded loaded;
  auto decoded = decode_module(std::vector<uint8_t>(bytes.begin(), bytes.end()), options.features);
  if (!decoded) {
    loaded.error = "decode: " + decoded.error().message;
    return loaded;
  }
  loaded.module = std::make_shared<const Module>(std::move(decoded).value());
  auto info = validate_module(*loaded.module);
  if (!info) {
    loaded.error = "validate: " + info.error().message;
    return loaded;
  }
  Linker linker;
  for (const HostImport& h : options.host_imports) linker.define_func(*loaded.store, h.module, h.name, h.type, h.function);
  InstantiateOptions inst;
  inst.stub_missing_func_imports = true;
  auto instance = instantiate(*loaded.store, loaded.module, std::make_shared<const ModuleInfo>(std::move(info).value()),
                              linker, inst);
  if (!instance) {
    loaded.error = "instantiate: " + instance.error().message;
    return loaded;
  }
  loaded.instance = *instance;
  return loaded;
}

std::string init_export_name(const Module& module, const Options& options) {
  if (options.init_func == kDefaultInitFunc && !module.find_export(kDefaultInitFunc) &&
      module.find_export("wizer.initialize"))
    return "wizer.initialize";
  return options.init_func;
}

std::string run_init_in_place(Loaded& original, const Options& options) {
  Instance& instance = *original.instance;
  const std::string init = init_export_name(*original.module, options);
  if (instance.export_func("_initialize")) {
    const CallResult r = call_export(instance, "_initialize", {});
    if (!r.error.empty() || r.trap) return "_initialize: " + outcome_text(r);
    if (init == "_initialize") return {};
  }
  const CallResult r = call_export(instance, init, {});
  if (!r.error.empty() || r.trap) return init + ": " + outcome_text(r);
  return {};
}

std::vector<std::string> compare_state(const Instance& expected, const Instance& actual) {
  std::vector<std::string> diffs;
  if (expected.globals.size() != actual.globals.size()) diffs.push_back("global count differs");
  for (size_t i = 0; i < std::min(expected.globals.size(), actual.globals.size()); ++i) {
    const std::string a = value_text(expected.globals[i]->get());
    const std::string b = value_text(actual.globals[i]->get());
    if (a != b) diffs.push_back("global " + std::to_string(i) + " is " + b + ", expected " + a);
  }
  if (expected.memories.size() != actual.memories.size()) diffs.push_back("memory count differs");
  for (size_t i = 0; i < std::min(expected.memories.size(), actual.memories.size()); ++i) {
    const Memory& a = *expected.memories[i];
    const Memory& b = *actual.memories[i];
    const std::string which = "memory " + std::to_string(i);
    if (a.type().limits.max != b.type().limits.max) diffs.push_back(which + " maximum differs");
    if (a.size_bytes() != b.size_bytes()) {
      diffs.push_back(which + " has " + std::to_string(b.size_bytes()) + " bytes, expected " +
                      std::to_string(a.size_bytes()));
      continue;
    }
    size_t differing = 0;
    uint64_t first = 0;
    for (uint64_t at = 0; at < a.size_bytes(); ++at) {
      if (a.data()[at] == b.data()[at]) continue;
      if (differing++ == 0) first = at;
    }
    if (differing)
      diffs.push_back(which + ": " + std::to_string(differing) + " bytes differ, the first at " + hex(first) +
                      " (" + hex(b.data()[first]) + ", expected " + hex(a.data()[first]) + ")");
  }
  if (expected.tables.size() != actual.tables.size()) diffs.push_back("table count differs");
  for (size_t i = 0; i < std::min(expected.tables.size(), actual.tables.size()); ++i) {
    const TableInstance& a = *expected.tables[i];
    const TableInstance& b = *actual.tables[i];
    const std::string which = "table " + std::to_string(i);
    if (a.type.elem != b.type.elem || a.type.limits.max != b.type.limits.max) diffs.push_back(which + " type differs");
    if (a.elements.size() != b.elements.size()) {
      diffs.push_back(which + " has " + std::to_string(b.elements.size()) + " entries, expected " +
                      std::to_string(a.elements.size()));
      continue;
    }
    for (size_t e = 0; e < a.elements.size(); ++e) {
      const std::string x = ref_text(a.type.elem, a.elements[e]);
      const std::string y = ref_text(b.type.elem, b.elements[e]);
      if (x != y) diffs.push_back(which + "[" + std::to_string(e) + "] is " + y + ", expected " + x);
    }
  }
  return diffs;
}

CallResult call_export(Instance& instance, const std::string& name, std::span<const Value> args) {
  CallResult result;
  FuncInstance* f = instance.export_func(name);
  if (!f) {
    result.error = "no exported function '" + name + "'";
    return result;
  }
  bool args_match = args.size() == f->type->params.size();
  for (size_t i = 0; args_match && i < args.size(); ++i) args_match = args[i].type == f->type->params[i];
  if (!args_match) {
    result.error = "arguments (" + join_args(args) + ") do not fit " + func_type_text(*f->type);
    return result;
  }
  CallOutcome outcome = call_function(*f, args);
  result.results = std::move(outcome.results);
  result.trap = std::move(outcome.trap);
  return result;
}

std::string outcome_text(const CallResult& result) {
  if (!result.error.empty()) return "error: " + result.error;
  if (result.trap) {
    std::string text = std::string("trap: ") + trap_message(result.trap->kind);
    if (!result.trap->detail.empty()) text += " (" + result.trap->detail + ")";
    return text;
  }
  std::string text;
  for (const Value& v : result.results) text += (text.empty() ? "" : " ") + value_text(v);
  return text;
}

std::string node_text(const CallResult& result, const FuncType& type) {
  const auto js_type = [](ValType t) { return is_num_type(t) || t == ValType::kFuncRef; };
  if (!std::all_of(type.params.begin(), type.params.end(), js_type) ||
      !std::all_of(type.results.begin(), type.results.end(), js_type))
    return "skip";
  if (!result.error.empty()) return "error";
  if (result.trap) return "trap";
  std::string text;
  for (const Value& v : result.results) {
    std::string one;
    const bool f32_nan = v.type == ValType::kF32 && (v.bits & 0x7f800000u) == 0x7f800000u && (v.bits & 0x7fffffu);
    const bool f64_nan = v.type == ValType::kF64 && (v.bits & 0x7ff0000000000000u) == 0x7ff0000000000000u &&
                         (v.bits & 0xfffffffffffffu);
    if (f32_nan) one = "f32:nan";
    else if (f64_nan) one = "f64:nan";
    else if (v.type == ValType::kFuncRef) one = v.bits == kNullRef ? "funcref:null" : "funcref";
    else one = value_text(v);
    text += (text.empty() ? "" : " ") + one;
  }
  return text;
}

std::string OracleResult::summary() const {
  std::string text = error;
  for (const std::string& d : differences) text += (text.empty() ? "" : "\n") + d;
  return text;
}

OracleResult check_preinit(std::span<const uint8_t> input, const Options& options, const std::vector<Probe>& probes,
                           const OracleChecks& checks) {
  OracleResult r;
  Loaded original = load_module(input, options);
  if (!original.error.empty()) {
    r.error = "the original does not load: " + original.error;
    return r;
  }
  if (std::string failed = run_init_in_place(original, options); !failed.empty()) {
    r.error = "the original's init failed: " + failed;
    return r;
  }
  auto output = preinitialize(input, options, &r.stats);
  if (!output) {
    r.error = "preinitialize failed: " + output.error().message;
    return r;
  }
  r.output = std::move(output).value();
  Loaded out = load_module(r.output, options);
  if (!out.error.empty()) {
    r.error = "the output does not load: " + out.error;
    return r;
  }
  std::vector<std::string>& diffs = r.differences;
  if (!checks.wabt) {
    r.skipped.push_back("wasm-validate: not for this module (wabt 1.0.32 lacks a feature it uses)");
  } else if (auto verdict = wabt_validate(r.output, checks.wabt_flags)) {
    if (!verdict->empty()) diffs.push_back("wasm-validate rejects the output: " + *verdict);
  } else {
    r.skipped.push_back("wasm-validate is not installed");
  }
  compare_shape(*original.instance, *out.instance, options, diffs);
  for (const std::string& d : compare_state(*original.instance, *out.instance)) diffs.push_back("after init: " + d);

  std::vector<std::string> expected_node;
  for (size_t i = 0; i < probes.size(); ++i) {
    const Probe& p = probes[i];
    const std::string label = "probe " + std::to_string(i) + " " + p.name + "(" + join_args(p.args) + ")";
    const CallResult a = call_export(*original.instance, p.original.empty() ? p.name : p.original, p.args);
    const CallResult b = call_export(*out.instance, p.name, p.args);
    if (!a.error.empty()) diffs.push_back(label + " on the original: " + a.error);
    if (outcome_text(a) != outcome_text(b))
      diffs.push_back(label + " gives " + outcome_text(b) + ", expected " + outcome_text(a));
    if (const FuncInstance* f = out.instance->export_func(p.name)) expected_node.push_back(node_text(b, *f->type));
    else expected_node.push_back("error");
    for (const std::string& d : compare_state(*original.instance, *out.instance)) diffs.push_back("after " + label + ": " + d);
  }

  if (!checks.node) {
    r.skipped.push_back("node: not for this module (node 20 lacks a feature it uses)");
  } else if (!have_tool("node")) {
    r.skipped.push_back("node is not installed");
  } else {
    std::string failure;
    auto lines = run_probes_in_node(r.output, *out.instance, probes, failure);
    if (!lines) {
      diffs.push_back("node could not run the output: " + failure);
    } else {
      for (size_t i = 0; i < probes.size(); ++i) {
        const std::string got = i < lines->size() ? (*lines)[i] : "(no line)";
        if (got != expected_node[i])
          diffs.push_back("node: probe " + std::to_string(i) + " " + probes[i].name + " gives " + got + ", kiln " +
                          expected_node[i]);
      }
    }
    if (options.host_imports.empty()) compare_with_node_init(input, *original.instance, options, probes, expected_node, diffs);
  }
  return r;
}

}  // namespace kiln::test
