// Running the kiln binary on a refused input and checking what every refusal must do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiln::test {

// A private directory holding a copy of the input, so that nothing else
// writes there and a stray output or temporary file would be seen.
struct Workspace {
  std::string dir;
  std::string input;
  std::string output;
  std::vector<uint8_t> input_bytes;

  explicit Workspace(std::vector<uint8_t> bytes);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  size_t entries() const;  // files in `dir`
};

struct Refusal {
  int exit_code = -1;
  std::string message;  // stdout and stderr, the input's path written "IN", its directory "DIR"
};

// Runs the shell command `command` and checks, with doctest, what every
// refusal must do: exit code 1, a message starting with `start` (ws.input
// written "IN", ws.dir "DIR"), no ws.output, no new file in ws.dir (no temporary left
// behind), ws.input byte for byte as it was.
Refusal expect_refusal(const Workspace& ws, const std::string& command, const std::string& start);

// `kiln IN -o OUT ARGS` on a workspace holding `input`, through expect_refusal.
Refusal refuse(const std::vector<uint8_t>& input, const std::string& args);
Refusal refuse(const char* corpus_name, const std::string& args = "");

}  // namespace kiln::test
