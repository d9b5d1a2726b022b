// A minimal C++ exception runtime for wasm32 code built with -fwasm-exceptions. Debian's wasm32 libc++abi is
// built without exception support, so a workload that throws brings these entry points itself: allocating,
// throwing, catching and rethrowing an exception object, and the personality that tells a landing pad which of
// its catch clauses takes the exception. What it covers: a class object caught by its exact type (by value or
// reference) or by catch (...), rethrow with `throw;`, throwing from inside a handler, nested handlers. A catch by
// a base class does not match (that needs the class hierarchy walk of a full runtime); nothing here is
// thread-safe (wasm32-wasi has one thread).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <typeinfo>

namespace {

// Precedes every exception object; the object starts kHeaderSize bytes after it. The exception's payload as
// wasm throws it (the i32 of the C++ tag) is the header's address.
struct Header {
  const std::type_info* type;
  void* (*destroy)(void*);  // wasm's C++ ABI: destructors return `this`
  Header* next_caught;  // the handler stack, innermost first
  int handlers;         // catch clauses currently holding it
  bool rethrown;
};
constexpr size_t kAlign = 16;
constexpr size_t kHeaderSize = (sizeof(Header) + kAlign - 1) & ~(kAlign - 1);

Header* header_of(void* object) { return reinterpret_cast<Header*>(static_cast<char*>(object) - kHeaderSize); }
void* object_of(Header* header) { return reinterpret_cast<char*>(header) + kHeaderSize; }

Header* caught = nullptr;

uint64_t read_uleb(const uint8_t*& p) {
  uint64_t value = 0;
  for (unsigned shift = 0;; shift += 7) {
    const uint8_t byte = *p++;
    value |= uint64_t{byte & 0x7Fu} << shift;
    if (!(byte & 0x80)) return value;
  }
}

int64_t read_sleb(const uint8_t*& p) {
  uint64_t value = 0;
  unsigned shift = 0;
  uint8_t byte;
  do {
    byte = *p++;
    value |= uint64_t{byte & 0x7Fu} << shift;
    shift += 7;
  } while (byte & 0x80);
  if (shift < 64 && (byte & 0x40)) value |= ~uint64_t{0} << shift;
  return static_cast<int64_t>(value);
}

}  // namespace

// What the compiler's landing pads exchange with the personality: they store which landing pad of the function
// was reached and the function's exception table, and read back the selector of the chosen catch clause.
struct LandingPadContext {
  uintptr_t lpad_index;
  const uint8_t* lsda;
  uintptr_t selector;
};

extern "C" {

LandingPadContext __wasm_lpad_context;

void* __cxa_allocate_exception(size_t size) noexcept {
  void* raw = std::aligned_alloc(kAlign, kHeaderSize + ((size + kAlign - 1) & ~(kAlign - 1)));
  if (!raw) __builtin_trap();
  std::memset(raw, 0, kHeaderSize);
  return object_of(static_cast<Header*>(raw));
}

void __cxa_free_exception(void* object) noexcept { std::free(header_of(object)); }

[[noreturn]] void __cxa_throw(void* object, std::type_info* type, void* (*destroy)(void*)) {
  Header* header = header_of(object);
  header->type = type;
  header->destroy = destroy;
  __builtin_wasm_throw(0, header);
}

// The exception table (the Itanium LSDA as LLVM writes it for wasm): an omitted landing-pad base, the type
// table's encoding and offset, then one call-site record per landing pad, in landing-pad order, each a ULEB128
// (unused here) and the 1-based offset of its first action (0: cleanups only). An action is a type filter
// (> 0: a catch clause, the index of its type counted back from the type table's end; 0: a cleanup; < 0: an
// exception specification) and the relative offset of the next action. A null type is catch (...).
// Sets the selector to the filter of the first clause that takes `type`, or 0 when none does.
int _Unwind_CallPersonality(void* payload) {
  const std::type_info* thrown = static_cast<Header*>(payload)->type;
  __wasm_lpad_context.selector = 0;
  const uint8_t* p = __wasm_lpad_context.lsda;
  if (!p || *p++ != 0xFF) return 0;  // only an omitted landing-pad base is written for wasm
  const uint8_t type_encoding = *p++;
  const uint8_t* types_end = nullptr;
  if (type_encoding != 0xFF) {
    const uint64_t offset = read_uleb(p);
    types_end = p + offset;
  }
  ++p;  // the call-site encoding: ULEB128
  const uint64_t sites_size = read_uleb(p);
  const uint8_t* const sites_end = p + sites_size;
  for (uintptr_t site = 0; p < sites_end; ++site) {
    read_uleb(p);
    const uint64_t action = read_uleb(p);
    if (site != __wasm_lpad_context.lpad_index) continue;
    if (action == 0 || !types_end) return 0;
    const uint8_t* a = sites_end + action - 1;
    for (;;) {
      const int64_t filter = read_sleb(a);
      const uint8_t* const next_at = a;
      const int64_t next = read_sleb(a);
      if (filter > 0) {
        uint32_t entry;
        std::memcpy(&entry, types_end - filter * 4, sizeof entry);
        const auto* clause = reinterpret_cast<const std::type_info*>(static_cast<uintptr_t>(entry));
        if (!clause || *clause == *thrown) {
          __wasm_lpad_context.selector = static_cast<uintptr_t>(filter);
          return 0;
        }
      }
      if (next == 0) return 0;
      a = next_at + next;
    }
  }
  return 0;
}

void* __cxa_begin_catch(void* payload) noexcept {
  Header* header = static_cast<Header*>(payload);
  if (header->handlers++ == 0) {
    header->next_caught = caught;
    caught = header;
  }
  header->rethrown = false;
  return object_of(header);
}

void __cxa_end_catch() {
  Header* header = caught;
  if (!header || --header->handlers > 0) return;
  caught = header->next_caught;
  if (header->rethrown) return;  // still in flight: the next handler owns it
  if (header->destroy) header->destroy(object_of(header));
  std::free(header);
}

[[noreturn]] void __cxa_rethrow() {
  Header* header = caught;
  if (!header) __builtin_trap();  // `throw;` outside a handler
  header->rethrown = true;
  __builtin_wasm_throw(0, header);
}

// libc++abi's fatal-error report prints through stdio, which would make the module import WASI; the workloads
// import nothing, so a fatal error (a failed operator new, a bad typeid) simply traps.
[[noreturn]] void abort_message(const char*, ...) { __builtin_trap(); }

}  // extern "C"

// The same for libc++'s own report (a length error in std::string, say); libc++ lets a program replace it.
void std::__libcpp_verbose_abort(const char*, ...) { __builtin_trap(); }
