// Kernel: LZ77 compression with hash chains over the last three bytes (the scheme of deflate's matcher),
// then decompression and a comparison with the input; measures hashing, chained lookups into recent
// history, byte-match loops and bit packing of tokens.
#include <stdint.h>

#define INPUT_BYTES (1u << 16)
#define WINDOW (1u << 12)
#define HASH_BITS 12
#define MAX_CHAIN 24
#define MIN_MATCH 3
#define MAX_MATCH 66
static volatile uint32_t passes = 3;

static uint8_t input[INPUT_BYTES];
static uint8_t packed[INPUT_BYTES * 2];  // worst case: one byte of flags per eight literals
static uint8_t unpacked[INPUT_BYTES];
static uint32_t head[1u << HASH_BITS];  // position + 1 of the latest occurrence of each hash, 0 = none
static uint32_t prev[INPUT_BYTES];      // the previous position + 1 with the same hash

static uint32_t hash3(const uint8_t* p) {
  return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

// Token stream: a flag byte for each group of eight tokens (bit set = match), then per token either a
// literal byte or three bytes: distance - 1 (little-endian, under WINDOW) and length - MIN_MATCH.
static uint32_t compress(uint32_t size) {
  for (uint32_t i = 0; i < (1u << HASH_BITS); ++i) head[i] = 0;
  uint32_t out = 0, flags_at = 0, token = 0, i = 0;
  while (i < size) {
    if (token % 8 == 0) {
      flags_at = out++;
      packed[flags_at] = 0;
    }
    uint32_t best_length = 0, best_distance = 0;
    if (i + MIN_MATCH <= size) {
      uint32_t h = hash3(input + i);
      uint32_t candidate = head[h];
      uint32_t limit = size - i < MAX_MATCH ? size - i : MAX_MATCH;
      for (int chain = 0; candidate && chain < MAX_CHAIN; ++chain) {
        uint32_t at = candidate - 1;
        if (i - at > WINDOW) break;
        uint32_t n = 0;
        while (n < limit && input[at + n] == input[i + n]) ++n;
        if (n > best_length) {
          best_length = n;
          best_distance = i - at;
          if (n == limit) break;
        }
        candidate = prev[at];
      }
      prev[i] = head[h];
      head[h] = i + 1;
    }
    if (best_length >= MIN_MATCH) {
      packed[flags_at] |= (uint8_t)(1u << (token % 8));
      packed[out++] = (uint8_t)(best_distance - 1);
      packed[out++] = (uint8_t)((best_distance - 1) >> 8);
      packed[out++] = (uint8_t)(best_length - MIN_MATCH);
      // Insert the positions inside the match into the chains too, as deflate's slow mode does.
      for (uint32_t k = 1; k < best_length && i + k + MIN_MATCH <= size; ++k) {
        uint32_t h = hash3(input + i + k);
        prev[i + k] = head[h];
        head[h] = i + k + 1;
      }
      i += best_length;
    } else {
      packed[out++] = input[i++];
    }
    ++token;
  }
  return out;
}

static uint32_t decompress(uint32_t packed_size) {
  uint32_t in = 0, out = 0, token = 0, flags = 0;
  while (in < packed_size) {
    if (token % 8 == 0) flags = packed[in++];
    if (in >= packed_size) break;
    if (flags & (1u << (token % 8))) {
      uint32_t distance = ((uint32_t)packed[in] | (uint32_t)packed[in + 1] << 8) + 1;
      uint32_t n = packed[in + 2] + MIN_MATCH;
      in += 3;
      for (uint32_t k = 0; k < n; ++k, ++out) unpacked[out] = unpacked[out - distance];  // may overlap
    } else {
      unpacked[out++] = packed[in++];
    }
    ++token;
  }
  return out;
}

uint32_t run(void) {
  // Text-like input: words from a small vocabulary with random mutations, so matches vary in length.
  static const char* const kWords[] = {"compress", "window", "match", "literal", "distance", "length",
                                       "hash", "chain", "the ", "and ", "of ", "stream"};
  uint32_t seed = 31337, at = 0;
  while (at < INPUT_BYTES) {
    seed = seed * 1664525u + 1013904223u;
    const char* word = kWords[(seed >> 20) % 12];
    for (uint32_t k = 0; word[k] && at < INPUT_BYTES; ++k) input[at++] = (uint8_t)word[k];
    if (at < INPUT_BYTES) input[at++] = (seed >> 8) % 5 == 0 ? (uint8_t)(seed >> 12) : ' ';
  }
  uint32_t checksum = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    input[pass * 977 % INPUT_BYTES] ^= 0x5A;  // each pass compresses different data
    uint32_t packed_size = compress(INPUT_BYTES);
    uint32_t unpacked_size = decompress(packed_size);
    uint32_t mismatches = unpacked_size != INPUT_BYTES;
    for (uint32_t i = 0; i < INPUT_BYTES; ++i) mismatches += unpacked[i] != input[i];
    uint32_t hash = 2166136261u;
    for (uint32_t i = 0; i < packed_size; ++i) hash = (hash ^ packed[i]) * 16777619u;
    checksum = checksum * 31u + packed_size + hash + mismatches * 1000003u;
  }
  return checksum & INT32_MAX;
}
