// One realistic regular expression: the request line inside a web-server access-log entry. Init compiles
// it with the workload's engine (rx.h); `run` searches one log line and reports the spans it found.
// Result text: "match 46..93 1=47..50 2=51..65 3=66..79 4=85..86 5=87..88", a group that took no part
// as "N=-", or "no match".
#include "rx.h"
#include "workload_io.h"

// Method, then the target (an optional absolute-URL prefix and a path, taken lazily so that a query
// string goes to its own group), then the protocol version; methods and "HTTP" in any case.
static const char kPattern[] =
    "(?i)\\b(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) +"
    "((?:https?://[a-z0-9.-]{1,253}(?::\\d{1,5})?)?/\\S*?)"
    "(?:\\?(\\S*))? +HTTP/(\\d)\\.(\\d)\\b";

static rx_program* program;

static void initialize(void) {
  if (program) return;
  const char* error;
  program = rx_compile(kPattern, 0, &error);
}

__attribute__((export_name("wizer-initialize"))) void wizer_initialize(void) { initialize(); }

// Searches ptr[0..len); returns 1 on a match.
__attribute__((export_name("run"))) int run(const char* ptr, int len) {
  initialize();
  int spans[2 * RX_MAX_GROUPS];
  result_clear();
  if (!program || !rx_search(program, ptr, len > 0 ? (size_t)len : 0, spans)) {
    result_append(program ? "no match" : "pattern did not compile");
    return 0;
  }
  for (int g = 0; g <= rx_group_count(program); ++g) {
    if (g > 0) {
      result_append(" ");
      result_append_int(g);
      result_append("=");
    } else {
      result_append("match ");
    }
    if (spans[2 * g] < 0) {
      result_append("-");
      continue;
    }
    result_append_int(spans[2 * g]);
    result_append("..");
    result_append_int(spans[2 * g + 1]);
  }
  return 1;
}
