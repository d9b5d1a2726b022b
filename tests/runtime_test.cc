// Tests of the runtime layer: linear memory reservation, growth limits, a stable base and the pages the OS says hold data.
#include <doctest/doctest.h>
#include <unistd.h>

#include "kiln/runtime/memory.h"
#include "kiln/runtime/page_residency.h"

using namespace kiln;

namespace {

MemoryType memory_type(uint64_t min, std::optional<uint64_t> max, bool is_64 = false) {
  MemoryType t;
  t.limits.min = min;
  t.limits.max = max;
  t.limits.is_64 = is_64;
  return t;
}

}  // namespace

TEST_CASE("memory starts at its minimum, zeroed, and grows without moving") {
  auto mem = Memory::create(memory_type(1, std::nullopt));
  REQUIRE(mem.ok());
  CHECK(mem->pages() == 1);
  uint8_t* base = mem->data();
  CHECK(base[0] == 0);
  CHECK(base[kPageSize - 1] == 0);
  base[kPageSize - 1] = 7;
  CHECK(mem->grow(3) == 1);
  CHECK(mem->pages() == 4);
  CHECK(mem->data() == base);
  CHECK(base[kPageSize - 1] == 7);
  CHECK(base[4 * kPageSize - 1] == 0);
  CHECK(mem->grow(0) == 4);
}

TEST_CASE("growth stops at the maximum, the spec limit and the caller's limit") {
  auto bounded = Memory::create(memory_type(1, 2));
  REQUIRE(bounded.ok());
  CHECK(bounded->grow(1) == 1);
  CHECK(bounded->grow(1) == -1);
  CHECK(bounded->pages() == 2);

  auto unbounded = Memory::create(memory_type(0, std::nullopt));
  REQUIRE(unbounded.ok());
  CHECK(unbounded->grow(65537) == -1);
  CHECK(unbounded->grow(~uint64_t{0}) == -1);

  auto limited = Memory::create(memory_type(0, std::nullopt), 3 * kPageSize);
  REQUIRE(limited.ok());
  CHECK(limited->grow(3) == 0);
  CHECK(limited->grow(1) == -1);
  CHECK_FALSE(Memory::create(memory_type(4, std::nullopt), 3 * kPageSize).ok());

  auto wide = Memory::create(memory_type(1, std::nullopt, true));
  REQUIRE(wide.ok());
  CHECK(wide->is_64());
  CHECK(wide->grow(uint64_t{1} << 40) == -1);
  CHECK(wide->grow(2) == 1);
}

TEST_CASE("bounds checks handle every edge and overflow") {
  auto mem = Memory::create(memory_type(1, 1));
  REQUIRE(mem.ok());
  CHECK(mem->in_bounds(0, kPageSize));
  CHECK(mem->in_bounds(kPageSize - 4, 4));
  CHECK_FALSE(mem->in_bounds(kPageSize - 3, 4));
  CHECK(mem->in_bounds(kPageSize, 0));
  CHECK_FALSE(mem->in_bounds(kPageSize + 1, 0));
  CHECK_FALSE(mem->in_bounds(~uint64_t{0}, 2));
  CHECK_FALSE(mem->in_bounds(4, ~uint64_t{0}));
}

TEST_CASE("the OS tells which 4 KiB pages of a memory hold data, whoever wrote them") {
  auto mem = Memory::create(memory_type(1, 4));
  REQUIRE(mem.ok());
  mem->data()[4095] = 1;  // pages 0 and 1
  mem->data()[4096] = 1;
  mem->data()[3 * 4096 + 10] = 0;  // a zero write still gives the page memory
  const std::vector<uint8_t> pages = pages_with_data(mem->data(), mem->size_bytes());
  REQUIRE(pages.size() == 16);
  if (::access("/proc/self/pagemap", R_OK) != 0) {
    MESSAGE("/proc/self/pagemap is not readable: every page is scanned");
    CHECK(pages == std::vector<uint8_t>(16, 1));
    return;
  }
  CHECK(pages[0] == 1);
  CHECK(pages[1] == 1);
  CHECK(pages[2] == 0);
  CHECK(pages[3] == 1);
  CHECK(pages[15] == 0);
  CHECK(mem->grow(1) == 1);
  mem->data()[31 * 4096] = 7;
  const std::vector<uint8_t> grown = pages_with_data(mem->data(), mem->size_bytes());
  REQUIRE(grown.size() == 32);
  CHECK(grown[1] == 1);
  CHECK(grown[30] == 0);
  CHECK(grown[31] == 1);
  CHECK(pages_with_data(mem->data(), mem->size_bytes(), PageQuery::kAssumeAll) == std::vector<uint8_t>(32, 1));
}

TEST_CASE("moving a memory transfers the reservation") {
  auto mem = Memory::create(memory_type(1, 1));
  REQUIRE(mem.ok());
  mem->data()[5] = 9;
  Memory moved = std::move(mem).value();
  CHECK(moved.data()[5] == 9);
  CHECK(moved.pages() == 1);
}
