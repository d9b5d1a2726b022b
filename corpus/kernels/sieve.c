// Kernel: sieve of Eratosthenes over a byte array; measures byte stores in strided loops.
#include <stdint.h>

#define LIMIT (1u << 20)
static volatile uint32_t passes = 2;

static uint8_t composite[LIMIT];

uint32_t run(void) {
  uint32_t checksum = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    for (uint32_t i = 0; i < LIMIT; ++i) composite[i] = 0;
    uint32_t count = 0, last = 0;
    for (uint32_t i = 2; i < LIMIT; ++i) {
      if (composite[i]) continue;
      ++count;
      last = i;
      for (uint64_t j = (uint64_t)i * i; j < LIMIT; j += i) composite[j] = 1;
    }
    checksum = checksum * 31u + count + last;
  }
  return checksum & INT32_MAX;
}
