// A small regular-expression engine shared by the regex and uap workloads (and the native rule generator).
// wasi-libc's regcomp knows only POSIX syntax; user-agent rules are written for Perl-style engines, so the
// workloads bring their own: a parser to an AST, a compiler to a program, and a backtracking matcher that
// remembers visited (instruction, position) pairs, so every search runs in O(program x text) time.
//
// Syntax: literals and escapes (\. \/ \t \n \xHH ...), . [...] [^...] with ranges, \d \D \w \W \s \S,
// ^ $ \b \B, alternation, (...) (?:...) (?i) (?i:...), * + ? {m} {m,} {m,n} and their lazy forms (*? ...).
// Not supported (compile fails with a message): lookaround, backreferences, named groups, \p{...}.
#ifndef KILN_WORKLOADS_RX_H
#define KILN_WORKLOADS_RX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { RX_ICASE = 1 };        // match ASCII letters case-insensitively (uap's regex_flag: 'i')
enum { RX_MAX_GROUPS = 16 };  // capture groups per pattern, group 0 being the whole match

typedef struct rx_program rx_program;

// Compiles `pattern` (NUL-terminated). Returns NULL and sets *error to a static message when the
// pattern is malformed or uses syntax outside the supported set.
rx_program* rx_compile(const char* pattern, int flags, const char** error);
void rx_free(rx_program* program);

// Number of capture groups, not counting group 0.
int rx_group_count(const rx_program* program);
// Instructions in the compiled program (a measure of compile work).
int rx_program_size(const rx_program* program);

// Leftmost-first search of text[0..len) as Perl or Python would do it. On a match returns 1 and fills
// spans[2*g], spans[2*g+1] with the start and end of group g (-1 when the group did not take part) for
// g in 0..rx_group_count; returns 0 when there is no match. Scratch memory is reused between calls.
int rx_search(const rx_program* program, const char* text, size_t len, int spans[2 * RX_MAX_GROUPS]);

#ifdef __cplusplus
}
#endif

#endif
