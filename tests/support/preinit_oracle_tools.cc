// The oracle's outside world: corpus files, temporary files, wasm-validate and node, each optional.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "support/preinit_oracle.h"

namespace kiln::test {
namespace {

const std::string kCorpusDir = std::string(KILN_SOURCE_ROOT) + "/corpus/preinit/";

// Single quotes for /bin/sh; the paths used here contain none, but be safe.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// An argument as check_output.mjs reads it: decimal integers, float bit patterns in hex.
std::string json_arg(const Value& v) {
  char bits[24];
  switch (v.type.code) {
    case TypeCode::kI32: return "[\"i32\", \"" + std::to_string(static_cast<uint32_t>(v.bits)) + "\"]";
    case TypeCode::kI64: return "[\"i64\", \"" + std::to_string(v.bits) + "\"]";
    case TypeCode::kF32:
    case TypeCode::kF64:
      std::snprintf(bits, sizeof bits, "0x%" PRIx64, v.bits);
      return std::string("[\"") + val_type_name(v.type) + "\", \"" + bits + "\"]";
    default: return std::string("[\"") + val_type_name(v.type) + "\", \"0\"]";
  }
}

}  // namespace

bool have_tool(const char* name) {
  static std::map<std::string, bool> known;
  const auto it = known.find(name);
  if (it != known.end()) return it->second;
  const std::string command = std::string("command -v ") + name + " >/dev/null 2>&1";
  return known[name] = std::system(command.c_str()) == 0;
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string temp_path(std::string_view suffix) {
  static int counter = 0;
  return "/tmp/kiln-preinit-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + std::string(suffix);
}

void write_bytes(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<uint8_t> read_corpus(std::string_view name) { return read_bytes(kCorpusDir + std::string(name) + ".wasm"); }

std::string corpus_wabt_flags(std::string_view name) {
  std::ifstream in(kCorpusDir + std::string(name) + ".wat");
  const std::string marker = ";; wabt-flags: ";
  for (std::string line; std::getline(in, line);)
    if (line.rfind(marker, 0) == 0) return line.substr(marker.size());
  return {};
}

OracleChecks corpus_checks(std::string_view name) {
  OracleChecks checks;
  checks.wabt_flags = corpus_wabt_flags(name);
  // node 20's V8 has no multi-memory (not even behind a flag).
  checks.node = checks.wabt_flags.find("--enable-multi-memory") == std::string::npos;
  return checks;
}

Options all_features() {
  Options options;
  options.features = Features::all();
  return options;
}

std::string call_fresh(std::span<const uint8_t> wasm, const std::string& name, std::vector<Value> args) {
  Loaded loaded = load_module(wasm, all_features());
  if (!loaded.error.empty()) return loaded.error;
  return outcome_text(call_export(*loaded.instance, name, args));
}

OracleResult check_corpus(std::string_view name, const Options& options, const std::vector<Probe>& probes) {
  return check_preinit(read_corpus(name), options, probes, corpus_checks(name));
}

std::optional<std::string> wabt_validate(std::span<const uint8_t> bytes, const std::string& flags) {
  if (!have_tool("wasm-validate")) return std::nullopt;
  const std::string path = temp_path(".wasm");
  write_bytes(path, bytes);
  // --debug-names is wat2wasm's, not a feature: wasm-validate does not know it.
  std::string enable;
  std::istringstream words(flags);
  for (std::string word; words >> word;)
    if (word.rfind("--enable-", 0) == 0) enable += " " + word;
  const CommandResult r = run_command("wasm-validate" + enable + " " + shell_quote(path));
  std::remove(path.c_str());
  return r.exit_code == 0 ? std::string() : (r.output.empty() ? "exit code " + std::to_string(r.exit_code) : r.output);
}

std::optional<std::vector<std::string>> run_probes_in_node(std::span<const uint8_t> wasm, const Instance& loaded,
                                                           const std::vector<Probe>& probes, std::string& failure,
                                                           const std::vector<std::string>& init_exports) {
  std::string json = "[";
  for (const Probe& p : probes) {
    const FuncInstance* f = loaded.export_func(p.name);
    std::string args, results;
    for (const Value& v : p.args) args += (args.empty() ? "" : ", ") + json_arg(v);
    if (f)
      for (ValType t : f->type->results) results += (results.empty() ? "\"" : ", \"") + std::string(val_type_name(t)) + "\"";
    json += (json.size() > 1 ? ",\n" : "") + std::string("{\"name\": ") + json_string(p.name) + ", \"args\": [" + args +
            "], \"results\": [" + results + "]}";
  }
  json += "]\n";
  const std::string wasm_path = temp_path(".wasm");
  const std::string json_path = temp_path(".json");
  write_bytes(wasm_path, wasm);
  write_bytes(json_path, std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
  const std::string script = std::string(KILN_SOURCE_ROOT) + "/tests/node/check_output.mjs";
  // Appended piece by piece: g++ 12 -O3 sees a false -Wrestrict in "lit" + string chains here.
  // Relaxed SIMD sits behind a flag in node 20; the flag changes nothing for other modules.
  std::string command = "node --experimental-wasm-relaxed-simd";
  for (const std::string& word : {script, wasm_path, json_path}) command.append(" ").append(shell_quote(word));
  for (const std::string& name : init_exports) command.append(" ").append(shell_quote(name));
  const CommandResult r = run_command(command);
  std::remove(wasm_path.c_str());
  std::remove(json_path.c_str());
  if (r.exit_code != 0) {
    failure = r.output;
    return std::nullopt;
  }
  std::vector<std::string> lines;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace kiln::test
