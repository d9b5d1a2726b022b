// Test helpers for the WASI layer: a Store with one linear memory, direct calls of the host functions, temp dirs.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "kiln/runtime/linker.h"
#include "kiln/runtime/store.h"
#include "kiln/wasi/abi.h"
#include "kiln/wasi/wasi.h"

namespace kiln::test {

inline Value I32(uint32_t v) { return Value::i32(v); }
inline Value I64(uint64_t v) { return Value::i64(v); }

// Calls WASI host functions the way the interpreter does, with a caller
// instance that owns one memory of `pages` pages.
class WasiHarness {
 public:
  explicit WasiHarness(WasiOptions options = {}, uint64_t pages = 1, bool with_memory = true) {
    auto created = Wasi::create(std::move(options));
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
    wasi = *created;
    define_wasi(store, linker, wasi);
    instance_ = store.add_instance();
    if (with_memory) {
      MemoryType type;
      type.limits.min = pages;
      auto memory = Memory::create(type);
      REQUIRE(memory.ok());
      memory_ = store.add_memory(std::move(*memory));
      instance_->memories.push_back(memory_);
    }
    context_.caller = instance_;
  }

  // Returns the errno the function returned.
  uint32_t call(const char* name, std::vector<Value> args, const char* module = kWasiModule) {
    std::optional<Trap> trap;
    const uint32_t result = call_raw(name, args, trap, module);
    REQUIRE_MESSAGE(!trap, "unexpected trap from ", name);
    return result;
  }
  uint32_t call_raw(const char* name, std::vector<Value> args, std::optional<Trap>& trap,
                    const char* module = kWasiModule) {
    const Extern* e = linker.find(module, name);
    REQUIRE_MESSAGE(e != nullptr, "no WASI function ", name);
    std::vector<Value> results(e->func->type->results.size());
    trap = e->func->host(context_, args, results);
    return results.empty() ? 0 : static_cast<uint32_t>(results[0].bits);
  }

  // The work the caller has done so far, as the interpreter reports it to host functions.
  void set_fuel_used(uint64_t units) { context_.fuel_used = units; }

  Memory& memory() { return *memory_; }
  uint8_t* at(uint32_t address) { return memory_->data() + address; }
  void put(uint32_t address, std::string_view bytes) { std::memcpy(at(address), bytes.data(), bytes.size()); }
  std::string get(uint32_t address, uint32_t length) {
    return std::string(reinterpret_cast<char*>(at(address)), length);
  }
  template <typename T>
  T load(uint32_t address) {
    T v{};
    std::memcpy(&v, at(address), sizeof v);  // the test hosts are little-endian, like wasm
    return v;
  }
  template <typename T>
  void store_value(uint32_t address, T v) {
    std::memcpy(at(address), &v, sizeof v);
  }
  uint32_t u32(uint32_t address) { return load<uint32_t>(address); }
  uint64_t u64(uint32_t address) { return load<uint64_t>(address); }
  // One iovec at `iov` pointing at (buf, len).
  void iovec(uint32_t iov, uint32_t buf, uint32_t len) {
    store_value<uint32_t>(iov, buf);
    store_value<uint32_t>(iov + 4, len);
  }

  // path_open relative to `dir`; returns errno, the new fd in *fd.
  uint32_t open(uint32_t dir, std::string_view path, uint32_t* fd, uint16_t oflags = 0,
                wasi::Rights rights = wasi::kAllRights, uint32_t lookup = wasi::kLookupSymlinkFollow,
                uint16_t fdflags = 0) {
    put(kPathAt, path);
    const uint32_t e =
        call("path_open", {I32(dir), I32(lookup), I32(kPathAt), I32(static_cast<uint32_t>(path.size())), I32(oflags),
                           I64(rights), I64(wasi::kAllRights), I32(fdflags), I32(kFdOutAt)});
    if (fd) *fd = e == 0 ? u32(kFdOutAt) : ~0u;
    return e;
  }
  // A function of (fd, path, path_len).
  uint32_t path_call(const char* name, uint32_t dir, std::string_view path) {
    put(kPathAt, path);
    return call(name, {I32(dir), I32(kPathAt), I32(static_cast<uint32_t>(path.size()))});
  }
  // Reads the whole of `fd` from its offset.
  std::string read_all(uint32_t fd) {
    std::string out;
    for (;;) {
      iovec(kIovAt, kBufAt, 256);
      REQUIRE(call("fd_read", {I32(fd), I32(kIovAt), I32(1), I32(kCountAt)}) == 0);
      const uint32_t n = u32(kCountAt);
      if (n == 0) return out;
      out += get(kBufAt, n);
    }
  }
  uint32_t write(uint32_t fd, std::string_view text) {
    put(kBufAt, text);
    iovec(kIovAt, kBufAt, static_cast<uint32_t>(text.size()));
    return call("fd_write", {I32(fd), I32(kIovAt), I32(1), I32(kCountAt)});
  }

  static constexpr uint32_t kPathAt = 0x1000;
  static constexpr uint32_t kFdOutAt = 0x0F00;
  static constexpr uint32_t kIovAt = 0x0E00;
  static constexpr uint32_t kCountAt = 0x0E80;
  static constexpr uint32_t kBufAt = 0x2000;

  Store store;
  Linker linker;
  std::shared_ptr<Wasi> wasi;

 private:
  Instance* instance_ = nullptr;
  Memory* memory_ = nullptr;
  HostContext context_;
};

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kiln-wasi-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(std::string_view rel) const { return path_ + "/" + std::string(rel); }
  void write(std::string_view rel, std::string_view content) const {
    std::ofstream out(*this / rel, std::ios::binary);
    out << content;
  }
  std::string read(std::string_view rel) const {
    std::ifstream in(*this / rel, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void mkdir(std::string_view rel) const { std::filesystem::create_directories(*this / rel); }
  void symlink(std::string_view target, std::string_view rel) const {
    REQUIRE(::symlink(std::string(target).c_str(), (*this / rel).c_str()) == 0);
  }
  bool exists(std::string_view rel) const {
    std::error_code ignored;
    return std::filesystem::symlink_status(*this / rel, ignored).type() != std::filesystem::file_type::not_found;
  }

 private:
  std::string path_;
};

// A pipe whose write end stands in for a stdio stream.
class Pipe {
 public:
  Pipe() { REQUIRE(::pipe(fds_) == 0); }
  ~Pipe() {
    close_write();
    if (fds_[0] >= 0) ::close(fds_[0]);
  }
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void close_write() {
    if (fds_[1] >= 0) ::close(fds_[1]);
    fds_[1] = -1;
  }
  // Everything written so far (closes the write end first).
  std::string drain() {
    close_write();
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fds_[0], buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
    return out;
  }

 private:
  int fds_[2] = {-1, -1};
};

inline uint32_t err(wasi::Errno e) { return static_cast<uint32_t>(e); }

}  // namespace kiln::test
