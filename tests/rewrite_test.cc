// Tests of the rewriter's streaming contract with its sink.
#include <doctest/doctest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "kiln/snapshot/snapshot.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Records what the rewriter tells it: every reserve() and how many bytes had
// been written when it came.
class RecordingSink final : public Sink {
 public:
  Status write(std::span<const uint8_t> bytes) override {
    written += bytes.size();
    return {};
  }
  Status reserve(uint64_t total_bytes) override {
    reserves.push_back(total_bytes);
    written_before_reserve = written;
    return {};
  }
  uint64_t written = 0;
  uint64_t written_before_reserve = 0;
  std::vector<uint64_t> reserves;
};

}  // namespace

TEST_CASE("the rewriter announces the exact output size once, before the first byte") {
  // Between them: kept and new data segments, a second memory, globals, tables, custom sections.
  for (const char* name : {"memory_edges", "multi_memory", "scattered", "bulk_memory", "globals", "tables", "order",
                           "memory_zero", "data_named"}) {
    INFO(name);
    Loaded loaded = load_module(read_corpus(name), all_features());
    REQUIRE(loaded.error.empty());
    REQUIRE(run_init_in_place(loaded, all_features()).empty());
    auto snapshot = take_snapshot(*loaded.instance, record_tables(*loaded.instance), {});
    REQUIRE(snapshot.ok());
    for (bool keep_originals : {false, true}) {
      RewriteOptions options;
      options.code_names_data_segments = keep_originals;
      RecordingSink sink;
      REQUIRE(rewrite_module(*loaded.module, *snapshot, options, sink).ok());
      REQUIRE(sink.reserves.size() == 1);
      CHECK(sink.written_before_reserve == 0);
      CHECK(sink.reserves[0] == sink.written);
    }
  }
}
