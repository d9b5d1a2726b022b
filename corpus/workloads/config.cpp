// A C++ reactor built with -fwasm-exceptions: a settings file parser whose errors are C++ exceptions. Init
// parses a built-in configuration (some of its lines are deliberately wrong, so init throws, catches, rethrows
// and throws from inside handlers) into a map; `run` reads one query per line: `name` looks a setting up,
// `name=value` parses a value without storing it. Result text, one entry per line, separated by "; ":
// "timeout=30000", "max_body=65536", "error line 2: out of range (70000)", "bogus: unknown".
#include <map>
#include <string>
#include <vector>

#include "workload_io.h"

extern "C" void __wasm_call_ctors(void);

namespace {

struct RangeError {
  long long value;
};
struct ParseError {
  int line;
  std::string reason;
};
struct NotFound {
  std::string name;
};

constexpr const char* kConfig =
    "# service settings\n"
    "timeout = 30s\n"
    "retries = 5\n"
    "max_body = 64k\n"
    "port = 8080\n"
    "log_level = 3\n"
    "cache_size = 16m\n"
    "backlog = 512\n"
    "bad_unit = 12q\n"
    "too_big = 99999999999\n"
    "= 4\n"
    "workers = 8\n"
    "idle = 2m\n"
    "keepalive = 75s\n"
    "missing_value =\n";

// A value is a decimal number with an optional unit: k (x 1024), m (x 1024^2) or s (seconds, stored as
// milliseconds); the result is at most 2^31 - 1.
long long parse_value(const std::string& text) {
  if (text.empty()) throw ParseError{0, "empty value"};
  long long value = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    value = value * 10 + (text[i] - '0');
    if (value > (1LL << 40)) throw RangeError{value};
  }
  if (i == 0) throw ParseError{0, "not a number"};
  const std::string unit = text.substr(i);
  if (unit == "k") value *= 1024;
  else if (unit == "m") value *= 1024 * 1024;
  else if (unit == "s") value *= 1000;
  else if (!unit.empty()) throw ParseError{0, "unknown unit " + unit};
  if (value > 0x7FFFFFFF) throw RangeError{value};
  return value;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == ' ') ++b;
  while (e > b && s[e - 1] == ' ') --e;
  return s.substr(b, e - b);
}

// Parses "name = value" on line `line`; a RangeError becomes a ParseError thrown from inside the handler.
std::pair<std::string, long long> parse_line(const std::string& text, int line) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos) throw ParseError{line, "expected name = value"};
  const std::string name = trim(text.substr(0, eq));
  if (name.empty()) throw ParseError{line, "missing name"};
  try {
    return {name, parse_value(trim(text.substr(eq + 1)))};
  } catch (const RangeError& e) {
    throw ParseError{line, "out of range (" + std::to_string(e.value) + ")"};
  } catch (ParseError& e) {
    e.line = line;
    throw;  // rethrown with its line filled in
  }
}

std::map<std::string, long long> settings;
std::vector<std::string> init_errors;
bool initialized = false;

struct ConstructorsRan {
  ConstructorsRan() : value(true) {}
  bool value;
};
ConstructorsRan constructors_ran;

void initialize() {
  if (initialized) return;
  if (!constructors_ran.value) __wasm_call_ctors();
  const std::string config = kConfig;
  int line = 0;
  for (size_t start = 0; start < config.size();) {
    size_t end = config.find('\n', start);
    if (end == std::string::npos) end = config.size();
    const std::string text = config.substr(start, end - start);
    start = end + 1;
    ++line;
    if (text.empty() || text[0] == '#') continue;
    try {
      settings.insert(parse_line(text, line));
    } catch (const ParseError& e) {
      init_errors.push_back(std::to_string(e.line) + ": " + e.reason);
    }
  }
  initialized = true;
}

long long lookup(const std::string& name) {
  const auto it = settings.find(name);
  if (it == settings.end()) throw NotFound{name};
  return it->second;
}

}  // namespace

extern "C" __attribute__((export_name("wizer-initialize"))) void wizer_initialize() { initialize(); }

// Answers the queries at ptr[0..len), one per line; returns the number of lines that failed.
extern "C" __attribute__((export_name("run"))) int run(const char* ptr, int len) {
  initialize();
  const std::string input(ptr, len > 0 ? static_cast<size_t>(len) : 0);
  result_clear();
  int failures = 0;
  int line = 0;
  for (size_t start = 0; start < input.size();) {
    size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    const std::string text = trim(input.substr(start, end - start));
    start = end + 1;
    ++line;
    if (text.empty()) continue;
    if (line > 1) result_append("; ");
    try {
      if (text == "errors") {
        result_append("errors:");
        for (const std::string& e : init_errors) {
          result_append(" [");
          result_append(e.c_str());
          result_append("]");
        }
        continue;
      }
      if (text.find('=') != std::string::npos) {
        const auto [name, value] = parse_line(text, line);
        result_append(name.c_str());
        result_append("=");
        result_append_int(value);
        continue;
      }
      const long long value = lookup(text);
      result_append(text.c_str());
      result_append("=");
      result_append_int(value);
    } catch (const ParseError& e) {
      ++failures;
      result_append("error line ");
      result_append_int(e.line);
      result_append(": ");
      result_append(e.reason.c_str());
    } catch (...) {
      ++failures;
      result_append(text.c_str());
      result_append(": unknown");
    }
  }
  return failures;
}
