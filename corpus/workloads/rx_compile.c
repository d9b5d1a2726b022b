// The regex engine's compiler: AST to a flat program of instructions, plus the tables that let the
// matcher skip hopeless work (prefilter literals, start bytes, branch hints).
#include <stdlib.h>
#include <string.h>

#include "rx_internal.h"

// ---- Required literals (prefilter) -----------------------------------------------------------------
// Most rules cannot match most user agents, and a substring search rejects them far faster than the
// matcher: every match must contain the longest literal run of the pattern or, when that is short, one
// of the literals of an alternation every match goes through ("(Googlebot|bingbot|...)").

enum { kMinSetLiteral = 2, kMaxSetLiterals = 512 };

typedef struct {
  char best[kMaxLiteral];
  int best_len, best_fold;
  char run[kMaxLiteral];
  int run_len, run_fold;
  int best_alt;      // an alternation on every match's path whose branches all have a literal; -1: none
  int best_alt_min;  // the shortest of that alternation's literals
} literal_search;

static void end_run(literal_search* s) {
  if (s->run_len > s->best_len) {
    memcpy(s->best, s->run, (size_t)s->run_len);
    s->best_len = s->run_len;
    s->best_fold = s->run_fold;
  }
  s->run_len = 0;
  s->run_fold = 0;
}

static void find_literal(const parser* ps, int n, literal_search* s);

// The longest literal of node `n` on its own.
static int branch_literal(const parser* ps, int n, literal_search* branch) {
  memset(branch, 0, sizeof *branch);
  branch->best_alt = -1;
  find_literal(ps, n, branch);
  end_run(branch);
  return branch->best_len;
}

static void consider_alternation(const parser* ps, int n, literal_search* s) {
  int shortest = kMaxLiteral, count = 0;
  literal_search branch;
  for (int c = ps->nodes[n].child; c >= 0; c = ps->nodes[c].next, ++count) {
    int len = branch_literal(ps, c, &branch);
    if (len < kMinSetLiteral) return;
    if (len < shortest) shortest = len;
  }
  if (count <= kMaxSetLiterals && shortest > s->best_alt_min) {
    s->best_alt = n;
    s->best_alt_min = shortest;
  }
}

// Walks the parts of node `n` every match goes through: literal runs in concatenations, groups, repeats
// of at least one, and alternations (as candidate sets). Optional parts contribute nothing.
static void find_literal(const parser* ps, int n, literal_search* s) {
  const node* nd = &ps->nodes[n];
  switch (nd->kind) {
    case N_CHAR:
      if (s->run_len < kMaxLiteral) {
        s->run[s->run_len++] = (char)nd->value;
        s->run_fold |= nd->flag;
      }
      return;
    case N_CAT:
      for (int c = nd->child; c >= 0; c = ps->nodes[c].next) find_literal(ps, c, s);
      return;
    case N_GROUP: find_literal(ps, nd->child, s); return;
    case N_REPEAT:
      end_run(s);
      if (nd->value >= 1) find_literal(ps, nd->child, s);
      end_run(s);
      return;
    case N_ALT:
      end_run(s);
      consider_alternation(ps, n, s);
      return;
    case N_BOL:
    case N_EOL:
    case N_WORDB:
    case N_NWORDB:
    case N_EMPTY: return;  // zero-width: the bytes on either side are still adjacent
    default: end_run(s); return;
  }
}

static unsigned char* append_literal(unsigned char* out, const literal_search* s) {
  *out++ = (unsigned char)s->best_len;
  memcpy(out, s->best, (size_t)s->best_len);
  return out + s->best_len;
}

// The prefilter literals of the pattern rooted at `root`, each preceded by its length byte (see
// rx_program.literals); NULL when out of memory.
static unsigned char* collect_literals(const parser* ps, int root, int* bytes, int* count, int* fold) {
  unsigned char* out = malloc((size_t)kMaxSetLiterals * (kMaxLiteral + 1));
  if (!out) return NULL;
  literal_search s;
  branch_literal(ps, root, &s);
  unsigned char* end = out;
  *count = 0;
  if (s.best_alt >= 0 && s.best_len < 3 && s.best_alt_min > s.best_len) {
    literal_search branch;
    *fold = 0;
    for (int c = ps->nodes[s.best_alt].child; c >= 0; c = ps->nodes[c].next, ++*count) {
      branch_literal(ps, c, &branch);
      end = append_literal(end, &branch);
      *fold |= branch.best_fold;
    }
  } else if (s.best_len > 0) {
    end = append_literal(end, &s);
    *count = 1;
    *fold = s.best_fold;
  }
  *bytes = (int)(end - out);
  return out;
}

// ---- Compiler --------------------------------------------------------------------------------------

typedef struct {
  const parser* ps;
  inst* insts;
  int size, capacity;
  const char* error;
} compiler;

static int emit(compiler* cc, int op) {
  if (cc->size >= kMaxProgram) {
    cc->error = "pattern too large";
    return -1;
  }
  if (!rx_grow((void**)&cc->insts, &cc->capacity, cc->size + 1, sizeof(inst))) {
    cc->error = "out of memory";
    return -1;
  }
  inst* in = &cc->insts[cc->size];
  memset(in, 0, sizeof *in);
  in->op = (unsigned char)op;
  return cc->size++;
}

static int compile_node(compiler* cc, int n);

// A repeat of anything longer than one byte: the operand copied min times, then a loop or (max - min)
// nested optional copies, each of which skips to the end when not taken.
static int compile_repeat_copies(compiler* cc, const node* nd) {
  for (int i = 0; i < nd->value; ++i)
    if (compile_node(cc, nd->child) < 0) return -1;
  if (nd->max < 0) {
    int split = emit(cc, I_SPLIT);
    if (split < 0 || compile_node(cc, nd->child) < 0) return -1;
    int jmp = emit(cc, I_JMP);
    if (jmp < 0) return -1;
    cc->insts[jmp].x = split;
    cc->insts[split].x = nd->flag ? split + 1 : cc->size;
    cc->insts[split].y = nd->flag ? cc->size : split + 1;
    return 0;
  }
  // Each optional copy's split skips to the end; the splits are chained through y until it is known.
  int chain = -1;
  for (int i = nd->max - nd->value; i > 0; --i) {
    int split = emit(cc, I_SPLIT);
    if (split < 0) return -1;
    cc->insts[split].x = split + 1;
    cc->insts[split].y = chain;
    chain = split;
    if (compile_node(cc, nd->child) < 0) return -1;
  }
  while (chain >= 0) {
    inst* split = &cc->insts[chain];
    chain = split->y;
    split->y = cc->size;
    if (!nd->flag) {  // lazy: prefer skipping
      split->y = split->x;
      split->x = cc->size;
    }
  }
  return 0;
}

static int compile_node(compiler* cc, int n) {
  const node* nd = &cc->ps->nodes[n];
  int pc;
  switch (nd->kind) {
    case N_EMPTY: return 0;
    case N_CHAR:
      if ((pc = emit(cc, nd->flag ? I_CHAR_FOLD : I_CHAR)) < 0) return -1;
      cc->insts[pc].arg = (unsigned short)nd->value;
      return 0;
    case N_ANY: return emit(cc, I_ANY) < 0 ? -1 : 0;
    case N_CLASS:
      if ((pc = emit(cc, I_CLASS)) < 0) return -1;
      cc->insts[pc].arg = (unsigned short)nd->value;
      return 0;
    case N_BOL: return emit(cc, I_BOL) < 0 ? -1 : 0;
    case N_EOL: return emit(cc, I_EOL) < 0 ? -1 : 0;
    case N_WORDB: return emit(cc, I_WORDB) < 0 ? -1 : 0;
    case N_NWORDB: return emit(cc, I_NWORDB) < 0 ? -1 : 0;
    case N_CAT:
      for (int c = nd->child; c >= 0; c = cc->ps->nodes[c].next)
        if (compile_node(cc, c) < 0) return -1;
      return 0;
    case N_ALT: {
      // Each branch but the last: SPLIT(branch, next split); branch; JMP end. The JMPs are chained
      // through x until the end is known.
      int chain = -1;
      for (int c = nd->child; c >= 0; c = cc->ps->nodes[c].next) {
        if (cc->ps->nodes[c].next < 0) {
          if (compile_node(cc, c) < 0) return -1;
          break;
        }
        int split = emit(cc, I_SPLIT);
        if (split < 0 || compile_node(cc, c) < 0) return -1;
        int jmp = emit(cc, I_JMP);
        if (jmp < 0) return -1;
        cc->insts[jmp].x = chain;
        chain = jmp;
        cc->insts[split].x = split + 1;
        cc->insts[split].y = cc->size;
      }
      while (chain >= 0) {
        int prev = cc->insts[chain].x;
        cc->insts[chain].x = cc->size;
        chain = prev;
      }
      return 0;
    }
    case N_GROUP:
      if ((pc = emit(cc, I_SAVE)) < 0) return -1;
      cc->insts[pc].arg = (unsigned short)(2 * nd->value);
      if (compile_node(cc, nd->child) < 0) return -1;
      if ((pc = emit(cc, I_SAVE)) < 0) return -1;
      cc->insts[pc].arg = (unsigned short)(2 * nd->value + 1);
      return 0;
    case N_REPEAT: {
      const node* operand = &cc->ps->nodes[nd->child];
      if (operand->kind != N_CHAR && operand->kind != N_ANY && operand->kind != N_CLASS)
        return compile_repeat_copies(cc, nd);
      if ((pc = emit(cc, nd->flag ? I_REP_GREEDY : I_REP_LAZY)) < 0) return -1;
      inst* in = &cc->insts[pc];
      in->kind = (unsigned char)(operand->kind == N_ANY     ? R_ANY
                                 : operand->kind == N_CLASS ? R_CLASS
                                 : operand->flag            ? R_CHAR_FOLD
                                                            : R_CHAR);
      in->arg = (unsigned short)operand->value;
      in->x = nd->value;
      in->y = nd->max;
      return 0;
    }
  }
  return 0;
}

// ---- Start-byte analysis ---------------------------------------------------------------------------
// Alternations of literals ("(Chrome|Firefox|...)") and unanchored searches spend most of their time
// trying branches and start positions that fail on their first byte; these tables let the matcher skip
// them without a backtracking step.

// How the code at `pc` must begin (capture saves skipped): with one byte, or anything.
static int branch_hint(const inst* insts, int pc, int* byte) {
  while (insts[pc].op == I_SAVE) ++pc;
  *byte = insts[pc].arg;
  return insts[pc].op == I_CHAR ? HINT_EXACT : insts[pc].op == I_CHAR_FOLD ? HINT_FOLD : HINT_NONE;
}

static void add_split_hints(inst* insts, int size) {
  for (int pc = 0; pc < size; ++pc) {
    if (insts[pc].op != I_SPLIT) continue;
    int x_byte, y_byte;
    int x_mode = branch_hint(insts, insts[pc].x, &x_byte), y_mode = branch_hint(insts, insts[pc].y, &y_byte);
    insts[pc].kind = (unsigned char)(x_mode | y_mode << 2);
    insts[pc].arg = (unsigned short)((x_mode ? x_byte : 0) | (y_mode ? y_byte : 0) << 8);
  }
}

static void first_add_matcher(rx_program* prog, int kind, int arg) {
  if (kind == R_ANY) {
    prog->first_all = 1;
  } else if (kind == R_CLASS) {
    for (int i = 0; i < 32; ++i) prog->first.bits[i] |= prog->classes[arg].bits[i];
  } else {
    class_set(&prog->first, arg);
    if (kind == R_CHAR_FOLD && arg >= 'a' && arg <= 'z') class_set(&prog->first, arg - 32);
  }
}

// Walks every path from the start through zero-width instructions (saves, jumps, splits, and, erring on
// the side of trying too much, assertions) and collects the first byte each consumes.
static void compute_first_bytes(rx_program* prog) {
  int* stack = malloc((size_t)prog->size * sizeof *stack);
  unsigned char* seen = calloc((size_t)prog->size, 1);
  int top = 0;
  if (!stack || !seen)
    prog->first_all = 1;
  else
    stack[top++] = 0, seen[0] = 1;
  while (top > 0 && !prog->first_all) {
    int pc = stack[--top], next[2] = {-1, -1};
    const inst* in = &prog->insts[pc];
    switch (in->op) {
      case I_CHAR: first_add_matcher(prog, R_CHAR, in->arg); break;
      case I_CHAR_FOLD: first_add_matcher(prog, R_CHAR_FOLD, in->arg); break;
      case I_ANY: first_add_matcher(prog, R_ANY, 0); break;
      case I_CLASS: first_add_matcher(prog, R_CLASS, in->arg); break;
      case I_SPLIT: next[0] = in->x, next[1] = in->y; break;
      case I_JMP: next[0] = in->x; break;
      case I_REP_GREEDY:
      case I_REP_LAZY:
        first_add_matcher(prog, in->kind, in->arg);
        if (in->x == 0) next[0] = pc + 1;
        break;
      case I_MATCH: prog->first_all = 1; break;
      default: next[0] = pc + 1; break;  // saves and assertions consume nothing
    }
    for (int i = 0; i < 2; ++i)
      if (next[i] >= 0 && !seen[next[i]]) {
        seen[next[i]] = 1;
        stack[top++] = next[i];
      }
  }
  free(stack);
  free(seen);
}

rx_program* rx_compile(const char* pattern, int flags, const char** error) {
  parser ps;
  memset(&ps, 0, sizeof ps);
  ps.p = pattern;
  ps.icase = (flags & RX_ICASE) != 0;
  compiler cc;
  memset(&cc, 0, sizeof cc);
  cc.ps = &ps;
  rx_program* prog = NULL;
  int root = rx_parse(&ps);
  if (root < 0) goto done;
  // Program: SAVE 0, the pattern, SAVE 1, MATCH.
  int pc = emit(&cc, I_SAVE);
  if (pc < 0 || compile_node(&cc, root) < 0) goto done;
  if ((pc = emit(&cc, I_SAVE)) < 0) goto done;
  cc.insts[pc].arg = 1;
  if (emit(&cc, I_MATCH) < 0) goto done;
  add_split_hints(cc.insts, cc.size);
  int literal_bytes = 0, literal_count = 0, literal_fold = 0;
  unsigned char* literals = collect_literals(&ps, root, &literal_bytes, &literal_count, &literal_fold);
  if (!literals) {
    cc.error = "out of memory";
    goto done;
  }
  // One exact-size block for the program, its instructions, classes and literals: the compiled rule
  // set is what a snapshot carries, so it holds no growth slack.
  size_t inst_bytes = (size_t)cc.size * sizeof(inst), class_bytes = (size_t)ps.class_count * sizeof(byte_class);
  prog = malloc(sizeof *prog + inst_bytes + class_bytes + (size_t)literal_bytes);
  if (!prog) {
    free(literals);
    cc.error = "out of memory";
    goto done;
  }
  memset(prog, 0, sizeof *prog);
  prog->insts = (inst*)(prog + 1);
  memcpy(prog->insts, cc.insts, inst_bytes);
  prog->classes = (byte_class*)((char*)prog->insts + inst_bytes);
  if (class_bytes) memcpy(prog->classes, ps.classes, class_bytes);
  unsigned char* literal_copy = (unsigned char*)prog->classes + class_bytes;
  if (literal_bytes) memcpy(literal_copy, literals, (size_t)literal_bytes);
  free(literals);
  prog->literals = literal_copy;
  prog->literal_count = literal_count;
  prog->literal_fold = literal_fold;
  prog->size = cc.size;
  prog->groups = ps.groups;
  prog->anchored = cc.insts[1].op == I_BOL;
  compute_first_bytes(prog);
done:
  if (error) *error = prog ? NULL : ps.error ? ps.error : cc.error;
  free(ps.nodes);
  free(ps.classes);
  free(cc.insts);
  return prog;
}

void rx_free(rx_program* program) { free(program); }

int rx_group_count(const rx_program* program) { return program->groups; }
int rx_program_size(const rx_program* program) { return program->size; }
