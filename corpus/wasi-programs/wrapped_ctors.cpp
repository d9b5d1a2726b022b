// C++ command module whose init export never names __wasm_call_ctors, so wasm-ld wraps every export
// (init included) in the static constructors and destructors: the size comparison's case of a large
// snapshot of heap-built containers with libc++'s and wasi-libc's state around them.
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Catalogue {
  std::map<std::string, int> by_name;
  std::unordered_map<int, std::string> names;
  std::vector<long> cubes;
  Catalogue() {
    const char* words[] = {"amber", "basalt", "cobalt", "dolomite", "emerald", "feldspar", "garnet", "hematite"};
    for (int i = 0; i < 8; ++i) {
      by_name[words[i]] = i;
      names[i] = std::string(words[i]) + "-" + std::to_string(i * i);
    }
    for (long i = 0; i < 2000; ++i) cubes.push_back(i * i * i);
  }
};

Catalogue catalogue;
std::vector<std::string> index_lines;

}  // namespace

// Init builds more state from what the constructors left: one text line per name.
extern "C" __attribute__((export_name("wizer-initialize"))) void init() {
  for (const auto& entry : catalogue.by_name)
    index_lines.push_back(entry.first + "=" + catalogue.names[entry.second]);
}

int main() {
  long sum = 0;
  for (long c : catalogue.cubes) sum += c;
  for (const std::string& line : index_lines) std::printf("%s\n", line.c_str());
  std::printf("lines=%zu sum=%ld\n", index_lines.size(), sum);
  return 0;
}
