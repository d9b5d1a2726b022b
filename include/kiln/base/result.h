// Result<T> and Error: how every stage reports failure without exceptions crossing the API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace kiln {

// The phase that rejected an input. The spec suite distinguishes malformed
// (binary decoding) from invalid (typing), so the code is part of the result.
enum class ErrorCode : uint8_t {
  kMalformed,      // the bytes are not a well-formed binary module
  kInvalid,        // the module is well formed but fails validation
  kUnlinkable,     // imports cannot be resolved or have the wrong type
  kTrap,           // execution trapped
  kExhausted,      // a resource limit (call depth, fuel, memory) was hit
  kIo,             // reading or writing a file failed
  kUsage,          // bad command-line or API arguments
  kUnsupported,    // a feature kiln does not (yet) handle
};

const char* error_code_name(ErrorCode code);

inline constexpr uint64_t kNoOffset = ~uint64_t{0};

struct Error {
  Error() = default;
  Error(ErrorCode code_in, uint64_t offset_in, std::string message_in, std::string feature_in = {})
      : code(code_in), offset(offset_in), message(std::move(message_in)), feature(std::move(feature_in)) {}

  ErrorCode code = ErrorCode::kMalformed;
  uint64_t offset = kNoOffset;  // byte offset in the input, when there is one
  std::string message;
  // A feature the input needs but the options turned off ("bulk-memory"),
  // so that each front end can say how to turn it on; empty otherwise.
  std::string feature;

  bool has_offset() const { return offset != kNoOffset; }
};

// Holds either a value or an Error. Deliberately small: no monadic chains,
// callers test `ok()` and use KILN_TRY to propagate.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace kiln

// Propagates the error of a Result-returning expression; otherwise yields nothing.
#define KILN_TRY(expr)                                   \
  do {                                                   \
    auto kiln_try_result_ = (expr);                      \
    if (!kiln_try_result_.ok())                          \
      return std::move(kiln_try_result_).error();        \
  } while (false)
