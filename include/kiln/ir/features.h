// Feature flags: which parts of WebAssembly beyond the 1.0 core the decoder and validator accept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiln {

// WebAssembly 2.0's features (SIMD, reference types, bulk memory, multi-value)
// are on by default and can be turned off, mirroring Wizer's `--wasm-*=false`;
// sign extension, saturating conversions and mutable globals are always on.
// The later proposals are off unless asked for.
struct Features {
  bool simd = true;
  bool relaxed_simd = false;
  bool multi_memory = false;
  bool memory64 = false;
  bool tail_call = false;
  bool extended_const = false;
  bool reference_types = true;
  bool bulk_memory = true;
  bool multi_value = true;
  bool exceptions = false;  // WebAssembly 3.0 exception handling: tags, throw, throw_ref, try_table, exnref
  // The encoding before 3.0 (try, catch, catch_all, rethrow, delegate) that LLVM up to 19 emits; tags too.
  bool legacy_exceptions = false;
  // WebAssembly 3.0 typed function references: (ref null? $t) value types, call_ref, br_on_null, non-null locals,
  // tables with an initializer expression.
  bool function_references = false;
  // WebAssembly 3.0 garbage collection: struct and array types, rec groups, declared subtypes, i31, casts and the
  // any/eq/i31/struct/array/none heap types. Implies typed function references.
  bool gc = false;

  static Features all() {
    Features f;
    f.relaxed_simd = f.multi_memory = f.memory64 = f.tail_call = f.extended_const = f.exceptions =
        f.legacy_exceptions = f.function_references = f.gc = true;
    return f;
  }
};

// One switchable feature, for messages that say which one an input needs.
enum class Feature : uint8_t {
  kSimd, kRelaxedSimd, kMultiMemory, kMemory64, kTailCall, kExtendedConst, kReferenceTypes, kBulkMemory, kMultiValue,
  kExceptions, kLegacyExceptions, kFunctionReferences, kGc,
};

// Tags (their section, imports and exports) belong to both exception encodings.
inline bool has_tags(const Features& features) { return features.exceptions || features.legacy_exceptions; }

bool is_enabled(const Features& features, Feature feature);
// The command-line spelling, as set_feature takes it: "bulk-memory".
std::string_view feature_name(Feature feature);
// The Features member: "bulk_memory".
std::string feature_member(std::string_view name);

// Refuses an input that needs `feature` while it is off, at `offset`, with
// the wording of Wizer's validator ("bulk memory support is not enabled");
// the Error's `feature` names it so the caller can say how to turn it on.
[[noreturn]] void fail_disabled(Feature feature, uint64_t offset);
// The same for bytes that the spec without `feature` calls malformed in its
// own words ("malformed section id"): that wording stays, and the Error's
// `feature` still names what would give the bytes a meaning.
[[noreturn]] void fail_disabled(Feature feature, uint64_t offset, std::string message);

// The message of an error that names a turned-off feature, followed by how to
// turn it on (`how`: "--wasm-bulk-memory=true", "Options::features.bulk_memory").
std::string message_with_feature_hint(const std::string& message, std::string_view feature, std::string_view how);

// Sets the flag named like the command-line spelling ("multi-memory",
// "memory64", ...). Returns false for an unknown name.
bool set_feature(Features& features, std::string_view name, bool on);
std::string_view feature_names();  // comma-separated list for usage messages

}  // namespace kiln
