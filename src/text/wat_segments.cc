// Tables, memories, element and data segments in the text format, with the inline elem/data abbreviations.
#include "kiln/base/failure.h"
#include "kiln/text/numbers.h"
#include "wat_parser.h"

namespace kiln::text::detail {

namespace {

bool address_type(Cursor& c) {
  if (c.at_keyword("i64")) {
    c.next();
    return true;
  }
  if (c.at_keyword("i32")) c.next();
  return false;
}

void write_bytes(ByteWriter& out, std::string_view bytes) {
  for (const char b : bytes) out.write_u8(static_cast<uint8_t>(b));
}

// The LEB index after the opcode of "ref.func x".
uint64_t index_at(const std::vector<uint8_t>& item) {
  uint64_t value = 0;
  for (size_t i = 1; i < item.size() && i < 11; ++i) {
    value |= uint64_t{item[i] & 0x7Fu} << (7 * (i - 1));
    if (!(item[i] & 0x80)) break;
  }
  return value;
}

// Function indices as "ref.func x" expressions of `type`: the segment of
// "(table (ref null $t) (elem $f))" has the table's type, which the compact
// encodings (funcref, or (ref func) since function references) cannot say.
void as_expressions(ElemList& list, const std::string& type) {
  ByteWriter exprs;
  const auto& indices = list.items.bytes();
  for (size_t i = 0; i < indices.size();) {
    exprs.write_u8(0xD2);
    do {
      exprs.write_u8(indices[i]);
    } while (indices[i++] & 0x80);
    exprs.write_u8(0x0B);
  }
  list.items = std::move(exprs);
  list.exprs = true;
  list.ref_type = type;
}

// "(i32.const 0)" or "(i64.const 0)" as a constant expression with its end.
void zero_offset(ByteWriter& out, bool is64) {
  out.write_u8(is64 ? 0x42 : 0x41);
  out.write_u8(0);
  out.write_u8(0x0B);
}

}  // namespace

void ModuleBuilder::limits(Cursor& c, bool is64, ByteWriter& out) {
  // Since memory64 a 32-bit memory's limits are read as 64-bit numbers
  // too: validation, not the text format, refuses sizes beyond 4 GiB.
  auto bound = [&]() {
    const Token& at = c.peek();
    const uint64_t value = c.u64();
    if (!is64 && !wide_limits_ && value > 0xFFFFFFFFu) Cursor::error(at, "i32 constant out of range");
    return value;
  };
  const uint64_t min = bound();
  std::optional<uint64_t> max;
  if (c.at(TokenKind::kNumber)) max = bound();
  out.write_u8(static_cast<uint8_t>((max ? 1 : 0) | (is64 ? 4 : 0)));
  out.write_uleb(min);
  if (max) out.write_uleb(*max);
}

void ModuleBuilder::table_type(Cursor& c, ByteWriter& out) {
  const bool is64 = address_type(c);
  ByteWriter lim;
  limits(c, is64, lim);
  write_bytes(out, ref_type(c));
  out.write_bytes(lim.bytes());
}

void ModuleBuilder::memory_type(Cursor& c, ByteWriter& out) {
  const bool is64 = address_type(c);
  limits(c, is64, out);
}

void ModuleBuilder::table_field(Cursor& c) {
  c.open("table");
  c.maybe_id();
  const uint32_t index = next_[static_cast<size_t>(Space::kTable)]++;
  inline_exports(c, 1, index);
  std::string module, name;
  if (inline_import(c, module, name)) {
    imports_.write_u8(1);
    table_type(c, imports_);
    c.close();
    return;
  }
  ++table_count_;
  const bool is64 = address_type(c);
  if (!c.at(TokenKind::kNumber)) {
    // "(table reftype (elem ...))": the table is exactly as large as its elements.
    const std::string type = ref_type(c);
    c.open("elem");
    ElemList list = elem_list(c, &type);
    c.close();
    if (!list.exprs && type != "\x70" && type != "\x64\x70") as_expressions(list, type);
    write_bytes(tables_, type);
    tables_.write_u8(static_cast<uint8_t>(1 | (is64 ? 4 : 0)));
    tables_.write_uleb(list.count);
    tables_.write_uleb(list.count);
    ByteWriter offset;
    zero_offset(offset, is64);
    write_elem_segment(index, &offset, false, list);
    next_[static_cast<size_t>(Space::kElem)]++;
    c.close();
    return;
  }
  ByteWriter lim;
  limits(c, is64, lim);
  const std::string type = ref_type(c);
  if (!c.at_close()) {
    tables_.write_u8(0x40);
    tables_.write_u8(0x00);
    write_bytes(tables_, type);
    tables_.write_bytes(lim.bytes());
    const_expr(c, tables_);
  } else {
    write_bytes(tables_, type);
    tables_.write_bytes(lim.bytes());
  }
  c.close();
}

void ModuleBuilder::memory_field(Cursor& c) {
  c.open("memory");
  c.maybe_id();
  const uint32_t index = next_[static_cast<size_t>(Space::kMemory)]++;
  inline_exports(c, 2, index);
  std::string module, name;
  if (inline_import(c, module, name)) {
    imports_.write_u8(2);
    memory_type(c, imports_);
    c.close();
    return;
  }
  ++memory_count_;
  const bool is64 = address_type(c);
  if (!c.at_open("data")) {
    limits(c, is64, memories_);
    c.close();
    return;
  }
  // "(memory (data ...))": as many pages as the bytes need, minimum = maximum.
  c.next();
  c.next();
  std::string bytes;
  while (c.at(TokenKind::kString)) bytes += c.string();
  c.close();
  c.close();
  const uint64_t pages = (bytes.size() + 65535) / 65536;
  memories_.write_u8(static_cast<uint8_t>(1 | (is64 ? 4 : 0)));
  memories_.write_uleb(pages);
  memories_.write_uleb(pages);
  if (index == 0) {
    datas_.write_u8(0);
  } else {
    datas_.write_u8(2);
    datas_.write_uleb(index);
  }
  zero_offset(datas_, is64);
  write_string(datas_, bytes);
  ++data_count_;
  next_[static_cast<size_t>(Space::kData)]++;
}

void ModuleBuilder::offset_expr(Cursor& c, ByteWriter& out) {
  FuncContext none;
  if (c.at_open("offset")) {
    c.next();
    c.next();
    instructions(c, none, out);
    c.close();
  } else {
    folded_instruction(c, none, out);
  }
  out.write_u8(0x0B);
}

ElemList ModuleBuilder::elem_list(Cursor& c, const std::string* implied) {
  ElemList list;
  if (c.at_keyword("func")) {
    c.next();
  } else if (at_val_type(c)) {
    list.exprs = true;
    list.ref_type = ref_type(c);
  } else if (implied && c.at(TokenKind::kLParen)) {
    list.exprs = true;
    list.ref_type = *implied;
  }
  if (!list.exprs) {
    while (at_index(c)) {
      list.items.write_uleb(index(c, Space::kFunc));
      ++list.count;
    }
    return list;
  }
  // Expressions that are all "ref.func x" in a (ref func) list take the
  // compact encoding of function indices, as the reference encoder does. A
  // funcref list keeps its expressions: since function references the
  // compact encodings mean (ref func), which would narrow the segment's type.
  FuncContext none;
  ByteWriter indices;
  bool all_ref_func = true;
  while (c.at(TokenKind::kLParen)) {
    ByteWriter item;
    if (c.at_open("item")) {
      c.next();
      c.next();
      instructions(c, none, item);
      c.close();
    } else {
      folded_instruction(c, none, item);
    }
    item.write_u8(0x0B);
    const auto& b = item.bytes();
    const bool ref_func = b.size() >= 3 && b[0] == 0xD2 && b.back() == 0x0B &&
                          leb_size_unsigned(index_at(b)) == b.size() - 2;
    if (ref_func) indices.write_uleb(index_at(b));
    all_ref_func = all_ref_func && ref_func;
    list.items.write_bytes(b);
    ++list.count;
  }
  if (all_ref_func && list.ref_type == "\x64\x70") {
    list.exprs = false;
    list.items = std::move(indices);
  }
  return list;
}

void ModuleBuilder::write_elem_segment(std::optional<uint32_t> table, const ByteWriter* offset, bool declarative,
                                       const ElemList& list) {
  uint8_t flags = list.exprs ? 4 : 0;
  const bool explicit_table = table && (*table != 0 || (list.exprs && list.ref_type != "\x70"));
  if (!offset) flags |= declarative ? 3 : 1;
  if (offset && explicit_table) flags |= 2;
  elems_.write_u8(flags);
  if (offset && explicit_table) elems_.write_uleb(*table);
  if (offset) elems_.write_bytes(offset->bytes());
  if (!offset || explicit_table) {
    if (list.exprs) {
      write_bytes(elems_, list.ref_type);
    } else {
      elems_.write_u8(0x00);
    }
  }
  elems_.write_uleb(list.count);
  elems_.write_bytes(list.items.bytes());
  ++elem_count_;
}

void ModuleBuilder::elem_field(Cursor& c) {
  c.open("elem");
  c.maybe_id();
  next_[static_cast<size_t>(Space::kElem)]++;
  if (c.at_keyword("declare")) {
    c.next();
    write_elem_segment(std::nullopt, nullptr, true, elem_list(c));
    c.close();
    return;
  }
  std::optional<uint32_t> table;
  if (c.at_open("table")) {
    c.next();
    c.next();
    table = index(c, Space::kTable);
    c.close();
  } else if (at_index(c) && c.at(TokenKind::kLParen, 1)) {
    table = index(c, Space::kTable);
  }
  const bool active = table || (c.at(TokenKind::kLParen) && !c.at_open("item") && !c.at_open("ref"));
  if (!active) {
    write_elem_segment(std::nullopt, nullptr, false, elem_list(c));
    c.close();
    return;
  }
  ByteWriter offset;
  offset_expr(c, offset);
  write_elem_segment(table.value_or(0), &offset, false, elem_list(c));
  c.close();
}

void ModuleBuilder::data_field(Cursor& c) {
  c.open("data");
  c.maybe_id();
  next_[static_cast<size_t>(Space::kData)]++;
  std::optional<uint32_t> memory;
  if (c.at_open("memory")) {
    c.next();
    c.next();
    memory = index(c, Space::kMemory);
    c.close();
  } else if (at_index(c) && c.at(TokenKind::kLParen, 1)) {
    memory = index(c, Space::kMemory);
  }
  if (memory || c.at(TokenKind::kLParen)) {
    if (memory.value_or(0) == 0) {
      datas_.write_u8(0);
    } else {
      datas_.write_u8(2);
      datas_.write_uleb(*memory);
    }
    offset_expr(c, datas_);
  } else {
    datas_.write_u8(1);
  }
  std::string bytes;
  while (c.at(TokenKind::kString)) bytes += c.string();
  write_string(datas_, bytes);
  ++data_count_;
  c.close();
}

}  // namespace kiln::text::detail
