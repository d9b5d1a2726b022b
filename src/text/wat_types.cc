// Types in the text format: value, reference and heap types, type definitions and rec groups, type uses.
#include <utility>

#include "kiln/base/failure.h"
#include "wat_parser.h"

namespace kiln::text::detail {

namespace {

struct Named {
  std::string_view name;
  uint8_t code;
};

constexpr Named kValTypes[] = {
    {"i32", 0x7F},       {"i64", 0x7E},       {"f32", 0x7D},         {"f64", 0x7C},
    {"v128", 0x7B},      {"funcref", 0x70},   {"externref", 0x6F},   {"anyref", 0x6E},
    {"eqref", 0x6D},     {"i31ref", 0x6C},    {"structref", 0x6B},   {"arrayref", 0x6A},
    {"exnref", 0x69},    {"nullexnref", 0x74}, {"nullfuncref", 0x73}, {"nullexternref", 0x72},
    {"nullref", 0x71},
};

constexpr Named kHeapTypes[] = {
    {"func", 0x70}, {"extern", 0x6F}, {"any", 0x6E},  {"eq", 0x6D},     {"i31", 0x6C},      {"struct", 0x6B},
    {"array", 0x6A}, {"exn", 0x69},   {"noexn", 0x74}, {"nofunc", 0x73}, {"noextern", 0x72}, {"none", 0x71},
};

std::optional<uint8_t> lookup(std::span<const Named> table, const Token& t) {
  if (t.kind != TokenKind::kKeyword) return std::nullopt;
  for (const Named& n : table) {
    if (t.text == n.name) return n.code;
  }
  return std::nullopt;
}

std::string sleb(int64_t value) {
  ByteWriter w;
  w.write_sleb(value);
  return std::string(w.bytes().begin(), w.bytes().end());
}

std::string uleb(uint64_t value) {
  ByteWriter w;
  w.write_uleb(value);
  return std::string(w.bytes().begin(), w.bytes().end());
}

std::string vec(const std::vector<std::string>& items) {
  std::string out = uleb(items.size());
  for (const std::string& item : items) out += item;
  return out;
}

std::string func_bytes(const FuncSig& sig) { return '\x60' + vec(sig.params) + vec(sig.results); }

}  // namespace

bool ModuleBuilder::at_val_type(const Cursor& c) const {
  return lookup(kValTypes, c.peek()).has_value() || c.at_open("ref");
}

std::string ModuleBuilder::heap_type(Cursor& c) {
  if (const auto code = lookup(kHeapTypes, c.peek())) {
    c.next();
    return std::string(1, static_cast<char>(*code));
  }
  if (!at_index(c)) c.unexpected();
  return sleb(index(c, Space::kType));
}

std::string ModuleBuilder::ref_type(Cursor& c, bool* nullable) {
  if (const auto code = lookup(kValTypes, c.peek()); code && *code <= 0x74 && *code >= 0x69) {
    c.next();
    if (nullable) *nullable = true;
    return std::string(1, static_cast<char>(*code));
  }
  c.open("ref");
  const bool is_null = c.at_keyword("null");
  if (is_null) c.next();
  if (nullable) *nullable = is_null;
  std::string out(1, is_null ? '\x63' : '\x64');
  out += heap_type(c);
  c.close();
  return out;
}

std::string ModuleBuilder::val_type(Cursor& c) {
  if (const auto code = lookup(kValTypes, c.peek())) {
    c.next();
    return std::string(1, static_cast<char>(*code));
  }
  if (c.at_open("ref")) return ref_type(c);
  c.unexpected();
}

namespace {

// "(param ...)" / "(result ...)" lists; `names` (when given) receives one entry per parameter.
void value_list(ModuleBuilder& m, Cursor& c, std::string_view word, std::vector<std::string>& out,
                std::vector<std::optional<std::string>>* names, bool allow_names) {
  while (c.at_open(word)) {
    c.next();
    c.next();
    if (c.at(TokenKind::kId)) {
      if (!allow_names) c.unexpected();
      std::string name = c.next().value;
      out.push_back(m.val_type(c));
      if (names) names->push_back(std::move(name));
      c.close();
      continue;
    }
    while (!c.at_close()) {
      out.push_back(m.val_type(c));
      if (names) names->push_back(std::nullopt);
    }
    c.close();
  }
}

std::string storage_type(ModuleBuilder& m, Cursor& c) {
  if (c.at_keyword("i8")) {
    c.next();
    return "\x78";
  }
  if (c.at_keyword("i16")) {
    c.next();
    return "\x77";
  }
  return m.val_type(c);
}

std::string field_type(ModuleBuilder& m, Cursor& c) {
  if (c.at_open("mut")) {
    c.next();
    c.next();
    std::string out = storage_type(m, c) + '\x01';
    c.close();
    return out;
  }
  return storage_type(m, c) + '\x00';
}

}  // namespace

uint32_t ModuleBuilder::type_use(Cursor& c, FuncSig* sig, std::vector<std::optional<std::string>>* names) {
  std::optional<uint32_t> explicit_index;
  const Token& start = c.peek();
  if (c.at_open("type")) {
    c.next();
    c.next();
    explicit_index = index(c, Space::kType);
    c.close();
  }
  FuncSig inline_sig;
  std::vector<std::optional<std::string>> inline_names;
  value_list(*this, c, "param", inline_sig.params, &inline_names, names != nullptr);
  value_list(*this, c, "result", inline_sig.results, nullptr, false);
  if (c.at_open("param") || c.at_open("type")) c.unexpected();  // out of order
  if (!explicit_index) {
    if (names) *names = std::move(inline_names);
    if (sig) *sig = inline_sig;
    return implicit_type(inline_sig);
  }
  const TypeEntry* type = type_at(*explicit_index);
  const bool has_inline = !inline_sig.params.empty() || !inline_sig.results.empty();
  if (has_inline) {
    if (!type) Cursor::error(start, "unknown type");
    if (type->kind != Composite::kFunc || !(type->sig == inline_sig)) Cursor::error(start, "inline function type");
    if (names) *names = std::move(inline_names);
  } else if (names && type && type->kind == Composite::kFunc) {
    names->assign(type->sig.params.size(), std::nullopt);
  }
  if (sig && type && type->kind == Composite::kFunc) *sig = type->sig;
  return *explicit_index;
}

uint32_t ModuleBuilder::named_type_use(Cursor& c) {
  std::vector<std::optional<std::string>> names;
  return type_use(c, nullptr, &names);
}

BlockType ModuleBuilder::block_type(Cursor& c) {
  if (!c.at_open("type") && !c.at_open("param") && !c.at_open("result")) return {"\x40"};
  if (c.at_open("type")) {
    // A type whose signature a short form can say takes the short form, as
    // wast2json writes it: [] -> [] is 0x40, [] -> [t] is t.
    FuncSig sig;
    const uint32_t index = type_use(c, &sig);
    const TypeEntry* type = type_at(index);
    if (type && type->kind == Composite::kFunc && sig.params.empty() && sig.results.size() <= 1)
      return {sig.results.empty() ? std::string("\x40") : sig.results[0]};
    return {sleb(index)};
  }
  FuncSig sig;
  value_list(*this, c, "param", sig.params, nullptr, false);
  value_list(*this, c, "result", sig.results, nullptr, false);
  if (c.at_open("param") || c.at_open("type")) c.unexpected();  // out of order
  if (sig.params.empty() && sig.results.empty()) return {"\x40"};
  if (sig.params.empty() && sig.results.size() == 1) return {sig.results[0]};
  return {sleb(implicit_type(sig))};
}

uint32_t ModuleBuilder::implicit_type(const FuncSig& sig) {
  for (uint32_t i = 0; i < types_.size(); ++i) {
    if (types_[i].plain && types_[i].kind == Composite::kFunc && types_[i].sig == sig) return i;
  }
  TypeEntry entry;
  entry.sig = sig;
  entry.bytes = func_bytes(sig);
  const auto index = static_cast<uint32_t>(types_.size());
  types_.push_back(std::move(entry));
  groups_.push_back(RecGroup{index, 1, false});
  return index;
}

// Pass 1b: every "(type ...)" and "(rec ...)" in order, once all type names are known.
void ModuleBuilder::parse_types() {
  Cursor c(tokens_, begin_, end_);
  while (c.at(TokenKind::kLParen)) {
    const size_t start = c.pos();
    if (c.at_open("type")) {
      const auto index = static_cast<uint32_t>(types_.size());
      groups_.push_back(RecGroup{index, 1, false});
      type_definition(c);
    } else if (c.at_open("rec")) {
      c.next();
      c.next();
      RecGroup group{static_cast<uint32_t>(types_.size()), 0, true};
      while (c.at_open("type")) {
        type_definition(c);
        ++group.size;
      }
      c.close();
      if (group.size != 1) {
        for (uint32_t i = group.first; i < group.first + group.size; ++i) types_[i].plain = false;
      }
      groups_.push_back(group);
    } else {
      c.seek(start);
      c.skip_group();
    }
  }
}

void ModuleBuilder::type_definition(Cursor& c) {
  c.open("type");
  c.maybe_id();
  TypeEntry entry;
  std::string prefix;
  const bool sub = c.at_open("sub");
  if (sub) {
    c.next();
    c.next();
    const bool final = c.at_keyword("final");
    if (final) c.next();
    std::vector<std::string> supers;
    while (at_index(c)) supers.push_back(uleb(this->index(c, Space::kType)));
    entry.plain = final && supers.empty();
    prefix = (final ? '\x4F' : '\x50') + vec(supers);
  }
  c.expect_open();
  const Token& kind = c.next();
  if (kind.is_keyword("func")) {
    value_list(*this, c, "param", entry.sig.params, nullptr, true);
    value_list(*this, c, "result", entry.sig.results, nullptr, false);
    entry.bytes = func_bytes(entry.sig);
  } else if (kind.is_keyword("struct")) {
    entry.kind = Composite::kStruct;
    std::vector<std::string> fields;
    while (c.at_open("field")) {
      c.next();
      c.next();
      if (c.at(TokenKind::kId)) {
        const Token& name = c.next();
        if (!entry.field_names.emplace(name.value, static_cast<uint32_t>(fields.size())).second)
          Cursor::error(name, "duplicate field " + name.value);
        fields.push_back(field_type(*this, c));
      } else {
        while (!c.at_close()) fields.push_back(field_type(*this, c));
      }
      c.close();
    }
    entry.bytes = '\x5F' + vec(fields);
  } else if (kind.is_keyword("array")) {
    entry.kind = Composite::kArray;
    entry.bytes = '\x5E' + field_type(*this, c);
  } else {
    Cursor::unexpected(kind);
  }
  c.close();
  if (sub) c.close();
  c.close();
  entry.bytes = prefix + entry.bytes;
  types_.push_back(std::move(entry));
}

}  // namespace kiln::text::detail
