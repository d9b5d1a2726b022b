// The segment cap kept as the gaps that may stay open, pruned as runs stream by; the segments assembled from them.
#include "kiln/snapshot/segment_plan.h"

#include <algorithm>
#include <limits>

#include "kiln/snapshot/segment_header.h"

namespace kiln {
namespace {

// What closing the gap between two neighbouring runs adds to the output: its
// zero bytes, minus the header of the run after it, plus what the merged
// length's LEB grows by. (Closing several gaps in a row can grow that LEB once
// more; the estimate ignores it.)
int64_t gap_cost(const DataRun& before, const DataRun& after, const ScanOptions& options) {
  const uint64_t merged_size = after.end() - before.offset;
  return static_cast<int64_t>(after.offset - before.end()) - static_cast<int64_t>(segment_header_size(after, options)) +
         static_cast<int64_t>(leb_size_unsigned(merged_size) - leb_size_unsigned(before.size));
}

// Gaps that may stay open: the cap less the one segment a memory keeps anyway.
uint64_t open_gap_limit(uint64_t max_segments) { return max_segments == 0 ? 0 : max_segments - 1; }

// Gaps held before the cheapest are dropped: twice the limit, so each pruning
// pass (linear in what it holds) is paid for by as many gaps added since the
// last one. A cap too large to ever prune at keeps every gap.
uint64_t prune_size(uint64_t max_segments) {
  const uint64_t limit = open_gap_limit(max_segments);
  constexpr uint64_t kMinBatch = 1024;
  return limit > (uint64_t{1} << 40) ? std::numeric_limits<uint64_t>::max() : 2 * limit + kMinBatch;
}

}  // namespace

void SegmentPlan::begin_memory(const ScanOptions& options) {
  options_ = options;
  memories_.emplace_back();
}

void SegmentPlan::add_runs(std::span<const DataRun> runs) {
  if (runs.empty()) return;
  MemoryEnds& ends = memories_.back();
  size_t i = 0;
  if (ends.empty) {
    ends.first_start = runs[0].offset;
    ends.empty = false;
    previous_ = runs[0];
    i = 1;
  }
  const uint64_t prune_at = prune_size(max_segments_);
  const auto memory = static_cast<uint32_t>(memories_.size() - 1);
  for (; i < runs.size(); ++i) {
    const DataRun& run = runs[i];
    const int64_t cost = gap_cost(previous_, run, options_);
    if (cost >= cheapest_kept_) {
      gaps_.push_back(Gap{cost, memory, previous_.end(), run.offset});
      if (gaps_.size() >= prune_at) keep_most_expensive(open_gap_limit(max_segments_));
    }
    previous_ = run;
  }
  runs_ += runs.size();
}

void SegmentPlan::end_memory() {
  MemoryEnds& ends = memories_.back();
  if (!ends.empty) ends.last_end = previous_.end();
}

// Keeps the `count` gaps that should stay open first: the most expensive,
// and of those that cost the same the later ones (ties close the earliest).
void SegmentPlan::keep_most_expensive(uint64_t count) {
  if (gaps_.size() <= count) return;
  const auto stays_open_before = [](const Gap& a, const Gap& b) {
    if (a.cost != b.cost) return a.cost > b.cost;
    if (a.memory != b.memory) return a.memory > b.memory;
    return a.after_start > b.after_start;
  };
  const auto cut = gaps_.begin() + static_cast<std::ptrdiff_t>(count);
  std::nth_element(gaps_.begin(), cut, gaps_.end(), stays_open_before);
  gaps_.erase(cut, gaps_.end());
  cheapest_kept_ = std::numeric_limits<int64_t>::max();
  for (const Gap& gap : gaps_) cheapest_kept_ = std::min(cheapest_kept_, gap.cost);
  gaps_in_order_ = false;
}

std::vector<std::vector<DataRun>> SegmentPlan::finish() {
  uint64_t floor = 0;  // one segment per non-empty memory is the least the cap can reach
  for (const MemoryEnds& ends : memories_) floor += ends.empty ? 0 : 1;
  const uint64_t cap = std::max(max_segments_, floor);
  if (runs_ > cap) keep_most_expensive(cap - floor);
  if (!gaps_in_order_) {
    std::sort(gaps_.begin(), gaps_.end(), [](const Gap& a, const Gap& b) {
      return a.memory != b.memory ? a.memory < b.memory : a.after_start < b.after_start;
    });
  }
  std::vector<std::vector<DataRun>> lists(memories_.size());
  auto gap = gaps_.begin();
  for (uint32_t m = 0; m < memories_.size(); ++m) {
    const MemoryEnds& ends = memories_[m];
    if (ends.empty) continue;
    uint64_t start = ends.first_start;
    for (; gap != gaps_.end() && gap->memory == m; ++gap) {
      lists[m].push_back(DataRun{start, gap->before_end - start});
      start = gap->after_start;
    }
    lists[m].push_back(DataRun{start, ends.last_end - start});
  }
  gaps_.clear();
  return lists;
}

void cap_segment_count(std::vector<std::vector<DataRun>*> run_lists, uint64_t max_segments,
                       std::span<const ScanOptions> list_options) {
  SegmentPlan plan(max_segments);
  for (size_t l = 0; l < run_lists.size(); ++l) {
    plan.begin_memory(l < list_options.size() ? list_options[l] : ScanOptions{});
    plan.add_runs(*run_lists[l]);
    plan.end_memory();
  }
  auto capped = plan.finish();
  for (size_t l = 0; l < run_lists.size(); ++l) *run_lists[l] = std::move(capped[l]);
}

}  // namespace kiln
