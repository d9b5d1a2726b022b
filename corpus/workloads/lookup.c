// A large, sparse lookup table: init sieves the first 50,000 primes and files each one in an
// open-addressing hash table of 1 Mi slots (8 MiB, 5% full), so init's writes land scattered over
// nearly every page; `run` reads a decimal number and looks it up.
// Result text: "104729 is prime #10000", "104730 is not prime", or "not a number".
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workload_io.h"

enum { kPrimes = 50000, kSieveLimit = 611954, kSlots = 1 << 20 };  // the 50,000th prime is 611,953

typedef struct {
  uint32_t key;    // the prime; 0 marks an empty slot
  uint32_t index;  // its position among the primes, from 1
} slot;

static slot* table;  // malloc'd at init: in the snapshot it is ordinary heap memory

// Fibonacci hashing spreads consecutive primes over the whole table.
static uint32_t slot_of(uint32_t key) { return (uint32_t)((key * 2654435769u) >> (32 - 20)); }

static void insert(uint32_t key, uint32_t index) {
  uint32_t i = slot_of(key);
  while (table[i].key != 0) i = (i + 1) & (kSlots - 1);
  table[i].key = key;
  table[i].index = index;
}

static void initialize(void) {
  if (table) return;
  slot* slots = calloc(kSlots, sizeof *slots);
  unsigned char* composite = calloc(kSieveLimit, 1);
  if (!slots || !composite) {
    free(slots);
    free(composite);
    return;
  }
  table = slots;
  uint32_t count = 0;
  for (uint32_t n = 2; n < kSieveLimit && count < kPrimes; ++n) {
    if (composite[n]) continue;
    insert(n, ++count);
    for (uint64_t m = (uint64_t)n * n; m < kSieveLimit; m += n) composite[m] = 1;
  }
  free(composite);
}

__attribute__((export_name("wizer-initialize"))) void wizer_initialize(void) { initialize(); }

// Returns 1 when the number at ptr[0..len) is one of the tabled primes.
__attribute__((export_name("run"))) int run(const char* ptr, int len) {
  initialize();
  result_clear();
  uint64_t key = 0;
  int digits = 0;
  for (int i = 0; i < len && ptr[i] >= '0' && ptr[i] <= '9' && digits < 10; ++i, ++digits)
    key = key * 10 + (uint64_t)(ptr[i] - '0');
  if (digits == 0 || !table) {
    result_append(table ? "not a number" : "out of memory");
    return 0;
  }
  result_append_int((long long)key);
  if (key <= UINT32_MAX && key != 0) {
    for (uint32_t i = slot_of((uint32_t)key); table[i].key != 0; i = (i + 1) & (kSlots - 1)) {
      if (table[i].key != key) continue;
      result_append(" is prime #");
      result_append_int(table[i].index);
      return 1;
    }
  }
  result_append(key < kSieveLimit ? " is not prime" : " is beyond the table");
  return 0;
}
