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

// Imports nobody provides become stubs that trap when called, as in `kiln run`.
inline Result<Instance*> instantiate_limited(Store& store, const Loaded& loaded) {
  Linker linker;
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
