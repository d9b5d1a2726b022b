// Dispatch counts of a profile build (meson -Dinterp_profile=true): how often each internal instruction ran, and
// each ordered pair of instructions that ran one after the other, which is where a fused form would pay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln::interp {

class DispatchProfile {
 public:
  explicit DispatchProfile(size_t op_count) : op_count_(op_count), ops_(op_count), pairs_(op_count * op_count) {}

  void count(size_t op) {
    ++ops_[op];
    if (has_prev_) ++pairs_[prev_ * op_count_ + op];
    prev_ = op;
    has_prev_ = true;
  }
  // A new activation of the dispatch loop: its first instruction follows nothing.
  void restart() { has_prev_ = false; }

  uint64_t total() const;
  uint64_t op(size_t op) const { return ops_[op]; }
  uint64_t pair(size_t first, size_t second) const { return pairs_[first * op_count_ + second]; }
  // The total, then the `top` most frequent instructions and pairs, each with its count and its share of the
  // total, named by `names` (op_count entries).
  std::string report(const char* const* names, size_t top) const;

 private:
  size_t op_count_;
  std::vector<uint64_t> ops_;
  std::vector<uint64_t> pairs_;
  size_t prev_ = 0;
  bool has_prev_ = false;
};

#ifdef KILN_INTERP_PROFILE
// The process's counts, written when it exits to the file the environment variable KILN_DISPATCH_PROFILE
// names, or else to standard error.
DispatchProfile& process_dispatch_profile();
// KILN_PROFILE_UNFUSED set: the lowerer fuses nothing, so that the dispatches count the Wasm instructions run.
bool profile_unfused();
#else
constexpr bool profile_unfused() { return false; }
#endif

}  // namespace kiln::interp
