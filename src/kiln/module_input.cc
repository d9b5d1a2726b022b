// Reading a module file for every command and --preload: a binary as is, a text module assembled first.
#include <utility>

#include "kiln/base/file_io.h"
#include "kiln/kiln.h"
#include "kiln/text/wat.h"

namespace kiln {

Result<std::vector<uint8_t>> read_module_file(const std::string& path, const Features& features, bool* was_text) {
  auto contents = read_file(path);
  if (!contents.ok()) return std::move(contents).error();
  const bool text = text::is_text_module(*contents);
  if (was_text) *was_text = text;
  if (!text) return contents;
  auto assembled = text::module_bytes(std::move(*contents), features);
  if (assembled.ok()) return assembled;
  // The position is a line and column of the text, "FILE:LINE:COLUMN: what";
  // a byte offset would read as one into a binary module.
  Error error = std::move(assembled).error();
  error.offset = kNoOffset;
  error.message = (path == "-" ? std::string("<stdin>") : path) + ":" + error.message;
  return error;
}

}  // namespace kiln
