// Whole-file reads and atomic writes (temporary file beside the target, renamed on success).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/result.h"

namespace kiln {

// Reads a file; "-" reads standard input.
Result<std::vector<uint8_t>> read_file(const std::string& path);

// Writes `data` to a temporary file in the target's directory and renames it
// over `path` only after every byte reached the disk, so a failure never
// leaves a partial file. "-" writes standard output.
Status write_file_atomic(const std::string& path, std::span<const uint8_t> data);

}  // namespace kiln
