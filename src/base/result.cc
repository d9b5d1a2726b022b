// Names of error codes and the internal failure thrower.
#include "kiln/base/failure.h"
#include "kiln/base/result.h"

namespace kiln {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kMalformed: return "malformed";
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kUnlinkable: return "unlinkable";
    case ErrorCode::kTrap: return "trap";
    case ErrorCode::kExhausted: return "exhausted";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kUsage: return "usage";
    case ErrorCode::kUnsupported: return "unsupported";
  }
  return "unknown";
}

void fail(ErrorCode code, uint64_t offset, std::string message) {
  throw Failure{Error{code, offset, std::move(message)}};
}

}  // namespace kiln
