// The regex engine's parser: pattern text to an AST of nodes (rx_internal.h), with classes interned.
#include <stdlib.h>
#include <string.h>

#include "rx_internal.h"

int rx_grow(void** array, int* capacity, int needed, size_t element) {
  if (needed <= *capacity) return 1;
  int next = *capacity ? *capacity * 2 : 64;
  while (next < needed) next *= 2;
  void* moved = realloc(*array, (size_t)next * element);
  if (!moved) return 0;
  *array = moved;
  *capacity = next;
  return 1;
}

static int new_node(parser* ps, int kind) {
  if (!rx_grow((void**)&ps->nodes, &ps->node_capacity, ps->node_count + 1, sizeof(node))) {
    ps->error = "out of memory";
    return -1;
  }
  node* n = &ps->nodes[ps->node_count];
  memset(n, 0, sizeof *n);
  n->kind = (unsigned char)kind;
  n->child = n->next = -1;
  return ps->node_count++;
}

// Adds the bytes of \d \w \s (lower-case letter) or their complements (upper-case) to `c`.
static void class_add_shorthand(byte_class* c, int letter) {
  int negate = letter == 'D' || letter == 'W' || letter == 'S';
  int base = to_lower(letter);
  for (int b = 0; b < 256; ++b) {
    int in = base == 'd' ? is_digit(b) : base == 'w' ? is_word(b) : is_space(b);
    if (in != negate) class_set(c, b);
  }
}

// Returns the index of a class equal to `c`, adding it if new: shared classes (\d, [^;]) stay one copy.
static int intern_class(parser* ps, const byte_class* c) {
  for (int i = 0; i < ps->class_count; ++i)
    if (memcmp(ps->classes[i].bits, c->bits, sizeof c->bits) == 0) return i;
  if (!rx_grow((void**)&ps->classes, &ps->class_capacity, ps->class_count + 1, sizeof(byte_class))) {
    ps->error = "out of memory";
    return -1;
  }
  ps->classes[ps->class_count] = *c;
  return ps->class_count++;
}

static int class_node(parser* ps, const byte_class* c) {
  int index = intern_class(ps, c);
  if (index < 0) return -1;
  int n = new_node(ps, N_CLASS);
  if (n >= 0) ps->nodes[n].value = index;
  return n;
}

static int hex_value(int c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the byte an escape stands for (after the backslash); -1 with ps->error set when unsupported.
static int escaped_byte(parser* ps) {
  int c = (unsigned char)*ps->p;
  if (c == 0) {
    ps->error = "pattern ends with a backslash";
    return -1;
  }
  ++ps->p;
  switch (c) {
    case 't': return '\t';
    case 'n': return '\n';
    case 'r': return '\r';
    case 'f': return '\f';
    case 'v': return '\v';
    case 'x': {
      int hi = hex_value(ps->p[0]), lo = hi < 0 ? -1 : hex_value(ps->p[1]);
      if (lo < 0) {
        ps->error = "\\x needs two hex digits";
        return -1;
      }
      ps->p += 2;
      return hi * 16 + lo;
    }
  }
  if (is_digit(c)) {
    ps->error = "backreferences are not supported";
    return -1;
  }
  if (is_alpha(c)) {
    ps->error = "unsupported escape";
    return -1;
  }
  return c;  // escaped punctuation stands for itself
}

static int literal_node(parser* ps, int c) {
  int n = new_node(ps, N_CHAR);
  if (n < 0) return -1;
  int fold = ps->icase && is_alpha(c);
  ps->nodes[n].value = fold ? to_lower(c) : c;
  ps->nodes[n].flag = (unsigned char)fold;
  return n;
}

static int parse_class(parser* ps) {
  byte_class c;
  memset(&c, 0, sizeof c);
  int negate = *ps->p == '^';
  if (negate) ++ps->p;
  int first = 1;
  while (*ps->p != ']' || first) {
    first = 0;
    int lo = (unsigned char)*ps->p;
    if (lo == 0) {
      ps->error = "missing ]";
      return -1;
    }
    ++ps->p;
    if (lo == '\\') {
      int e = (unsigned char)*ps->p;
      if (e == 'd' || e == 'D' || e == 'w' || e == 'W' || e == 's' || e == 'S') {
        ++ps->p;
        class_add_shorthand(&c, e);
        continue;
      }
      if (e == 'b') {
        ++ps->p;
        lo = '\b';
      } else if ((lo = escaped_byte(ps)) < 0) {
        return -1;
      }
    }
    int hi = lo;
    if (ps->p[0] == '-' && ps->p[1] != ']' && ps->p[1] != 0) {
      ++ps->p;
      hi = (unsigned char)*ps->p++;
      if (hi == '\\' && (hi = escaped_byte(ps)) < 0) return -1;
      if (hi < lo) {
        ps->error = "bad character range";
        return -1;
      }
    }
    for (int b = lo; b <= hi; ++b) class_set(&c, b);
  }
  ++ps->p;  // ]
  if (ps->icase)
    for (int b = 'a'; b <= 'z'; ++b)
      if (class_has(&c, b) || class_has(&c, b - 32)) {
        class_set(&c, b);
        class_set(&c, b - 32);
      }
  if (negate)
    for (int i = 0; i < 32; ++i) c.bits[i] = (unsigned char)~c.bits[i];
  return class_node(ps, &c);
}

static int parse_alternation(parser* ps);

static int parse_group(parser* ps) {
  int capture = 1, saved_icase = ps->icase;
  if (*ps->p == '?') {
    if (ps->p[1] == ':') {
      capture = 0;
      ps->p += 2;
    } else if (ps->p[1] == 'i' && ps->p[2] == ')') {
      ps->icase = 1;  // applies to the rest of the pattern, as a leading (?i) does in Python
      ps->p += 3;
      return new_node(ps, N_EMPTY);
    } else if (ps->p[1] == 'i' && ps->p[2] == ':') {
      capture = 0;
      ps->icase = 1;
      ps->p += 3;
    } else {
      ps->error = "unsupported group syntax (lookaround, named group or flag)";
      return -1;
    }
  }
  int number = 0;
  if (capture) {
    number = ++ps->groups;
    if (number >= RX_MAX_GROUPS) {
      ps->error = "too many capture groups";
      return -1;
    }
  }
  int inner = parse_alternation(ps);
  if (inner < 0) return -1;
  if (*ps->p != ')') {
    ps->error = "missing )";
    return -1;
  }
  ++ps->p;
  ps->icase = saved_icase;
  if (!capture) return inner;  // (?:x) is x: a repeat of it can then use the single-byte fast path
  int g = new_node(ps, N_GROUP);
  if (g < 0) return -1;
  ps->nodes[g].value = number;
  ps->nodes[g].child = inner;
  return g;
}

static int parse_atom(parser* ps) {
  int c = (unsigned char)*ps->p++;
  switch (c) {
    case '(': return parse_group(ps);
    case '[': return parse_class(ps);
    case '.': {
      int n = new_node(ps, N_ANY);
      return n;
    }
    case '^': return new_node(ps, N_BOL);
    case '$': return new_node(ps, N_EOL);
    case '*':
    case '+':
    case '?': ps->error = "nothing to repeat"; return -1;
    case '\\': {
      int e = (unsigned char)*ps->p;
      if (e == 'd' || e == 'D' || e == 'w' || e == 'W' || e == 's' || e == 'S') {
        ++ps->p;
        byte_class cls;
        memset(&cls, 0, sizeof cls);
        class_add_shorthand(&cls, e);
        return class_node(ps, &cls);
      }
      if (e == 'b' || e == 'B') {
        ++ps->p;
        return new_node(ps, e == 'b' ? N_WORDB : N_NWORDB);
      }
      int b = escaped_byte(ps);
      return b < 0 ? -1 : literal_node(ps, b);
    }
    default: return literal_node(ps, c);
  }
}

// Reads a decimal number of at most 4 digits; -1 when there is none.
static int read_count(const char** p) {
  if (!is_digit(**p)) return -1;
  int v = 0;
  for (int digits = 0; is_digit(**p) && digits < 5; ++digits) v = v * 10 + (*(*p)++ - '0');
  return v;
}

// Parses a quantifier at ps->p into min/max; returns 0 when there is none ('{' not followed by a valid
// count is a literal brace, as in Python and PCRE).
static int parse_quantifier(parser* ps, int* min, int* max) {
  char c = *ps->p;
  if (c == '*' || c == '+' || c == '?') {
    ++ps->p;
    *min = c == '+' ? 1 : 0;
    *max = c == '?' ? 1 : -1;
    return 1;
  }
  if (c != '{') return 0;
  const char* p = ps->p + 1;
  int lo = read_count(&p), hi = lo;
  if (*p == ',') {
    ++p;
    hi = read_count(&p);
    if (lo < 0 && hi < 0) return 0;
    if (lo < 0) lo = 0;
  } else if (lo < 0) {
    return 0;
  }
  if (*p != '}') return 0;
  if (lo > kMaxRepeat || hi > kMaxRepeat || (hi >= 0 && hi < lo)) {
    ps->error = "bad repeat count";
    return -1;
  }
  ps->p = p + 1;
  *min = lo;
  *max = hi;
  return 1;
}

static int parse_concatenation(parser* ps) {
  int first = -1, last = -1, count = 0;
  while (*ps->p && *ps->p != '|' && *ps->p != ')') {
    int atom = parse_atom(ps);
    if (atom < 0) return -1;
    int min, max, q;
    while ((q = parse_quantifier(ps, &min, &max)) == 1) {
      int r = new_node(ps, N_REPEAT);
      if (r < 0) return -1;
      ps->nodes[r].value = min;
      ps->nodes[r].max = max;
      ps->nodes[r].child = atom;
      ps->nodes[r].flag = 1;
      if (*ps->p == '?') {
        ps->nodes[r].flag = 0;  // lazy
        ++ps->p;
      }
      atom = r;
    }
    if (q < 0) return -1;
    if (last >= 0)
      ps->nodes[last].next = atom;
    else
      first = atom;
    last = atom;
    ++count;
  }
  if (count == 1) return first;
  int cat = new_node(ps, count ? N_CAT : N_EMPTY);
  if (cat >= 0) ps->nodes[cat].child = first;
  return cat;
}

static int parse_alternation(parser* ps) {
  int first = parse_concatenation(ps);
  if (first < 0 || *ps->p != '|') return first;
  int last = first;
  while (*ps->p == '|') {
    ++ps->p;
    int branch = parse_concatenation(ps);
    if (branch < 0) return -1;
    ps->nodes[last].next = branch;
    last = branch;
  }
  int alt = new_node(ps, N_ALT);
  if (alt >= 0) ps->nodes[alt].child = first;
  return alt;
}

int rx_parse(parser* ps) {
  int root = parse_alternation(ps);
  if (root >= 0 && *ps->p == ')') {
    ps->error = "unbalanced )";
    return -1;
  }
  return ps->error ? -1 : root;
}
