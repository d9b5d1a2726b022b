// Feature flags: which proposals beyond WebAssembly 2.0 the decoder and validator accept.
#pragma once

#include <optional>
#include <string_view>

namespace kiln {

// WebAssembly 2.0 (bulk memory, reference types, SIMD, multi-value, sign
// extension, saturating conversions) is always on; SIMD can be turned off to
// mirror Wizer's `--wasm-simd=false`.
struct Features {
  bool simd = true;
  bool relaxed_simd = false;
  bool multi_memory = false;
  bool memory64 = false;
  bool tail_call = false;
  bool extended_const = false;

  static Features all() { return {true, true, true, true, true, true}; }
};

// Sets the flag named like the command-line spelling ("multi-memory",
// "memory64", ...). Returns false for an unknown name.
bool set_feature(Features& features, std::string_view name, bool on);
std::string_view feature_names();  // comma-separated list for usage messages

}  // namespace kiln
