// Bodies typed on several threads give what one thread gives: the same function facts, the same first error.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/validate/validate.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr unsigned kThreadCounts[] = {1, 2, 3, 4, 7};

// `count` functions () -> i32 with nested blocks; the bodies at `bad` get `bad_code` instead.
ByteVec many_functions(uint32_t count, const std::vector<std::pair<uint32_t, ByteVec>>& bad = {}) {
  std::vector<ByteVec> decls, bodies, declared;
  for (uint32_t i = 0; i < count; ++i) {
    decls.push_back({0x00});
    declared.push_back(uleb(i));
    // block (result i32) ... i32.const i ... end, with i % 5 extra nested blocks; every fifth function
    // also takes a reference to itself (ref.func i; drop), so the facts differ per function
    ByteVec code;
    if (i % 5 == 4) append(code, cat({{0xD2}, uleb(i), {0x1A}}));
    const uint32_t depth = i % 5;
    for (uint32_t d = 0; d < depth; ++d) append(code, {0x02, 0x7F});
    append(code, {0x41});
    append(code, sleb(static_cast<int64_t>(i)));
    for (uint32_t d = 0; d < depth; ++d) append(code, {0x0B});
    append(code, {0x0B});
    for (const auto& [index, replacement] : bad)
      if (index == i) code = replacement;
    bodies.push_back(body({0x00}, code));
  }
  // A declarative element segment (flags 3, funcref) declares them all for ref.func.
  const ByteVec declare = cat({{0x03, 0x00}, vec_of(declared)});
  return module({section(1, vec({func_type({}, {0x7F})})), section(3, vec_of(decls)), section(9, vec({declare})),
                 section(10, vec_of(bodies))});
}

Module decoded(const ByteVec& bytes) {
  auto m = decode_module(bytes, Features::all());
  REQUIRE(m.ok());
  return std::move(m).value();
}

}  // namespace

TEST_CASE("function facts are the same whichever number of threads types the bodies") {
  const Module m = decoded(many_functions(500));
  auto one = validate_module(m, 1);
  REQUIRE(one.ok());
  for (unsigned threads : kThreadCounts) {
    CAPTURE(threads);
    auto many = validate_module(m, threads);
    REQUIRE(many.ok());
    CHECK(many->funcs == one->funcs);  // every fact, ref.func targets included
  }
  CHECK(one->funcs[0].ref_funcs.empty());
  CHECK(one->funcs[4].ref_funcs == std::vector<uint32_t>{4});
  CHECK(one->funcs[499].ref_funcs == std::vector<uint32_t>{499});
}

TEST_CASE("the first invalid function in index order is reported whichever thread finds an error first") {
  // Function 130 returns an i64 where i32 is due; function 420 ends early (i32.add on nothing) - a later,
  // different error that a thread starting beyond 130 finds first.
  const ByteVec wrong_type = {0x42, 0x00, 0x0B};
  const ByteVec underflow = {0x6A, 0x0B};
  const Module m = decoded(many_functions(500, {{130, wrong_type}, {420, underflow}}));
  auto one = validate_module(m, 1);
  REQUIRE_FALSE(one.ok());
  CHECK(one.error().message.find("type mismatch") != std::string::npos);
  for (unsigned threads : kThreadCounts) {
    CAPTURE(threads);
    auto many = validate_module(m, threads);
    REQUIRE_FALSE(many.ok());
    CHECK(many.error().code == one.error().code);
    CHECK(many.error().offset == one.error().offset);
    CHECK(many.error().message == one.error().message);
  }
  // Only the later error left: every count now reports that one.
  const Module later = decoded(many_functions(500, {{420, underflow}}));
  auto only = validate_module(later, 4);
  REQUIRE_FALSE(only.ok());
  CHECK(only.error().offset > one.error().offset);
}

TEST_CASE("pre-initialization writes the same bytes with one validation thread or many, run after run") {
  auto input = read_file(std::string(KILN_SOURCE_ROOT) + "/corpus/demo/primes.wasm");
  REQUIRE(input.ok());
  Options options;
  options.validation_threads = 1;
  auto reference = preinitialize(*input, options);
  REQUIRE(reference.ok());
  for (unsigned threads : {0u, 2u, 4u, 4u, 8u}) {
    CAPTURE(threads);
    options.validation_threads = threads;
    auto output = preinitialize(*input, options);
    REQUIRE(output.ok());
    CHECK(*output == *reference);
  }
}
