// Feature flags by name, and the refusal of an input that needs a feature the options turned off.
#include "kiln/ir/features.h"

#include <array>
#include <utility>

#include "kiln/base/failure.h"

namespace kiln {
namespace {

struct FeatureRow {
  Feature feature;
  std::string_view name;         // set_feature's spelling
  std::string_view description;  // as Wizer's validator words it: "<description> support is not enabled"
  bool Features::*flag;
};
constexpr std::array kFeatures = {
    FeatureRow{Feature::kSimd, "simd", "SIMD", &Features::simd},
    FeatureRow{Feature::kRelaxedSimd, "relaxed-simd", "relaxed SIMD", &Features::relaxed_simd},
    FeatureRow{Feature::kMultiMemory, "multi-memory", "multi-memory", &Features::multi_memory},
    FeatureRow{Feature::kMemory64, "memory64", "memory64", &Features::memory64},
    FeatureRow{Feature::kTailCall, "tail-call", "tail calls", &Features::tail_call},
    FeatureRow{Feature::kExtendedConst, "extended-const", "extended constant expressions", &Features::extended_const},
    FeatureRow{Feature::kReferenceTypes, "reference-types", "reference types", &Features::reference_types},
    FeatureRow{Feature::kBulkMemory, "bulk-memory", "bulk memory", &Features::bulk_memory},
    FeatureRow{Feature::kMultiValue, "multi-value", "multi-value", &Features::multi_value},
    FeatureRow{Feature::kExceptions, "exceptions", "exceptions", &Features::exceptions},
    FeatureRow{Feature::kLegacyExceptions, "legacy-exceptions", "legacy exceptions", &Features::legacy_exceptions},
    FeatureRow{Feature::kFunctionReferences, "function-references", "function references",
               &Features::function_references},
    FeatureRow{Feature::kGc, "gc", "gc", &Features::gc},
};

constexpr bool rows_follow_the_enum() {
  for (size_t i = 0; i < kFeatures.size(); ++i)
    if (static_cast<size_t>(kFeatures[i].feature) != i) return false;
  return true;
}
static_assert(rows_follow_the_enum());

const FeatureRow& row(Feature feature) { return kFeatures[static_cast<size_t>(feature)]; }

}  // namespace

bool is_enabled(const Features& features, Feature feature) { return features.*(row(feature).flag); }

std::string_view feature_name(Feature feature) { return row(feature).name; }

std::string feature_member(std::string_view name) {
  std::string member(name);
  for (char& c : member)
    if (c == '-') c = '_';
  return member;
}

void fail_disabled(Feature feature, uint64_t offset) {
  throw Failure{Error{ErrorCode::kMalformed, offset, std::string(row(feature).description) + " support is not enabled",
                      std::string(row(feature).name)}};
}

void fail_disabled(Feature feature, uint64_t offset, std::string message) {
  throw Failure{Error{ErrorCode::kMalformed, offset, std::move(message), std::string(row(feature).name)}};
}

std::string message_with_feature_hint(const std::string& message, std::string_view feature, std::string_view how) {
  // "X support is not enabled" already names the feature; other wordings are the spec's.
  const bool names_it = message.find("support is not enabled") != std::string::npos;
  std::string hint = names_it ? " (turn it on with " : " (this needs " + std::string(feature) + ": turn it on with ";
  return message + hint + std::string(how) + ")";
}

bool set_feature(Features& features, std::string_view name, bool on) {
  if (name == "all") {
    for (const FeatureRow& f : kFeatures) features.*(f.flag) = on;
    return true;
  }
  for (const FeatureRow& f : kFeatures) {
    if (f.name == name) {
      features.*(f.flag) = on;
      // GC builds on typed function references: turning GC on turns them on, turning them off turns GC off.
      if (f.feature == Feature::kGc && on) features.function_references = true;
      if (f.feature == Feature::kFunctionReferences && !on) features.gc = false;
      return true;
    }
  }
  return false;
}

std::string_view feature_names() {
  return "simd, relaxed-simd, multi-memory, memory64, tail-call, extended-const, reference-types, bulk-memory, "
         "multi-value, exceptions, legacy-exceptions, function-references, all";
}

}  // namespace kiln
