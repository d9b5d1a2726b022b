// Shared limits and helpers of the execution fuzz targets (instantiate_fuzz, preinit_fuzz).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/kiln.h"
#include "kiln/validate/validate.h"

namespace kiln::fuzz {

// Small enough that one input runs in milliseconds under ASan: libFuzzer's
// value is in the number of inputs, and a hang would stop the campaign.
inline constexpr uint64_t kFuel = 200'000;
inline constexpr uint64_t kMaxMemoryBytes = uint64_t{16} << 20;

struct Loaded {
  std::shared_ptr<const Module> module;
  std::shared_ptr<const ModuleInfo> info;
};

inline std::optional<Loaded> load(std::span<const uint8_t> bytes, const Features& features) {
  auto decoded = decode_module(std::vector<uint8_t>(bytes.begin(), bytes.end()), features);
  if (!decoded) return std::nullopt;
  auto module = std::make_shared<const Module>(std::move(decoded).value());
  auto info = validate_module(*module);
  if (!info) return std::nullopt;
  return Loaded{module, std::make_shared<const ModuleInfo>(std::move(info).value())};
}

inline ExecOptions exec_options() {
  ExecOptions exec;
  exec.fuel = kFuel;  // the call depth stays preinitialize's, so the oracle sees the same limits
  return exec;
}

// Every imported function is a host function that returns zeros: inits
// that log (as wasm-opt -ttf modules do) still run to the end. The
// preinitialize pipeline gets the same functions, so the oracle compares like
// with like.
inline std::vector<HostImport> zero_imports(const Module& module) {
  std::vector<HostImport> imports;
  for (const Import& import : module.imports) {
    if (import.kind != ExternKind::kFunc) continue;
    HostFunction zeros = [](HostContext&, std::span<const Value>, std::span<Value> results) -> std::optional<Trap> {
      for (Value& v : results) v.bits = v.hi = 0;
      return std::nullopt;
    };
    imports.push_back(HostImport{import.module, import.name, module.types[to_u32(import.func_type)], zeros});
  }
  return imports;
}

inline Result<Instance*> instantiate_limited(Store& store, const Loaded& loaded) {
  Linker linker;
  for (HostImport& h : zero_imports(*loaded.module)) linker.define_func(store, h.module, h.name, h.type, h.function);
  InstantiateOptions options;
  options.stub_missing_func_imports = true;
  options.max_memory_bytes = kMaxMemoryBytes;
  options.exec = exec_options();
  return instantiate(store, loaded.module, loaded.info, linker, options);
}

// Zero of every parameter type: the calls only have to reach the code.
inline std::vector<Value> zero_args(const FuncType& type) {
  std::vector<Value> args;
  for (ValType t : type.params) args.push_back(Value{t, 0, 0});
  return args;
}

// A broken oracle is a crash libFuzzer keeps, with the reason on stderr.
[[noreturn]] inline void oracle_failure(const char* what) {
  std::fprintf(stderr, "oracle failure: %s\n", what);
  std::abort();
}

}  // namespace kiln::fuzz
