// Pre-initialization refusals through the kiln CLI: exit code 1, a clear message, no output, input intact.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "support/cli_refusal.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("imported memories, tables and globals are refused, naming the import") {
  const Refusal memory = refuse("refuse_import_memory");
  CHECK_MESSAGE(contains(memory.message, "imports memory \"env\".\"memory\""), memory.message);
  CHECK_MESSAGE(contains(memory.message, "not supported"), memory.message);
  const Refusal table = refuse("refuse_import_table");
  CHECK_MESSAGE(contains(table.message, "imports table \"env\".\"table\""), table.message);
  const Refusal global = refuse("refuse_import_global");
  CHECK_MESSAGE(contains(global.message, "imports global \"env\".\"counter\""), global.message);
}

TEST_CASE("a missing init export, or one of the wrong kind or type, is refused") {
  const Refusal missing = refuse("refuse_init_type", "-f nope");
  CHECK(missing.message == "kiln: error: IN: the module has no export named 'nope' (choose the init function with "
                           "--init-func)\n");
  const Refusal params = refuse("refuse_init_type");
  CHECK(params.message ==
        "kiln: error: IN: the init function 'wizer-initialize' must have type () -> (), it has (i32) -> ()\n");
  const Refusal results = refuse("refuse_init_type", "-f returns");
  CHECK(contains(results.message, "it has () -> (i32)"));
  const Refusal global = refuse("refuse_init_type", "--init-func a_global");
  CHECK(global.message == "kiln: error: IN: the init export 'a_global' is not a function\n");
  // Only the default name falls back to wizer.initialize.
  const Refusal none = refuse("order", "-f wizer.initialize");
  CHECK(contains(none.message, "no export named 'wizer.initialize'"));
}

TEST_CASE("a trap during init names the trap, the function, its caller and offsets") {
  // describe_trap: "MESSAGE in func $NAME (#INDEX) at 0xOFFSET", then one "called from" line per frame.
  // The offsets are those of i32.div_s and of the call (wasm-objdump -d).
  const Refusal r = refuse("refuse_init_trap");
  CHECK(r.message ==
        "kiln: error: IN: the init function failed: integer divide by zero in func $parse_header (#0) at 0x3e\n"
        "  called from func $init (#1) at 0x42\n");
  const Refusal start = refuse("refuse_start_trap");
  CHECK(start.message == "kiln: error: IN: the start function failed: unreachable in func $boot (#0) at 0x31\n");
}

TEST_CASE("init calling an import nobody provides names it and how to provide it") {
  const Refusal plain = refuse("refuse_init_import");
  CHECK_MESSAGE(contains(plain.message, "env.log"), plain.message);
  CHECK_MESSAGE(contains(plain.message, "--preload env=FILE.wasm"), plain.message);
  CHECK_MESSAGE(!contains(plain.message, "--allow-wasi"), plain.message);
  const Refusal wasi = refuse("refuse_init_wasi");
  CHECK_MESSAGE(contains(wasi.message, "wasi_snapshot_preview1.fd_write"), wasi.message);
  CHECK_MESSAGE(contains(wasi.message, "--allow-wasi"), wasi.message);
  CHECK_MESSAGE(!contains(wasi.message, "--preload"), wasi.message);
}

// With --allow-wasi, kiln provides WASI and the same module pre-initializes.
TEST_CASE("with --allow-wasi the module that called WASI pre-initializes") {
  Workspace ws(read_corpus("refuse_init_wasi"));
  const CommandResult allowed =
      run_command(std::string(KILN_EXE) + " --allow-wasi " + ws.input + " -o " + ws.output + " </dev/null");
  CHECK_MESSAGE(allowed.exit_code == 0, allowed.output);
  CHECK(!read_bytes(ws.output).empty());
}

TEST_CASE("the remedy the message suggests, --preload env=FILE.wasm, works") {
  Workspace ws(read_corpus("refuse_init_import"));
  const std::string preload = std::string(KILN_SOURCE_ROOT) + "/corpus/preinit/preload_env.wasm";
  const CommandResult r =
      run_command(std::string(KILN_EXE) + " --preload env=" + preload + " " + ws.input + " -o " + ws.output);
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.empty());
  // The preloaded module is not part of the output: env.log is still imported.
  Loaded out = load_module(read_bytes(ws.output), all_features());
  REQUIRE(out.error.empty());
  REQUIRE(out.module->imports.size() == 1);
  CHECK(out.module->imports[0].name == "log");
  const CommandResult missing =
      run_command(std::string(KILN_EXE) + " --preload env=" + ws.dir + "/none.wasm " + ws.input + " -o " + ws.output);
  CHECK(missing.exit_code == 1);
  CHECK(contains(missing.output, "none.wasm"));
}

// Wizer refuses an `_initialize` of the wrong type; so does kiln.
TEST_CASE("an _initialize that is not [] -> [] is refused") {
  const Refusal r = refuse("refuse_initialize_type");
  CHECK_MESSAGE(contains(r.message, "_initialize"), r.message);
}

TEST_CASE("a refusal writes nothing to standard output when it is the output") {
  Workspace ws(read_corpus("refuse_init_trap"));
  const CommandResult r = run_command("( " + std::string(KILN_EXE) + " " + ws.input + " 2>/dev/null )");
  CHECK(r.exit_code == 1);
  CHECK(r.output.empty());
}

TEST_CASE("--fuel stops an init that never ends") {
  const Refusal r = refuse("refuse_init_loop", "--fuel 100000");
  CHECK_MESSAGE(contains(r.message, "the init function failed: all fuel consumed in func #0 at 0x"), r.message);
  CHECK_MESSAGE(contains(r.message, "(the limit is --fuel 100000; raise it to let init run longer)"), r.message);
}

TEST_CASE("malformed input: empty stdin, an empty file, truncated modules") {
  {
    Workspace ws(read_corpus("order"));
    const CommandResult r = run_command(std::string(KILN_EXE) + " -o " + ws.output + " </dev/null");
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.output.rfind("kiln: error: <stdin>", 0) == 0, r.output);
    CHECK(::access(ws.output.c_str(), F_OK) != 0);
  }
  CHECK(contains(refuse(std::vector<uint8_t>{}, "").message, "unexpected end"));
  const std::vector<uint8_t> whole = read_corpus("globals");
  for (size_t cut : {size_t{4}, size_t{8}, size_t{9}, size_t{20}, whole.size() / 2, whole.size() - 1}) {
    CAPTURE(cut);
    refuse(std::vector<uint8_t>(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut)), "");
  }
}

TEST_CASE("an output that is the input itself is refused, also through a link") {
  Workspace ws(read_corpus("order"));
  const std::string link = ws.dir + "/link.wasm";
  const std::string hard = ws.dir + "/hard.wasm";
  REQUIRE(::symlink("in.wasm", link.c_str()) == 0);
  REQUIRE(::link(ws.input.c_str(), hard.c_str()) == 0);
  for (const std::string& out : {ws.input, ws.dir + "/./in.wasm", link, hard}) {
    CAPTURE(out);
    const CommandResult r = run_command(std::string(KILN_EXE) + " " + ws.input + " -o " + out);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(contains(r.output, "is the input file"), r.output);
    CHECK(read_bytes(ws.input) == ws.input_bytes);
  }
  CHECK(ws.entries() == 3);
}

TEST_CASE("unwritable outputs fail with exit code 1 and leave nothing behind") {
  Workspace ws(read_corpus("order"));
  const std::string kiln = std::string(KILN_EXE) + " " + ws.input + " -o ";
  const CommandResult missing_dir = run_command(kiln + ws.dir + "/no/such/dir/out.wasm");
  CHECK(missing_dir.exit_code == 1);
  CHECK_MESSAGE(contains(missing_dir.output, "No such file or directory"), missing_dir.output);
  const CommandResult under_file = run_command(kiln + ws.input + "/out.wasm");
  CHECK(under_file.exit_code == 1);
  CHECK_MESSAGE(contains(under_file.output, "Not a directory"), under_file.output);
  const CommandResult onto_dir = run_command(kiln + ws.dir);
  CHECK(onto_dir.exit_code == 1);
  CHECK(ws.entries() == 1);

  // /dev/full accepts the open and fails the write; it must stay a device.
  const CommandResult full = run_command(kiln + "/dev/full");
  CHECK(full.exit_code == 1);
  CHECK_MESSAGE(contains(full.output, "No space left on device"), full.output);
  struct stat st {};
  REQUIRE(::stat("/dev/full", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));

  // A read-only directory: root writes there anyway, so only without privileges.
  const std::string locked = ws.dir + "/locked";
  REQUIRE(::mkdir(locked.c_str(), 0555) == 0);
  if (::geteuid() == 0) {
    MESSAGE("running as root: the read-only directory case is skipped");
  } else {
    const CommandResult r = run_command(kiln + locked + "/out.wasm");
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(contains(r.output, "Permission denied"), r.output);
    CHECK(run_command("ls -A '" + locked + "'").output.empty());
  }
}

TEST_CASE("a refused run leaves an existing output file as it was") {
  Workspace ws(read_corpus("refuse_init_trap"));
  const std::vector<uint8_t> before = {1, 2, 3};
  write_bytes(ws.output, before);
  const CommandResult r = run_command(std::string(KILN_EXE) + " " + ws.input + " -o " + ws.output);
  CHECK(r.exit_code == 1);
  CHECK(read_bytes(ws.output) == before);
  CHECK(ws.entries() == 2);
}

TEST_CASE("the API reports refusals with their error codes") {
  Options options = all_features();
  auto imported = preinitialize(read_corpus("refuse_import_memory"), options);
  REQUIRE(!imported.ok());
  CHECK(imported.error().code == ErrorCode::kUnsupported);
  auto trapped = preinitialize(read_corpus("refuse_init_trap"), options);
  REQUIRE(!trapped.ok());
  CHECK(trapped.error().code == ErrorCode::kTrap);
  options.fuel = 1000;
  auto endless = preinitialize(read_corpus("refuse_init_loop"), options);
  REQUIRE(!endless.ok());
  CHECK(endless.error().code == ErrorCode::kExhausted);
  auto truncated = preinitialize(std::vector<uint8_t>{0x00, 0x61, 0x73}, options);
  REQUIRE(!truncated.ok());
  CHECK(truncated.error().code == ErrorCode::kMalformed);
}

// An embedder sets Options fields, not flags: the library's messages name them.
TEST_CASE("library refusals name the Options field that would change the outcome, never a flag") {
  Options options = all_features();
  options.fuel = 1000;
  auto endless = preinitialize(read_corpus("refuse_init_loop"), options);
  REQUIRE(!endless.ok());
  CHECK(endless.error().message.find("(the limit is Options::fuel = 1000; raise it") != std::string::npos);
  options.fuel = 0;
  auto unprovided = preinitialize(read_corpus("refuse_init_import"), options);
  REQUIRE(!unprovided.ok());
  CHECK(unprovided.error().message.find("(provide it with Options::host_imports or Options::preloads)") !=
        std::string::npos);
  auto wasi = preinitialize(read_corpus("refuse_init_wasi"), options);
  REQUIRE(!wasi.ok());
  CHECK(wasi.error().message.find("(provide WASI with Options::allow_wasi)") != std::string::npos);
  options.init_func = "missing";
  options.init_func_fallback = false;
  auto missing = preinitialize(read_corpus("globals"), options);
  REQUIRE(!missing.ok());
  CHECK(missing.error().message.find("(choose the init function with Options::init_func)") != std::string::npos);
  options = all_features();
  options.max_output_bytes = 10;
  auto big = preinitialize(read_corpus("globals"), options);
  REQUIRE(!big.ok());
  CHECK(big.error().message ==
        "the output module would be larger than Options::max_output_bytes = 10 bytes; raise Options::max_output_bytes to write it");
  options = all_features();
  options.features.bulk_memory = false;
  auto bulk = preinitialize(read_corpus("bulk_memory"), options);
  REQUIRE(!bulk.ok());
  CHECK(bulk.error().message == "bulk memory support is not enabled (turn it on with Options::features.bulk_memory)");
  CHECK(bulk.error().feature == "bulk-memory");
  for (const auto* outcome : {&endless, &unprovided, &wasi, &missing, &big, &bulk})
    CHECK_MESSAGE(outcome->error().message.find("--") == std::string::npos, outcome->error().message);
}

// Wizer validates under the features it is given; so does kiln.
TEST_CASE("--wasm-FEATURE=false refuses a module that uses the feature, naming it and the flag") {
  const Refusal bulk = refuse("bulk_memory", "--wasm-bulk-memory=false");
  CHECK(bulk.message.find("bulk memory support is not enabled (turn it on with --wasm-bulk-memory=true)") !=
        std::string::npos);
  const Refusal refs = refuse("tables", "--wasm-reference-types=false");
  CHECK(refs.message.find("reference types support is not enabled (turn it on with --wasm-reference-types=true)") !=
        std::string::npos);
  const Refusal simd = refuse("globals", "--wasm-simd=false");
  CHECK(simd.message.find("SIMD support is not enabled (turn it on with --wasm-simd=true)") != std::string::npos);
  const Refusal relaxed = refuse("relaxed_simd", "--wasm-relaxed-simd=false");
  CHECK(relaxed.message.find("relaxed SIMD support is not enabled (turn it on with --wasm-relaxed-simd=true)") !=
        std::string::npos);
  const Refusal multi = refuse("multi_memory", "--wasm-multi-memory=false");
  CHECK(multi.message.find("--wasm-multi-memory=true") != std::string::npos);
  // The same modules with the features on (the default) pre-initialize.
  for (const char* name : {"bulk_memory", "tables", "globals", "relaxed_simd", "multi_memory"}) {
    Workspace ws(read_corpus(name));
    CHECK_MESSAGE(run_command(std::string(KILN_EXE) + " " + ws.input + " -o " + ws.output).exit_code == 0, name);
  }
  // SIMD off takes relaxed SIMD with it, unless it is asked for, which cannot be honoured.
  Workspace ws(read_corpus("globals"));
  const CommandResult both = run_command(std::string(KILN_EXE) + " " + ws.input + " -o " + ws.output +
                                         " --wasm-simd=false --wasm-relaxed-simd=true 2>&1");
  CHECK(both.exit_code == 1);
  CHECK(both.output.find("--wasm-relaxed-simd=true needs SIMD") != std::string::npos);
}
