// C reactor: its init reads a key=value config file from the preopened directory /config and the
// GREETING environment variable, then `lookup` answers from the parsed table without touching WASI.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 64

struct entry {
  char key[32];
  int value;
};

static struct entry entries[MAX_ENTRIES];
static int entry_count;
static char greeting[64];

__attribute__((export_name("wizer-initialize"))) void initialize(void) {
  FILE* f = fopen("/config/settings.txt", "r");
  if (f) {
    char line[128];
    while (entry_count < MAX_ENTRIES && fgets(line, sizeof line, f)) {
      char* eq = strchr(line, '=');
      if (!eq) continue;
      *eq = 0;
      strncpy(entries[entry_count].key, line, sizeof entries[entry_count].key - 1);
      entries[entry_count].value = atoi(eq + 1);
      ++entry_count;
    }
    fclose(f);
  }
  const char* g = getenv("GREETING");
  strncpy(greeting, g ? g : "(unset)", sizeof greeting - 1);
  printf("config_reactor: loaded %d entries\n", entry_count);
}

// Looks up a key written into memory at `key` (NUL-terminated); -1 when absent.
__attribute__((export_name("lookup"))) int lookup(const char* key) {
  for (int i = 0; i < entry_count; ++i)
    if (strcmp(entries[i].key, key) == 0) return entries[i].value;
  return -1;
}

__attribute__((export_name("entry_count"))) int get_entry_count(void) { return entry_count; }
__attribute__((export_name("greeting_length"))) int greeting_length(void) { return (int)strlen(greeting); }
__attribute__((export_name("key_buffer"))) char* key_buffer(void) {
  static char buffer[32];
  return buffer;
}
