// The shared exports `alloc` and `result`. Both buffers are static, so they exist before and after
// pre-initialization alike and a run allocates nothing.
#include "workload_io.h"

#include <string.h>

enum { kInputCapacity = 64 * 1024, kResultCapacity = 4096 };

static char input_buffer[kInputCapacity];
static char result_text[kResultCapacity];
static size_t result_length;

// The buffer the host writes the next input into: the same one every call; 0 when `len` does not fit.
__attribute__((export_name("alloc"))) char* workload_alloc(int len) {
  return len >= 0 && len <= kInputCapacity ? input_buffer : 0;
}

__attribute__((export_name("result"))) const char* workload_result(void) { return result_text; }

void result_clear(void) {
  result_length = 0;
  result_text[0] = 0;
}

void result_append_bytes(const char* text, size_t len) {
  size_t room = kResultCapacity - 1 - result_length;
  if (len > room) len = room;
  memcpy(result_text + result_length, text, len);
  result_length += len;
  result_text[result_length] = 0;
}

void result_append(const char* text) { result_append_bytes(text, strlen(text)); }

void result_append_int(long long value) {
  char digits[24];
  size_t n = 0;
  unsigned long long magnitude = value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
  do {
    digits[sizeof digits - 1 - n++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  if (value < 0) digits[sizeof digits - 1 - n++] = '-';
  result_append_bytes(digits + sizeof digits - n, n);
}
