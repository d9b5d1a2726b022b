// The output written straight to its file: the same bytes as in memory, checked on disk, nothing left on failure.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/preinit_output.h"
#include "kiln/validate/validate.h"
#include "support/cli_refusal.h"
#include "support/preinit_oracle.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// (memory 2) and init: memory.fill(0, 0xab, 100 KiB), so the output holds one
// data segment large enough to be written from linear memory directly.
ByteVec large_data_module() {
  // i32.const 0, i32.const 0xab, i32.const 102400, memory.fill, end
  const ByteVec init = cat({{0x41, 0x00, 0x41}, sleb(0xab), {0x41}, sleb(100 << 10), {0xfc, 0x0b, 0x00, 0x0b}});
  return module({
      section(1, vec({func_type({}, {})})),
      section(3, vec({{0x00}})),
      section(5, vec({{0x00, 0x02}})),
      section(7, vec({cat({name("wizer-initialize"), {0x00, 0x00}})})),
      section(10, vec({body({0x00}, init)})),
  });
}

std::vector<uint8_t> in_memory(const std::vector<uint8_t>& input) {
  auto output = preinitialize(input, all_features());
  REQUIRE_MESSAGE(output.ok(), output.error().message);
  return std::move(output).value();
}

// The temporary beside the output: the workspace's only entry other than its input.
std::string temporary_in(const Workspace& ws) {
  const CommandResult r = run_command("ls -A '" + ws.dir + "' | grep -v '^in.wasm$'");
  REQUIRE(r.exit_code == 0);
  return ws.dir + "/" + r.output.substr(0, r.output.find('\n'));
}

// The validated input and what FileOutput::verify checks an output against.
struct Checked {
  Module module;
  ModuleInfo info;
};

Checked checked(const std::vector<uint8_t>& wasm) {
  auto module = decode_module(wasm, Features::all());
  REQUIRE(module.ok());
  auto info = validate_module(*module);
  REQUIRE(info.ok());
  return {std::move(module).value(), std::move(info).value()};
}

}  // namespace

TEST_CASE("file output: the file holds the bytes the in-memory API returns, stats included") {
  std::vector<std::vector<uint8_t>> inputs;
  for (const char* name : {"globals", "order", "multi_memory", "bulk_memory", "data_named", "scattered"})
    inputs.push_back(read_corpus(name));
  inputs.push_back(large_data_module());
  for (const std::vector<uint8_t>& input : inputs) {
    Workspace ws(input);
    Stats stats;
    bool writing_failed = true;
    Status written = preinitialize_to_file(std::vector<uint8_t>(input), ws.output, all_features(), &stats, &writing_failed);
    REQUIRE_MESSAGE(written.ok(), written.error().message);
    CHECK_FALSE(writing_failed);
    const std::vector<uint8_t> expected = in_memory(input);
    CHECK(read_bytes(ws.output) == expected);
    CHECK(stats.output_bytes == expected.size());
    CHECK(ws.entries() == 2);  // no temporary left
  }
  // And through the command line.
  Workspace ws(large_data_module());
  const CommandResult r = run_command(std::string(KILN_EXE) + " " + ws.input + " -o " + ws.output + " --stats");
  CHECK_MESSAGE(r.exit_code == 0, r.output);
  CHECK_MESSAGE(r.output.find("rewrite ") != std::string::npos, r.output);
  CHECK_MESSAGE(r.output.find("verify ") != std::string::npos, r.output);
  CHECK(read_bytes(ws.output) == in_memory(ws.input_bytes));
}

TEST_CASE("file output: verification reads the file on disk, and a failed one leaves nothing") {
  const std::vector<uint8_t> input = read_corpus("globals");
  const Checked original = checked(input);
  const std::vector<uint8_t> output = in_memory(input);
  Workspace ws(input);
  {
    preinit::FileOutput file(ws.output);
    auto sink = file.open();
    REQUIRE(sink.ok());
    REQUIRE((*sink)->write(output).ok());
    REQUIRE(file.verify(original.module, original.info).ok());
    // The same bytes, cut short on disk after they were written.
    const std::string temporary = temporary_in(ws);
    REQUIRE(::truncate(temporary.c_str(), static_cast<off_t>(output.size() - 1)) == 0);
    Status verified = file.verify(original.module, original.info);
    REQUIRE_FALSE(verified.ok());
    CHECK_MESSAGE(verified.error().message.find("internal error: the output does not decode") == 0, verified.error().message);
    CHECK_FALSE(file.failed());  // about the output's contents, not about writing it
  }
  CHECK(::access(ws.output.c_str(), F_OK) != 0);
  CHECK(ws.entries() == 1);

  preinit::FileOutput file(ws.output);
  REQUIRE((*file.open())->write(output).ok());
  REQUIRE(file.verify(original.module, original.info).ok());
  CHECK(::access(ws.output.c_str(), F_OK) != 0);  // not there before commit
  REQUIRE(file.commit().ok());
  CHECK(read_bytes(ws.output) == output);
  CHECK(ws.entries() == 2);
}

TEST_CASE("file output: a write failing halfway through leaves no file and names the output") {
  Workspace ws(large_data_module());
  // A file size limit of one block: the write past it fails with EFBIG
  // (SIGXFSZ ignored), as a full disk fails with ENOSPC.
  const Refusal r = expect_refusal(
      ws, "trap '' XFSZ; ulimit -f 1; exec " + std::string(KILN_EXE) + " " + ws.input + " -o " + ws.output,
      "kiln: error: cannot write 'DIR/out.wasm': File too large");
  CHECK(r.message == "kiln: error: cannot write 'DIR/out.wasm': File too large\n");
}

TEST_CASE("file output: --max-output-size refuses before the file is written, through the API too") {
  Workspace ws(large_data_module());
  Options options = all_features();
  options.max_output_bytes = 1000;
  bool writing_failed = true;
  Status refused = preinitialize_to_file(std::vector<uint8_t>(ws.input_bytes), ws.output, options, nullptr, &writing_failed);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kExhausted);
  CHECK_FALSE(writing_failed);
  CHECK(::access(ws.output.c_str(), F_OK) != 0);
  CHECK(ws.entries() == 1);
}

TEST_CASE("file output: a device is written in place after the output is checked in memory") {
  const std::vector<uint8_t> input = read_corpus("globals");
  bool writing_failed = false;
  Status full = preinitialize_to_file(std::vector<uint8_t>(input), "/dev/full", all_features(), nullptr, &writing_failed);
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().message == "cannot write '/dev/full': No space left on device");
  CHECK(writing_failed);
  CHECK(preinitialize_to_file(std::vector<uint8_t>(input), "/dev/null", all_features()).ok());
}
