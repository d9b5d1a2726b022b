// Example program for a pre-initialized C++ build: static constructors build an index that main answers from.
// Built for wasm32-wasi by this folder's meson.build, whose last step runs kiln so that the shipped module
// starts with the index already in memory and its constructors never run again.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <wasi/api.h>

extern "C" void __wasm_call_ctors();
extern "C" void __wasm_call_dtors();
extern "C" int __main_void();

namespace {

// The start-up work worth skipping: the first 20,000 primes and a map from each to its position.
struct PrimeIndex {
  std::vector<unsigned> primes;
  std::map<unsigned, std::size_t> position;

  PrimeIndex() {
    // Written while the constructors run: present in a plain run, absent from a pre-initialized one.
    std::fprintf(stderr, "prime_index: building the prime index\n");
    for (unsigned n = 2; primes.size() < 20000; ++n) {
      bool prime = true;
      for (unsigned p : primes) {
        if (p * p > n) break;
        if (n % p == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        position[n] = primes.size();
        primes.push_back(n);
      }
    }
  }
};

PrimeIndex table;

}  // namespace

// Arguments: numbers. For each, prints the n-th prime (1-based) and whether n itself is prime.
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    unsigned long n = std::strtoul(argv[i], nullptr, 10);
    auto found = table.position.find(static_cast<unsigned>(n));
    std::printf("%lu: prime #%lu is %u; %lu %s\n", n, n,
                n >= 1 && n <= table.primes.size() ? table.primes[n - 1] : 0u, n,
                found == table.position.end() ? "is not prime" : "is prime");
  }
  return 0;
}

// The pre-initializer calls this once at build time; the output's _start is wizer.resume.
extern "C" __attribute__((export_name("wizer.initialize"))) void wizer_initialize() { __wasm_call_ctors(); }

extern "C" __attribute__((export_name("wizer.resume"))) void wizer_resume() {
  int code = __main_void();
  __wasm_call_dtors();
  if (code != 0) __wasi_proc_exit(static_cast<__wasi_exitcode_t>(code));
}
