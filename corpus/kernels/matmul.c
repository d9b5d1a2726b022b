// Kernel: single-precision dense matrix multiply; measures f32 arithmetic and 2-D indexing.
#include <stdint.h>

#define N 128
static volatile uint32_t passes = 6;

static float a[N][N], b[N][N], c[N][N];

static uint32_t float_bits(float f) {
  union {
    float f;
    uint32_t u;
  } pun = {f};
  return pun.u;
}

// Every engine must agree bit for bit: wasm has no fused multiply-add and the
// native build is plain x86-64 without -ffast-math, so the rounding is the same.
uint64_t run(void) {
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j < N; ++j) {
      a[i][j] = (float)((i * 7 + j * 3) % 17) * 0.25f - 2.0f;
      b[i][j] = (float)((i * 5 + j * 11) % 13) * 0.5f - 3.0f;
    }
  }
  uint64_t checksum = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    for (int i = 0; i < N; ++i) {
      for (int j = 0; j < N; ++j) {
        float sum = 0.0f;
        for (int k = 0; k < N; ++k) sum += a[i][k] * b[k][j];
        c[i][j] = sum;
      }
    }
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) checksum = checksum * 1099511628211u + float_bits(c[i][j]);
    b[pass % N][pass % N] += 1.0f;  // the next pass computes a different product
  }
  return checksum & INT64_MAX;
}
