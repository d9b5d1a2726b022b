// Internal to the interpreter: reading and writing typed values in 8-byte stack cells, and the generic SIMD handler shapes.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kiln/runtime/value.h"

namespace kiln::interp {

// i32 and f32 live zero-extended in their cell; v128 takes two cells, low half first.
inline V128 load_v128(const uint64_t* cells) {
  V128 v;
  std::memcpy(v.bytes, cells, 16);
  return v;
}
inline void store_v128(uint64_t* cells, const V128& v) { std::memcpy(cells, v.bytes, 16); }

template <typename T>
constexpr unsigned cells_for() {
  return std::is_same_v<T, V128> ? 2 : 1;
}

template <typename T>
inline T read_cell(const uint64_t* cell) {
  if constexpr (std::is_same_v<T, V128>) {
    return load_v128(cell);
  } else {
    static_assert(std::is_integral_v<T>, "cells hold integers or bit patterns");
    return static_cast<T>(*cell);
  }
}

template <typename T>
inline void write_cell(uint64_t* cell, const T& value) {
  if constexpr (std::is_same_v<T, V128>) {
    store_v128(cell, value);
  } else {
    static_assert(std::is_integral_v<T>, "cells hold integers or bit patterns");
    *cell = static_cast<uint64_t>(static_cast<std::make_unsigned_t<T>>(value));
  }
}

template <typename F>
struct FnTraits;
template <typename R, typename... A>
struct FnTraits<R (*)(A...)> {
  using Result = R;
  using Args = std::tuple<std::decay_t<A>...>;
};
template <typename R, typename... A>
struct FnTraits<R (*)(A...) noexcept> : FnTraits<R (*)(A...)> {};

// Offset of each operand's first cell from the first operand's.
template <typename... A>
constexpr std::array<unsigned, sizeof...(A) + 1> cell_offsets() {
  constexpr unsigned kCells[] = {cells_for<A>()..., 0};
  std::array<unsigned, sizeof...(A) + 1> out{};
  unsigned at = 0;
  for (size_t i = 0; i < sizeof...(A); ++i) {
    out[i] = at;
    at += kCells[i];
  }
  out[sizeof...(A)] = at;
  return out;
}

template <auto Fn, typename... A, size_t... I>
inline uint64_t* apply_pure_impl(uint64_t* sp, std::tuple<A...>*, std::index_sequence<I...>) {
  constexpr auto kOffsets = cell_offsets<A...>();
  constexpr unsigned kTotal = kOffsets[sizeof...(A)];
  uint64_t* base = sp - kTotal;
  using R = typename FnTraits<decltype(Fn)>::Result;
  const R result = Fn(read_cell<A>(base + kOffsets[I])...);
  write_cell(base, result);
  return base + cells_for<R>();
}

// Runs a pure value operation on the top of the stack: its operand and
// result cells follow from Fn's signature (V128 two cells, integers one).
template <auto Fn>
inline uint64_t* apply_pure(uint64_t* sp) {
  using Args = typename FnTraits<decltype(Fn)>::Args;
  return apply_pure_impl<Fn>(sp, static_cast<Args*>(nullptr), std::make_index_sequence<std::tuple_size_v<Args>>{});
}

// extract_lane: [v128] -> [scalar].
template <auto Fn>
inline uint64_t* apply_extract_lane(uint64_t* sp, unsigned lane) {
  using R = typename FnTraits<decltype(Fn)>::Result;
  const R result = Fn(load_v128(sp - 2), lane);
  write_cell(sp - 2, result);
  return sp - 1;
}

// replace_lane: [v128 scalar] -> [v128].
template <auto Fn>
inline uint64_t* apply_replace_lane(uint64_t* sp, unsigned lane) {
  using Scalar = std::tuple_element_t<2, typename FnTraits<decltype(Fn)>::Args>;
  store_v128(sp - 3, Fn(load_v128(sp - 3), lane, read_cell<Scalar>(sp - 1)));
  return sp - 1;
}

}  // namespace kiln::interp
