// C++ command module with static constructors (std::map, std::vector, std::unordered_map), pre-initialized
// with the wizer.initialize + `-r _start=wizer.resume` pattern: the output's _start must not rerun them.
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <wasi/api.h>

extern "C" void __wasm_call_ctors();
extern "C" void __wasm_call_dtors();
extern "C" int __main_void();


static int constructor_runs = 0;

struct Tables {
  std::map<std::string, int> by_name;
  std::vector<int> squares;
  std::unordered_map<int, std::string> names;
  Tables() {
    ++constructor_runs;
    const char* words[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
    for (int i = 0; i < 8; ++i) {
      by_name[words[i]] = i;
      names[i] = words[i];
    }
    for (int i = 0; i < 1000; ++i) squares.push_back(i * i);
  }
};

static Tables tables;

int main() {
  long sum = 0;
  for (int s : tables.squares) sum += s;
  std::printf("ctors=%d gamma=%d name[5]=%s sum=%ld\n", constructor_runs, tables.by_name["gamma"],
              tables.names[5].c_str(), sum);
  return constructor_runs == 1 ? 0 : 3;
}

extern "C" __attribute__((export_name("wizer.initialize"))) void wizer_initialize() { __wasm_call_ctors(); }

extern "C" __attribute__((export_name("wizer.resume"))) void wizer_resume() {
  int code = __main_void();
  __wasm_call_dtors();
  if (code != 0) __wasi_proc_exit(code);
}
