// Page-diff scanner: finds the non-zero byte runs of a linear memory and merges them into data segments.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace kiln {

// A range of memory that becomes one active data segment.
struct DataRun {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t end() const { return offset + size; }
  bool operator==(const DataRun&) const = default;
};

struct ScanOptions {
  uint32_t memory_index = 0;  // segments for memory 0 have the shortest header
  bool memory64 = false;      // offsets are i64.const
  uint64_t max_segments = 10'000;  // 0: no cap here (the caller caps across memories)
};

// Finds the non-zero runs of `memory`, looking only at the 4 KiB pages whose
// `data_pages` entry is non-zero (every other page is known to be zero).
// Neighbouring runs are merged whenever the zero gap costs fewer bytes than a
// second segment header (segment_header_size, kiln/snapshot/segment_header.h), then the count is capped at `max_segments` by
// merging across the smallest gaps. Pure and single-threaded: the same memory
// always gives the same runs.
std::vector<DataRun> scan_memory(std::span<const uint8_t> memory, std::span<const uint8_t> data_pages,
                                 const ScanOptions& options);

// Merges runs until at most `max_segments` remain in total over all the lists
// (one list per memory; gaps never span two memories, and each non-empty
// list keeps at least one run). The gaps closed are those that add the fewest
// bytes to the output: zero bytes filled in, minus the segment header saved,
// with `list_options[l]` giving list l's header shape (memory 0, 32-bit when
// absent). Ties close the earliest gap first: the earlier memory, then the
// lower address.
void cap_segment_count(std::vector<std::vector<DataRun>*> run_lists, uint64_t max_segments,
                       std::span<const ScanOptions> list_options = {});
inline void cap_segment_count(std::vector<DataRun>& runs, uint64_t max_segments) {
  cap_segment_count(std::vector<std::vector<DataRun>*>{&runs}, max_segments);
}

}  // namespace kiln
