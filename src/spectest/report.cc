// Counting verdicts and printing failures of spec scripts.
#include <cstdio>
#include <string>

#include "kiln/spectest/runner.h"

namespace kiln::spectest {

void Tally::add(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPassed: ++passed; break;
    case Verdict::kFailed: ++failed; break;
    case Verdict::kSkipped: ++skipped; break;
    case Verdict::kNotApplicable: ++not_applicable; break;
  }
}

Tally& Tally::operator+=(const Tally& other) {
  passed += other.passed;
  failed += other.failed;
  skipped += other.skipped;
  not_applicable += other.not_applicable;
  return *this;
}

Tally ScriptReport::total() const {
  Tally sum;
  for (const Tally& t : by_type) sum += t;
  return sum;
}

ScriptReport& ScriptReport::operator+=(const ScriptReport& other) {
  for (size_t i = 0; i < kCommandTypeCount; ++i) by_type[i] += other.by_type[i];
  failures.insert(failures.end(), other.failures.begin(), other.failures.end());
  phase_mismatches += other.phase_mismatches;
  for (const auto& [reason, count] : other.skip_reasons) skip_reasons[reason] += count;
  return *this;
}

std::string format_failure(const CommandFailure& failure) {
  std::string out = failure.script + ":" + std::to_string(failure.line) + ": " + command_type_name(failure.type);
  if (!failure.module_file.empty()) out += " " + failure.module_file;
  out += ": expected " + failure.expected + ", got " + failure.actual;
  if (failure.offset != kNoOffset) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(failure.offset));
    out += std::string(" (at offset ") + hex + ")";
  }
  return out;
}

}  // namespace kiln::spectest
