// Checks that README.md's embedding example is the code the tests compile, and that it works; and that its
// description of the layers covers every one there is.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
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

// The text of README.md's section `heading` ("## Layout"), up to the next "## " heading.
std::string section(const std::string& readme, const std::string& heading) {
  const size_t b = readme.find("\n" + heading + "\n");
  if (b == std::string::npos) return {};
  const size_t e = readme.find("\n## ", b + 1);
  return readme.substr(b, e == std::string::npos ? std::string::npos : e - b);
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

TEST_CASE("README's layout table and \"How it works\" name every layer in src/, and no other") {
  namespace fs = std::filesystem;
  const std::string root = KILN_SOURCE_ROOT;
  const std::string readme = slurp(root + "/README.md");
  const std::string layout = section(readme, "## Layout");
  const std::string how = section(readme, "## How it works");
  REQUIRE_FALSE(layout.empty());
  REQUIRE_FALSE(how.empty());
  int layers = 0;
  for (const auto& entry : fs::directory_iterator(root + "/src")) {
    if (!entry.is_directory()) continue;
    const std::string layer = entry.path().filename().string();
    ++layers;
    INFO("layer src/" << layer);
    CHECK(layout.find("| `src/" + layer + "/` |") != std::string::npos);
    CHECK(how.find("`" + layer + "`") != std::string::npos);
  }
  CHECK(layers > 10);
  // A row for a directory that is gone is as wrong as a missing one.
  for (size_t at = layout.find("| `src/"); at != std::string::npos; at = layout.find("| `src/", at + 1)) {
    const size_t name = at + 7;
    const std::string layer = layout.substr(name, layout.find('/', name) - name);
    INFO("layout row src/" << layer);
    CHECK(fs::is_directory(root + "/src/" + layer));
  }
}
