// The user-agent rule tables the uap workload compiles at init. tools/build-workloads generates their
// definitions (uap_rules.c, in a temporary directory) from uap-core's regexes.yaml with uap_rulegen.
#ifndef KILN_WORKLOADS_UAP_RULES_H
#define KILN_WORKLOADS_UAP_RULES_H

// One rule: its pattern, RX_ICASE when uap-core gives regex_flag: 'i', and the replacement of each
// field (NULL when the rule has none, so the field comes from the capture group instead):
//   user_agent_parsers: family, v1, v2, v3
//   os_parsers:         os, os_v1, os_v2, os_v3, os_v4
//   device_parsers:     device, brand, model
struct uap_rule {
  const char* regex;
  int flags;
  const char* replacement[5];
};

extern const struct uap_rule uap_user_agent_rules[];
extern const int uap_user_agent_rule_count;
extern const struct uap_rule uap_os_rules[];
extern const int uap_os_rule_count;
extern const struct uap_rule uap_device_rules[];
extern const int uap_device_rule_count;

#endif
