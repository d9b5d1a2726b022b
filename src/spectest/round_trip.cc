// The encoder round-trip check the spec suite runs on every module it accepts.
#include <algorithm>
#include <string>
#include <utility>

#include "kiln/decode/decode.h"
#include "kiln/encode/encode.h"
#include "kiln/spectest/runner.h"
#include "kiln/validate/validate.h"

namespace kiln::spectest {

namespace {

// Offset of the first byte where `a` and `b` differ (the shorter length when
// one is a prefix of the other).
size_t first_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  const auto [ia, ib] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  return static_cast<size_t>(ia - a.begin());
}

Error round_trip_error(std::string what, const std::vector<uint8_t>& want, const std::vector<uint8_t>& got) {
  const size_t at = first_difference(want, got);
  return Error{ErrorCode::kUnsupported, at,
               std::move(what) + " at byte " + std::to_string(at) + " (" + std::to_string(want.size()) +
                   " bytes expected, " + std::to_string(got.size()) + " written)"};
}

}  // namespace

Status check_round_trip(const Module& module) {
  const std::vector<uint8_t> copied = encode_module(module, EncodeMode::kCopyUntouched);
  if (copied != module.bytes)
    return round_trip_error("round trip: copy-mode encoding differs from the input", module.bytes, copied);

  const std::vector<uint8_t> reencoded = encode_module(module, EncodeMode::kReencode);
  auto again = decode_module(reencoded, module.features);
  if (!again.ok()) {
    Error error = std::move(again).error();
    error.code = ErrorCode::kUnsupported;
    error.message = "round trip: the re-encoded module does not decode: " + error.message;
    return error;
  }
  auto info = validate_module(*again);
  if (!info.ok()) {
    Error error = std::move(info).error();
    error.code = ErrorCode::kUnsupported;
    error.message = "round trip: the re-encoded module does not validate: " + error.message;
    return error;
  }
  const std::vector<uint8_t> twice = encode_module(*again, EncodeMode::kReencode);
  if (twice != reencoded) return round_trip_error("round trip: re-encoding is not stable", reencoded, twice);
  return {};
}

}  // namespace kiln::spectest
