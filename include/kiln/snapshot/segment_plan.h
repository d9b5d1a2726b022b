// The data segments of a module's memories planned in one pass: each memory's merged runs go by in address order
// and only the gaps that may stay open under the segment cap are kept, never a list of every run.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "kiln/snapshot/scan.h"

namespace kiln {

// Takes the merged runs of one memory after another (begin_memory, add_runs
// as often as needed, end_memory) and gives each memory's data segments:
// merged until at most `max_segments` remain in total, by scan.h's
// cap_segment_count rule (the gaps that add the fewest bytes close, ties
// going to the earlier memory, then the lower address; each non-empty memory
// keeps one segment). A gap's cost needs only its two neighbouring runs, so
// the plan keeps just the gaps that would stay open if the runs ended here
// (at most max_segments - 1 of them), and each further gap costs a
// comparison: one cheaper than every kept gap is dropped, one that costs as
// much as the cheapest kept ones replaces the earliest of those (ties close
// the earliest first), and only a more expensive one goes through a heap.
class SegmentPlan {
 public:
  static constexpr uint64_t kNoCap = ~uint64_t{0};

  explicit SegmentPlan(uint64_t max_segments);

  void begin_memory(const ScanOptions& options);
  // Runs of the current memory, each after the previous one, never touching it.
  void add_runs(std::span<const DataRun> runs);
  void end_memory();

  // One list per memory, in the order they were added.
  std::vector<std::vector<DataRun>> finish();

  // A gap between two neighbouring runs that stays open unless the cap needs it closed.
  struct Gap {
    int64_t cost = 0;          // bytes closing it adds to the output
    uint64_t order = 0;        // how many gaps came before it, over every memory
    uint64_t before_end = 0;   // end of the run before it
    uint64_t after_start = 0;  // start of the run after it
  };

 private:
  struct MemoryEnds {
    uint64_t first_start = 0;
    uint64_t last_end = 0;
    uint64_t gaps_end = 0;  // the order of the first gap after this memory's
    bool empty = true;
  };

  void offer(const Gap& gap);
  void start_replacing();
  void refill_cheapest();
  void push_cheapest(const Gap& gap);
  void drop_earliest_cheapest();
  void replace_earliest_cheapest(const Gap& gap);

  uint64_t max_segments_;
  uint64_t limit_;             // gaps that can stay open: max_segments - 1
  uint64_t runs_ = 0;          // over every memory, before the cap
  uint64_t gaps_ = 0;          // likewise
  // Until a few times `limit_` gaps are held, every gap, in order
  // (`expensive_` alone); then the `limit_` most expensive stay, and from then on the kept gaps cost `cheapest_` or more: those at it in
  // `cheapest_ring_` (a ring, in address order), the others in `expensive_`
  // (a heap, the first to close on top).
  bool replacing_ = false;
  int64_t cheapest_ = INT64_MIN;
  std::vector<Gap> expensive_;
  std::vector<Gap> cheapest_ring_;  // room for one more than limit_: a gap enters before the earliest leaves
  uint64_t ring_head_ = 0;
  uint64_t ring_count_ = 0;
  std::vector<MemoryEnds> memories_;
  ScanOptions options_;        // the current memory's header shape
  DataRun previous_;           // the current memory's last run so far
};

// Adds `memory` to `plan`: its non-zero runs, found as scan_memory finds them
// (only the pages whose `data_pages` entry is non-zero), merged left to right
// where one segment costs no more than two.
void plan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> data_pages, const ScanOptions& options,
                 SegmentPlan& plan);

}  // namespace kiln
