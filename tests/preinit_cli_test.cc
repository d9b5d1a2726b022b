// The kiln pre-initialization command line: option spellings, stdin/stdout, renames, notes and --stats.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

const std::string kKiln = KILN_EXE;

// A private directory; `in` is a copy of a corpus module.
struct Dir {
  std::string path = temp_path("-cli");
  std::string in = path + "/in.wasm";
  explicit Dir(const char* corpus) {
    REQUIRE(::mkdir(path.c_str(), 0755) == 0);
    write_bytes(in, read_corpus(corpus));
  }
  ~Dir() { run_command("rm -rf '" + path + "'"); }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

// Runs a shell command with stdout and stderr kept apart (run_command merges them).
struct Split {
  int exit_code = -1;
  std::string out;
  std::string err;
};
Split run_split(const Dir& dir, const std::string& command) {
  const std::string out = dir.file("stdout"), err = dir.file("stderr");
  Split s;
  s.exit_code = run_command("( (" + command + ") >" + out + " 2>" + err + " )").exit_code;
  const std::vector<uint8_t> o = read_bytes(out), e = read_bytes(err);
  s.out.assign(o.begin(), o.end());
  s.err.assign(e.begin(), e.end());
  return s;
}

std::vector<std::string> export_names(const std::vector<uint8_t>& wasm) {
  auto m = decode_module(wasm, Features::all());
  REQUIRE(m.ok());
  std::vector<std::string> names;
  for (const Export& e : m->exports) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("every spelling of an option with a value gives the same output as the API") {
  Dir dir("order");
  auto expected = preinitialize(read_corpus("order"), all_features());
  REQUIRE(expected.ok());
  const std::vector<std::string> forms = {
      "IN -o OUT",
      "IN -o=OUT",
      "IN --output OUT",
      "IN --output=OUT",
      "-o OUT IN",
      "--init-func wizer-initialize IN -o OUT",
      "--init-func=wizer-initialize IN -o OUT",
      "-f wizer-initialize IN -o OUT",
      "-f=wizer-initialize IN -o OUT",
      "IN -o OUT --keep-init-func=false",
      "--max-data-segments 5 IN -o OUT",
      "--max-data-segments=5 IN -o OUT",
      "--fuel=1000000 IN -o OUT",
  };
  int n = 0;
  for (std::string form : forms) {
    CAPTURE(form);
    const std::string out = dir.file("out" + std::to_string(n++) + ".wasm");
    form.replace(form.find("IN"), 2, dir.in);
    form.replace(form.find("OUT"), 3, out);
    const CommandResult r = run_command(kKiln + " " + form);
    CHECK_MESSAGE(r.exit_code == 0, r.output);
    CHECK(r.output.empty());
    CHECK(read_bytes(out) == *expected);
  }
}

TEST_CASE("--keep-init-func as a bare flag or =true keeps the init export") {
  Dir dir("order");
  const Names kept = {"get", "init_calls", "initialize_calls", "wizer-initialize"};
  for (const std::string flag : {"--keep-init-func", "--keep-init-func=true"}) {
    CAPTURE(flag);
    const std::string out = dir.file("kept.wasm");
    // The bare flag directly before the input: the input must not be taken as its value.
    const CommandResult r = run_command(kKiln + " " + flag + " " + dir.in + " -o " + out);
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    CHECK(export_names(read_bytes(out)) == kept);
  }
  const CommandResult bad = run_command(kKiln + " --keep-init-func=maybe " + dir.in + " -o " + dir.file("x.wasm"));
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.output, "true or false"));
  CHECK(::access(dir.file("x.wasm").c_str(), F_OK) != 0);
}

TEST_CASE("a boolean's value may be the next argument, as Wizer 7 requires and Wizer 11 allows") {
  Dir dir("order");
  const Names kept = {"get", "init_calls", "initialize_calls", "wizer-initialize"};
  const Names removed = {"get", "init_calls", "initialize_calls"};
  struct Form {
    std::string flags;
    Names exports;
  };
  const std::vector<Form> forms = {
      {"--keep-init-func true", kept},
      {"--keep-init-func false", removed},
      {"--inherit-stdio false --inherit-env true --keep-init-func true", kept},
      {"--wasm-simd true --wasm-bulk-memory true --wasm-multi-value true", removed},
  };
  for (const Form& form : forms) {
    CAPTURE(form.flags);
    const std::string out = dir.file("spaced.wasm");
    const CommandResult r = run_command(kKiln + " " + form.flags + " " + dir.in + " -o " + out);
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    CHECK(export_names(read_bytes(out)) == form.exports);
  }
  // "--wasm-simd false" turns SIMD off as "=false" does: a SIMD module is then refused.
  Dir simd("globals");
  const CommandResult off = run_command(kKiln + " --wasm-simd false " + simd.in + " -o " + simd.file("x.wasm"));
  CHECK(off.exit_code == 1);
  CHECK(contains(off.output, "--wasm-simd=true"));
}

TEST_CASE("the output file gets the usual permissions, not a temporary file's 0600") {
  Dir dir("order");
  const std::string out = dir.file("out.wasm");
  REQUIRE(run_command("umask 022; " + kKiln + " " + dir.in + " -o " + out).exit_code == 0);
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("standard input when INPUT is '-' or absent, standard output without -o") {
  Dir dir("order");
  auto expected = preinitialize(read_corpus("order"), all_features());
  REQUIRE(expected.ok());
  const std::string want(expected->begin(), expected->end());
  const std::vector<std::string> commands = {kKiln + " - -o OUT <IN", kKiln + " -o OUT <IN",
                                             "cat IN | " + kKiln + " -o OUT"};
  for (const std::string& command : commands) {
    std::string c = command;
    c.replace(c.find("IN"), 2, dir.in);
    c.replace(c.find("OUT"), 3, dir.file("out.wasm"));
    CAPTURE(c);
    CHECK(run_command(c).exit_code == 0);
    CHECK(read_bytes(dir.file("out.wasm")) == *expected);
  }
  const Split to_stdout = run_split(dir, kKiln + " " + dir.in);
  CHECK(to_stdout.exit_code == 0);
  CHECK(to_stdout.err.empty());
  CHECK(to_stdout.out == want);
  const Split both = run_split(dir, kKiln + " - <" + dir.in);
  CHECK(both.out == want);
  const Split dash_out = run_split(dir, kKiln + " " + dir.in + " -o -");
  CHECK(dash_out.out == want);
}

TEST_CASE("--stats goes to standard error, never into the module on standard output") {
  Dir dir("scattered");
  const Split s = run_split(dir, kKiln + " --stats " + dir.in);
  REQUIRE(s.exit_code == 0);
  auto expected = preinitialize(read_corpus("scattered"), all_features());
  REQUIRE(expected.ok());
  CHECK(s.out == std::string(expected->begin(), expected->end()));
  CHECK(s.err.rfind("kiln stats: init function 'wizer-initialize'\n", 0) == 0);
  CHECK(contains(s.err, "input 128 bytes, output " + std::to_string(expected->size()) + " bytes"));
  CHECK(contains(s.err, "memory 262144 bytes"));
  const Split quiet = run_split(dir, kKiln + " " + dir.in + " -o " + dir.file("o.wasm"));
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
}

TEST_CASE("-r DST=SRC on the command line, in each spelling") {
  Dir dir("renames");
  for (const std::string rename :
       {"-r _start=wizer.resume", "-r=_start=wizer.resume", "--rename-func _start=wizer.resume",
        "--rename-func=_start=wizer.resume"}) {
    CAPTURE(rename);
    const std::string out = dir.file("out.wasm");
    const CommandResult r = run_command(kKiln + " " + rename + " " + dir.in + " -o " + out);
    REQUIRE_MESSAGE(r.exit_code == 0, r.output);
    const std::vector<uint8_t> wasm = read_bytes(out);
    CHECK(export_names(wasm) == Names{"_start", "five", "six"});
    CHECK(call_fresh(wasm, "_start") == "i32:101");
  }
  const CommandResult over = run_command(kKiln + " -r five=six " + dir.in + " -o " + dir.file("over.wasm"));
  REQUIRE(over.exit_code == 0);
  CHECK(call_fresh(read_bytes(dir.file("over.wasm")), "five") == "i32:6");
}

TEST_CASE("conflicting or malformed renames exit 1 with a clear message and no output") {
  Dir dir("renames");
  const std::string out = dir.file("out.wasm");
  const CommandResult two_sources = run_command(kKiln + " -r a=five -r a=six " + dir.in + " -o " + out);
  CHECK(two_sources.exit_code == 1);
  CHECK_MESSAGE(contains(two_sources.output, "duplicate --rename-func destination 'a'"), two_sources.output);
  const CommandResult one_source = run_command(kKiln + " -r a=five -r b=five " + dir.in + " -o " + out);
  CHECK(one_source.exit_code == 1);
  CHECK_MESSAGE(contains(one_source.output, "duplicate --rename-func source 'five'"), one_source.output);
  for (const std::string bad : {"-r five", "-r =five", "-r five=", "-r"}) {
    CAPTURE(bad);
    const CommandResult r = run_command(kKiln + " " + dir.in + " -o " + out + " " + bad);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(contains(r.output, "DST=SRC"), r.output);
  }
  CHECK(::access(out.c_str(), F_OK) != 0);
}

TEST_CASE("the wizer.initialize fallback is announced on standard error") {
  Dir dir("fallback");
  const Split s = run_split(dir, kKiln + " --verbose " + dir.in + " -o " + dir.file("out.wasm"));
  CHECK(s.exit_code == 0);
  CHECK(s.out.empty());
  CHECK(s.err ==
        "kiln: note: no export named 'wizer-initialize'; using 'wizer.initialize' as the init function\n");
  CHECK(call_fresh(read_bytes(dir.file("out.wasm")), "get") == "i32:7");
  Dir both("fallback_both");
  const Split quiet = run_split(both, kKiln + " " + both.in + " -o " + both.file("out.wasm"));
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE("the CLI output is deterministic and --max-data-segments caps the segments") {
  Dir dir("scattered");
  const std::string a = dir.file("a.wasm"), b = dir.file("b.wasm"), capped = dir.file("capped.wasm");
  REQUIRE(run_command(kKiln + " " + dir.in + " -o " + a).exit_code == 0);
  REQUIRE(run_command(kKiln + " " + dir.in + " -o " + b).exit_code == 0);
  CHECK(read_bytes(a) == read_bytes(b));
  REQUIRE(run_command(kKiln + " --max-data-segments 3 " + dir.in + " -o " + capped).exit_code == 0);
  auto m = decode_module(read_bytes(capped), Features::all());
  REQUIRE(m.ok());
  CHECK(std::count_if(m->datas.begin(), m->datas.end(),
                      [](const DataSegment& d) { return d.mode == SegmentMode::kActive; }) <= 3);
  // Same memory as the uncapped output.
  Loaded x = load_module(read_bytes(a), all_features());
  Loaded y = load_module(read_bytes(capped), all_features());
  REQUIRE(x.error.empty());
  REQUIRE(y.error.empty());
  CHECK(compare_state(*x.instance, *y.instance).empty());
}

TEST_CASE("unknown options and stray arguments are usage errors") {
  Dir dir("order");
  const std::string out = dir.file("out.wasm");
  const CommandResult unknown = run_command(kKiln + " --frobnicate " + dir.in + " -o " + out);
  CHECK(unknown.exit_code == 1);
  CHECK(contains(unknown.output, "unknown option '--frobnicate'"));
  const CommandResult two_inputs = run_command(kKiln + " " + dir.in + " " + dir.in + " -o " + out);
  CHECK(two_inputs.exit_code == 1);
  CHECK(contains(two_inputs.output, "more than one input"));
  const CommandResult no_value = run_command(kKiln + " " + dir.in + " -o");
  CHECK(no_value.exit_code == 1);
  CHECK(contains(no_value.output, "needs a value"));
  const CommandResult bad_number = run_command(kKiln + " --fuel lots " + dir.in + " -o " + out);
  CHECK(bad_number.exit_code == 1);
  CHECK(contains(bad_number.output, "needs a number"));
  CHECK(::access(out.c_str(), F_OK) != 0);
}
