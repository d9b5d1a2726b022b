// Functions in the text format: the field with its inline exports and import, parameters and locals by name, body.
#include <utility>

#include "wat_parser.h"

namespace kiln::text::detail {

void ModuleBuilder::func_field(Cursor& c) {
  c.open("func");
  c.maybe_id();
  const uint32_t index = next_[static_cast<size_t>(Space::kFunc)]++;
  inline_exports(c, 0, index);
  std::string module, name;
  if (inline_import(c, module, name)) {
    imports_.write_u8(0);
    imports_.write_uleb(named_type_use(c));
    c.close();
    return;
  }
  FuncSig sig;
  std::vector<std::optional<std::string>> names;
  funcs_.write_uleb(type_use(c, &sig, &names));
  ++func_count_;
  func_body(c, sig, std::move(names));
  c.close();
}

void ModuleBuilder::func_body(Cursor& c, const FuncSig& sig, std::vector<std::optional<std::string>> param_names) {
  FuncContext f;
  auto local_name = [&](const Token& at, const std::string& name, uint32_t index) {
    if (!f.locals.emplace(name, index).second) Cursor::error(at, "duplicate local $" + name);
  };
  for (uint32_t i = 0; i < param_names.size(); ++i) {
    if (param_names[i]) local_name(c.peek(), *param_names[i], i);
  }
  auto local_count = static_cast<uint32_t>(sig.params.size());
  std::vector<std::pair<uint32_t, std::string>> runs;
  auto add_local = [&](std::string type) {
    if (!runs.empty() && runs.back().second == type) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, std::move(type));
    }
    ++local_count;
  };
  while (c.at_open("local")) {
    c.next();
    c.next();
    if (c.at(TokenKind::kId)) {
      const Token& at = c.next();
      local_name(at, at.value, local_count);
      add_local(val_type(c));
    } else {
      while (!c.at_close()) add_local(val_type(c));
    }
    c.close();
  }
  ByteWriter body;
  body.write_uleb(runs.size());
  for (const auto& [count, type] : runs) {
    body.write_uleb(count);
    for (const char b : type) body.write_u8(static_cast<uint8_t>(b));
  }
  f.labels.push_back(std::nullopt);
  instructions(c, f, body);
  if (!c.at_close()) c.unexpected();
  body.write_u8(0x0B);
  codes_.write_uleb(body.size());
  codes_.write_bytes(body.bytes());
}

}  // namespace kiln::text::detail
