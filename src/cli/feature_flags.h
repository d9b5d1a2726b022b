// Shared parsing of --enable-FEATURE / --disable-FEATURE command-line flags.
#pragma once

#include <string>
#include <string_view>

#include "kiln/base/result.h"

#include "kiln/ir/features.h"

namespace kiln::cli {

enum class FlagMatch { kNotAFeatureFlag, kApplied, kUnknownFeature };

// Applies `arg` when it is --enable-NAME or --disable-NAME.
inline FlagMatch apply_feature_flag(Features& features, std::string_view arg) {
  bool on;
  if (arg.starts_with("--enable-")) {
    on = true;
    arg.remove_prefix(9);
  } else if (arg.starts_with("--disable-")) {
    on = false;
    arg.remove_prefix(10);
  } else {
    return FlagMatch::kNotAFeatureFlag;
  }
  return set_feature(features, arg, on) ? FlagMatch::kApplied : FlagMatch::kUnknownFeature;
}

// The message of an error, with how to turn on the feature it names (for
// the commands that take --enable-FEATURE).
inline std::string message_with_enable_hint(const Error& error) {
  if (error.feature.empty()) return error.message;
  return message_with_feature_hint(error.message, error.feature, "--enable-" + error.feature);
}

}  // namespace kiln::cli
