// Running the kiln binary on a refused input and checking what every refusal must do.
#include "support/cli_refusal.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/preinit_oracle.h"

namespace kiln::test {

Workspace::Workspace(std::vector<uint8_t> bytes)
    : dir(temp_path("-dir")), input(dir + "/in.wasm"), output(dir + "/out.wasm"), input_bytes(std::move(bytes)) {
  REQUIRE(::mkdir(dir.c_str(), 0755) == 0);
  write_bytes(input, input_bytes);
}

Workspace::~Workspace() {
  // A case may have taken permissions away; rm -rf as a user needs them back.
  run_command("chmod -R u+rwx '" + dir + "' 2>/dev/null; rm -rf '" + dir + "'");
}

size_t Workspace::entries() const {
  const CommandResult r = run_command("ls -A '" + dir + "' | wc -l");
  return static_cast<size_t>(std::stoul(r.output));
}

Refusal expect_refusal(const Workspace& ws, const std::string& command, const std::string& start) {
  const size_t entries_before = ws.entries();
  const CommandResult r = run_command("( " + command + " )");  // the whole command's output, not its last part
  std::string message = r.output;
  for (const auto& [path, shown] : {std::pair{ws.input, "IN"}, std::pair{ws.dir, "DIR"}})
    for (size_t at; (at = message.find(path)) != std::string::npos;) message.replace(at, path.size(), shown);
  CHECK_MESSAGE(r.exit_code == 1, message);
  CHECK_MESSAGE(message.rfind(start, 0) == 0, message);
  CHECK(::access(ws.output.c_str(), F_OK) != 0);
  CHECK(ws.entries() == entries_before);
  CHECK(read_bytes(ws.input) == ws.input_bytes);
  return {r.exit_code, message};
}

Refusal refuse(const std::vector<uint8_t>& input, const std::string& args) {
  Workspace ws(input);
  // "kiln: error: IN: MESSAGE", or "kiln: error: IN:0xOFFSET: MESSAGE" for malformed input.
  return expect_refusal(ws, std::string(KILN_EXE) + " " + ws.input + " -o " + ws.output + " " + args,
                        "kiln: error: IN:");
}

Refusal refuse(const char* corpus_name, const std::string& args) { return refuse(read_corpus(corpus_name), args); }

}  // namespace kiln::test
