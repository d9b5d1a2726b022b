// Reads .wast scripts into the Script model: modules assembled by kiln's text reader, actions and assertions.
#include <utility>

#include "kiln/base/failure.h"
#include "kiln/base/file_io.h"
#include "kiln/spectest/script.h"
#include "kiln/text/wat.h"
#include "wast_values.h"

namespace kiln::spectest {

namespace {

using text::Token;
using text::TokenKind;

class WastReader {
 public:
  WastReader(const std::vector<Token>& tokens, const Features& features) : tokens_(tokens), features_(features) {}

  Script read() {
    Script script;
    while (peek().kind != TokenKind::kEof) script.commands.push_back(command());
    return script;
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    return pos_ + ahead < tokens_.size() ? tokens_[pos_ + ahead] : tokens_.back();
  }
  const Token& next() { return pos_ < tokens_.size() - 1 ? tokens_[pos_++] : tokens_.back(); }

  [[noreturn]] static void bad(const Token& at, std::string_view what) {
    fail(ErrorCode::kMalformed, at.offset, text::located(at, what));
  }
  void expect(TokenKind kind) {
    if (peek().kind != kind) bad(peek(), "unexpected token " + std::string(peek().text));
    next();
  }
  std::string string() {
    if (peek().kind != TokenKind::kString) bad(peek(), "expected a string");
    return next().value;
  }
  bool at_open(std::string_view word) const { return peek().kind == TokenKind::kLParen && peek(1).is_keyword(word); }

  // Commands that hold a module or an action carry that inner line, as wast2json's do.
  void module(Command& cmd) {
    cmd.line = peek().line;
    auto read = text::read_script_module(tokens_, pos_, features_);
    if (!read.ok()) fail(ErrorCode::kMalformed, read.error().offset, read.error().message);  // located already
    text::ScriptModule& m = *read;
    cmd.in_memory = true;
    cmd.name = m.name;
    cmd.definition = m.definition;
    cmd.module_type = m.form == text::ModuleForm::kQuote ? ModuleType::kText : ModuleType::kBinary;
    cmd.module_bytes = std::move(m.bytes);
    cmd.module_text = std::move(m.quote);
    cmd.module_error = std::move(m.error);
  }

  Action action(Command& cmd) {
    cmd.line = peek().line;
    expect(TokenKind::kLParen);
    const Token& kind = next();
    Action a;
    if (kind.is_keyword("invoke")) {
      a.type = ActionType::kInvoke;
    } else if (kind.is_keyword("get")) {
      a.type = ActionType::kGet;
    } else {
      bad(kind, "expected an action (invoke or get)");
    }
    if (peek().kind == TokenKind::kId) a.module = "$" + next().value;
    a.field = string();
    while (peek().kind == TokenKind::kLParen) a.args.push_back(read_value(tokens_, pos_, false));
    expect(TokenKind::kRParen);
    return a;
  }

  // Results; "(either ...)" at any position expands into alternative result lists.
  void results(Command& cmd) {
    std::vector<std::vector<SpecValue>> positions;
    bool either = false;
    while (peek().kind == TokenKind::kLParen) {
      if (at_open("either")) {
        either = true;
        next();
        next();
        std::vector<SpecValue> options;
        while (peek().kind == TokenKind::kLParen) options.push_back(read_value(tokens_, pos_, true));
        expect(TokenKind::kRParen);
        positions.push_back(std::move(options));
      } else {
        positions.push_back({read_value(tokens_, pos_, true)});
      }
    }
    if (!either) {
      for (auto& p : positions) cmd.expected.push_back(std::move(p[0]));
      return;
    }
    std::vector<std::vector<SpecValue>> lists{{}};
    for (const auto& options : positions) {
      std::vector<std::vector<SpecValue>> grown;
      for (const auto& list : lists) {
        for (const SpecValue& v : options) {
          grown.push_back(list);
          grown.back().push_back(v);
        }
      }
      lists = std::move(grown);
    }
    cmd.either = std::move(lists);
  }

  Command command() {
    const Token& open = peek();
    expect(TokenKind::kLParen);
    const Token& kw = peek();
    Command cmd;
    cmd.line = open.line;
    if (kw.is_keyword("module")) {
      if (peek(1).is_keyword("instance")) {
        next();
        next();
        cmd.type = CommandType::kModuleInstance;
        if (peek().kind == TokenKind::kId) cmd.name = "$" + next().value;
        if (peek().kind == TokenKind::kId) cmd.instance_of = "$" + next().value;
        expect(TokenKind::kRParen);
        return cmd;
      }
      --pos_;
      cmd.type = CommandType::kModule;
      module(cmd);
      return cmd;
    }
    next();
    if (kw.is_keyword("register")) {
      cmd.type = CommandType::kRegister;
      cmd.as = string();
      if (peek().kind == TokenKind::kId) cmd.name = "$" + next().value;
    } else if (kw.is_keyword("invoke") || kw.is_keyword("get")) {
      pos_ -= 2;
      cmd.type = CommandType::kAction;
      cmd.action = action(cmd);
      return cmd;
    } else if (kw.is_keyword("assert_return")) {
      cmd.type = CommandType::kAssertReturn;
      cmd.action = action(cmd);
      results(cmd);
    } else if (kw.is_keyword("assert_trap") || kw.is_keyword("assert_exhaustion")) {
      cmd.type = kw.is_keyword("assert_trap") ? CommandType::kAssertTrap : CommandType::kAssertExhaustion;
      if (at_open("module")) {
        cmd.type = CommandType::kAssertUninstantiable;  // a trap while instantiating
        module(cmd);
      } else {
        cmd.action = action(cmd);
      }
      cmd.text = string();
    } else if (kw.is_keyword("assert_exception")) {
      cmd.type = CommandType::kAssertException;
      cmd.action = action(cmd);
    } else if (const auto type = module_assertion(kw)) {
      cmd.type = *type;
      if (!at_open("module")) bad(peek(), "expected a module");
      module(cmd);
      cmd.text = string();
    } else {
      bad(kw, "unknown command " + std::string(kw.text));
    }
    expect(TokenKind::kRParen);
    return cmd;
  }

  static std::optional<CommandType> module_assertion(const Token& kw) {
    if (kw.is_keyword("assert_invalid")) return CommandType::kAssertInvalid;
    if (kw.is_keyword("assert_malformed")) return CommandType::kAssertMalformed;
    if (kw.is_keyword("assert_unlinkable")) return CommandType::kAssertUnlinkable;
    if (kw.is_keyword("assert_uninstantiable")) return CommandType::kAssertUninstantiable;
    return std::nullopt;
  }

  const std::vector<Token>& tokens_;
  const Features& features_;
  size_t pos_ = 0;
};

}  // namespace

namespace {

bool is_command(const Token& t) {
  constexpr std::string_view kCommands[] = {"module", "register", "invoke", "get", "assert_return", "assert_trap",
                                            "assert_exhaustion", "assert_exception", "assert_invalid",
                                            "assert_malformed", "assert_unlinkable", "assert_uninstantiable"};
  for (const std::string_view c : kCommands) {
    if (t.is_keyword(c)) return true;
  }
  return false;
}

}  // namespace

Result<Script> parse_wast_script(std::string_view source, std::string source_filename, const Features& features) {
  auto tokens = text::tokenize(source);
  if (!tokens.ok()) return std::move(tokens).error();
  // A script of bare module fields is one module.
  if (tokens->size() > 2 && (*tokens)[0].kind == TokenKind::kLParen && !is_command((*tokens)[1])) {
    Script script;
    script.source_filename = std::move(source_filename);
    Command cmd;
    cmd.line = (*tokens)[0].line;
    cmd.in_memory = true;
    auto bytes = text::wat_to_binary(source, features);
    if (bytes.ok()) {
      cmd.module_bytes = std::move(*bytes);
    } else {
      cmd.module_error = std::move(bytes).error();
    }
    script.commands.push_back(std::move(cmd));
    return script;
  }
  auto script = capture_failure([&] { return WastReader(*tokens, features).read(); });
  if (script.ok()) script->source_filename = std::move(source_filename);
  return script;
}

Result<Script> load_wast_script(const std::string& path, const Features& features) {
  auto bytes = read_file(path);
  if (!bytes.ok()) return std::move(bytes).error();
  auto script = parse_wast_script(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), path,
                                  features);
  if (!script.ok()) {
    Error error = std::move(script).error();
    error.message = path + ":" + error.message;
    return error;
  }
  return script;
}

}  // namespace kiln::spectest
