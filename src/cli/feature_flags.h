// Shared parsing of --enable-FEATURE / --disable-FEATURE command-line flags.
#pragma once

#include <string_view>

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

}  // namespace kiln::cli
