// The start-up benchmark workloads of corpus/workloads (regex, uap, lookup, ctor): their answers in
// kiln's interpreter, after init in place and after pre-initialization, and their interface.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/file_io.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

const std::string kWorkloads = std::string(KILN_SOURCE_ROOT) + "/corpus/workloads/";
// config is C++ built with -fwasm-exceptions: its init and its run throw and catch.
const char* const kNames[] = {"regex", "uap", "lookup", "ctor", "config"};

std::vector<uint8_t> read_workload(const std::string& name) {
  auto bytes = read_file(kWorkloads + name + ".wasm");
  REQUIRE_MESSAGE(bytes.ok(), name << ".wasm: " << bytes.error().message);
  return std::move(bytes).value();
}

std::string sample_input(const std::string& name) {
  std::ifstream in(kWorkloads + name + ".input", std::ios::binary);
  REQUIRE_MESSAGE(in.good(), name << ".input is missing");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Preinitialized {
  std::vector<uint8_t> output;
  Stats stats;
};

// kiln's output for a workload, made once per test run (uap's init is the slow part).
const Preinitialized& preinitialized(const std::string& name) {
  static std::map<std::string, Preinitialized> made;
  auto it = made.find(name);
  if (it != made.end()) return it->second;
  Preinitialized p;
  auto output = preinitialize(read_workload(name), all_features(), &p.stats);
  REQUIRE_MESSAGE(output.ok(), name << ": " << output.error().message);
  p.output = std::move(output).value();
  return made.emplace(name, std::move(p)).first->second;
}

// One instance of a workload, driven through its interface: alloc, run, result.
struct Workload {
  Loaded loaded;

  uint64_t memory_bytes() const { return loaded.instance->memories[0]->size_bytes(); }

  uint32_t call_i32(const std::string& name, std::vector<Value> args) {
    const CallResult r = call_export(*loaded.instance, name, args);
    REQUIRE_MESSAGE((r.error.empty() && !r.trap && r.results.size() == 1), name << ": " << outcome_text(r));
    return static_cast<uint32_t>(r.results[0].bits);
  }

  // Writes `input` into the buffer alloc returns, runs, and returns result()'s text.
  std::string answer(std::string_view input) {
    const auto len = static_cast<int32_t>(input.size());
    const uint32_t ptr = call_i32("alloc", {i32(len)});
    Memory& memory = *loaded.instance->memories[0];
    REQUIRE(ptr != 0);
    REQUIRE(ptr + input.size() <= memory.size_bytes());
    std::memcpy(memory.data() + ptr, input.data(), input.size());
    call_i32("run", {i32(static_cast<int32_t>(ptr)), i32(len)});
    const uint32_t text = call_i32("result", {});
    REQUIRE(text < memory.size_bytes());
    const auto* begin = reinterpret_cast<const char*>(memory.data() + text);
    const void* end = std::memchr(begin, 0, memory.size_bytes() - text);
    REQUIRE_MESSAGE(end != nullptr, "result() is not NUL-terminated");
    return std::string(begin, static_cast<const char*>(end));
  }
};

Workload load(std::span<const uint8_t> wasm) {
  Workload w{load_module(wasm, all_features())};
  REQUIRE_MESSAGE(w.loaded.error.empty(), w.loaded.error);
  return w;
}

// The original as Wizer runs it: _initialize, then wizer-initialize, in place.
Workload original_after_init(const std::string& name) {
  Workload w = load(read_workload(name));
  const std::string failure = run_init_in_place(w.loaded, all_features());
  REQUIRE_MESSAGE(failure.empty(), name << ": " << failure);
  return w;
}

Workload output_of(const std::string& name) { return load(preinitialized(name).output); }

}  // namespace

TEST_CASE("workloads: each pre-initializes, and answers its sample input as the original after init does") {
  for (const std::string name : kNames) {
    CAPTURE(name);
    const std::string input = sample_input(name);
    const Preinitialized& pre = preinitialized(name);
    CHECK(pre.stats.data_segments > 0);
    // Only non-zero memory is written out: the output is smaller than the memory it initializes.
    CHECK(pre.output.size() < pre.stats.memory_bytes + pre.stats.input_bytes);
    const char* const wabt_flags = name == "config" ? "--enable-exceptions" : "";
    if (const auto wabt = wabt_validate(pre.output, wabt_flags); wabt) CHECK_MESSAGE(wabt->empty(), *wabt);

    Workload original = original_after_init(name);
    Workload output = output_of(name);
    const std::string expected = original.answer(input);
    CHECK(output.answer(input) == expected);
    // A second init call changes nothing (the guard), nor does it grow memory.
    const uint64_t size = original.memory_bytes();
    const CallResult again = call_export(*original.loaded.instance, "wizer-initialize", {});
    CHECK_MESSAGE((again.error.empty() && !again.trap), outcome_text(again));
    CHECK(original.memory_bytes() == size);
    CHECK(original.answer(input) == expected);
    // Without any init call, run initializes lazily and still gives the same answer.
    Workload fresh = load(read_workload(name));
    CHECK(fresh.answer(input) == expected);
    // The output no longer exports the init functions; the interface exports remain.
    CHECK(output.loaded.instance->export_func("wizer-initialize") == nullptr);
    CHECK(output.loaded.instance->export_func("_initialize") == nullptr);
    for (const char* e : {"alloc", "run", "result"}) CHECK(output.loaded.instance->export_func(e) != nullptr);
  }
}

TEST_CASE("workloads: the sample answers") {
  // Expected values: uap-core's answer for this user agent, the 10,000th prime, and the request
  // line's spans as Python's re module reports them for the same pattern.
  CHECK(output_of("regex").answer(sample_input("regex")) ==
        "match 46..88 1=46..49 2=50..65 3=66..79 4=85..86 5=87..88");
  CHECK(output_of("uap").answer(sample_input("uap")) == "Chrome 120.0.6099 | Windows 10 | Other");
  CHECK(output_of("lookup").answer(sample_input("lookup")) == "104729 is prime #10000");
  CHECK(output_of("ctor").answer(sample_input("ctor")) == "holiday/photo.JPG: image/jpeg [jpe jpeg jpg]");
  // Every failure is a C++ exception caught by its type (ParseError, also rethrown and thrown from inside a
  // handler) or by catch (...) (NotFound); the bracketed list was made by init's own throws.
  CHECK(output_of("config").answer(sample_input("config")) ==
        "timeout=30000; error line 2: out of range (99999999999); max_body=65536; bogus: unknown; workers=2048; "
        "error line 6: unknown unit x; errors: [9: unknown unit q] [10: out of range (99999999999)] "
        "[11: missing name] [15: empty value]");
}

TEST_CASE("workloads: regex matches, misses and capture spans, in the original and the output") {
  // The pattern (regex.c): (?i)\b(GET|POST|...) +((?:https?://[a-z0-9.-]{1,253}(?::\d{1,5})?)?/\S*?)
  // (?:\?(\S*))? +HTTP/(\d)\.(\d)\b. Expected spans as Python's re module reports them.
  const std::pair<const char*, const char*> cases[] = {
      {"GET / HTTP/1.0", "match 0..14 1=0..3 2=4..5 3=- 4=11..12 5=13..14"},
      // Case-insensitive: method and protocol in lower case; the query in its own group.
      {"post /api/v1/items?id=7&x=y http/2.0 trailing", "match 0..36 1=0..4 2=5..18 3=19..27 4=33..34 5=35..36"},
      {"options /x?y Http/1.1", "match 0..21 1=0..7 2=8..10 3=11..12 4=18..19 5=20..21"},
      // Non-greedy: the path stops at the first '?', a greedy \S* would have taken "/a?b?c".
      {"GET /a?b?c HTTP/1.1", "match 0..19 1=0..3 2=4..6 3=7..10 4=16..17 5=18..19"},
      {"PATCH /a%20b?q HTTP/1.1", "match 0..23 1=0..5 2=6..12 3=13..14 4=20..21 5=22..23"},
      // The optional absolute-URL prefix, host in mixed case, {m,n} repeats.
      {"PUT https://Example.COM:8080/upload HTTP/1.1", "match 0..44 1=0..3 2=4..35 3=- 4=41..42 5=43..44"},
      {"GET http://host/ HTTP/1.1", "match 0..25 1=0..3 2=4..16 3=- 4=22..23 5=24..25"},
      {"DELETE    /item/9   HTTP/1.1", "match 0..28 1=0..6 2=10..17 3=- 4=25..26 5=27..28"},
      // Leftmost match first.
      {"HEAD /first HTTP/1.0 then GET /second HTTP/1.1", "match 0..20 1=0..4 2=5..11 3=- 4=17..18 5=19..20"},
      {"FETCH /x HTTP/1.1", "no match"},
      {"GET /x HTTP/1.", "no match"},
      {"GET x HTTP/1.1", "no match"},
      {"xGET / HTTP/1.1", "no match"},   // \b before the method
      {"GET /x HTTP/1.10", "no match"},  // \b after the version
      {"", "no match"},
  };
  Workload original = original_after_init("regex");
  Workload output = output_of("regex");
  for (const auto& [input, expected] : cases) {
    const auto& input_text = input;  // CAPTURE's lambda: clang before 16 cannot capture a structured binding
    CAPTURE(input_text);
    CHECK(original.answer(input) == expected);
    CHECK(output.answer(input) == expected);
  }
}

TEST_CASE("workloads: uap classifies well-known user agents as uap-core defines them") {
  // "family version | os version | device (brand, model)". The expected answers follow uap-core's
  // specification, computed independently with Python's re module over the same regexes.yaml.
  const std::pair<const char*, const char*> cases[] = {
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 "
       "Safari/537.36",
       "Chrome 120.0.6099 | Windows 10 | Other"},
      {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
       "Firefox 121.0 | Ubuntu | Other"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/17.1.2 Mobile/15E148 Safari/604.1",
       "Mobile Safari 17.1.2 | iOS 17.1.2 | iPhone (Apple, iPhone)"},
      {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
       "Googlebot 2.1 | Other | Spider (Spider, Desktop)"},
      {"curl/8.4.0", "curl 8.4.0 | Other | Other"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 "
       "Safari/537.36 Edg/119.0.2151.97",
       "Edge 119.0.2151 | Windows 10 | Other"},
      {"Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 "
       "Chrome/115.0.0.0 Mobile Safari/537.36",
       "Samsung Internet 23.0 | Android 13 | Samsung SM-S918B (Samsung, SM-S918B)"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
       "Safari/605.1.15",
       "Safari 17.1 | Mac OS X 10.15.7 | Mac (Apple, Mac)"},
      {"Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 "
       "Mobile Safari/537.36",
       "Chrome Mobile 120.0.6099 | Android 14 | Pixel 8 Pro (Google, Pixel 8 Pro)"},
      {"Mozilla/5.0 (Windows NT 6.1; WOW64; rv:52.0) Gecko/20100101 Firefox/52.0", "Firefox 52.0 | Windows 7 | Other"},
      {"Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko", "IE 11.0 | Windows 8.1 | Other"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
       "Safari/537.36 OPR/105.0.0.0",
       "Opera 105.0.0 | Windows 10 | Other"},
      {"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
       "Mobile/15E148 Safari/604.1",
       "Mobile Safari 16.6 | iOS 16.6 | iPad (Apple, iPad)"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
       "Chrome Mobile iOS 120.0.6099 | iOS 17.2 | iPhone (Apple, iPhone)"},
      {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
       "bingbot 2.0 | Other | Spider (Spider, Desktop)"},
      {"Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
       "Firefox Mobile 121.0 | Android 14 | Generic Smartphone (Generic, Smartphone)"},
      {"Wget/1.21.3", "Wget 1.21.3 | Other | Other"},
      {"python-requests/2.31.0", "Python Requests 2.31 | Other | Other"},
      {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
       "Chrome 120.0.0 | Linux | Other"},
      {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
       "Safari/537.36",
       "Chrome 120.0.0 | Chrome OS 14541.0.0 | Other"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
       "Firefox 121.0 | Mac OS X 10.15 | Mac (Apple, Mac)"},
      {"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)", "IE 6.0 | Windows XP | Other"},
      {"Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/120.3.1 like "
       "Chrome/120.0.6099.144 Safari/537.36",
       "Amazon Silk 120.3.1 | Android 11 | Kindle (Amazon, Kindle)"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 "
       "YaBrowser/23.11.0.0 Safari/537.36",
       "Yandex Browser 23.11.0 | Windows 10 | Other"},
      {"Mozilla/5.0 (Linux; U; Android 12; en-us; 2201117TG Build/SKQ1.211006.001) AppleWebKit/537.36 (KHTML, like "
       "Gecko) Version/4.0 Chrome/100.0.4896.127 Mobile Safari/537.36 XiaoMi/MiuiBrowser/13.23.0-gn",
       "MiuiBrowser 13.23.0 | Android 12 | Generic Smartphone (Generic, Smartphone)"},
      {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
       "Slackbot-LinkExpanding 1.0 | Other | Spider (Spider, Desktop)"},
      {"Twitterbot/1.0", "Twitterbot 1.0 | Other | Spider (Spider, Desktop)"},
      {"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like "
       "Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
       "Edge Mobile 15.15063 | Windows Phone 10.0 | Lumia 950 (Nokia, Lumia 950)"},
      {"Mozilla/5.0 (PlayStation 4 3.11) AppleWebKit/537.73 (KHTML, like Gecko)",
       "Other | Other | PlayStation 4 (Sony, PlayStation 4)"},
      {"Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54",
       "Opera Mini 9.80 | Symbian OS | Generic Smartphone (Generic, Smartphone)"},
      {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile "
       "Safari/537.36 EdgA/120.0.2210.84",
       "Edge Mobile 120.0.2210 | Android 10 | K (Generic_Android, K)"},
      {"Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
       "Firefox 120.0 | Fedora | Other"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]",
       "Facebook | iOS 16.5 | iPhone (Apple, iPhone14,5)"},
      {"Mozilla/5.0 (Linux; Android 12; SM-A525F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 "
       "Mobile Safari/537.36",
       "Chrome Mobile 119.0.6045 | Android 12 | Samsung SM-A525F (Samsung, SM-A525F)"},
      {"some-unknown-client", "Other | Other | Other"},
  };
  Workload original = original_after_init("uap");
  Workload output = output_of("uap");
  for (const auto& [input, expected] : cases) {
    const auto& input_text = input;  // CAPTURE's lambda: clang before 16 cannot capture a structured binding
    CAPTURE(input_text);
    CHECK(original.answer(input) == expected);
    CHECK(output.answer(input) == expected);
  }
}

namespace {

// One case of uap-core's tests/test_*.yaml: the user agent and its expected fields; a field given
// without a value is undefined (absent from the map).
struct UapCase {
  std::string user_agent;
  std::map<std::string, std::string> fields;
};

// Reads a scalar as those files write it: 'single quoted' ('' for a quote), "double quoted" (\" and
// \\ escapes), or empty for undefined.
std::optional<std::string> yaml_scalar(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::string out;
  const char quote = text.front();
  if (quote != '\'' && quote != '"') return std::string(text);
  for (size_t i = 1; i + 1 < text.size(); ++i) {
    if (quote == '\'' && text[i] == '\'')
      ++i;
    else if (quote == '"' && text[i] == '\\')
      ++i;
    out += text[i];
  }
  return out;
}

std::vector<UapCase> read_uap_cases(const std::string& path) {
  std::vector<UapCase> cases;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t key = line.find_first_not_of(" -");
    const size_t colon = line.find(':', key);
    if (key == std::string::npos || colon == std::string::npos || line[key] == '#') continue;
    const std::string name = line.substr(key, colon - key);
    const auto value = yaml_scalar(std::string_view(line).substr(std::min(line.size(), colon + 2)));
    if (name == "user_agent_string")
      cases.push_back({value.value_or(""), {}});
    else if (!cases.empty() && value)
      cases.back().fields[name] = *value;
  }
  return cases;
}

// The part of run's result text a test file checks, built from its expected fields.
std::string expected_part(const UapCase& c, const char* const* version_keys, bool device) {
  const auto field = [&](const char* key) {
    const auto it = c.fields.find(key);
    return it == c.fields.end() ? std::string() : it->second;
  };
  std::string text = field("family").empty() ? "Other" : field("family");
  if (device) {
    if (!field("brand").empty() || !field("model").empty())
      text += " (" + (field("brand").empty() ? "-" : field("brand")) + ", " +
              (field("model").empty() ? "-" : field("model")) + ")";
    return text;
  }
  for (int i = 0; version_keys[i] && !field(version_keys[i]).empty(); ++i)
    text += (i == 0 ? " " : ".") + field(version_keys[i]);
  return text;
}

std::string result_part(const std::string& result, int index) {
  size_t begin = 0;
  for (int i = 0; i < index; ++i) begin = result.find(" | ", begin) + 3;
  return result.substr(begin, result.find(" | ", begin) - begin);
}

}  // namespace

TEST_CASE("workloads: uap agrees with uap-core's own test cases, where the package ships them") {
  const std::string dir = "/usr/share/uap-core/tests/";
  const char* const ua_versions[] = {"major", "minor", "patch", nullptr};
  const char* const os_versions[] = {"major", "minor", "patch", "patch_minor", nullptr};
  struct File {
    const char* name;
    int part;  // 0 user agent, 1 os, 2 device
    const char* const* versions;
  };
  const File files[] = {
      {"test_ua.yaml", 0, ua_versions}, {"test_os.yaml", 1, os_versions}, {"test_device.yaml", 2, nullptr}};
  Workload output = output_of("uap");
  for (const File& file : files) {
    const std::vector<UapCase> cases = read_uap_cases(dir + file.name);
    if (cases.empty()) {
      MESSAGE((dir + file.name) << " is not installed (Debian package uap-core): skipped");
      continue;
    }
    // About 100 cases per file, spread over the whole file.
    const size_t step = std::max<size_t>(1, cases.size() / 100);
    int checked = 0;
    for (size_t i = 0; i < cases.size(); i += step, ++checked) {
      CAPTURE(cases[i].user_agent);
      CHECK(result_part(output.answer(cases[i].user_agent), file.part) ==
            expected_part(cases[i], file.versions, file.part == 2));
    }
    MESSAGE(std::string(file.name) << ": " << checked << " of " << cases.size() << " cases checked");
  }
}

TEST_CASE("workloads: run allocates nothing that stays: memory does not grow over many calls") {
  // 10,000 calls each, except uap (100: its run is the slow one in an interpreter; the V8 test below
  // makes 1,000); every call's input differs, as it would in a server.
  const std::pair<const char*, int> workloads[] = {{"regex", 10000}, {"lookup", 10000}, {"ctor", 10000}, {"uap", 100}};
  for (const auto& [name, calls] : workloads) {
    const char* const workload = name;  // CAPTURE's lambda: clang before 16 cannot capture a structured binding
    CAPTURE(workload);
    Workload output = output_of(name);
    const std::string sample = sample_input(name);
    uint64_t size_after_first = 0;
    for (int i = 0; i < calls; ++i) {
      const std::string suffix = std::to_string(i);
      const std::string input = std::string(name) == "lookup" ? suffix : sample + suffix;
      output.answer(input);
      if (i == 0) size_after_first = output.memory_bytes();
    }
    CHECK(output.memory_bytes() == size_after_first);
  }
}

TEST_CASE("workloads: in V8 the original after init and kiln's output give the same answers") {
  if (!have_tool("node")) {
    MESSAGE("node is not installed: skipped");
    return;
  }
  for (const std::string name : kNames) {
    CAPTURE(name);
    const std::string pre_path = temp_path(".wasm");
    write_bytes(pre_path, preinitialized(name).output);
    const std::string script = temp_path(".mjs");
    std::ofstream(script) << R"(
import { readFileSync } from 'node:fs';
const [original, pre, input] = process.argv.slice(2, 5).map((f) => readFileSync(f));
function answer(exports, bytes) {
  const ptr = exports.alloc(bytes.length);
  new Uint8Array(exports.memory.buffer, ptr, bytes.length).set(bytes);
  exports.run(ptr, bytes.length);
  const memory = new Uint8Array(exports.memory.buffer);
  const start = exports.result();
  return new TextDecoder().decode(memory.subarray(start, memory.indexOf(0, start)));
}
const a = new WebAssembly.Instance(new WebAssembly.Module(original), {}).exports;
a._initialize();
a['wizer-initialize']();
const b = new WebAssembly.Instance(new WebAssembly.Module(pre), {}).exports;
const answers = [answer(a, input), answer(b, input)];
// Many more calls must leave memory at its size.
const size = b.memory.buffer.byteLength;
for (let i = 0; i < Number(process.argv[5]); i++) answer(b, input);
console.log(JSON.stringify(answers), answers[0] === answers[1] ? 'same' : 'different',
            b.memory.buffer.byteLength === size ? 'stable' : 'grew');
)";
    const CommandResult r = run_command("node --no-warnings " + script + " " + kWorkloads + name + ".wasm " + pre_path +
                                        " " + kWorkloads + name + ".input " + (name == "uap" ? "1000" : "10000"));
    CHECK_MESSAGE(r.exit_code == 0, r.output);
    CHECK_MESSAGE(r.output.find("same stable") != std::string::npos, r.output);
    Workload output = output_of(name);
    CHECK(r.output.find(output.answer(sample_input(name))) != std::string::npos);
    std::remove(pre_path.c_str());
    std::remove(script.c_str());
  }
}
