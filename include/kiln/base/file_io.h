// Whole-file reads and atomic writes (temporary file beside the target, renamed on success).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/result.h"

namespace kiln {

// The most read_file takes by default: far above any real module (the
// binary format's own limits put tens of MB in the largest ones), and low
// enough that an endless input such as /dev/zero or a stuck pipe ends in an
// error instead of exhausting memory.
inline constexpr uint64_t kMaxInputBytes = uint64_t{1} << 30;

// Reads a file; "-" reads standard input. More than `max_bytes` is an error.
Result<std::vector<uint8_t>> read_file(const std::string& path, uint64_t max_bytes = kMaxInputBytes);

// Writes `data` to a temporary file in the target's directory and renames it
// over `path` only after every byte reached the disk, so a failure never
// leaves a partial file. "-" writes standard output.
Status write_file_atomic(const std::string& path, std::span<const uint8_t> data);

}  // namespace kiln
