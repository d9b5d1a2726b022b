// Kernel: builds an open-addressing hash table of counters from pseudo-random keys; measures
// multiplies, unpredictable loads and stores, and short probe loops.
#include <stdint.h>

#define SLOTS (1u << 17)  // a power of two; the table stays under half full
#define DISTINCT_KEYS 50000u
static volatile uint32_t inserts = 400000;
static volatile uint32_t passes = 3;

struct Slot {
  uint32_t key;  // 0 = empty
  uint32_t count;
};
static struct Slot slots[SLOTS];

static void insert(uint32_t key) {
  uint32_t i = (key * 0x9E3779B1u) >> 15;  // the top 17 bits: Fibonacci hashing
  for (;;) {
    if (slots[i].key == key) {
      ++slots[i].count;
      return;
    }
    if (slots[i].key == 0) {
      slots[i].key = key;
      slots[i].count = 1;
      return;
    }
    i = (i + 1) & (SLOTS - 1);
  }
}

uint32_t run(void) {
  uint32_t checksum = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    for (uint32_t i = 0; i < SLOTS; ++i) slots[i].key = slots[i].count = 0;
    uint32_t seed = 2463534242u + pass;
    for (uint32_t n = 0; n < inserts; ++n) {
      seed ^= seed << 13;  // xorshift32
      seed ^= seed >> 17;
      seed ^= seed << 5;
      insert(seed % DISTINCT_KEYS + 1);
    }
    // Position-dependent, so the probe order matters and not only the counts.
    for (uint32_t i = 0; i < SLOTS; ++i) checksum = checksum * 33u + slots[i].key * slots[i].count + i;
  }
  return checksum & INT32_MAX;
}
