// Module fields of the text format: name collection (pass 1), functions, imports, exports, globals, tags, and the
// binary's section layout.
#include <utility>

#include "kiln/base/byte_reader.h"
#include "kiln/base/failure.h"
#include "kiln/text/numbers.h"
#include "wat_parser.h"

namespace kiln::text::detail {

namespace {

constexpr const char* kSpaceNames[kSpaceCount] = {"type", "func", "table", "memory", "global", "tag", "elem", "data"};
constexpr const char* kDefinitionNames[kSpaceCount] = {"type",   "function", "table", "memory",
                                                        "global", "tag",      "elem",  "data"};

std::optional<Space> space_of(const Token& t) {
  if (t.kind != TokenKind::kKeyword) return std::nullopt;
  for (size_t i = 0; i < kSpaceCount; ++i) {
    if (t.text == kSpaceNames[i]) return static_cast<Space>(i);
  }
  return std::nullopt;
}

void check_name(const Token& at, const std::string& name) {
  if (!is_valid_utf8(name)) Cursor::error(at, "malformed UTF-8 encoding");
}

}  // namespace

bool ModuleBuilder::at_index(const Cursor& c) const {
  const Token& t = c.peek();
  return t.kind == TokenKind::kId || (t.kind == TokenKind::kNumber && literal_shape(t.text) == LiteralShape::kNat);
}

uint32_t ModuleBuilder::index(Cursor& c, Space space) {
  const Token& t = c.peek();
  if (t.kind == TokenKind::kId) {
    const IndexSpace& s = spaces_[static_cast<size_t>(space)];
    const auto it = s.names.find(t.value);
    if (it == s.names.end()) Cursor::error(t, std::string("unknown ") + kSpaceNames[static_cast<size_t>(space)] + " $" + t.value);
    c.next();
    return it->second;
  }
  return c.u32();
}

uint32_t ModuleBuilder::field_index(Cursor& c, uint32_t type) {
  const Token& t = c.peek();
  if (t.kind == TokenKind::kId) {
    const TypeEntry* entry = type_at(type);
    const auto it = entry ? entry->field_names.find(t.value) : decltype(entry->field_names.end()){};
    if (!entry || it == entry->field_names.end()) Cursor::error(t, "unknown field $" + t.value);
    c.next();
    return it->second;
  }
  return c.u32();
}

void ModuleBuilder::declare(Space space, const std::optional<std::string>& name, const Token& at) {
  IndexSpace& s = spaces_[static_cast<size_t>(space)];
  if (name && !s.names.emplace(*name, s.count).second)
    Cursor::error(at, std::string("duplicate ") + kSpaceNames[static_cast<size_t>(space)] + " $" + *name);
  ++s.count;
}

void ModuleBuilder::note_import(Space space, const Token& at) {
  (void)space;
  if (last_definition_) Cursor::error(at, std::string("import after ") + kDefinitionNames[static_cast<size_t>(*last_definition_)]);
}

void ModuleBuilder::note_definition(Space space) { last_definition_ = space; }

// Pass 1: the names and sizes of every index space.
void ModuleBuilder::collect() {
  // Stray tokens are left to pass 2, which reports errors in text order.
  Cursor c(tokens_, begin_, end_);
  while (c.pos() < end_ && c.at(TokenKind::kLParen)) {
    const size_t end = c.group_end(c.pos());
    collect_field(c);
    c.seek(end + 1);
  }
}

void ModuleBuilder::collect_field(Cursor& c) {
  c.expect_open();
  const Token& kw = c.next();
  if (kw.is_keyword("rec")) {
    while (c.at_open("type")) {
      const size_t end = c.group_end(c.pos());
      c.next();
      const Token& at = c.next();
      declare(Space::kType, c.maybe_id(), at);
      c.seek(end + 1);
    }
    return;
  }
  if (kw.is_keyword("import")) {
    c.string();
    c.string();
    c.expect_open();
    const Token& kind = c.next();
    const auto space = space_of(kind);
    if (!space || *space == Space::kType || *space == Space::kElem || *space == Space::kData) Cursor::unexpected(kind);
    note_import(*space, kw);
    declare(*space, c.maybe_id(), kind);
    if (*space == Space::kMemory) memory64_.push_back(c.at_keyword("i64"));
    return;
  }
  if (kw.is_keyword("export") || kw.is_keyword("start")) return;
  const auto space = space_of(kw);
  if (!space) Cursor::unexpected(kw);
  const Token& at = c.peek();
  declare(*space, c.maybe_id(), at);
  if (*space == Space::kType || *space == Space::kElem || *space == Space::kData) return;
  while (c.at_open("export")) c.skip_group();
  const bool imported = c.at_open("import");
  if (imported) {
    note_import(*space, c.peek());
    c.skip_group();
  } else {
    note_definition(*space);
  }
  if (*space == Space::kMemory) memory64_.push_back(c.at_keyword("i64"));
  if (imported) return;
  if (*space != Space::kTable && *space != Space::kMemory) return;
  // An inline (elem ...) or (data ...) adds a segment at this point of its index space.
  const std::string_view inline_segment = *space == Space::kTable ? "elem" : "data";
  while (!c.at_close() && !c.at(TokenKind::kEof)) {
    if (c.at_open(inline_segment)) declare(*space == Space::kTable ? Space::kElem : Space::kData, std::nullopt, at);
    if (c.at(TokenKind::kLParen)) {
      c.skip_group();
    } else {
      c.next();
    }
  }
}

void ModuleBuilder::inline_exports(Cursor& c, uint8_t kind, uint32_t index) {
  while (c.at_open("export")) {
    c.next();
    c.next();
    const Token& at = c.peek();
    const std::string name = c.string();
    check_name(at, name);
    c.close();
    write_string(exports_, name);
    exports_.write_u8(kind);
    exports_.write_uleb(index);
    ++export_count_;
  }
}

bool ModuleBuilder::inline_import(Cursor& c, std::string& module, std::string& name) {
  if (!c.at_open("import")) return false;
  c.next();
  c.next();
  const Token& at_module = c.peek();
  module = c.string();
  check_name(at_module, module);
  const Token& at_name = c.peek();
  name = c.string();
  check_name(at_name, name);
  c.close();
  write_string(imports_, module);
  write_string(imports_, name);
  ++import_count_;
  return true;
}

void ModuleBuilder::emit_field(Cursor& c) {
  const Token& kw = c.peek(1);
  if (kw.is_keyword("type") || kw.is_keyword("rec")) {
    c.skip_group();
  } else if (kw.is_keyword("func")) {
    func_field(c);
  } else if (kw.is_keyword("table")) {
    table_field(c);
  } else if (kw.is_keyword("memory")) {
    memory_field(c);
  } else if (kw.is_keyword("global")) {
    global_field(c);
  } else if (kw.is_keyword("tag")) {
    tag_field(c);
  } else if (kw.is_keyword("import")) {
    import_field(c);
  } else if (kw.is_keyword("export")) {
    export_field(c);
  } else if (kw.is_keyword("start")) {
    start_field(c);
  } else if (kw.is_keyword("elem")) {
    elem_field(c);
  } else if (kw.is_keyword("data")) {
    data_field(c);
  } else {
    Cursor::unexpected(kw);
  }
}

void ModuleBuilder::global_type(Cursor& c, ByteWriter& out) {
  const bool is_mut = c.at_open("mut");
  if (is_mut) {
    c.next();
    c.next();
  }
  for (const char b : val_type(c)) out.write_u8(static_cast<uint8_t>(b));
  if (is_mut) c.close();
  out.write_u8(is_mut ? 1 : 0);
}

void ModuleBuilder::import_field(Cursor& c) {
  c.open("import");
  const Token& at_module = c.peek();
  const std::string module = c.string();
  check_name(at_module, module);
  const Token& at_name = c.peek();
  const std::string name = c.string();
  check_name(at_name, name);
  write_string(imports_, module);
  write_string(imports_, name);
  ++import_count_;
  c.expect_open();
  const Token& kind = c.next();
  const auto space = space_of(kind);
  c.maybe_id();
  ++next_[static_cast<size_t>(*space)];
  switch (*space) {
    case Space::kFunc:
      imports_.write_u8(0);
      imports_.write_uleb(named_type_use(c));
      break;
    case Space::kTable:
      imports_.write_u8(1);
      table_type(c, imports_);
      break;
    case Space::kMemory:
      imports_.write_u8(2);
      memory_type(c, imports_);
      break;
    case Space::kGlobal:
      imports_.write_u8(3);
      global_type(c, imports_);
      break;
    case Space::kTag:
      imports_.write_u8(4);
      imports_.write_u8(0);
      imports_.write_uleb(named_type_use(c));
      break;
    default: Cursor::unexpected(kind);
  }
  c.close();
  c.close();
}

void ModuleBuilder::global_field(Cursor& c) {
  c.open("global");
  c.maybe_id();
  const uint32_t index = next_[static_cast<size_t>(Space::kGlobal)]++;
  inline_exports(c, 3, index);
  std::string module, name;
  if (inline_import(c, module, name)) {
    imports_.write_u8(3);
    global_type(c, imports_);
    c.close();
    return;
  }
  global_type(c, globals_);
  const_expr(c, globals_);
  ++global_count_;
  c.close();
}

void ModuleBuilder::tag_field(Cursor& c) {
  c.open("tag");
  c.maybe_id();
  const uint32_t index = next_[static_cast<size_t>(Space::kTag)]++;
  inline_exports(c, 4, index);
  std::string module, name;
  ByteWriter& out = inline_import(c, module, name) ? imports_ : tags_;
  if (&out == &imports_) {
    out.write_u8(4);
  } else {
    ++tag_count_;
  }
  out.write_u8(0);
  out.write_uleb(named_type_use(c));
  c.close();
}

void ModuleBuilder::export_field(Cursor& c) {
  c.open("export");
  const Token& at = c.peek();
  const std::string name = c.string();
  check_name(at, name);
  c.expect_open();
  const Token& kind = c.next();
  const auto space = space_of(kind);
  if (!space || *space == Space::kType || *space == Space::kElem || *space == Space::kData) Cursor::unexpected(kind);
  constexpr uint8_t kKinds[] = {0xFF, 0, 1, 2, 3, 4};
  write_string(exports_, name);
  exports_.write_u8(kKinds[static_cast<size_t>(*space)]);
  exports_.write_uleb(index(c, *space));
  ++export_count_;
  c.close();
  c.close();
}

void ModuleBuilder::start_field(Cursor& c) {
  const Token& at = c.peek();
  c.open("start");
  if (has_start_) Cursor::error(at, "multiple start sections");
  has_start_ = true;
  start_.write_uleb(index(c, Space::kFunc));
  c.close();
}

std::vector<uint8_t> ModuleBuilder::build() {
  collect();
  parse_types();
  Cursor c(tokens_, begin_, end_);
  while (c.pos() < end_) {
    if (!c.at(TokenKind::kLParen)) c.unexpected();
    emit_field(c);
  }
  return assemble();
}

std::vector<uint8_t> ModuleBuilder::assemble() {
  ByteWriter out;
  constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const uint8_t b : kHeader) out.write_u8(b);
  auto section = [&out](uint8_t id, uint32_t count, const ByteWriter& body) {
    if (count == 0) return;
    ByteWriter payload;
    payload.write_uleb(count);
    payload.write_bytes(body.bytes());
    out.write_u8(id);
    out.write_uleb(payload.size());
    out.write_bytes(payload.bytes());
  };
  ByteWriter types;
  for (const RecGroup& group : groups_) {
    if (group.explicit_rec) {
      types.write_u8(0x4E);
      types.write_uleb(group.size);
    }
    for (uint32_t i = group.first; i < group.first + group.size; ++i) {
      for (const char b : types_[i].bytes) types.write_u8(static_cast<uint8_t>(b));
    }
  }
  section(1, static_cast<uint32_t>(groups_.size()), types);
  section(2, import_count_, imports_);
  section(3, func_count_, funcs_);
  section(4, table_count_, tables_);
  section(5, memory_count_, memories_);
  section(13, tag_count_, tags_);
  section(6, global_count_, globals_);
  section(7, export_count_, exports_);
  if (has_start_) {
    out.write_u8(8);
    out.write_uleb(start_.size());
    out.write_bytes(start_.bytes());
  }
  section(9, elem_count_, elems_);
  // Only code that names data segments needs the count, and wast2json
  // writes it only when there are segments to count.
  if (uses_data_count_ && data_count_ > 0) {
    ByteWriter count;
    count.write_uleb(data_count_);
    out.write_u8(12);
    out.write_uleb(count.size());
    out.write_bytes(count.bytes());
  }
  section(10, func_count_, codes_);
  section(11, data_count_, datas_);
  return out.take();
}

}  // namespace kiln::text::detail
