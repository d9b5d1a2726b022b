// Kernel: a byte-at-a-time JSON-like tokenizer over generated text; measures branchy
// byte classification, the kind of loop a parser or lexer spends its time in.
#include <stdint.h>

#define TEXT_BYTES (1u << 18)
static volatile uint32_t passes = 6;

static char text[TEXT_BYTES];
static uint32_t text_size;
static uint32_t seed;

static uint32_t next_random(void) {
  seed = seed * 1664525u + 1013904223u;
  return seed >> 8;
}

static uint32_t put(uint32_t at, const char* s) {
  while (*s && at < TEXT_BYTES) text[at++] = *s++;
  return at;
}

static uint32_t put_number(uint32_t at, int32_t value) {
  char digits[12];
  uint32_t n = 0;
  uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
  do {
    digits[n++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  if (value < 0 && at < TEXT_BYTES) text[at++] = '-';
  while (n && at < TEXT_BYTES) text[at++] = digits[--n];
  return at;
}

// Records like {"id":17,"name":"ab\"c","tags":[true,null],"score":-3.25,"nested":{"k":[1,2]}}.
static void generate(void) {
  static const char* const kWords[] = {"alpha", "beta\\\"q", "gamma\\n", "delta", "e\\\\f", "zeta"};
  static const char* const kLiterals[] = {"true", "false", "null"};
  seed = 42;
  uint32_t at = put(0, "[\n");
  while (at + 256 < TEXT_BYTES) {
    at = put(at, "{\"id\":");
    at = put_number(at, (int32_t)(next_random() % 100000));
    at = put(at, ",\"name\":\"");
    at = put(at, kWords[next_random() % 6]);
    at = put(at, kWords[next_random() % 6]);
    at = put(at, "\",\"tags\":[");
    for (uint32_t t = next_random() % 4; t; --t) {
      at = put(at, kLiterals[next_random() % 3]);
      if (t > 1) at = put(at, ", ");
    }
    at = put(at, "],\"score\":");
    at = put_number(at, (int32_t)(next_random() % 2000) - 1000);
    at = put(at, ".");
    at = put_number(at, (int32_t)(next_random() % 100));
    at = put(at, ",\"nested\":{\"k\":[");
    at = put_number(at, (int32_t)(next_random() % 10));
    at = put(at, ",");
    at = put_number(at, (int32_t)(next_random() % 1000));
    at = put(at, "]}},\n");
  }
  text_size = put(at, "{}]\n");
}

enum { kPunct, kString, kNumber, kLiteral, kError, kKinds };

// `salt` seeds the hash so each pass is a distinct call that no compiler can hoist.
static uint32_t tokenize(uint32_t salt) {
  uint32_t counts[kKinds] = {0, 0, 0, 0, 0};
  uint32_t hash = 2166136261u ^ salt;  // FNV-1a over string contents
  uint32_t number_sum = 0;
  uint32_t i = 0;
  while (i < text_size) {
    char ch = text[i];
    switch (ch) {
      case ' ': case '\n': case '\t': case '\r':
        ++i;
        break;
      case '{': case '}': case '[': case ']': case ':': case ',':
        ++counts[kPunct];
        hash = (hash ^ (uint8_t)ch) * 16777619u;
        ++i;
        break;
      case '"':
        ++i;
        while (i < text_size && text[i] != '"') {
          if (text[i] == '\\' && i + 1 < text_size) {
            ++i;
            char escaped = text[i] == 'n' ? '\n' : text[i];
            hash = (hash ^ (uint8_t)escaped) * 16777619u;
          } else {
            hash = (hash ^ (uint8_t)text[i]) * 16777619u;
          }
          ++i;
        }
        ++i;
        ++counts[kString];
        break;
      case 't': case 'f': case 'n':
        while (i < text_size && text[i] >= 'a' && text[i] <= 'z') ++i;
        ++counts[kLiteral];
        break;
      default:
        if (ch == '-' || (ch >= '0' && ch <= '9')) {
          int negative = ch == '-';
          if (negative) ++i;
          uint32_t value = 0;
          while (i < text_size && text[i] >= '0' && text[i] <= '9') value = value * 10 + (uint32_t)(text[i++] - '0');
          if (i < text_size && text[i] == '.') {
            ++i;
            while (i < text_size && text[i] >= '0' && text[i] <= '9') value = value * 10 + (uint32_t)(text[i++] - '0');
          }
          number_sum += negative ? 0u - value : value;
          ++counts[kNumber];
        } else {
          ++counts[kError];
          ++i;
        }
    }
  }
  uint32_t checksum = hash ^ number_sum;
  for (int k = 0; k < kKinds; ++k) checksum = checksum * 31u + counts[k];
  return checksum;
}

uint32_t run(void) {
  generate();
  uint32_t checksum = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) checksum = checksum * 7u + tokenize(pass);
  return checksum & INT32_MAX;
}
