// Checks that README.md's embedding example is the code the tests compile, and that it works.
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "kiln/base/file_io.h"

int preinit_file(const char* in, const char* out);

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string between(const std::string& text, const std::string& begin, const std::string& end) {
  const size_t b = text.find(begin);
  if (b == std::string::npos) return {};
  const size_t start = text.find('\n', b) + 1;
  const size_t e = text.find(end, start);
  if (e == std::string::npos) return {};
  return text.substr(start, e - start);
}

}  // namespace

TEST_CASE("README's embedding example is tests/embed_example.cc verbatim") {
  const std::string root = KILN_SOURCE_ROOT;
  const std::string example = between(slurp(root + "/tests/embed_example.cc"), "// README-EXAMPLE-BEGIN", "// README-EXAMPLE-END");
  const std::string readme = between(slurp(root + "/README.md"), "```cpp", "```");
  REQUIRE_FALSE(example.empty());
  CHECK(readme == example);
}

TEST_CASE("the embedding example pre-initializes the demo module") {
  const std::string root = KILN_SOURCE_ROOT;
  const std::string out = "/tmp/kiln-readme-" + std::to_string(::getpid()) + ".wasm";
  REQUIRE(preinit_file((root + "/corpus/demo/primes.wasm").c_str(), out.c_str()) == 0);
  auto bytes = kiln::read_file(out);
  REQUIRE(bytes.ok());
  CHECK(bytes->size() > 1'000'000);  // the sieve's table is in the data section now
  ::unlink(out.c_str());
  CHECK(preinit_file((root + "/no/such/file.wasm").c_str(), out.c_str()) == 1);
}
