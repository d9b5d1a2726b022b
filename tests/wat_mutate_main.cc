// wat_mutate: feeds truncated and mutated copies of .wast scripts to kiln's text and script readers; run it under
// ASan+UBSan: every input must end in a result or an error, never a crash.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/file_io.h"
#include "kiln/spectest/script.h"
#include "kiln/text/wat.h"

namespace {

// Fragments that steer mutations towards the reader's interesting paths.
constexpr std::string_view kFragments[] = {
    "(", ")", "\"", "\\", "$", "$\"", "0x", "nan:0x", "-inf", "1e400", "_", "(;", ";)", ";;", "(@a", "\\u{",
    "i32.const", "(func", "(module", "(type", "(rec", "(sub", "(ref null", "block", "end", "else", "(then",
    "try", "catch", "delegate", "try_table", "(catch", "br_on_cast", "offset=", "align=", "v128.const i8x16",
    "i8x16.shuffle", "(elem", "(data", "(table", "(memory i64", "quote", "binary", "(either", "\xff", "\x01"};

std::string mutate(const std::string& text, std::mt19937_64& rng) {
  std::string out = text;
  if (out.empty()) return out;
  auto pos = [&](size_t size) { return static_cast<size_t>(rng() % (size + 1)); };
  switch (rng() % 5) {
    case 0: out.resize(pos(out.size())); break;  // truncate
    case 1: out[pos(out.size() - 1)] = static_cast<char>(rng()); break;
    case 2: {
      const size_t at = pos(out.size());
      out.erase(at, static_cast<size_t>(rng() % 64));
      break;
    }
    case 3: {
      const size_t at = pos(out.size());
      const size_t len = std::min<size_t>(static_cast<size_t>(rng() % 128), out.size() - std::min(at, out.size()));
      out.insert(pos(out.size()), out.substr(at, len));
      break;
    }
    default:
      out.insert(pos(out.size()), kFragments[rng() % std::size(kFragments)]);
      break;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: wat_mutate ROUNDS FILE.wast...\n", stderr);
    return 2;
  }
  const long rounds = std::strtol(argv[1], nullptr, 10);
  std::mt19937_64 rng(1);
  uint64_t inputs = 0, accepted = 0;
  for (int i = 2; i < argc; ++i) {
    auto bytes = kiln::read_file(argv[i]);
    if (!bytes.ok()) {
      std::fprintf(stderr, "%s\n", bytes.error().message.c_str());
      return 1;
    }
    const std::string text(bytes->begin(), bytes->end());
    for (long r = 0; r < rounds; ++r) {
      const std::string input = mutate(text, rng);
      ++inputs;
      auto script = kiln::spectest::parse_wast_script(input, argv[i]);
      if (script.ok()) {
        ++accepted;
        for (const auto& cmd : script->commands) {
          if (!cmd.module_text.empty()) (void)kiln::text::wat_to_binary(cmd.module_text);
        }
      }
      (void)kiln::text::wat_to_binary(input);
    }
  }
  std::printf("wat_mutate: %" PRIu64 " inputs, %" PRIu64 " read as scripts, no crash\n", inputs, accepted);
  return 0;
}
