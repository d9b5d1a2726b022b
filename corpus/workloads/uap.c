// User-agent parsing as uap-core specifies it: init compiles every rule of the user-agent, OS and device
// lists; `run` tries each list in order (the first matching rule wins) and fills in its replacements.
// Result text: "Chrome 120.0.6099 | Windows 10 | Other", the device as "Family (Brand, Model)" when it
// has a brand or model ("-" for a missing one).
#include <stdlib.h>
#include <string.h>

#include "rx.h"
#include "uap_rules.h"
#include "workload_io.h"

typedef struct {
  const struct uap_rule* rules;
  int count;
  rx_program** programs;  // one per rule, compiled at init
} rule_list;

static rule_list user_agents, oses, devices;
static int initialized;

static int compile_list(rule_list* list, const struct uap_rule* rules, int count) {
  list->rules = rules;
  list->count = count;
  list->programs = calloc((size_t)count, sizeof *list->programs);
  if (!list->programs) return 0;
  for (int i = 0; i < count; ++i) {
    const char* error;
    // The generator kept only rules that compile, so a failure here is an engine bug: leave the rule
    // out (NULL never matches) rather than answer with a different rule order.
    list->programs[i] = rx_compile(rules[i].regex, rules[i].flags, &error);
  }
  return 1;
}

static void initialize(void) {
  if (initialized) return;
  compile_list(&user_agents, uap_user_agent_rules, uap_user_agent_rule_count);
  compile_list(&oses, uap_os_rules, uap_os_rule_count);
  compile_list(&devices, uap_device_rules, uap_device_rule_count);
  initialized = 1;
}

__attribute__((export_name("wizer-initialize"))) void wizer_initialize(void) { initialize(); }

// ---- One classification ----------------------------------------------------------------------------

enum { kFieldCapacity = 256, kMaxFields = 5 };

typedef struct {
  const char* text;
  int spans[2 * RX_MAX_GROUPS];
  int groups;
} match;

// A field's value; `present` is 0 for an undefined field (no replacement and no such group).
typedef struct {
  char value[kFieldCapacity];
  int present;
} field;

static void set_field(field* f, const char* text, size_t len) {
  // uap-core: leading and trailing whitespace is trimmed, and an empty result is undefined.
  while (len > 0 && (*text == ' ' || *text == '\t')) ++text, --len;
  while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t')) --len;
  if (len >= kFieldCapacity) len = kFieldCapacity - 1;
  memcpy(f->value, text, len);
  f->value[len] = 0;
  f->present = len > 0;
}

static void group_field(field* f, const match* m, int group) {
  f->present = 0;
  if (group > m->groups || m->spans[2 * group] < 0) return;
  set_field(f, m->text + m->spans[2 * group], (size_t)(m->spans[2 * group + 1] - m->spans[2 * group]));
}

// A replacement with $1..$9 substituted by the match's groups (an absent group gives nothing).
static void replaced_field(field* f, const match* m, const char* replacement) {
  char out[kFieldCapacity];
  size_t n = 0;
  for (const char* p = replacement; *p && n < kFieldCapacity - 1; ++p) {
    if (p[0] == '$' && p[1] >= '1' && p[1] <= '9') {
      int g = *++p - '0';
      if (g <= m->groups && m->spans[2 * g] >= 0)
        for (int i = m->spans[2 * g]; i < m->spans[2 * g + 1] && n < kFieldCapacity - 1; ++i) out[n++] = m->text[i];
    } else {
      out[n++] = *p;
    }
  }
  set_field(f, out, n);
}

// Runs a rule list; on the first match fills fields[0..field_count) from replacement i or, without
// one, from group default_group[i] (0: undefined). Returns 0 when no rule matches.
static int classify(const rule_list* list, const char* text, size_t len, field* fields, int field_count,
                    const int* default_group) {
  match m;
  m.text = text;
  for (int r = 0; r < list->count; ++r) {
    const rx_program* program = list->programs[r];
    if (!program || !rx_search(program, text, len, m.spans)) continue;
    m.groups = rx_group_count(program);
    for (int i = 0; i < field_count; ++i) {
      const char* replacement = list->rules[r].replacement[i];
      if (replacement)
        replaced_field(&fields[i], &m, replacement);
      else if (default_group[i])
        group_field(&fields[i], &m, default_group[i]);
      else
        fields[i].present = 0;
    }
    return 1;
  }
  for (int i = 0; i < field_count; ++i) fields[i].present = 0;
  return 0;
}

// "Family 1.2.3": the family ("Other" when undefined) and the version parts up to the first undefined one.
static void append_family_version(const field* fields, int count) {
  result_append(fields[0].present ? fields[0].value : "Other");
  for (int i = 1; i < count && fields[i].present; ++i) {
    result_append(i == 1 ? " " : ".");
    result_append(fields[i].value);
  }
}

static const int kUserAgentGroups[kMaxFields] = {1, 2, 3, 4, 0};
static const int kOsGroups[kMaxFields] = {1, 2, 3, 4, 5};
static const int kDeviceGroups[kMaxFields] = {1, 0, 1, 0, 0};  // family, brand, model

// Classifies the user agent at ptr[0..len). Returns 1 when any of the three lists matched.
__attribute__((export_name("run"))) int run(const char* ptr, int len) {
  initialize();
  size_t n = len > 0 ? (size_t)len : 0;
  field fields[kMaxFields];
  result_clear();
  int found = classify(&user_agents, ptr, n, fields, 4, kUserAgentGroups);
  append_family_version(fields, 4);
  result_append(" | ");
  found |= classify(&oses, ptr, n, fields, 5, kOsGroups);
  append_family_version(fields, 5);
  result_append(" | ");
  found |= classify(&devices, ptr, n, fields, 3, kDeviceGroups);
  result_append(fields[0].present ? fields[0].value : "Other");
  if (fields[1].present || fields[2].present) {
    result_append(" (");
    result_append(fields[1].present ? fields[1].value : "-");
    result_append(", ");
    result_append(fields[2].present ? fields[2].value : "-");
    result_append(")");
  }
  return found;
}
