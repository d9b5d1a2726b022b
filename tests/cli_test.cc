// End-to-end tests of the kiln executable's subcommands: exit codes and message formats.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "support/wasm_bytes.h"

using namespace kiln::test;

namespace {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

RunResult run_kiln(const std::string& args) {
  const std::string command = std::string(KILN_EXE) + " " + args + " 2>&1";
  RunResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string write_temp(const ByteVec& bytes, const char* suffix = ".wasm") {
  static int counter = 0;
  const std::string path = "/tmp/kiln-cli-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + suffix;
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace

TEST_CASE("kiln validate accepts a valid module silently") {
  const std::string path = write_temp(one_func_module({0x7F}, {0x7F}, {0x20, 0x00, 0x0B}));
  const RunResult r = run_kiln("validate " + path);
  CHECK(r.exit_code == 0);
  CHECK(r.output.empty());
  std::remove(path.c_str());
}

TEST_CASE("kiln validate reports FILE:0xOFFSET: error: MESSAGE and exits 1") {
  // i32.add with an empty stack: the add sits at offset 0x22 of this module.
  const ByteVec bytes = one_func_module({}, {0x7F}, {0x6A, 0x0B});
  const std::string path = write_temp(bytes);
  const RunResult r = run_kiln("validate " + path);
  CHECK(r.exit_code == 1);
  char expected[64];
  std::snprintf(expected, sizeof expected, ":0x%zx: error: type mismatch", bytes.size() - 2);
  CHECK(r.output.rfind(path + expected, 0) == 0);
  CHECK(r.output.find('\n') == r.output.size() - 1);  // exactly one line
  std::remove(path.c_str());

  const std::string bad_magic = write_temp({0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00});
  const RunResult m = run_kiln("validate " + bad_magic);
  CHECK(m.exit_code == 1);
  CHECK(m.output == bad_magic + ":0x0: error: magic header not detected\n");
  std::remove(bad_magic.c_str());
}

TEST_CASE("kiln validate honours feature flags") {
  // (memory 1) (memory 1): two memories need multi-memory.
  const std::string path = write_temp(module({section(5, vec({{0x00, 0x01}, {0x00, 0x01}}))}));
  CHECK(run_kiln("validate " + path).exit_code == 1);
  CHECK(run_kiln("validate --enable-multi-memory " + path).exit_code == 0);
  const RunResult unknown = run_kiln("validate --enable-nonsense " + path);
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.output.find("unknown feature") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("kiln reports unreadable input and bad usage with exit code 1") {
  const RunResult missing = run_kiln("validate /nonexistent/x.wasm");
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("/nonexistent/x.wasm") != std::string::npos);
  CHECK(run_kiln("validate").exit_code == 1);
  CHECK(run_kiln("frobnicate").exit_code == 1);
  const RunResult version = run_kiln("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.output.rfind("kiln ", 0) == 0);
}

TEST_CASE("kiln reads text modules (.wat) wherever it reads binaries") {
  const std::string text =
      "(module (memory (export \"memory\") 1) (global $g (mut i32) (i32.const 0))\n"
      "  (func (export \"wizer-initialize\") (global.set $g (i32.const 42)) (i32.store (i32.const 8) (i32.const 7)))\n"
      "  (func (export \"get\") (result i32) (global.get $g)))\n";
  const std::string wat = write_temp(ByteVec(text.begin(), text.end()), ".wat");
  CHECK(run_kiln("validate " + wat).exit_code == 0);
  const RunResult ran = run_kiln("run " + wat + " --invoke get");
  CHECK(ran.exit_code == 0);
  CHECK(ran.output == "0\n");
  const std::string out = write_temp({}, ".wasm");
  const RunResult pre = run_kiln(wat + " -o " + out);
  CHECK_MESSAGE(pre.exit_code == 0, pre.output);
  const RunResult after = run_kiln("run " + out + " --invoke get");
  CHECK(after.output == "42\n");

  // --preload NAME=FILE.wat: a text module provides the main module's import.
  const std::string lib_text = "(module (func (export \"seven\") (result i32) (i32.const 7)))";
  const std::string lib = write_temp(ByteVec(lib_text.begin(), lib_text.end()), ".wat");
  const std::string main_text =
      "(module (import \"lib\" \"seven\" (func $seven (result i32))) (global $g (mut i32) (i32.const 0))\n"
      "  (func (export \"wizer-initialize\") (global.set $g (call $seven)))\n"
      "  (func (export \"get\") (result i32) (global.get $g)))";
  const std::string main = write_temp(ByteVec(main_text.begin(), main_text.end()), ".wat");
  const RunResult preloaded = run_kiln("--preload lib=" + lib + " " + main + " -o " + out);
  CHECK_MESSAGE(preloaded.exit_code == 0, preloaded.output);

  const std::string broken_text = "(module\n  (func (i32.const 1) (i32.add1)))";
  const std::string broken = write_temp(ByteVec(broken_text.begin(), broken_text.end()), ".wat");
  const RunResult bad = run_kiln("validate " + broken);
  CHECK(bad.exit_code == 1);
  CHECK(bad.output == broken + ": error: " + broken + ":2:24: unknown operator i32.add1\n");
  const std::string invalid_text = "(module (func (result i32)))";
  const std::string invalid = write_temp(ByteVec(invalid_text.begin(), invalid_text.end()), ".wat");
  const RunResult invalid_run = run_kiln("validate " + invalid);
  CHECK(invalid_run.exit_code == 1);
  CHECK(invalid_run.output.starts_with(invalid + ": error: type mismatch"));
  CHECK(invalid_run.output.find("of the module assembled from the text)") != std::string::npos);
  std::remove(invalid.c_str());
  const RunResult bad_pre = run_kiln(broken + " -o " + out);
  CHECK(bad_pre.exit_code == 1);
  CHECK(bad_pre.output.find(broken + ":2:24: unknown operator i32.add1") != std::string::npos);
  for (const std::string& path : {wat, out, lib, main, broken}) std::remove(path.c_str());
}
