// Helpers that assemble binary modules by hand for tests: LEBs, names, sections, bodies.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <vector>

namespace kiln::test {

using ByteVec = std::vector<uint8_t>;

// resize + memcpy rather than insert(): g++ 12 at -O2 misreports vector
// inserts of byte vectors as overflowing (-Wstringop-overflow, -Warray-bounds).
inline void append(ByteVec& out, const ByteVec& part) {
  if (part.empty()) return;
  const size_t old = out.size();
  out.resize(old + part.size());
  std::memcpy(out.data() + old, part.data(), part.size());
}

inline ByteVec uleb(uint64_t value) {
  ByteVec out;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value) byte |= 0x80;
    out.push_back(byte);
  } while (value);
  return out;
}

inline ByteVec sleb(int64_t value) {
  ByteVec out;
  while (true) {
    const uint8_t byte = static_cast<uint8_t>(value & 0x7f);
    const int64_t rest = value >> 7;
    if ((rest == 0 && !(byte & 0x40)) || (rest == -1 && (byte & 0x40))) {
      out.push_back(byte);
      return out;
    }
    out.push_back(byte | 0x80);
    value = rest;
  }
}

// Concatenates byte vectors: cat({a, b, c}).
inline ByteVec cat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  size_t total = 0;
  for (const ByteVec& p : parts) total += p.size();
  out.reserve(total);
  for (const ByteVec& p : parts) append(out, p);
  return out;
}

inline ByteVec name(std::string_view text) {
  ByteVec out = uleb(text.size());
  append(out, ByteVec(text.begin(), text.end()));  // not insert(): see append
  return out;
}

// A vector: count LEB followed by the items.
template <typename Items>
ByteVec vec_of(const Items& items) {
  const ByteVec count = uleb(std::size(items));
  size_t total = count.size();
  for (const ByteVec& item : items) total += item.size();
  ByteVec out;
  out.reserve(total);
  append(out, count);
  for (const ByteVec& item : items) append(out, item);
  return out;
}
inline ByteVec vec(std::initializer_list<ByteVec> items) { return vec_of(items); }

inline ByteVec section(uint8_t id, const ByteVec& payload) { return cat({{id}, uleb(payload.size()), payload}); }

inline ByteVec header() { return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }

inline ByteVec module(std::initializer_list<ByteVec> sections) {
  const ByteVec magic = header();
  size_t total = magic.size();
  for (const ByteVec& s : sections) total += s.size();
  ByteVec out;
  out.reserve(total);
  append(out, magic);
  for (const ByteVec& s : sections) append(out, s);
  return out;
}

// Function type: 0x60 params results.
inline ByteVec func_type(const ByteVec& params, const ByteVec& results) {
  return cat({{0x60}, uleb(params.size()), params, uleb(results.size()), results});
}

// One code-section entry: size, local runs, instructions (caller adds the final 0x0B).
inline ByteVec body(const ByteVec& local_runs_vec, const ByteVec& code) {
  ByteVec inner = cat({local_runs_vec, code});
  return cat({uleb(inner.size()), inner});
}

// The smallest useful module: one function of type `[params] -> [results]`
// with the given instructions (final 0x0B included by the caller), exported as "f".
inline ByteVec one_func_module(const ByteVec& params, const ByteVec& results, const ByteVec& code,
                               const ByteVec& locals = {0x00}) {
  return module({
      section(1, vec({func_type(params, results)})),
      section(3, vec({{0x00}})),
      section(7, vec({cat({name("f"), {0x00, 0x00}})})),
      section(10, vec({body(locals, code)})),
  });
}

}  // namespace kiln::test
