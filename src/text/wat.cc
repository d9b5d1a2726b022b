// Entry points of the text reader: whole text modules, modules inside scripts, and binary-or-text file contents.
#include "kiln/text/wat.h"

#include <utility>

#include "kiln/base/failure.h"
#include "wat_parser.h"

namespace kiln::text {

namespace {

using detail::Cursor;

// The fields of a module whose "(module" starts at `pos`, or of bare fields.
std::vector<uint8_t> assemble_tokens(std::span<const Token> tokens, const Features& features) {
  Cursor c(tokens, 0, tokens.size() - 1);
  if (c.at_open("module")) {
    const size_t end = c.group_end(0);
    c.next();
    c.next();
    c.maybe_id();
    if (c.at_keyword("binary")) {
      c.next();
      std::string bytes;
      while (c.at(TokenKind::kString)) bytes += c.string();
      c.close();
      if (!c.at(TokenKind::kEof)) c.unexpected();
      return {bytes.begin(), bytes.end()};
    }
    if (end + 1 != tokens.size() - 1) Cursor::unexpected(tokens[end + 1]);
    return detail::ModuleBuilder(tokens, c.pos(), end, features).build();
  }
  return detail::ModuleBuilder(tokens, 0, tokens.size() - 1, features).build();
}

}  // namespace

Result<std::vector<uint8_t>> wat_to_binary(std::string_view source, const Features& features) {
  auto tokens = tokenize(source);
  if (!tokens.ok()) return std::move(tokens).error();
  return capture_failure([&] { return assemble_tokens(*tokens, features); });
}

Result<ScriptModule> read_script_module(std::span<const Token> tokens, size_t& pos, const Features& features) {
  return capture_failure([&] {
    Cursor c(tokens, pos, tokens.size() - 1);
    const size_t end = c.group_end(pos);
    c.open("module");
    ScriptModule module;
    if (c.at_keyword("definition")) {
      c.next();
      module.definition = true;
    }
    if (c.at(TokenKind::kId)) module.name = "$" + c.next().value;
    if (c.at_keyword("binary") || c.at_keyword("quote")) {
      module.form = c.at_keyword("binary") ? ModuleForm::kBinary : ModuleForm::kQuote;
      c.next();
      std::string text;
      while (c.at(TokenKind::kString)) text += c.string();
      c.close();
      if (module.form == ModuleForm::kBinary) {
        module.bytes.assign(text.begin(), text.end());
      } else {
        module.quote = std::move(text);
      }
    } else {
      auto bytes = capture_failure([&] { return detail::ModuleBuilder(tokens, c.pos(), end, features).build(); });
      if (bytes.ok()) {
        module.bytes = std::move(*bytes);
      } else {
        module.error = std::move(bytes).error();
      }
    }
    pos = end + 1;
    return module;
  });
}

bool is_text_module(std::span<const uint8_t> bytes) { return !bytes.empty() && bytes[0] != 0; }

Result<std::vector<uint8_t>> module_bytes(std::vector<uint8_t> contents, const Features& features) {
  if (!is_text_module(contents)) return contents;
  return wat_to_binary(std::string_view(reinterpret_cast<const char*>(contents.data()), contents.size()), features);
}

}  // namespace kiln::text
