// Internal failure signalling inside one stage; converted to Result at the stage's API boundary.
#pragma once

#include <string>
#include <utility>

#include "kiln/base/result.h"

namespace kiln {

// Decoding and validation reject input at many depths; unwinding with an
// internal exception keeps that code linear. It never escapes a public
// function: every entry point wraps its body in `capture_failure`.
struct Failure {
  Error error;
};

[[noreturn]] void fail(ErrorCode code, uint64_t offset, std::string message);

template <typename Fn>
auto capture_failure(Fn&& fn) -> Result<decltype(fn())> {
  try {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      return {};
    } else {
      return fn();
    }
  } catch (Failure& failure) {
    return std::move(failure.error);
  }
}

}  // namespace kiln
