// Kernel: arbitrary-precision arithmetic on 32-bit limbs with 64-bit intermediates; measures i64
// multiplies, adds, shifts and the carry chains of schoolbook multiplication and addition.
#include <stdint.h>

#define LIMBS 640  // of each factor; a product has twice as many
static volatile uint32_t rounds = 10;

static uint32_t x[LIMBS], y[LIMBS], product[2 * LIMBS];

// product = a * b, both LIMBS long, schoolbook with one carry per row.
static void multiply(const uint32_t* a, const uint32_t* b) {
  for (int i = 0; i < 2 * LIMBS; ++i) product[i] = 0;
  for (int i = 0; i < LIMBS; ++i) {
    uint64_t carry = 0;
    uint64_t ai = a[i];
    for (int j = 0; j < LIMBS; ++j) {
      uint64_t t = ai * b[j] + product[i + j] + carry;
      product[i + j] = (uint32_t)t;
      carry = t >> 32;
    }
    product[i + LIMBS] = (uint32_t)carry;
  }
}

// to += from (LIMBS long), dropping the final carry out; returns it.
static uint32_t add_into(uint32_t* to, const uint32_t* from) {
  uint64_t carry = 0;
  for (int i = 0; i < LIMBS; ++i) {
    uint64_t t = (uint64_t)to[i] + from[i] + carry;
    to[i] = (uint32_t)t;
    carry = t >> 32;
  }
  return (uint32_t)carry;
}

uint64_t run(void) {
  uint64_t seed = 0x243F6A8885A308D3u;
  for (int i = 0; i < LIMBS; ++i) {
    seed = seed * 6364136223846793005u + 1442695040888963407u;  // 64-bit LCG
    x[i] = (uint32_t)(seed >> 32);
    y[i] = (uint32_t)seed | 1;
  }
  uint64_t checksum = 0;
  for (uint32_t round = 0; round < rounds; ++round) {
    // x, y <- the high and low halves of x * y, plus y: each round depends on the last.
    multiply(x, y);
    for (int i = 0; i < LIMBS; ++i) x[i] = product[i + LIMBS];
    uint32_t carry = add_into(y, product);
    for (int i = 0; i < 2 * LIMBS; ++i) checksum = (checksum ^ product[i]) * 0x100000001B3u;
    checksum += carry;
  }
  return checksum & INT64_MAX;
}
