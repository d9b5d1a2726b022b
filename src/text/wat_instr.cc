// Instruction sequences of the text format: plain and folded forms, blocks with labels, if/then/else, try_table and
// the legacy try/catch/delegate.
#include "kiln/base/failure.h"
#include "wat_parser.h"

namespace kiln::text::detail {

namespace {

bool is_block_keyword(const Token& t) {
  return t.is_keyword("block") || t.is_keyword("loop") || t.is_keyword("if") || t.is_keyword("try") ||
         t.is_keyword("try_table");
}

// Keywords that end an instruction sequence; the enclosing construct reads them.
bool is_sequence_end(const Token& t) {
  return t.is_keyword("end") || t.is_keyword("else") || t.is_keyword("catch") || t.is_keyword("catch_all") ||
         t.is_keyword("delegate");
}

void write_block_header(ByteWriter& out, uint8_t opcode, const BlockType& type) {
  out.write_u8(opcode);
  for (const char b : type.bytes) out.write_u8(static_cast<uint8_t>(b));
}

uint8_t block_opcode(const Token& t) {
  if (t.is_keyword("loop")) return 0x03;
  if (t.is_keyword("if")) return 0x04;
  if (t.is_keyword("try")) return 0x06;
  if (t.is_keyword("try_table")) return 0x1F;
  return 0x02;
}

}  // namespace

void ModuleBuilder::instructions(Cursor& c, FuncContext& f, ByteWriter& out) {
  while (true) {
    const Token& t = c.peek();
    if (t.kind == TokenKind::kLParen) {
      folded_instruction(c, f, out);
    } else if (t.kind == TokenKind::kKeyword && !is_sequence_end(t)) {
      plain_instruction(c, f, out);
    } else if (t.kind == TokenKind::kRParen || t.kind == TokenKind::kEof || is_sequence_end(t)) {
      return;
    } else {
      c.unexpected();
    }
  }
}

void ModuleBuilder::const_expr(Cursor& c, ByteWriter& out) {
  FuncContext none;
  instructions(c, none, out);
  out.write_u8(0x0B);
}

uint32_t ModuleBuilder::label(Cursor& c, const FuncContext& f) {
  const Token& t = c.peek();
  if (t.kind == TokenKind::kId) {
    for (size_t i = f.labels.size(); i-- > 0;) {
      if (f.labels[i] && *f.labels[i] == t.value) {
        c.next();
        return static_cast<uint32_t>(f.labels.size() - 1 - i);
      }
    }
    Cursor::error(t, "unknown label $" + t.value);
  }
  return c.u32();
}

void ModuleBuilder::end_label(Cursor& c, const FuncContext& f) {
  if (!c.at(TokenKind::kId)) return;
  const Token& t = c.next();
  if (!f.labels.back() || *f.labels.back() != t.value) Cursor::error(t, "mismatching label");
}

void ModuleBuilder::plain_instruction(Cursor& c, FuncContext& f, ByteWriter& out) {
  const Token& name = c.peek();
  if (is_block_keyword(name)) {
    c.next();
    plain_block(c, f, name, out);
    return;
  }
  const auto ops = find_ops(name.text);
  if (ops.empty()) Cursor::unexpected(name);
  c.next();
  immediates(c, f, name, ops, out);
}

// An empty else branch is left out, as the reference encoder does.
void ModuleBuilder::else_branch(Cursor& c, FuncContext& f, ByteWriter& out) {
  ByteWriter branch;
  instructions(c, f, branch);
  if (branch.size() == 0) return;
  out.write_u8(0x05);
  out.write_bytes(branch.bytes());
}

void ModuleBuilder::try_table_header(Cursor& c, FuncContext& f, ByteWriter& out) {
  // The catch labels are resolved outside the try_table's own label.
  ByteWriter catches;
  uint32_t count = 0;
  constexpr std::string_view kClauses[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
  while (c.at(TokenKind::kLParen)) {
    uint8_t kind = 0xFF;
    for (uint8_t k = 0; k < 4; ++k) {
      if (c.at_keyword(kClauses[k], 1)) kind = k;
    }
    if (kind == 0xFF) break;
    c.next();
    c.next();
    catches.write_u8(kind);
    if (kind < 2) catches.write_uleb(index(c, Space::kTag));
    catches.write_uleb(label(c, f));
    c.close();
    ++count;
  }
  out.write_uleb(count);
  out.write_bytes(catches.bytes());
}

// "block $l? bt instr* end $l?" and its relatives.
void ModuleBuilder::plain_block(Cursor& c, FuncContext& f, const Token& name, ByteWriter& out) {
  const NestingGuard guard(*this, name);
  std::optional<std::string> id = c.maybe_id();
  const BlockType type = block_type(c);
  write_block_header(out, block_opcode(name), type);
  if (name.is_keyword("try_table")) try_table_header(c, f, out);
  f.labels.push_back(std::move(id));
  instructions(c, f, out);
  if (name.is_keyword("if") && c.at_keyword("else")) {
    c.next();
    end_label(c, f);
    else_branch(c, f, out);
  }
  if (name.is_keyword("try")) {
    const bool catches = c.at_keyword("catch") || c.at_keyword("catch_all");
    while (c.at_keyword("catch")) {
      c.next();
      out.write_u8(0x07);
      out.write_uleb(index(c, Space::kTag));
      instructions(c, f, out);
    }
    if (c.at_keyword("catch_all")) {
      c.next();
      out.write_u8(0x19);
      instructions(c, f, out);
    }
    if (c.at_keyword("delegate")) {
      if (catches) c.unexpected();  // delegate replaces the handlers
      c.next();
      f.labels.pop_back();
      out.write_u8(0x18);
      out.write_uleb(label(c, f));
      return;
    }
  }
  if (!c.at_keyword("end")) c.unexpected();
  c.next();
  end_label(c, f);
  f.labels.pop_back();
  out.write_u8(0x0B);
}

// "(block $l? bt instr*)", "(if $l? bt cond* (then ...) (else ...)?)", "(try bt (do ...) (catch ...)*)".
void ModuleBuilder::folded_block(Cursor& c, FuncContext& f, const Token& name, ByteWriter& out) {
  std::optional<std::string> id = c.maybe_id();
  const BlockType type = block_type(c);
  if (name.is_keyword("if")) {
    while (c.at(TokenKind::kLParen) && !c.at_keyword("then", 1)) folded_instruction(c, f, out);
    write_block_header(out, 0x04, type);
    f.labels.push_back(std::move(id));
    c.open("then");
    instructions(c, f, out);
    c.close();
    if (c.at_open("else")) {
      c.next();
      c.next();
      else_branch(c, f, out);
      c.close();
    }
  } else if (name.is_keyword("try")) {
    write_block_header(out, 0x06, type);
    f.labels.push_back(std::move(id));
    c.open("do");
    instructions(c, f, out);
    c.close();
    const bool catches = c.at_open("catch") || c.at_open("catch_all");
    while (c.at_open("catch")) {
      c.next();
      c.next();
      out.write_u8(0x07);
      out.write_uleb(index(c, Space::kTag));
      instructions(c, f, out);
      c.close();
    }
    if (c.at_open("catch_all")) {
      c.next();
      c.next();
      out.write_u8(0x19);
      instructions(c, f, out);
      c.close();
    }
    if (c.at_open("delegate")) {
      if (catches) c.unexpected();  // delegate replaces the handlers
      c.next();
      c.next();
      f.labels.pop_back();
      out.write_u8(0x18);
      out.write_uleb(label(c, f));
      c.close();
      c.close();
      return;
    }
  } else {
    write_block_header(out, block_opcode(name), type);
    if (name.is_keyword("try_table")) try_table_header(c, f, out);
    f.labels.push_back(std::move(id));
    instructions(c, f, out);
  }
  c.close();
  f.labels.pop_back();
  out.write_u8(0x0B);
}

void ModuleBuilder::folded_instruction(Cursor& c, FuncContext& f, ByteWriter& out) {
  const NestingGuard guard(*this, c.peek());
  c.expect_open();
  const Token& name = c.peek();
  if (name.kind != TokenKind::kKeyword) c.unexpected();
  c.next();
  if (is_block_keyword(name)) {
    folded_block(c, f, name, out);
    return;
  }
  const auto ops = find_ops(name.text);
  if (ops.empty() || is_sequence_end(name)) Cursor::unexpected(name);
  // The operator's own bytes go after its operands.
  ByteWriter op;
  immediates(c, f, name, ops, op);
  while (c.at(TokenKind::kLParen)) folded_instruction(c, f, out);
  c.close();
  out.write_bytes(op.bytes());
}

}  // namespace kiln::text::detail
