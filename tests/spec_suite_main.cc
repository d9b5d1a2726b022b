// spec_suite: runs the spec scripts, converted (OUT/<set>/<name>/<name>.json) or as .wast, and prints per-set totals.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "kiln/spectest/interp_executor.h"
#include "kiln/spectest/runner.h"

namespace fs = std::filesystem;
using kiln::spectest::ScriptReport;
using kiln::spectest::Tally;

namespace {

constexpr int kExitSkipped = 77;  // meson's "test skipped"
constexpr size_t kDefaultFailureLimit = 50;

// The sets tools/spec-convert writes, with the features each one needs.
constexpr std::string_view kSets[] = {"core",           "simd",     "multi-memory", "tail-call",
                                      "extended-const", "memory64", "relaxed-simd"};

// Every set but core is named after the feature it needs; the 3.0 suite's sets need them all.
std::optional<kiln::Features> features_for_set(std::string_view set) {
  kiln::Features features;
  if (set == "3.0" || set == "legacy") return kiln::Features::all();
  if (set == "relaxed-simd" && !kiln::set_feature(features, "simd", true)) return std::nullopt;
  if (set != "core" && !kiln::set_feature(features, set, true)) return std::nullopt;
  return features;
}

// DIR/*.wast, sorted.
std::vector<fs::path> wast_files(const fs::path& dir) {
  std::vector<fs::path> scripts;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".wast" && it->is_regular_file(ec)) scripts.push_back(it->path());
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

// Where each set's .wast files are: the 2.0 suite's core/, core/simd/ and
// proposals/<set>/, or the 3.0 suite's top level and legacy/.
std::vector<std::pair<std::string_view, fs::path>> wast_sets(const fs::path& suite) {
  if (!fs::exists(suite / "core")) return {{"3.0", suite}, {"legacy", suite / "legacy"}};
  std::vector<std::pair<std::string_view, fs::path>> sets;
  for (std::string_view set : kSets) {
    if (set == "core") {
      sets.emplace_back(set, suite / "core");
    } else if (set == "simd") {
      sets.emplace_back(set, suite / "core" / "simd");
    } else {
      sets.emplace_back(set, suite / "proposals" / set);
    }
  }
  return sets;
}

// <set>/<name>/*.json, sorted so the output is stable.
std::vector<fs::path> scripts_of_set(const fs::path& set_dir) {
  std::vector<fs::path> scripts;
  std::error_code ec;
  for (fs::directory_iterator it(set_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory(ec)) continue;
    std::error_code inner_ec;
    for (fs::directory_iterator file(it->path(), inner_ec); !inner_ec && file != end; file.increment(inner_ec)) {
      if (file->path().extension() == ".json" && file->is_regular_file(inner_ec)) scripts.push_back(file->path());
    }
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

void print_file_row(const fs::path& script, const kiln::Result<ScriptReport>& report) {
  if (!report.ok()) {
    std::printf("%-40s cannot run: %s\n", script.filename().string().c_str(), report.error().message.c_str());
    return;
  }
  const Tally t = report->total();
  std::printf("%-40s %7" PRIu64 " commands %7" PRIu64 " passed %6" PRIu64 " failed %6" PRIu64 " skipped\n",
              script.filename().string().c_str(), t.total(), t.passed, t.failed, t.skipped);
}

struct SetResult {
  std::string_view name;
  size_t files = 0;
  ScriptReport report;
  std::vector<std::string> load_errors;  // scripts that could not be read or parsed
};

void print_row(std::string_view name, size_t files, const Tally& t, uint64_t extra_failed) {
  std::printf("%-16.*s %6zu %9" PRIu64 " %9" PRIu64 " %7" PRIu64 " %8" PRIu64 " %7" PRIu64 "\n",
              static_cast<int>(name.size()), name.data(), files, t.total() + extra_failed, t.passed,
              t.failed + extra_failed, t.skipped, t.not_applicable);
}

// Known deviations: "<set>/<script>:<line> reason" per line, '#' comments;
// "json:<set>/..." or "wast:<set>/..." applies to one route only.
// These are commands whose expectation contradicts another command of the
// suite; each is printed on every run, and one that starts passing is an
// error, so the list can only shrink.
using KnownDeviations = std::map<std::string, std::string>;  // key -> reason

std::optional<KnownDeviations> load_known(const std::string& path, std::string_view route) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  KnownDeviations known;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    std::string key = line.substr(0, space);
    for (const std::string_view r : {"json:", "wast:"}) {
      if (!key.starts_with(r)) continue;
      if (r.substr(0, 4) != route) key.clear();
      key.erase(0, r.size());
    }
    if (!key.empty()) known[key] = space == std::string::npos ? "" : line.substr(space + 1);
  }
  return known;
}

// "<set>/<script>:<line>" for a failure; `set_of` maps each script to its set.
std::string failure_key(const kiln::spectest::CommandFailure& failure, const std::map<std::string, std::string>& set_of) {
  const fs::path script(failure.script);
  const auto it = set_of.find(failure.script);
  const std::string set = it != set_of.end() ? it->second : "?";
  return set + "/" + script.stem().string() + ":" + std::to_string(failure.line);
}

void print_usage() {
  std::fputs(
      "usage: spec_suite [--dir CONVERTED_DIR | --wast SUITE_DIR] [--verbose] [--set NAME] [--no-exec] [--known FILE]\n"
      "                  [--per-file]\n"
      "  CONVERTED_DIR holds tools/spec-convert output (default: $KILN_SPEC_DIR, else build/spec)\n"
      "  --wast reads the .wast scripts with kiln's text reader: SUITE_DIR is a 2.0 suite (core/, core/simd/,\n"
      "    proposals/<set>/) or a 3.0 suite (top level: set 3.0, legacy/: set legacy, all features on)\n"
      "  --per-file prints each script's counts\n"
      "  --no-exec checks decoding and validation only, skipping commands that run code\n"
      "  --known FILE lists known deviations (\"<set>/<script>:<line> reason\"): reported, not failed\n",
      stderr);
}

}  // namespace

int main(int argc, char** argv) {
  const char* env_dir = std::getenv("KILN_SPEC_DIR");
  fs::path dir = env_dir && *env_dir ? env_dir : "build/spec";
  bool verbose = false;
  bool execute = true;
  bool per_file = false;
  std::optional<fs::path> wast_suite;
  std::string only_set;
  std::string known_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--set" && i + 1 < argc) {
      only_set = argv[++i];
    } else if (arg == "--wast" && i + 1 < argc) {
      wast_suite = argv[++i];
    } else if (arg == "--per-file") {
      per_file = true;
    } else if (arg == "--verbose" || arg == "-v") {
      verbose = true;
    } else if (arg == "--no-exec") {
      execute = false;
    } else if (arg == "--known" && i + 1 < argc) {
      known_path = argv[++i];
    } else {
      print_usage();
      return 2;
    }
  }
  if (!only_set.empty() && !wast_suite && std::find(std::begin(kSets), std::end(kSets), only_set) == std::end(kSets)) {
    std::fprintf(stderr,
                 "spec_suite: unknown set '%s' (known: core, simd, multi-memory, tail-call, "
                 "extended-const, memory64, relaxed-simd)\n",
                 only_set.c_str());
    return 2;
  }

  KnownDeviations known;
  if (!known_path.empty()) {
    auto loaded = load_known(known_path, wast_suite ? "wast" : "json");
    if (!loaded) {
      std::fprintf(stderr, "spec_suite: cannot read the known-deviations file %s\n", known_path.c_str());
      return 2;
    }
    known = std::move(*loaded);
  }

  std::vector<std::pair<std::string_view, std::vector<fs::path>>> sets;
  if (wast_suite) {
    for (const auto& [set, folder] : wast_sets(*wast_suite)) sets.emplace_back(set, wast_files(folder));
  } else {
    for (std::string_view set : kSets) sets.emplace_back(set, scripts_of_set(dir / set));
  }
  std::vector<SetResult> results;
  std::map<std::string, std::string> set_of;
  size_t script_count = 0;
  for (const auto& [set, scripts] : sets) {
    if (!only_set.empty() && set != only_set) continue;
    SetResult result;
    result.name = set;
    const auto features = features_for_set(set);
    if (!features) {
      std::fprintf(stderr, "spec_suite: kiln has no feature flag named '%.*s'\n", static_cast<int>(set.size()),
                   set.data());
      return 2;
    }
    for (const fs::path& script : scripts) {
      ++result.files;
      set_of[script.string()] = std::string(set);
      // A fresh Store per script: registrations and shared imports never leak between scripts.
      std::unique_ptr<kiln::spectest::InterpExecutor> executor;
      if (execute) executor = std::make_unique<kiln::spectest::InterpExecutor>();
      auto report = wast_suite ? kiln::spectest::run_wast_file(script.string(), *features, executor.get())
                               : kiln::spectest::run_script_file(script.string(), *features, executor.get());
      if (per_file) print_file_row(script, report);
      if (report.ok()) {
        result.report += *report;
      } else {
        result.load_errors.push_back(report.error().message);
      }
    }
    script_count += result.files;
    results.push_back(std::move(result));
  }
  if (script_count == 0 && wast_suite) {
    std::printf("!! SPEC SUITE SKIPPED: no .wast scripts under %s\n", wast_suite->string().c_str());
    return kExitSkipped;
  }
  if (script_count == 0) {
    std::printf(
        "!! SPEC SUITE SKIPPED: no converted test suite at %s\n"
        "!! (convert one with: tools/spec-convert SUITE_DIR %s)\n",
        dir.string().c_str(), dir.string().c_str());
    return kExitSkipped;
  }

  std::printf("%-16s %6s %9s %9s %7s %8s %7s\n", "set", "files", "commands", "passed", "failed", "skipped", "n/a");
  ScriptReport all;
  size_t all_files = 0;
  uint64_t load_failures = 0;
  for (const SetResult& r : results) {
    print_row(r.name, r.files, r.report.total(), r.load_errors.size());
    all += r.report;
    all_files += r.files;
    load_failures += r.load_errors.size();
  }
  print_row("total", all_files, all.total(), load_failures);

  std::printf("\n%-22s %9s %7s %8s %7s\n", "command", "passed", "failed", "skipped", "n/a");
  for (size_t i = 0; i < kiln::spectest::kCommandTypeCount; ++i) {
    const Tally& t = all.by_type[i];
    if (t.total() == 0) continue;
    std::printf("%-22s %9" PRIu64 " %7" PRIu64 " %8" PRIu64 " %7" PRIu64 "\n",
                kiln::spectest::command_type_name(static_cast<kiln::spectest::CommandType>(i)), t.passed, t.failed,
                t.skipped, t.not_applicable);
  }

  // Known deviations leave the failure list; listed entries that passed are errors.
  std::vector<std::pair<std::string, std::string>> deviations;
  std::vector<kiln::spectest::CommandFailure> unexpected;
  std::map<std::string, bool> seen;
  for (auto& failure : all.failures) {
    const std::string key = failure_key(failure, set_of);
    auto it = known.find(key);
    if (it != known.end() && (only_set.empty() || key.rfind(only_set + "/", 0) == 0)) {
      deviations.emplace_back(key, it->second);
      seen[key] = true;
    } else {
      unexpected.push_back(std::move(failure));
    }
  }
  std::vector<std::string> stale;
  for (const auto& [key, reason] : known) {
    const bool in_scope = only_set.empty() || key.rfind(only_set + "/", 0) == 0;
    if (in_scope && execute && !seen.count(key)) stale.push_back(key);
  }
  all.failures = std::move(unexpected);
  if (!deviations.empty()) {
    std::printf("\nknown deviations (%zu, from %s; not counted as passed):\n", deviations.size(), known_path.c_str());
    for (const auto& [key, reason] : deviations) std::printf("  %s  %s\n", key.c_str(), reason.c_str());
  }
  for (const std::string& key : stale)
    std::printf("\nERROR: known deviation %s now passes: remove it from %s\n", key.c_str(), known_path.c_str());

  const size_t failure_total = all.failures.size() + load_failures;
  if (failure_total > 0) {
    const size_t limit = verbose ? failure_total : std::min(failure_total, kDefaultFailureLimit);
    std::printf("\nfailures (%zu%s):\n", failure_total, limit < failure_total ? ", first 50; --verbose for all" : "");
    size_t shown = 0;
    for (const SetResult& r : results) {
      for (const std::string& error : r.load_errors) {
        if (shown++ < limit) std::printf("  cannot run script: %s\n", error.c_str());
      }
    }
    for (const auto& failure : all.failures) {
      if (shown++ >= limit) break;
      std::printf("  %s\n", kiln::spectest::format_failure(failure).c_str());
    }
  }
  if (all.phase_mismatches > 0) {
    std::printf("\nnote: %" PRIu64
                " assert_malformed/assert_invalid passed on the message, "
                "but the error came from the other phase\n",
                all.phase_mismatches);
  }

  if (!all.skip_reasons.empty()) {
    std::printf("\nskipped:\n");
    for (const auto& [reason, count] : all.skip_reasons) std::printf("  %9" PRIu64 "  %s\n", count, reason.c_str());
  }

  const Tally total = all.total();
  const uint64_t failed = total.failed - deviations.size() + load_failures + stale.size();
  const uint64_t skipped = total.skipped + deviations.size();
  if (!wast_suite)
    std::printf("\nnot applicable: %" PRIu64 " (text-format modules; a converted script has no text to check)\n",
                total.not_applicable);
  std::printf("spec: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", total.passed, failed, skipped);
  return failed == 0 ? 0 : 1;
}
