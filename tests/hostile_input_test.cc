// The hostile-input matrix: malformed modules, unreadable inputs and unwritable outputs through the kiln
// binary. Every case must end with a message naming the problem (and its byte offset where it has one),
// exit code 1, no output file, no temporary file left behind, and the input byte for byte as it was.
//
// Covered elsewhere with all of these assertions, so not repeated here (preinit_refusal_test.cc): an empty
// file and truncations at every header boundary, a missing init export and one of the wrong kind or type,
// a trap during init or the start function, an init calling an unprovided import, OUTPUT equal to INPUT by
// the same path, "dir/./", a symbolic and a hard link, an output under a missing directory or a file, and a
// refused run leaving an existing output untouched.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "support/cli_refusal.h"
#include "support/preinit_oracle.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint8_t END = 0x0b;

// (memory 1) (func (export "wizer-initialize")): valid, so that each case breaks one thing.
const ByteVec kTypes = section(1, vec({func_type({}, {})}));
const ByteVec kFuncs = section(3, vec({{0x00}}));
const ByteVec kMemory = section(5, vec({{0x00, 0x01}}));
ByteVec exports_named(const ByteVec& export_name) { return section(7, vec({cat({export_name, {0x00, 0x00}})})); }
const ByteVec kCode = section(10, vec({body({0x00}, {END})}));
ByteVec valid_module() { return module({kTypes, kFuncs, kMemory, exports_named(name("wizer-initialize")), kCode}); }

// A name whose bytes are not UTF-8.
ByteVec raw_name(const ByteVec& bytes) { return cat({uleb(bytes.size()), bytes}); }

std::string hex(size_t offset) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%zx", offset);
  return text;
}

struct HostileCase {
  std::string problem;
  ByteVec input;             // the workspace's IN
  std::string command;       // shell; KILN, IN, OUT and DIR are replaced, AS_USER too (see below)
  std::string start;         // the message's first characters, IN and DIR for the workspace's paths
  std::string setup = {};    // shell, run before the command
  std::string empty_dir = {};  // a directory that must stay empty (the output's, when not DIR)
};

std::string expand(std::string text, const Workspace& ws) {
  // Root reads mode-000 files and writes into read-only directories, so
  // permission cases run kiln as the unprivileged user "nobody" then.
  const std::string as_user = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups " : "";
  const std::pair<std::string, std::string> words[] = {
      {"AS_USER ", as_user}, {"KILN", KILN_EXE}, {"IN", ws.input}, {"OUT", ws.output}, {"DIR", ws.dir}};
  for (const auto& [word, value] : words)
    for (size_t at = 0; (at = text.find(word, at)) != std::string::npos; at += value.size())
      text.replace(at, word.size(), value);
  return text;
}

// Malformed modules: each breaks the valid module in one place; offsets are
// those of the offending byte.
std::vector<HostileCase> malformed_cases() {
  const std::string kiln = "KILN IN -o OUT";
  const ByteVec whole = valid_module();
  std::vector<HostileCase> cases = {
      // Reported at the code section's size, which runs past the end.
      {"truncated in the code section", ByteVec(whole.begin(), whole.end() - 2), kiln,
       "kiln: error: IN:" + hex(whole.size() - kCode.size() + 1) + ": length out of bounds"},
      {"wrong magic", cat({{0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00}, kTypes}), kiln,
       "kiln: error: IN:0x0: magic header not detected"},
      {"wrong version", cat({{0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}, kTypes}), kiln,
       "kiln: error: IN:0x4: unknown binary version"},
      // A section size in six bytes (a u32 takes at most five): the fifth still continues.
      {"over-long LEB", cat({header(), {0x01, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00}}), kiln,
       "kiln: error: IN:0xd: integer representation too long"},
      // A section size whose fifth byte sets bits above 2^32.
      {"LEB too large", cat({header(), {0x01, 0xff, 0xff, 0xff, 0xff, 0x7f}}), kiln,
       "kiln: error: IN:0xd: integer too large"},
      {"section longer than the file", cat({header(), {0x01, 0xe8, 0x07, 0x00}}), kiln,
       "kiln: error: IN:0x9: length out of bounds"},
      {"unknown section id", cat({header(), {0x2a, 0x00}}), kiln, "kiln: error: IN:0x8: malformed section id"},
      {"duplicate export names",
       module({kTypes, kFuncs, kMemory,
               section(7, vec({cat({name("wizer-initialize"), {0x00, 0x00}}), cat({name("wizer-initialize"), {0x00, 0x00}})})),
               kCode}),
       kiln,
       // Reported at the export section's contents.
       "kiln: error: IN:" + hex(header().size() + kTypes.size() + kFuncs.size() + kMemory.size() + 2) +
           ": duplicate export name \"wizer-initialize\""},
  };
  // A section claiming 2^32-1 entries in a few bytes must fail at once, at the
  // count, not reserve room for them.
  struct Counted {
    const char* section_name;
    uint8_t id;
  };
  for (const Counted& s : {Counted{"type", 1}, Counted{"import", 2}, Counted{"function", 3}, Counted{"table", 4},
                           Counted{"memory", 5}, Counted{"global", 6}, Counted{"export", 7}, Counted{"element", 9},
                           Counted{"code", 10}, Counted{"data", 11}}) {
    const ByteVec claim = uleb(0xFFFF'FFFFu);
    cases.push_back({std::string("a ") + s.section_name + " section claiming 2^32-1 entries",
                     cat({header(), section(s.id, cat({claim, {0x00}}))}), kiln,
                     "kiln: error: IN:" + hex(header().size() + 2) + ": length out of bounds"});
  }
  // The tag section (exception handling) is off by default, as in Wizer: it
  // is refused at its id byte, naming the feature; turned on, a huge count
  // fails at the count like the sections above.
  const ByteVec huge_tags = cat({header(), section(13, cat({uleb(0xFFFF'FFFFu), {0x00}}))});
  cases.push_back({"a tag section while exceptions are off", huge_tags, kiln,
                   "kiln: error: IN:" + hex(header().size()) +
                       ": malformed section id (this needs exceptions: turn it on with --enable-exceptions)"});
  cases.push_back({"a tag section claiming 2^32-1 entries", huge_tags, "KILN --enable-exceptions IN -o OUT",
                   "kiln: error: IN:" + hex(header().size() + 2) + ": length out of bounds"});
  // A 64-bit table may declare 2^64-1 elements: refused by name before
  // anything is allocated, not an allocation of that size.
  const ByteVec table64 = section(4, vec({cat({{0x70, 0x04}, uleb(~uint64_t{0})})}));
  cases.push_back({"a 64-bit table of 2^64-1 elements",
                   module({kTypes, kFuncs, table64, exports_named(name("wizer-initialize")), kCode}), kiln,
                   "kiln: error: IN: instantiation failed: table 0 of 18446744073709551615 elements exceeds the "
                   "table limit of 10000000 elements"});
  const std::pair<const char*, ByteVec> bad_utf8[] = {{"a stray continuation byte", {0x80}},
                                                      {"a truncated sequence", {0xc3}},
                                                      {"an over-long encoding", {0xc0, 0x80}},
                                                      {"a surrogate", {0xed, 0xa0, 0x80}},
                                                      {"a code point above U+10FFFF", {0xf4, 0x90, 0x80, 0x80}}};
  for (const auto& [what, bytes] : bad_utf8) {
    const size_t export_name_at = header().size() + kTypes.size() + kFuncs.size() + kMemory.size() + 3 + 1;
    cases.push_back({std::string("export name not UTF-8: ") + what,
                     module({kTypes, kFuncs, kMemory, exports_named(raw_name(bytes)), kCode}), kiln,
                     "kiln: error: IN:" + hex(export_name_at) + ": malformed UTF-8 encoding"});
    const ByteVec import = cat({raw_name(bytes), name("log"), {0x00, 0x00}});
    cases.push_back({std::string("import module name not UTF-8: ") + what,
                     module({kTypes, section(2, vec({import}))}), kiln,
                     "kiln: error: IN:" + hex(header().size() + kTypes.size() + 3 + 1) + ": malformed UTF-8 encoding"});
  }
  return cases;
}

// Inputs that cannot be read and outputs that cannot be written.
std::vector<HostileCase> file_cases() {
  const ByteVec valid = valid_module();
  const ByteVec bad_magic = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
  return {
      {"missing input", valid, "KILN DIR/none.wasm -o OUT",
       "kiln: error: cannot open 'DIR/none.wasm': No such file or directory"},
      {"a directory as input", valid, "KILN DIR -o OUT", "kiln: error: cannot read 'DIR': Is a directory"},
      // The mode is restored afterwards so that the input can be compared.
      {"input without read permission", valid, "AS_USER KILN IN -o OUT; rc=$?; chmod 644 IN; exit $rc",
       "kiln: error: cannot open 'IN': Permission denied", "chmod 000 IN"},
      {"empty standard input", valid, "KILN -o OUT </dev/null", "kiln: error: <stdin>:0x0: unexpected end"},
      {"wrong magic on standard input", bad_magic, "KILN - -o OUT <IN",
       "kiln: error: <stdin>:0x0: magic header not detected"},
      {"output directory without write permission", valid, "AS_USER KILN IN -o DIR/locked/out.wasm",
       "kiln: error: cannot create a file in 'DIR/locked': Permission denied", "mkdir -m 555 DIR/locked",
       "DIR/locked"},
      {"output on a full device", valid, "KILN IN -o /dev/full",
       "kiln: error: cannot write '/dev/full': No space left on device"},
      {"output is the input by a relative ./ path", valid, "cd DIR && KILN in.wasm -o ./in.wasm",
       "kiln: error: the output './in.wasm' is the input file"},
      {"input through a symbolic link, output the file itself", valid, "cd DIR && KILN link.wasm -o in.wasm",
       "kiln: error: the output 'in.wasm' is the input file", "ln -s in.wasm DIR/link.wasm"},
  };
}

void run_case(const HostileCase& c) {
  CAPTURE(c.problem);
  Workspace ws(c.input);
  if (!c.setup.empty()) REQUIRE(run_command(expand(c.setup, ws)).exit_code == 0);
  const Refusal r = expect_refusal(ws, expand(c.command, ws), c.start);
  MESSAGE(c.problem << " -> " << r.message);
  if (!c.empty_dir.empty()) CHECK(run_command("ls -A '" + expand(c.empty_dir, ws) + "'").output.empty());
}

}  // namespace

TEST_CASE("hostile input: malformed modules are refused at the offending byte, nothing written") {
  for (const HostileCase& c : malformed_cases()) run_case(c);
}

TEST_CASE("hostile input: unreadable inputs and unwritable outputs are refused, nothing written") {
  for (const HostileCase& c : file_cases()) run_case(c);
}
