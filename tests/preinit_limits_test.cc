// kiln's limits for running modules it did not write: --max-stack, --max-memory, --max-output-size.
// --fuel: preinit_refusal_test.cc ("--fuel stops an init that never ends"); --max-data-segments capping by
// merging rather than failing: preinit_cli_test.cc ("--max-data-segments caps the segments").
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/cli_refusal.h"
#include "support/preinit_oracle.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint8_t I32 = 0x7f, I64 = 0x7e, END = 0x0b;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A name section naming function `index`, so that messages say "$name".
ByteVec func_name_section(uint32_t index, const char* func_name) {
  const ByteVec names = vec({cat({uleb(index), name(func_name)})});
  return section(0, cat({name("name"), {0x01}, uleb(names.size()), names}));
}

// (func $init (call $recurse (i32.const DEPTH)))
// (func $recurse (param i32) (local LOCALS)
//   (if (local.get 0) (then (CALL (i32.sub (local.get 0) (i32.const 1))))))
// where CALL is `call $recurse` or `call_indirect` through table slot 0.
ByteVec recursion_module(uint32_t depth, bool indirect, uint32_t i64_locals) {
  const ByteVec call = indirect ? ByteVec{0x41, 0x00, 0x11, 0x01, 0x00} : ByteVec{0x10, 0x01};
  const ByteVec init = cat({{0x41}, sleb(depth), {0x10, 0x01, END}});
  const ByteVec recurse = cat({{0x20, 0x00, 0x04, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b}, call, {END, END}});
  const ByteVec locals = i64_locals ? cat({{0x01}, uleb(i64_locals), {I64}}) : ByteVec{0x00};
  return module({
      section(1, vec({func_type({}, {}), func_type({I32}, {})})),
      section(3, vec({{0x00}, {0x01}})),
      section(4, vec({{0x70, 0x00, 0x01}})),
      section(7, vec({cat({name("wizer-initialize"), {0x00, 0x00}})})),
      section(9, vec({{0x00, 0x41, 0x00, END, 0x01, 0x01}})),
      section(10, vec({body({0x00}, init), body(locals, recurse)})),
      func_name_section(1, "recurse"),
  });
}

// (memory MIN) (global $first (mut i32)) (global $second (mut i32))
// init: first = memory.grow(1); second = memory.grow(1); "first" and "second" return them.
ByteVec growing_module(uint8_t min_pages) {
  const ByteVec init = {0x41, 0x01, 0x40, 0x00, 0x24, 0x00, 0x41, 0x01, 0x40, 0x00, 0x24, 0x01, END};
  return module({
      section(1, vec({func_type({}, {}), func_type({}, {I32})})),
      section(3, vec({{0x00}, {0x01}, {0x01}})),
      section(5, vec({{0x00, min_pages}})),
      section(6, vec({{I32, 0x01, 0x41, 0x00, END}, {I32, 0x01, 0x41, 0x00, END}})),
      section(7, vec({cat({name("wizer-initialize"), {0x00, 0x00}}), cat({name("first"), {0x00, 0x01}}),
                      cat({name("second"), {0x00, 0x02}})})),
      section(10, vec({body({0x00}, init), body({0x00}, {0x23, 0x00, END}), body({0x00}, {0x23, 0x01, END})})),
  });
}

// (memory 1) and an init function with the given code.
ByteVec one_page_module(const ByteVec& init) {
  return module({
      section(1, vec({func_type({}, {})})),
      section(3, vec({{0x00}})),
      section(5, vec({{0x00, 0x01}})),
      section(7, vec({cat({name("wizer-initialize"), {0x00, 0x00}})})),
      section(10, vec({body({0x00}, init)})),
  });
}

// init: memory.fill(0, 0xab, 4096), so the output holds a 4 KiB data segment.
ByteVec filling_module() {
  return one_page_module({0x41, 0x00, 0x41, 0xab, 0x01, 0x41, 0x80, 0x20, 0xfc, 0x0b, 0x00, END});
}

struct Run {
  CommandResult result;
  std::vector<uint8_t> output;
};

// `kiln IN -o OUT ARGS` expected to succeed.
Run preinit_ok(const std::vector<uint8_t>& input, const std::string& args) {
  Workspace ws(input);
  Run run{run_command(std::string(KILN_EXE) + " " + ws.input + " -o " + ws.output + " " + args), {}};
  CHECK_MESSAGE(run.result.exit_code == 0, run.result.output);
  run.output = read_bytes(ws.output);
  return run;
}

}  // namespace

TEST_CASE("limits: unbounded recursion in init ends as 'call stack exhausted' naming the function and --max-stack") {
  struct Shape {
    const char* what;
    bool indirect;
    uint32_t locals;
  };
  // 100,000 i64 locals a frame reach the 256 MiB operand stack cap long before 20,000 frames.
  for (const Shape& shape : {Shape{"call", false, 0}, Shape{"call_indirect", true, 0},
                             Shape{"call with 100000 locals a frame", false, 100'000}}) {
    CAPTURE(shape.what);
    const Refusal r = refuse(recursion_module(1'000'000, shape.indirect, shape.locals), "");
    CHECK_MESSAGE(contains(r.message, "kiln: error: IN: the init function failed: call stack exhausted in func "
                                      "$recurse (#1) at 0x"),
                  r.message);
    CHECK_MESSAGE(contains(r.message, "(the limit is --max-stack 20000 nested calls"), r.message);
    CHECK_MESSAGE(contains(r.message, "raise --max-stack"), r.message);
    CHECK_MESSAGE(contains(r.message, "more frames\n"), r.message);  // the backtrace is shortened
  }
}

TEST_CASE("limits: --max-stack sets the call depth init may reach") {
  // Init nests 51 calls: $init and 50 of $recurse (the last one returns at once).
  const std::vector<uint8_t> input = recursion_module(50, false, 0);
  for (const char* enough : {"", "--max-stack 52", "--max-stack=100"}) {
    CAPTURE(enough);
    preinit_ok(input, enough);
  }
  const Refusal shallow = refuse(input, "--max-stack 40");
  CHECK_MESSAGE(contains(shallow.message, "call stack exhausted in func $recurse (#1)"), shallow.message);
  CHECK_MESSAGE(contains(shallow.message, "(the limit is --max-stack 40 nested calls"), shallow.message);
  for (const char* bad : {"--max-stack 0", "--max-stack 4294967296", "--max-stack=deep"}) {
    CAPTURE(bad);
    Workspace ws(input);
    expect_refusal(ws, std::string(KILN_EXE) + " " + bad + " " + ws.input + " -o " + ws.output,
                   "kiln: --max-stack needs a number");
  }
}

TEST_CASE("limits: memory.grow past --max-memory returns -1, as the spec allows, and init goes on") {
  const std::vector<uint8_t> input = growing_module(1);
  struct Case {
    std::string args;
    const char* first;
    const char* second;
  };
  // The limit is rounded down to whole 64 KiB pages.
  for (const Case& c : {Case{"", "i32:1", "i32:2"}, Case{"--max-memory 196608", "i32:1", "i32:2"},
                        Case{"--max-memory 131072", "i32:1", "i32:4294967295"}, Case{"--max-memory=196607", "i32:1", "i32:4294967295"},
                        Case{"--max-memory 65536", "i32:4294967295", "i32:4294967295"}}) {
    CAPTURE(c.args);
    const Run run = preinit_ok(input, c.args);
    CHECK(call_fresh(run.output, "first") == c.first);
    CHECK(call_fresh(run.output, "second") == c.second);
  }
}

TEST_CASE("limits: init that fails after memory.grow returned -1 is told which memory is at --max-memory") {
  // init: (if (i32.eq (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
  const ByteVec input = one_page_module({0x41, 0x01, 0x40, 0x00, 0x41, 0x7f, 0x46, 0x04, 0x40, 0x00, END, END});
  const Refusal r = refuse(input, "--max-memory 100000");
  CHECK_MESSAGE(contains(r.message, "the init function failed: unreachable in func #0 at 0x"), r.message);
  CHECK_MESSAGE(contains(r.message, "\n  note: memory 0 is at --max-memory 100000 (1 pages); memory.grow past it "
                                    "returns -1\n"),
                r.message);
  preinit_ok(input, "--max-memory 131072");
}

TEST_CASE("limits: a memory whose declared minimum is above --max-memory is refused, naming it") {
  const Refusal r = refuse(growing_module(3), "--max-memory 131072");
  CHECK(r.message ==
        "kiln: error: IN: memory 0 declares a minimum of 3 pages, more than --max-memory 131072 allows (2 pages of "
        "64 KiB); raise --max-memory\n");
  preinit_ok(growing_module(3), "--max-memory 262144");
}

TEST_CASE("limits: an output above --max-output-size is refused and nothing is written") {
  const std::vector<uint8_t> input = filling_module();
  const Run unbounded = preinit_ok(input, "");
  const size_t size = unbounded.output.size();
  REQUIRE(size > 4096);
  const Run exact = preinit_ok(input, "--max-output-size " + std::to_string(size));
  CHECK(exact.output == unbounded.output);
  for (const size_t limit : {size - 1, size_t{100}, size_t{0}}) {
    CAPTURE(limit);
    const Refusal r = refuse(input, "--max-output-size=" + std::to_string(limit));
    CHECK(r.message == "kiln: error: IN: the output module would be larger than --max-output-size " +
                           std::to_string(limit) + " bytes; raise --max-output-size to write it\n");
  }
  Options options = all_features();
  options.max_output_bytes = size - 1;
  auto refused = preinitialize(input, options);
  REQUIRE(!refused.ok());
  CHECK(refused.error().code == ErrorCode::kExhausted);
}

TEST_CASE("limits: kiln --help documents every limit") {
  const CommandResult help = run_command(std::string(KILN_EXE) + " --help");
  REQUIRE(help.exit_code == 0);
  for (const char* flag : {"--fuel N", "--max-memory BYTES", "--max-stack N", "--max-output-size BYTES",
                           "--max-data-segments N"})
    CHECK_MESSAGE(contains(help.output, flag), flag);
}
