// `kiln validate`: decode + validate one module, report the first error as FILE:0xOFFSET: error: MESSAGE.
#include <cinttypes>
#include <cstdio>
#include <string>

#include "commands.h"
#include "feature_flags.h"
#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/validate/validate.h"

namespace kiln::cli {

int validate_command(std::span<char* const> args) {
  Features features;
  std::string path;
  for (char* raw : args) {
    const std::string_view arg = raw;
    switch (apply_feature_flag(features, arg)) {
      case FlagMatch::kApplied: continue;
      case FlagMatch::kUnknownFeature:
        std::fprintf(stderr, "kiln validate: unknown feature in '%s' (known: %.*s)\n", raw,
                     static_cast<int>(feature_names().size()), feature_names().data());
        return 1;
      case FlagMatch::kNotAFeatureFlag: break;
    }
    if (!path.empty() || (arg.starts_with("-") && arg != "-")) {
      std::fprintf(stderr, "kiln validate: unexpected argument '%s'\nusage: kiln validate [--enable-FEATURE...] FILE\n", raw);
      return 1;
    }
    path = arg;
  }
  if (path.empty()) {
    std::fputs("usage: kiln validate [--enable-FEATURE...] FILE\n", stderr);
    return 1;
  }
  bool was_text = false;
  auto bytes = read_module_file(path, features, &was_text);
  if (!bytes) {
    std::fprintf(stderr, "%s: error: %s\n", path.c_str(), bytes.error().message.c_str());
    return 1;
  }
  auto module = decode_module(std::move(*bytes), features);
  Status status;
  if (!module) {
    status = module.error();
  } else if (auto info = validate_module(*module); !info) {
    status = info.error();
  }
  if (status.ok()) return 0;
  const Error& error = status.error();
  const std::string message = message_with_enable_hint(error);
  if (error.has_offset() && was_text)
    std::fprintf(stderr, "%s: error: %s (at 0x%" PRIx64 " of the module assembled from the text)\n", path.c_str(),
                 message.c_str(), error.offset);
  else if (error.has_offset())
    std::fprintf(stderr, "%s:0x%" PRIx64 ": error: %s\n", path.c_str(), error.offset, message.c_str());
  else
    std::fprintf(stderr, "%s: error: %s\n", path.c_str(), message.c_str());
  return 1;
}

}  // namespace kiln::cli
