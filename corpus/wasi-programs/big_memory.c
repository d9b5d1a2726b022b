// A module whose init grows memory to tens of MiB: it fills a 48 MiB table with a pattern that leaves
// every 4 KiB page partly zero, exercising growth, the page scanner and segment merging at scale.
#include <stdint.h>
#include <stdlib.h>

#define TABLE_BYTES (48u << 20)

static uint8_t* table;

__attribute__((export_name("wizer-initialize"))) void initialize(void) {
  table = malloc(TABLE_BYTES);
  for (uint32_t i = 0; i < TABLE_BYTES; ++i) table[i] = (i % 4096) < 3072 ? (uint8_t)(i * 2654435761u >> 24) | 1 : 0;
}

// A checksum of one 64 KiB block, so callers can compare contents cheaply.
__attribute__((export_name("block_sum"))) uint32_t block_sum(uint32_t block) {
  uint32_t sum = 0;
  if (!table || block >= TABLE_BYTES / 65536) return 0;
  for (uint32_t i = 0; i < 65536; ++i) sum = sum * 31 + table[block * 65536 + i];
  return sum;
}
