// The interface every workload shares: the exports `alloc` (the input buffer) and `result` (the text of
// the last run's answer), and helpers to build that text without stdio.
#ifndef KILN_WORKLOADS_WORKLOAD_IO_H
#define KILN_WORKLOADS_WORKLOAD_IO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Empties the result text.
void result_clear(void);
// Appends `len` bytes (text may not be NUL-terminated) / a C string / a decimal number; whatever does
// not fit in the fixed buffer is dropped.
void result_append_bytes(const char* text, size_t len);
void result_append(const char* text);
void result_append_int(long long value);

#ifdef __cplusplus
}
#endif

#endif
