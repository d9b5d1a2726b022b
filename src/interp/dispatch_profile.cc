#include "dispatch_profile.h"

#include "internal_code.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <utility>

namespace kiln::interp {
namespace {

// The indices of the `top` largest counts, largest first (ties by index, so the report is stable).
std::vector<size_t> largest(const std::vector<uint64_t>& counts, size_t top) {
  std::vector<size_t> order;
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i] != 0) order.push_back(i);
  const auto by_count = [&](size_t a, size_t b) { return counts[a] != counts[b] ? counts[a] > counts[b] : a < b; };
  const size_t keep = std::min(top, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(), by_count);
  order.resize(keep);
  return order;
}

void line(std::string& out, const std::string& what, uint64_t count, uint64_t total) {
  char text[200];
  std::snprintf(text, sizeof text, "  %-44s %14" PRIu64 "  %5.1f%%\n", what.c_str(), count,
                total ? 100.0 * static_cast<double>(count) / static_cast<double>(total) : 0.0);
  out += text;
}

}  // namespace

uint64_t DispatchProfile::total() const { return std::accumulate(ops_.begin(), ops_.end(), uint64_t{0}); }

std::string DispatchProfile::report(const char* const* names, size_t top) const {
  const uint64_t all = total();
  std::string out = "dispatches: " + std::to_string(all) + "\ninstructions:\n";
  for (const size_t i : largest(ops_, top)) line(out, names[i], ops_[i], all);
  out += "pairs:\n";
  for (const size_t i : largest(pairs_, top))
    line(out, std::string(names[i / op_count_]) + " -> " + names[i % op_count_], pairs_[i], all);
  return out;
}

#ifdef KILN_INTERP_PROFILE
namespace {

struct ProcessProfile {
  DispatchProfile counts{static_cast<size_t>(IOp::kCount)};
  ~ProcessProfile() {
    std::vector<const char*> names;
    for (size_t i = 0; i < static_cast<size_t>(IOp::kCount); ++i) names.push_back(op_name(static_cast<IOp>(i)));
    const char* top = std::getenv("KILN_PROFILE_TOP");  // how many instructions and pairs: 60 unless set
    const std::string text = counts.report(names.data(), top ? std::strtoul(top, nullptr, 10) : 60);
    const char* path = std::getenv("KILN_DISPATCH_PROFILE");
    FILE* file = path ? std::fopen(path, "w") : nullptr;
    std::fputs(text.c_str(), file ? file : stderr);
    if (file) std::fclose(file);
  }
};

}  // namespace

DispatchProfile& process_dispatch_profile() {
  static ProcessProfile profile;
  return profile.counts;
}

bool profile_unfused() {
  static const bool unfused = std::getenv("KILN_PROFILE_UNFUSED") != nullptr;
  return unfused;
}
#endif

}  // namespace kiln::interp
