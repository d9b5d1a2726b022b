// `kiln spectest`: run one spec script (.wast, or wast2json's .json) and print its failures and a "N/M passed" line.
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.h"
#include "feature_flags.h"
#include "kiln/spectest/interp_executor.h"
#include "kiln/spectest/runner.h"

namespace kiln::cli {

namespace {

constexpr const char* kSpectestUsage =
    "usage: kiln spectest [--enable-FEATURE...] [--no-exec] FILE.wast|FILE.json\n"
    "  FILE.wast is read by kiln's text reader; FILE.json is wast2json's conversion\n"
    "  --no-exec checks decoding and validation only, skipping commands that run code\n";

}  // namespace

int spectest_command(std::span<char* const> args) {
  // Only explicit flags: the script's folder or name never turns a feature on.
  Features features;
  std::string path;
  bool execute = true;
  for (char* raw : args) {
    const std::string_view arg = raw;
    switch (apply_feature_flag(features, arg)) {
      case FlagMatch::kApplied: continue;
      case FlagMatch::kUnknownFeature:
        std::fprintf(stderr, "kiln spectest: unknown feature in '%s' (known: %.*s)\n", raw,
                     static_cast<int>(feature_names().size()), feature_names().data());
        return 1;
      case FlagMatch::kNotAFeatureFlag: break;
    }
    if (arg == "--no-exec") {
      execute = false;
      continue;
    }
    if (!path.empty() || arg.starts_with("-")) {
      std::fprintf(stderr, "kiln spectest: unexpected argument '%s'\n%s", raw, kSpectestUsage);
      return 1;
    }
    path = arg;
  }
  if (path.empty()) {
    std::fputs(kSpectestUsage, stderr);
    return 1;
  }

  std::unique_ptr<spectest::InterpExecutor> executor;
  if (execute) executor = std::make_unique<spectest::InterpExecutor>();
  auto report = path.ends_with(".wast") ? spectest::run_wast_file(path, features, executor.get())
                                        : spectest::run_script_file(path, features, executor.get());
  if (!report.ok()) {
    std::fprintf(stderr, "kiln spectest: %s\n", report.error().message.c_str());
    return 1;
  }
  for (const spectest::CommandFailure& failure : report->failures) {
    std::printf("%s\n", spectest::format_failure(failure).c_str());
  }
  const spectest::Tally total = report->total();
  std::printf("%" PRIu64 " commands: %" PRIu64 " skipped, %" PRIu64 " not applicable (text format in JSON)\n",
              total.total(), total.skipped, total.not_applicable);
  for (const auto& [reason, count] : report->skip_reasons) std::printf("  %" PRIu64 " skipped: %s\n", count, reason.c_str());
  std::printf("%" PRIu64 "/%" PRIu64 " passed\n", total.passed, total.passed + total.failed);
  return total.failed == 0 ? 0 : 1;
}

}  // namespace kiln::cli
