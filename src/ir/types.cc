// Printable names of types and feature flags.
#include <array>

#include "kiln/ir/features.h"
#include "kiln/ir/types.h"

namespace kiln {

const char* val_type_name(ValType t) {
  switch (t) {
    case ValType::kI32: return "i32";
    case ValType::kI64: return "i64";
    case ValType::kF32: return "f32";
    case ValType::kF64: return "f64";
    case ValType::kV128: return "v128";
    case ValType::kFuncRef: return "funcref";
    case ValType::kExternRef: return "externref";
  }
  return "?";
}

const char* extern_kind_name(ExternKind kind) {
  switch (kind) {
    case ExternKind::kFunc: return "func";
    case ExternKind::kTable: return "table";
    case ExternKind::kMemory: return "memory";
    case ExternKind::kGlobal: return "global";
  }
  return "?";
}

std::string func_type_text(const FuncType& type) {
  auto list = [](const std::vector<ValType>& types) {
    std::string out = "(";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i) out += ", ";
      out += val_type_name(types[i]);
    }
    return out + ")";
  };
  return list(type.params) + " -> " + list(type.results);
}

namespace {
struct FeatureName {
  std::string_view name;
  bool Features::*flag;
};
constexpr std::array kFeatureNames = {
    FeatureName{"simd", &Features::simd},
    FeatureName{"relaxed-simd", &Features::relaxed_simd},
    FeatureName{"multi-memory", &Features::multi_memory},
    FeatureName{"memory64", &Features::memory64},
    FeatureName{"tail-call", &Features::tail_call},
    FeatureName{"extended-const", &Features::extended_const},
};
}  // namespace

bool set_feature(Features& features, std::string_view name, bool on) {
  if (name == "all") {
    for (const auto& f : kFeatureNames) features.*(f.flag) = on;
    return true;
  }
  for (const auto& f : kFeatureNames) {
    if (f.name == name) {
      features.*(f.flag) = on;
      return true;
    }
  }
  return false;
}

std::string_view feature_names() {
  return "simd, relaxed-simd, multi-memory, memory64, tail-call, extended-const, all";
}

}  // namespace kiln
