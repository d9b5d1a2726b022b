// The segment cap kept as the gaps that would stay open so far, updated as runs stream by; the segments assembled from them.
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

// Whether gap `a` stays open before gap `b`: the more expensive first, and
// of two that cost the same the later (ties close the earliest first).
bool stays_open_before(const SegmentPlan::Gap& a, const SegmentPlan::Gap& b) {
  return a.cost != b.cost ? a.cost > b.cost : a.order > b.order;
}

bool in_order(const SegmentPlan::Gap& a, const SegmentPlan::Gap& b) { return a.order < b.order; }

// A gap costs at most this many bytes more than its zero bytes: the header it
// saves is at least 5 bytes, the merged length's LEB at most 9 bytes longer.
constexpr int64_t kMostCostOverGap = 4;

// The gaps held before the first choice of the most expensive: a few times
// the limit, so that choice sets a bar that few later gaps clear. A limit
// too large to ever reach (no cap) keeps every gap.
uint64_t gaps_before_replacing(uint64_t limit) {
  if (limit >= uint64_t{1} << 40) return std::numeric_limits<uint64_t>::max();
  return limit + std::min<uint64_t>(3 * limit, uint64_t{1} << 20);
}

}  // namespace

SegmentPlan::SegmentPlan(uint64_t max_segments)
    : max_segments_(max_segments), limit_(max_segments == 0 ? 0 : max_segments - 1) {
  // With no gap allowed to stay open, every gap is cheaper than what is kept.
  if (limit_ == 0) cheapest_ = INT64_MAX;
}

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
  // Most gaps are far too short to stay open: their zero bytes alone tell.
  const auto skip_below = [&] { return cheapest_ == INT64_MIN ? INT64_MIN : cheapest_ - kMostCostOverGap; };
  int64_t skip = skip_below();
  for (; i < runs.size(); ++i, ++gaps_) {
    const DataRun& run = runs[i];
    if (static_cast<int64_t>(run.offset - previous_.end()) >= skip) {
      const int64_t cost = gap_cost(previous_, run, options_);
      if (cost == cheapest_ && replacing_) {
        // The common tie (a heap of equal gaps): the earliest of the cheapest goes.
        replace_earliest_cheapest(Gap{cost, gaps_, previous_.end(), run.offset});
      } else if (cost >= cheapest_) {
        offer(Gap{cost, gaps_, previous_.end(), run.offset});
        skip = skip_below();
      }
    }
    previous_ = run;
  }
  runs_ += runs.size();
}

void SegmentPlan::end_memory() {
  MemoryEnds& ends = memories_.back();
  if (!ends.empty) ends.last_end = previous_.end();
  ends.gaps_end = gaps_;
}

// `gap` costs at least `cheapest_` and comes after every gap offered before.
void SegmentPlan::offer(const Gap& gap) {
  if (limit_ == 0) return;
  if (!replacing_) {
    expensive_.push_back(gap);
    if (expensive_.size() == gaps_before_replacing(limit_)) start_replacing();
    return;
  }
  // One more gap stays open, so the first to close of the kept ones goes:
  // the earliest of the cheapest.
  if (gap.cost == cheapest_) {
    push_cheapest(gap);
  } else {
    expensive_.push_back(gap);
    std::push_heap(expensive_.begin(), expensive_.end(), stays_open_before);
  }
  drop_earliest_cheapest();
  if (ring_count_ == 0) refill_cheapest();
}

void SegmentPlan::start_replacing() {
  replacing_ = true;
  const auto cut = expensive_.begin() + static_cast<std::ptrdiff_t>(limit_);
  std::nth_element(expensive_.begin(), cut, expensive_.end(), stays_open_before);
  expensive_.erase(cut, expensive_.end());
  std::make_heap(expensive_.begin(), expensive_.end(), stays_open_before);
  cheapest_ring_.resize(limit_ + 1);
  refill_cheapest();
}

// Moves the gaps of the lowest cost from the heap to the ring: the heap
// gives the first to close first, so they enter in address order.
void SegmentPlan::refill_cheapest() {
  cheapest_ = expensive_.front().cost;
  while (!expensive_.empty() && expensive_.front().cost == cheapest_) {
    std::pop_heap(expensive_.begin(), expensive_.end(), stays_open_before);
    push_cheapest(expensive_.back());
    expensive_.pop_back();
  }
}

// The ring's slots wrap by a comparison: a remainder by its size would be a division per gap.
void SegmentPlan::push_cheapest(const Gap& gap) {
  uint64_t slot = ring_head_ + ring_count_;
  if (slot >= cheapest_ring_.size()) slot -= cheapest_ring_.size();
  cheapest_ring_[slot] = gap;
  ++ring_count_;
}

// A push and a drop in one: the ring holds at least one gap, so the new one takes the earliest's slot.
void SegmentPlan::replace_earliest_cheapest(const Gap& gap) {
  uint64_t slot = ring_head_ + ring_count_;
  if (slot >= cheapest_ring_.size()) slot -= cheapest_ring_.size();
  cheapest_ring_[slot] = gap;
  if (++ring_head_ == cheapest_ring_.size()) ring_head_ = 0;
}

void SegmentPlan::drop_earliest_cheapest() {
  if (++ring_head_ == cheapest_ring_.size()) ring_head_ = 0;
  --ring_count_;
}

std::vector<std::vector<DataRun>> SegmentPlan::finish() {
  uint64_t floor = 0;  // one segment per non-empty memory is the least the cap can reach
  for (const MemoryEnds& ends : memories_) floor += ends.empty ? 0 : 1;
  std::vector<Gap> open = std::move(expensive_);
  for (uint64_t k = 0; k < ring_count_; ++k) open.push_back(cheapest_ring_[(ring_head_ + k) % cheapest_ring_.size()]);
  bool ordered = !replacing_;
  const uint64_t cap = std::max(max_segments_, floor);
  if (runs_ > cap && open.size() > cap - floor) {
    const auto cut = open.begin() + static_cast<std::ptrdiff_t>(cap - floor);
    std::nth_element(open.begin(), cut, open.end(), stays_open_before);
    open.erase(cut, open.end());
    ordered = false;
  }
  if (!ordered) std::sort(open.begin(), open.end(), in_order);
  std::vector<std::vector<DataRun>> lists(memories_.size());
  auto gap = open.begin();
  for (uint32_t m = 0; m < memories_.size(); ++m) {
    const MemoryEnds& ends = memories_[m];
    if (ends.empty) continue;
    uint64_t start = ends.first_start;
    for (; gap != open.end() && gap->order < ends.gaps_end; ++gap) {
      lists[m].push_back(DataRun{start, gap->before_end - start});
      start = gap->after_start;
    }
    lists[m].push_back(DataRun{start, ends.last_end - start});
  }
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
