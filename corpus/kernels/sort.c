// Kernel: merge sort of records through a comparator function pointer, with small helpers the compiler
// keeps out of line; measures call_indirect, short calls and struct copies.
#include <stdint.h>

#define RECORDS 12000u
static volatile uint32_t passes = 4;
// Which comparators the passes use; volatile so the compiler cannot resolve the indirect calls.
static volatile uint32_t comparator_order = 0x2103;

struct Record {
  uint32_t key;
  uint32_t group;
  int32_t score;
  uint32_t id;
};
typedef int (*Compare)(const struct Record*, const struct Record*);

static struct Record records[RECORDS], scratch[RECORDS];

__attribute__((noinline)) static int three_way(uint32_t a, uint32_t b) { return (a > b) - (a < b); }

__attribute__((noinline)) static int by_key(const struct Record* a, const struct Record* b) {
  return three_way(a->key, b->key);
}

__attribute__((noinline)) static int by_group_then_score(const struct Record* a, const struct Record* b) {
  int order = three_way(a->group, b->group);
  if (order) return order;
  return (a->score > b->score) - (a->score < b->score);
}

__attribute__((noinline)) static int by_score_descending(const struct Record* a, const struct Record* b) {
  return (b->score > a->score) - (b->score < a->score);
}

// Reversed bits of the key: orders in a way unrelated to the other comparators.
__attribute__((noinline)) static int by_mixed_key(const struct Record* a, const struct Record* b) {
  return three_way(__builtin_bitreverse32(a->key), __builtin_bitreverse32(b->key));
}

static const Compare kComparators[] = {by_key, by_group_then_score, by_score_descending, by_mixed_key};

__attribute__((noinline)) static void copy_record(struct Record* to, const struct Record* from) { *to = *from; }

// Stable top-down merge sort of records[lo, hi) using scratch; the id breaks no ties so stability shows.
static void merge_sort(uint32_t lo, uint32_t hi, Compare compare) {
  if (hi - lo < 2) return;
  uint32_t mid = lo + (hi - lo) / 2;
  merge_sort(lo, mid, compare);
  merge_sort(mid, hi, compare);
  if (compare(&records[mid - 1], &records[mid]) <= 0) return;  // already in order
  uint32_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi) copy_record(&scratch[k++], compare(&records[j], &records[i]) < 0 ? &records[j++] : &records[i++]);
  while (i < mid) copy_record(&scratch[k++], &records[i++]);
  while (j < hi) copy_record(&scratch[k++], &records[j++]);
  for (k = lo; k < hi; ++k) copy_record(&records[k], &scratch[k]);
}

uint32_t run(void) {
  uint32_t seed = 7;
  for (uint32_t i = 0; i < RECORDS; ++i) {
    seed = seed * 1664525u + 1013904223u;
    records[i].key = seed;
    records[i].group = (seed >> 7) % 97;
    records[i].score = (int32_t)((seed >> 13) % 20001) - 10000;
    records[i].id = i;
  }
  uint32_t checksum = 0;
  uint32_t order = comparator_order;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    merge_sort(0, RECORDS, kComparators[(order >> (4 * (pass % 4))) & 3]);
    for (uint32_t i = 0; i < RECORDS; i += 7) checksum = checksum * 31u + records[i].id;
  }
  return checksum & INT32_MAX;
}
