// Demo reactor: its init function sieves the primes below 2^20 into a table that `run` then answers from.
#include <stdint.h>

#define LIMIT (1u << 20)

static uint8_t composite[LIMIT];
static uint32_t primes[82025];
static uint32_t prime_count;

__attribute__((export_name("wizer-initialize"))) void initialize(void) {
  for (uint32_t i = 2; i < LIMIT; ++i) {
    if (composite[i]) continue;
    primes[prime_count++] = i;
    for (uint64_t j = (uint64_t)i * i; j < LIMIT; j += i) composite[j] = 1;
  }
}

// The n-th prime (0-based), or 0 when n is out of range.
__attribute__((export_name("run"))) uint32_t run(uint32_t n) { return n < prime_count ? primes[n] : 0; }

__attribute__((export_name("count"))) uint32_t count(void) { return prime_count; }
