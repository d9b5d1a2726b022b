// The real WASI programs of corpus/wasi-programs pre-initialize and behave like the original after init,
// in kiln's interpreter and, where node is installed, in V8.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

const std::string kKiln = KILN_EXE;
const std::string kCorpus = std::string(KILN_SOURCE_ROOT) + "/corpus/wasi-programs/";

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Run sh(const std::string& command) {
  Run r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/kiln-wasi-programs-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~TempDir() { sh("rm -rf '" + path + "'"); }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

bool have_node() { return sh("node --version").exit_code == 0; }

// Runs a small node script (V8 + node:wasi) and returns its stdout.
std::string node(const TempDir& dir, const std::string& script) {
  const std::string path = dir.file("check.mjs");
  std::ofstream(path) << script;
  return sh("node --no-warnings " + path).output;
}

}  // namespace

TEST_CASE("a C reactor reads its config file and environment during init") {
  TempDir dir;
  ::mkdir(dir.file("config").c_str(), 0755);
  std::ofstream(dir.file("config/settings.txt")) << "alpha=1\nbeta=22\ngamma=333\n";
  const std::string out = dir.file("out.wasm");
  const Run pre = sh(kKiln + " --allow-wasi --mapdir /config::" + dir.file("config") + " --env GREETING=hello " +
                     kCorpus + "config_reactor.wasm -o " + out);
  REQUIRE_MESSAGE(pre.exit_code == 0, pre.output);
  CHECK(pre.output.find("config_reactor: loaded 3 entries") != std::string::npos);  // stdio inherited
  // The output answers without WASI access to the config: the table is in its data.
  CHECK(sh(kKiln + " run " + out + " --invoke entry_count").output == "3\n");
  CHECK(sh(kKiln + " run " + out + " --invoke greeting_length").output == "5\n");

  // Without --allow-wasi the same init fails and names the way out.
  const Run refused = sh(kKiln + " " + kCorpus + "config_reactor.wasm -o " + dir.file("no.wasm"));
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("--allow-wasi") != std::string::npos);
  CHECK(::access(dir.file("no.wasm").c_str(), F_OK) != 0);

  if (!have_node()) {
    MESSAGE("node is not installed: the V8 comparison is skipped");
    return;
  }
  // In V8: the original after its init, and the output without it, agree.
  const std::string v8 = node(dir, R"(
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';
function instance(file, preopens) {
  const wasi = new WASI({ version: 'preview1', args: ['x'], env: { GREETING: 'hello' }, preopens, returnOnExit: true });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), { wasi_snapshot_preview1: wasi.wasiImport });
  wasi.initialize(inst);
  return inst.exports;
}
const a = instance(')" + kCorpus + R"(config_reactor.wasm', { '/config': ')" + dir.file("config") + R"(' });
a['wizer-initialize']();
const b = instance(')" + out + R"(', {});
console.log(a.entry_count(), b.entry_count(), a.greeting_length(), b.greeting_length());
)");
  CHECK(v8.find("3 3 5 5") != std::string::npos);
}

TEST_CASE("a C++ command with static constructors: wizer.initialize and -r _start=wizer.resume") {
  TempDir dir;
  const std::string out = dir.file("out.wasm");
  const Run pre = sh(kKiln + " --allow-wasi -f wizer.initialize -r _start=wizer.resume " + kCorpus +
                     "ctor_command.wasm -o " + out);
  REQUIRE_MESSAGE(pre.exit_code == 0, pre.output);
  // The constructors ran once, during init; the output's _start only runs main.
  const Run run = sh(kKiln + " run " + out);
  CHECK(run.exit_code == 0);
  CHECK(run.output == "ctors=1 gamma=2 name[5]=zeta sum=332833500\n");
  if (!have_node()) {
    MESSAGE("node is not installed: the V8 comparison is skipped");
    return;
  }
  const std::string v8 = node(dir, R"(
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';
const wasi = new WASI({ version: 'preview1', args: ['prog'], env: {}, returnOnExit: true });
const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(')" + out + R"(')), { wasi_snapshot_preview1: wasi.wasiImport });
console.log('exit', wasi.start(inst));
)");
  CHECK(v8.find("ctors=1 gamma=2 name[5]=zeta sum=332833500") != std::string::npos);
  CHECK(v8.find("exit 0") != std::string::npos);
}

TEST_CASE("a module whose init grows memory to tens of MiB") {
  TempDir dir;
  const std::string out = dir.file("out.wasm");
  const Run pre = sh(kKiln + " --stats " + kCorpus + "big_memory.wasm -o " + out);
  REQUIRE_MESSAGE(pre.exit_code == 0, pre.output);
  CHECK(pre.output.find("10000 data segments") != std::string::npos);  // the default cap holds
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK(st.st_size > 30'000'000);
  // Block 700 lies beyond the first 32 MiB; its checksum must not be 0 (the table is there).
  const Run sum = sh(kKiln + " run " + out + " --invoke block_sum 700");
  CHECK(sum.exit_code == 0);
  CHECK(sum.output != "0\n");
  if (!have_node()) {
    MESSAGE("node is not installed: the V8 comparison is skipped");
    return;
  }
  const std::string v8 = node(dir, R"(
import { readFileSync } from 'node:fs';
const load = (f) => new WebAssembly.Instance(new WebAssembly.Module(readFileSync(f)), {}).exports;
const a = load(')" + kCorpus + R"(big_memory.wasm');
if (a._initialize) a._initialize();
a['wizer-initialize']();
const b = load(')" + out + R"(');
let same = true;
for (const block of [0, 1, 350, 700, 767]) same = same && a.block_sum(block) === b.block_sum(block);
console.log(same ? 'same' : 'different', b.block_sum(700));
)");
  CHECK(v8.find("same") != std::string::npos);
  CHECK(v8.find(" " + sum.output.substr(0, sum.output.size() - 1)) != std::string::npos);
}

TEST_CASE("--deterministic gives byte-identical outputs for an init that reads randomness and clocks") {
  TempDir dir;
  const std::string module = kCorpus + "entropy_init.wasm";
  auto preinit = [&](const std::string& flags, const std::string& name) {
    const Run r = sh(kKiln + " --allow-wasi " + flags + " " + module + " -o " + dir.file(name));
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  };
  preinit("--deterministic", "a.wasm");
  preinit("--deterministic", "b.wasm");
  CHECK(sh("cmp -s " + dir.file("a.wasm") + " " + dir.file("b.wasm")).exit_code == 0);
  preinit("--deterministic=7", "seeded.wasm");  // another seed, other random bytes
  CHECK(sh("cmp -s " + dir.file("a.wasm") + " " + dir.file("seeded.wasm")).exit_code != 0);
  // Without it, real randomness: two outputs differ (16 random bytes collide with odds 2^-128).
  preinit("", "c.wasm");
  preinit("", "d.wasm");
  CHECK(sh("cmp -s " + dir.file("c.wasm") + " " + dir.file("d.wasm")).exit_code != 0);
}
