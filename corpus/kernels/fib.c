// Kernel: naive doubly recursive Fibonacci; measures call and return overhead.
#include <stdint.h>

// Read through a volatile so no compiler can evaluate the whole kernel at build time.
static volatile uint32_t fib_n = 32;

static uint64_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

// Masked to 63 bits so every engine prints the same decimal, signed or not.
uint64_t run(void) { return fib(fib_n) & INT64_MAX; }
