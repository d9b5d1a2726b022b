// Kernel: substring search with a first-byte scan and a byte-wise compare, and copying of every match into
// an output buffer; measures the memchr/memcmp/memcpy-style byte loops that string handling is made of.
#include <stdint.h>

#define TEXT_BYTES (1u << 17)
#define OUTPUT_BYTES (1u << 16)
static volatile uint32_t passes = 2;

static char text[TEXT_BYTES];
static char output[OUTPUT_BYTES];

static const char* const kWords[] = {"the", "then", "there", "therein", "other", "another", "heron", "her",
                                     "rein", "reindeer", "deer", "thereby", "by", "bye", "eye", "yet"};
#define WORD_COUNT (sizeof kWords / sizeof kWords[0])

static uint32_t length(const char* s) {
  uint32_t n = 0;
  while (s[n]) ++n;
  return n;
}

static int compare_bytes(const char* a, const char* b, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return (unsigned char)a[i] - (unsigned char)b[i];
  }
  return 0;
}

static void copy_bytes(char* to, const char* from, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) to[i] = from[i];
}

// The first position at or after `from` whose byte is `ch`, or `end`.
static uint32_t find_byte(const char* s, uint32_t from, uint32_t end, char ch) {
  while (from < end && s[from] != ch) ++from;
  return from;
}

// Counts the occurrences of pattern in text and appends each match and the byte after it to output.
static uint32_t search(const char* pattern, uint32_t* out_at, uint32_t* hash) {
  uint32_t n = length(pattern), count = 0;
  if (n == 0 || n > TEXT_BYTES) return 0;
  uint32_t last = TEXT_BYTES - n;
  for (uint32_t at = find_byte(text, 0, last + 1, pattern[0]); at <= last;
       at = find_byte(text, at + 1, last + 1, pattern[0])) {
    if (compare_bytes(text + at, pattern, n) != 0) continue;
    ++count;
    if (*out_at + n + 1 > OUTPUT_BYTES) *out_at = 0;
    copy_bytes(output + *out_at, text + at, n + (at < last));
    *out_at += n;
    *hash = (*hash ^ at) * 16777619u;
  }
  return count;
}

uint32_t run(void) {
  uint32_t seed = 1;
  uint32_t at = 0;
  while (at < TEXT_BYTES) {
    seed = seed * 1664525u + 1013904223u;
    const char* word = kWords[(seed >> 16) % WORD_COUNT];
    for (uint32_t i = 0; word[i] && at < TEXT_BYTES; ++i) text[at++] = word[i];
    if (at < TEXT_BYTES) text[at++] = (seed >> 28) == 0 ? '\n' : ' ';
  }
  uint32_t checksum = 0, hash = 2166136261u, out_at = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    for (uint32_t w = 0; w < WORD_COUNT; ++w) checksum = checksum * 31u + search(kWords[w], &out_at, &hash);
    // Rotate the text by one word's worth of bytes so the next pass sees shifted matches.
    copy_bytes(output, text, 7);
    for (uint32_t i = 0; i + 7 < TEXT_BYTES; ++i) text[i] = text[i + 7];
    copy_bytes(text + TEXT_BYTES - 7, output, 7);
  }
  for (uint32_t i = 0; i < OUTPUT_BYTES; i += 61) checksum = checksum * 31u + (unsigned char)output[i];
  return (checksum ^ hash) & INT32_MAX;
}
