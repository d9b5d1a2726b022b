// kiln's WebAssembly text-format reader: text modules (and "(module binary ...)") to binary module bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/features.h"
#include "kiln/text/lexer.h"

namespace kiln::text {

// Assembles a text module: "(module $id? field*)", bare fields, or
// "(module binary "...")". Errors are ErrorCode::kMalformed with the byte
// offset in `source` and a message "LINE:COLUMN: what". Without memory64
// the limits of memories and tables are 32-bit numbers, as in WebAssembly 2.0.
Result<std::vector<uint8_t>> wat_to_binary(std::string_view source, const Features& features = Features::all());

enum class ModuleForm : uint8_t { kText, kBinary, kQuote };

// One "(module ...)" of a script.
struct ScriptModule {
  std::string name;         // "$M" when named, else empty
  ModuleForm form = ModuleForm::kText;
  bool definition = false;  // "(module definition ...)": not instantiated
  std::vector<uint8_t> bytes;  // kText: assembled; kBinary: as written
  std::string quote;           // kQuote: the text, assembled when the command runs
  std::optional<Error> error;  // kText: why it could not be assembled
};

// Reads the "(module ...)" starting at tokens[pos] and moves `pos` past it.
// A text module that does not assemble is returned with `error` set; only a
// group that is not a module at all is an Error.
Result<ScriptModule> read_script_module(std::span<const Token> tokens, size_t& pos,
                                        const Features& features = Features::all());

// True when `bytes` are to be read as a text module: they do not start with
// a NUL byte, which every binary module (magic "\0asm") does and no text
// module can. Empty input counts as binary, so that it is refused as one.
bool is_text_module(std::span<const uint8_t> bytes);

// A module file's contents as binary: binary input as is, text assembled
// (the way Wizer accepts .wat files).
Result<std::vector<uint8_t>> module_bytes(std::vector<uint8_t> contents, const Features& features = Features::all());

}  // namespace kiln::text
