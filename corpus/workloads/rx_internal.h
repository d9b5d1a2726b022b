// Internals of the regex engine shared by its three stages: rx_parse.c (pattern -> AST), rx_compile.c
// (AST -> program, prefilters) and rx_match.c (program x text -> spans). Not part of the rx.h interface.
#ifndef KILN_WORKLOADS_RX_INTERNAL_H
#define KILN_WORKLOADS_RX_INTERNAL_H

#include <stddef.h>

#include "rx.h"

// ---- AST -------------------------------------------------------------------------------------------

enum node_kind { N_EMPTY, N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_WORDB, N_NWORDB, N_CAT, N_ALT, N_GROUP, N_REPEAT };

typedef struct {
  unsigned char kind;
  unsigned char flag;  // N_CHAR: compare case-insensitively; N_REPEAT: greedy
  int value;           // N_CHAR: the byte (lower case when folded); N_CLASS: class index; N_GROUP: group
                       // number, 0 for a non-capturing group; N_REPEAT: minimum count
  int max;             // N_REPEAT: maximum count, -1 for unbounded
  int child;           // N_CAT, N_ALT: first child; N_GROUP, N_REPEAT: the operand
  int next;            // next sibling in a N_CAT or N_ALT list
} node;

typedef struct {
  unsigned char bits[32];
} byte_class;

// ---- Program ---------------------------------------------------------------------------------------

enum op {
  I_CHAR,
  I_CHAR_FOLD,
  I_ANY,
  I_CLASS,
  I_SPLIT,
  I_JMP,
  I_SAVE,
  I_BOL,
  I_EOL,
  I_WORDB,
  I_NWORDB,
  I_REP_GREEDY,
  I_REP_LAZY,
  I_MATCH
};
// What one I_REP_* instruction repeats: a single-byte matcher, so a run of it needs no program loop.
enum rep_kind { R_CHAR, R_CHAR_FOLD, R_ANY, R_CLASS };

// 12 bytes: a rule set compiles to tens of thousands of these, all of which the snapshot carries.
typedef struct {
  unsigned char op;
  unsigned char kind;  // I_REP_*: enum rep_kind; I_SPLIT: the hint modes of x (bits 0-1) and y (bits 2-3)
  unsigned short arg;  // I_CHAR*: byte; I_CLASS: class index; I_SAVE: slot; I_REP_*: byte or class index;
                       // I_SPLIT: the bytes x (low) and y (high) must start with, per their hint modes
  int x;               // I_SPLIT: preferred target; I_JMP: target; I_REP_*: minimum
  int y;               // I_SPLIT: other target; I_REP_*: maximum, -1 unbounded
} inst;

enum { kMaxRepeat = 1000, kMaxProgram = 200000, kMaxLiteral = 64 };

struct rx_program {
  inst* insts;
  int size;
  byte_class* classes;
  int groups;
  int anchored;  // starts with ^: only position 0 can match
  // Prefilter: every match contains one of these byte strings (none: nothing known). Stored one after
  // the other, each preceded by its length byte.
  const unsigned char* literals;
  int literal_count;
  int literal_fold;  // compare the literals case-insensitively
  byte_class first;  // the bytes a match can start with, unless first_all
  int first_all;     // a match can start with any byte, or be empty
};

// ---- Parser ----------------------------------------------------------------------------------------

typedef struct {
  const char* p;
  int icase;
  const char* error;
  node* nodes;
  int node_count, node_capacity;
  byte_class* classes;
  int class_count, class_capacity;
  int groups;
} parser;

// Grows *array (of `element`-byte items) to hold at least `needed`; 0 when out of memory.
int rx_grow(void** array, int* capacity, int needed, size_t element);
// Parses ps->p into ps->nodes; returns the root node, or -1 with ps->error set.
int rx_parse(parser* ps);

static inline int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static inline int to_lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static inline int is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int is_word(int c) { return is_alpha(c) || is_digit(c) || c == '_'; }
static inline int is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static inline void class_set(byte_class* c, int b) {
  c->bits[b >> 3] = (unsigned char)(c->bits[b >> 3] | (1u << (b & 7)));
}
static inline int class_has(const byte_class* c, int b) { return (c->bits[b >> 3] >> (b & 7)) & 1; }

// I_SPLIT's hints: whether a branch must begin with one byte (exactly, or case-folded).
enum hint_mode { HINT_NONE, HINT_EXACT, HINT_FOLD };
static inline int hint_allows(int mode, int byte, int c) {
  return mode == HINT_NONE || (mode == HINT_EXACT ? c == byte : c >= 0 && to_lower(c) == byte);
}

#endif
