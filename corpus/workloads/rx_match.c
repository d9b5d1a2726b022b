// The regex engine's matcher: leftmost-first backtracking over a compiled program, with a visited bitmap
// of (instruction, position) pairs so that no state is explored twice.
#include <stdlib.h>
#include <string.h>

#include "rx_internal.h"

// ---- Matcher ---------------------------------------------------------------------------------------

enum job_kind { J_RUN, J_RESTORE, J_REP };
typedef struct {
  int kind, pc, pos, count;  // J_RESTORE: pc is the slot, pos its old value; J_REP: count to try next
} job;

// Scratch reused by every search (grown, never shrunk): the workloads call run many times and must not
// allocate per call.
static job* jobs;
static int job_capacity;
static unsigned* visited;
static int visited_capacity;

static int contains(const unsigned char* text, size_t len, const unsigned char* literal, size_t n, int fold) {
  if (n > len) return 0;
  if (!fold) {
    for (const unsigned char* p = text; (p = memchr(p, literal[0], len - n + 1 - (size_t)(p - text))) != NULL; ++p)
      if (memcmp(p, literal, n) == 0) return 1;
    return 0;
  }
  for (size_t i = 0; i + n <= len; ++i) {
    size_t k = 0;
    while (k < n && to_lower(text[i + k]) == to_lower(literal[k])) ++k;
    if (k == n) return 1;
  }
  return 0;
}

// Whether the text contains one of the program's prefilter literals (true when it has none).
static int passes_prefilter(const rx_program* prog, const unsigned char* text, size_t len) {
  if (prog->literal_count == 0) return 1;
  const unsigned char* literal = prog->literals;
  for (int i = 0; i < prog->literal_count; ++i) {
    size_t n = *literal++;
    if (contains(text, len, literal, n, prog->literal_fold)) return 1;
    literal += n;
  }
  return 0;
}

static int rep_matches(const rx_program* prog, const inst* in, int c) {
  switch (in->kind) {
    case R_CHAR: return c == in->arg;
    case R_CHAR_FOLD: return to_lower(c) == in->arg;
    case R_ANY: return c != '\n';
    default: return class_has(&prog->classes[in->arg], c);
  }
}

static int push(job j, int* top) {
  if (!rx_grow((void**)&jobs, &job_capacity, *top + 1, sizeof(job))) return 0;
  jobs[(*top)++] = j;
  return 1;
}

// Runs the program from `start`; the visited bitmap carries over between starts, since a state that
// failed once fails again whatever the start.
static int match_at(const rx_program* prog, const unsigned char* text, int len, int start, int* caps) {
  const size_t row = (size_t)len + 1;
  int top = 0;
  if (!push((job){J_RUN, 0, start, 0}, &top)) return 0;
  while (top > 0) {
    job j = jobs[--top];
    int pc = j.pc, pos = j.pos;
    if (j.kind == J_RESTORE) {
      caps[j.pc] = j.pos;
      continue;
    }
    if (j.kind == J_REP) {
      const inst* in = &prog->insts[pc];
      int k = j.count;
      if (in->op == I_REP_GREEDY) {
        if (k - 1 >= in->x && !push((job){J_REP, pc, pos, k - 1}, &top)) return 0;
      } else {
        // Lazy: one more byte, if it matches and the maximum allows.
        if (pos + k > len || !rep_matches(prog, in, text[pos + k - 1])) continue;
        if ((in->y < 0 || k + 1 <= in->y) && !push((job){J_REP, pc, pos, k + 1}, &top)) return 0;
      }
      pc += 1;
      pos += k;
    }
    for (;;) {
      size_t bit = (size_t)pc * row + (size_t)pos;
      if (visited[bit >> 5] & (1u << (bit & 31))) break;
      visited[bit >> 5] |= 1u << (bit & 31);
      const inst* in = &prog->insts[pc];
      int c = pos < len ? text[pos] : -1;
      switch (in->op) {
        case I_CHAR:
          if (c != in->arg) goto fail;
          ++pc, ++pos;
          continue;
        case I_CHAR_FOLD:
          if (c < 0 || to_lower(c) != in->arg) goto fail;
          ++pc, ++pos;
          continue;
        case I_ANY:
          if (c < 0 || c == '\n') goto fail;
          ++pc, ++pos;
          continue;
        case I_CLASS:
          if (c < 0 || !class_has(&prog->classes[in->arg], c)) goto fail;
          ++pc, ++pos;
          continue;
        case I_SPLIT: {
          int take_x = hint_allows(in->kind & 3, in->arg & 0xff, c);
          int take_y = hint_allows(in->kind >> 2, in->arg >> 8, c);
          if (!take_x && !take_y) goto fail;
          if (take_x && take_y && !push((job){J_RUN, in->y, pos, 0}, &top)) return 0;
          pc = take_x ? in->x : in->y;
          continue;
        }
        case I_JMP: pc = in->x; continue;
        case I_SAVE:
          if (!push((job){J_RESTORE, in->arg, caps[in->arg], 0}, &top)) return 0;
          caps[in->arg] = pos;
          ++pc;
          continue;
        case I_BOL:
          if (pos != 0) goto fail;
          ++pc;
          continue;
        case I_EOL:
          if (pos != len) goto fail;
          ++pc;
          continue;
        case I_WORDB:
        case I_NWORDB: {
          int boundary = (pos > 0 && is_word(text[pos - 1])) != (pos < len && is_word(text[pos]));
          if (boundary != (in->op == I_WORDB)) goto fail;
          ++pc;
          continue;
        }
        case I_REP_GREEDY:
        case I_REP_LAZY: {
          int greedy = in->op == I_REP_GREEDY;
          int available = 0;
          while ((in->y < 0 || available < in->y) && pos + available < len &&
                 rep_matches(prog, in, text[pos + available]))
            ++available;
          if (available < in->x) goto fail;
          int take = greedy ? available : in->x;
          int other = greedy ? take - 1 : take + 1;
          int more = greedy ? other >= in->x : other <= available;
          if (more && !push((job){J_REP, pc, pos, other}, &top)) return 0;
          ++pc;
          pos += take;
          continue;
        }
        case I_MATCH: return 1;
      }
    fail:
      break;
    }
  }
  return 0;
}

int rx_search(const rx_program* prog, const char* text, size_t len, int spans[2 * RX_MAX_GROUPS]) {
  const unsigned char* bytes = (const unsigned char*)text;
  if (len > 1000000) return 0;
  // An anchored pattern whose first byte cannot match is rejected before the (slower) literal search.
  if (prog->anchored && !prog->first_all && (len == 0 || !class_has(&prog->first, bytes[0]))) return 0;
  if (!passes_prefilter(prog, bytes, len)) return 0;
  size_t bits = (size_t)prog->size * (len + 1);
  int words = (int)((bits + 31) / 32);
  if (!rx_grow((void**)&visited, &visited_capacity, words, sizeof(unsigned))) return 0;
  memset(visited, 0, (size_t)words * sizeof(unsigned));
  int slots = 2 * (prog->groups + 1);
  for (size_t start = 0; start <= len; ++start) {
    if (prog->first_all || (start < len && class_has(&prog->first, bytes[start]))) {
      for (int i = 0; i < slots; ++i) spans[i] = -1;
      if (match_at(prog, bytes, (int)len, (int)start, spans)) return 1;
    }
    if (prog->anchored) break;
  }
  return 0;
}
