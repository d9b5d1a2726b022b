// Build-time tool (native): reads uap-core's regexes.yaml, keeps the rules the workload regex engine
// compiles, and writes them as the C tables uap_rules.h declares, for the uap workload. Prints how many rules of each
// list are supported and why the others are skipped.
// Usage: uap_rulegen regexes.yaml out.c
//
// regexes.yaml uses a small, regular subset of YAML: three lists under top-level keys, items of
// "- regex: '...'" followed by "key: '...'" lines, single-quoted scalars ('' for a quote), comments.
// Anything else is reported as an error rather than guessed at.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"

enum { kLists = 3, kFields = 5, kMaxRules = 4096, kLineCapacity = 8192 };

static const char* const kListNames[kLists] = {"user_agent_parsers", "os_parsers", "device_parsers"};
static const char* const kTableNames[kLists] = {"uap_user_agent_rules", "uap_os_rules", "uap_device_rules"};
static const char* const kCountNames[kLists] = {"uap_user_agent_rule_count", "uap_os_rule_count",
                                                "uap_device_rule_count"};
// The replacement keys of each list, in the order of uap_rule.replacement.
static const char* const kFieldKeys[kLists][kFields] = {
    {"family_replacement", "v1_replacement", "v2_replacement", "v3_replacement", NULL},
    {"os_replacement", "os_v1_replacement", "os_v2_replacement", "os_v3_replacement", "os_v4_replacement"},
    {"device_replacement", "brand_replacement", "model_replacement", NULL, NULL},
};

typedef struct {
  char* regex;
  int icase;
  char* fields[kFields];
  int line;
} rule;

static rule rules[kLists][kMaxRules];
static int rule_counts[kLists];

static void fail(const char* path, int line, const char* message) {
  fprintf(stderr, "uap_rulegen: %s:%d: %s\n", path, line, message);
  exit(1);
}

// Parses a single-quoted scalar starting at `p` (at the opening quote); returns a new string.
static char* parse_quoted(const char* path, int line, const char* p) {
  if (*p != '\'') fail(path, line, "expected a single-quoted value");
  ++p;
  char* out = malloc(strlen(p) + 1);
  size_t n = 0;
  for (;; ++p) {
    if (*p == 0 || *p == '\n') fail(path, line, "unterminated quoted value");
    if (*p == '\'') {
      if (p[1] != '\'') break;
      ++p;
    }
    out[n++] = *p;
  }
  out[n] = 0;
  for (++p; *p == ' ' || *p == '\r' || *p == '\n'; ++p) {
  }
  if (*p != 0 && *p != '#') fail(path, line, "unexpected text after a quoted value");
  return out;
}

static void read_rules(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) {
    perror(path);
    exit(1);
  }
  char text[kLineCapacity];
  int list = -1, line = 0;
  rule* current = NULL;
  while (fgets(text, sizeof text, f)) {
    ++line;
    const char* p = text;
    while (*p == ' ') ++p;
    if (*p == 0 || *p == '\n' || *p == '\r' || *p == '#') continue;
    if (p == text) {  // a top-level key
      list = -1;
      for (int i = 0; i < kLists; ++i)
        if (strncmp(p, kListNames[i], strlen(kListNames[i])) == 0 && p[strlen(kListNames[i])] == ':') list = i;
      if (list < 0) fail(path, line, "unknown top-level key");
      current = NULL;
      continue;
    }
    if (list < 0) fail(path, line, "rule outside a parser list");
    if (strncmp(p, "- regex: ", 9) == 0) {
      if (rule_counts[list] == kMaxRules) fail(path, line, "too many rules");
      current = &rules[list][rule_counts[list]++];
      current->regex = parse_quoted(path, line, p + 9);
      current->line = line;
      continue;
    }
    if (!current) fail(path, line, "field before the first regex");
    const char* colon = strstr(p, ": ");
    if (!colon) fail(path, line, "expected 'key: value'");
    size_t key_len = (size_t)(colon - p);
    char* value = parse_quoted(path, line, colon + 2);
    if (key_len == 10 && strncmp(p, "regex_flag", 10) == 0) {
      if (strcmp(value, "i") != 0) fail(path, line, "unknown regex_flag");
      current->icase = 1;
      free(value);
      continue;
    }
    int slot = -1;
    for (int i = 0; i < kFields; ++i)
      if (kFieldKeys[list][i] && strlen(kFieldKeys[list][i]) == key_len &&
          strncmp(p, kFieldKeys[list][i], key_len) == 0)
        slot = i;
    if (slot < 0) fail(path, line, "unknown key for this parser list");
    current->fields[slot] = value;
  }
  fclose(f);
}

// Writes `s` as a C string literal; '?' is escaped so no trigraph can form.
static void write_string(FILE* out, const char* s) {
  if (!s) {
    fputs("NULL", out);
    return;
  }
  fputc('"', out);
  for (const unsigned char* p = (const unsigned char*)s; *p; ++p) {
    if (*p == '\\' || *p == '"' || *p == '?')
      fprintf(out, "\\%c", *p);
    else if (*p < 0x20 || *p >= 0x7f)
      fprintf(out, "\\%03o", *p);
    else
      fputc(*p, out);
  }
  fputc('"', out);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: uap_rulegen regexes.yaml out.c\n");
    return 1;
  }
  read_rules(argv[1]);
  FILE* out = fopen(argv[2], "w");
  if (!out) {
    perror(argv[2]);
    return 1;
  }
  fprintf(out, "// Generated at build time by uap_rulegen from %s. Not checked in.\n", argv[1]);
  fprintf(out, "#include <stddef.h>\n\n#include \"uap_rules.h\"\n\n");
  int total_supported = 0, total = 0;
  for (int list = 0; list < kLists; ++list) {
    int supported = 0;
    long instructions = 0;
    fprintf(out, "const struct uap_rule %s[] = {\n", kTableNames[list]);
    for (int r = 0; r < rule_counts[list]; ++r) {
      const rule* rl = &rules[list][r];
      const char* error;
      rx_program* program = rx_compile(rl->regex, rl->icase ? RX_ICASE : 0, &error);
      if (!program) {
        printf("  skipped %s rule at line %d (%s): %s\n", kListNames[list], rl->line, error, rl->regex);
        continue;
      }
      instructions += rx_program_size(program);
      rx_free(program);
      ++supported;
      fputs("    {", out);
      write_string(out, rl->regex);
      fprintf(out, ", %d, {", rl->icase ? RX_ICASE : 0);
      for (int i = 0; i < kFields; ++i) {
        if (i) fputs(", ", out);
        write_string(out, rl->fields[i]);
      }
      fputs("}},\n", out);
    }
    fprintf(out, "};\nconst int %s = %d;\n\n", kCountNames[list], supported);
    printf("uap rules: %s %d/%d supported (%ld program instructions)\n", kListNames[list], supported, rule_counts[list],
           instructions);
    total_supported += supported;
    total += rule_counts[list];
  }
  printf("uap rules: %d/%d supported, %d skipped\n", total_supported, total, total - total_supported);
  if (fclose(out) != 0) {
    perror(argv[2]);
    return 1;
  }
  return 0;
}
