// How messages name the setting that would change an outcome: an Options field for embedders, a flag for the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kiln/kiln.h"

namespace kiln::preinit {

enum class Setting : uint8_t { kFuel, kMaxStack, kMaxMemory, kMaxOutputSize, kAllowWasi, kInitFunc, kPreload };

// "Options::fuel" or "--fuel".
std::string setting_name(Setting setting, SettingNames names);
// A setting with its current value: "Options::fuel = 1000" or "--fuel 1000".
std::string setting_value(Setting setting, uint64_t value, SettingNames names);
// How to provide the imports of module `module`: "Options::host_imports or
// Options::preloads" or "--preload env=FILE.wasm".
std::string preload_hint(std::string_view module, SettingNames names);
// What turns a feature on ("bulk-memory"): "Options::features.bulk_memory" or
// Wizer's "--wasm-bulk-memory=true" (kiln's "--enable-memory64" where Wizer has none).
std::string feature_switch(std::string_view feature, SettingNames names);

// Appends "(turn it on with ...)" to an error that names a turned-off feature.
Error with_feature_hint(Error error, SettingNames names);

}  // namespace kiln::preinit
