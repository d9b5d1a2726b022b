// The one table of settings as an embedder and as a command-line user know them.
#include "setting_names.h"

#include <array>

namespace kiln::preinit {
namespace {

struct SettingRow {
  Setting setting;
  std::string_view field;  // in kiln::Options
  std::string_view flag;   // on kiln's command line
};
constexpr std::array kSettings = {
    SettingRow{Setting::kFuel, "fuel", "--fuel"},
    SettingRow{Setting::kMaxStack, "max_call_depth", "--max-stack"},
    SettingRow{Setting::kMaxMemory, "max_memory_bytes", "--max-memory"},
    SettingRow{Setting::kMaxOutputSize, "max_output_bytes", "--max-output-size"},
    SettingRow{Setting::kAllowWasi, "allow_wasi", "--allow-wasi"},
    SettingRow{Setting::kInitFunc, "init_func", "--init-func"},
    SettingRow{Setting::kPreload, "preloads", "--preload"},
};

constexpr bool rows_follow_the_enum() {
  for (size_t i = 0; i < kSettings.size(); ++i)
    if (static_cast<size_t>(kSettings[i].setting) != i) return false;
  return true;
}
static_assert(rows_follow_the_enum());

// Features Wizer has a --wasm-NAME switch for; the rest are kiln's --enable-NAME.
constexpr std::array<std::string_view, 6> kWizerFeatures = {"simd",        "relaxed-simd",   "multi-memory",
                                                            "multi-value", "reference-types", "bulk-memory"};

}  // namespace

std::string setting_name(Setting setting, SettingNames names) {
  const SettingRow& row = kSettings[static_cast<size_t>(setting)];
  return names == SettingNames::kCommandLine ? std::string(row.flag) : "Options::" + std::string(row.field);
}

std::string setting_value(Setting setting, uint64_t value, SettingNames names) {
  const char* joint = names == SettingNames::kCommandLine ? " " : " = ";
  return setting_name(setting, names) + joint + std::to_string(value);
}

std::string preload_hint(std::string_view module, SettingNames names) {
  if (names == SettingNames::kCommandLine) return "--preload " + std::string(module) + "=FILE.wasm";
  return "Options::host_imports or Options::preloads";
}

std::string feature_switch(std::string_view feature, SettingNames names) {
  if (names == SettingNames::kOptions) return "Options::features." + feature_member(feature);
  for (std::string_view wizer : kWizerFeatures)
    if (wizer == feature) return "--wasm-" + std::string(feature) + "=true";
  return "--enable-" + std::string(feature);
}

Error with_feature_hint(Error error, SettingNames names) {
  if (!error.feature.empty())
    error.message = message_with_feature_hint(error.message, error.feature, feature_switch(error.feature, names));
  return error;
}

}  // namespace kiln::preinit
