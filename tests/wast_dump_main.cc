// wast_dump: writes every module of .wast scripts, as kiln's text reader assembles them, to files named by what
// the script expects of them (valid, invalid, malformed, unlinkable, uninstantiable), for checks by other tools.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "kiln/base/file_io.h"
#include "kiln/spectest/script.h"
#include "kiln/text/wat.h"

namespace fs = std::filesystem;
using kiln::spectest::Command;
using kiln::spectest::CommandType;

namespace {

const char* expectation(const Command& cmd) {
  switch (cmd.type) {
    case CommandType::kAssertInvalid: return "invalid";
    case CommandType::kAssertMalformed: return "malformed";
    case CommandType::kAssertUnlinkable: return "unlinkable";
    case CommandType::kAssertUninstantiable: return "uninstantiable";
    default: return "valid";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fputs("usage: wast_dump OUT_DIR FILE.wast...   (writes OUT_DIR/<script>-<line>-<expectation>.wasm)\n", stderr);
    return 2;
  }
  const fs::path out = argv[1];
  fs::create_directories(out);
  int status = 0;
  size_t written = 0, refused = 0;
  for (int i = 2; i < argc; ++i) {
    auto script = kiln::spectest::load_wast_script(argv[i]);
    if (!script.ok()) {
      std::fprintf(stderr, "%s\n", script.error().message.c_str());
      status = 1;
      continue;
    }
    const std::string stem = fs::path(argv[i]).stem().string();
    for (const Command& cmd : script->commands) {
      if (!cmd.in_memory) continue;
      kiln::Result<std::vector<uint8_t>> bytes = cmd.module_bytes;
      if (cmd.module_error) bytes = *cmd.module_error;
      if (!cmd.module_text.empty()) bytes = kiln::text::wat_to_binary(cmd.module_text);
      if (!bytes.ok()) {
        // A text module kiln refuses: expected only of assert_malformed.
        ++refused;
        if (cmd.type != CommandType::kAssertMalformed) {
          std::printf("%s:%u: kiln's text reader refused a module: %s\n", argv[i], cmd.line,
                      bytes.error().message.c_str());
          status = 1;
        }
        continue;
      }
      const fs::path file = out / (stem + "-" + std::to_string(cmd.line) + "-" + expectation(cmd) + ".wasm");
      if (!kiln::write_file_atomic(file.string(), *bytes).ok()) status = 1;
      ++written;
    }
  }
  std::printf("wast_dump: %zu modules written, %zu text modules refused (all in assert_malformed: %s)\n", written,
              refused, status == 0 ? "yes" : "no");
  return status;
}
