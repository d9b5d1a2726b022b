// The text-to-binary assembler's internals: a token cursor and the module builder shared by src/text/*.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kiln/base/byte_writer.h"
#include "kiln/ir/features.h"
#include "kiln/text/lexer.h"
#include "op_table.h"

namespace kiln::text::detail {

class Cursor {
 public:
  Cursor(std::span<const Token> tokens, size_t pos, size_t end) : tokens_(tokens), pos_(pos), end_(end) {}

  // Past `end` every token reads as the end of input.
  const Token& peek(size_t ahead = 0) const;
  const Token& next();
  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }

  bool at(TokenKind kind, size_t ahead = 0) const { return peek(ahead).kind == kind; }
  bool at_keyword(std::string_view word, size_t ahead = 0) const { return peek(ahead).is_keyword(word); }
  bool at_open(std::string_view word) const { return at(TokenKind::kLParen) && at_keyword(word, 1); }
  bool at_close() const { return at(TokenKind::kRParen); }

  void open(std::string_view word);  // "(" word
  void expect_open();
  void close();
  void keyword(std::string_view word);
  std::string string();
  std::optional<std::string> maybe_id();
  uint32_t u32();
  uint64_t u64();
  // Skips a parenthesized group starting at the current "(".
  void skip_group();
  // The index of the ")" closing the group that starts at `pos`.
  size_t group_end(size_t pos) const;

  [[noreturn]] void unexpected() const;  // at the current token
  [[noreturn]] static void error(const Token& at, std::string_view what);
  [[noreturn]] static void unexpected(const Token& at);

 private:
  std::span<const Token> tokens_;
  size_t pos_;
  size_t end_;
};

enum class Space : uint8_t { kType, kFunc, kTable, kMemory, kGlobal, kTag, kElem, kData };
inline constexpr size_t kSpaceCount = 8;

struct IndexSpace {
  std::unordered_map<std::string, uint32_t> names;
  uint32_t count = 0;
};

struct FuncSig {
  std::vector<std::string> params;  // encoded value types
  std::vector<std::string> results;
  bool operator==(const FuncSig&) const = default;
};

enum class Composite : uint8_t { kFunc, kStruct, kArray };

struct TypeEntry {
  Composite kind = Composite::kFunc;
  FuncSig sig;
  std::unordered_map<std::string, uint32_t> field_names;
  bool plain = true;   // final, no supertypes, alone in its recursion group: what implicit type uses match
  std::string bytes;   // the subtype's encoding
};

struct RecGroup {
  uint32_t first = 0;
  uint32_t size = 0;
  bool explicit_rec = false;
};

// A function body's names: locals and the enclosing block labels (innermost last).
struct FuncContext {
  std::unordered_map<std::string, uint32_t> locals;
  std::vector<std::optional<std::string>> labels;
};

// A block type: 0x40, one value type, or a type index.
struct BlockType {
  std::string bytes;
};

// An element list: "func x*", bare indices, or a reference type and expressions.
struct ElemList {
  bool exprs = false;
  std::string ref_type = "\x70";
  uint32_t count = 0;
  ByteWriter items;
};

class ModuleBuilder {
 public:
  ModuleBuilder(std::span<const Token> tokens, size_t begin, size_t end, const Features& features)
      : tokens_(tokens), begin_(begin), end_(end), wide_limits_(features.memory64) {}
  std::vector<uint8_t> build();

  // Types (wat_types.cc).
  std::string val_type(Cursor& c);
  bool at_val_type(const Cursor& c) const;
  std::string heap_type(Cursor& c);
  std::string ref_type(Cursor& c, bool* nullable = nullptr);
  // "(type x)? (param ...)* (result ...)*": the type index; named params go to `names` when given.
  uint32_t type_use(Cursor& c, FuncSig* sig = nullptr, std::vector<std::optional<std::string>>* names = nullptr);
  // A type use whose parameters may be named, though nothing refers to the names (imports, tags).
  uint32_t named_type_use(Cursor& c);
  BlockType block_type(Cursor& c);
  const TypeEntry* type_at(uint32_t index) const { return index < types_.size() ? &types_[index] : nullptr; }

  // Indices (wat_module.cc).
  uint32_t index(Cursor& c, Space space);
  bool at_index(const Cursor& c) const;
  uint32_t field_index(Cursor& c, uint32_t type);

  // Instructions (wat_instr.cc, wat_immediates.cc).
  void instructions(Cursor& c, FuncContext& f, ByteWriter& out);
  void folded_instruction(Cursor& c, FuncContext& f, ByteWriter& out);  // exactly one "(...)"
  void const_expr(Cursor& c, ByteWriter& out);  // instructions up to ")", then end
  void immediates(Cursor& c, FuncContext& f, const Token& name, std::span<const TextOp> ops, ByteWriter& out);
  void write_op(const TextOp& op, ByteWriter& out);
  uint32_t label(Cursor& c, const FuncContext& f);
  void plain_instruction(Cursor& c, FuncContext& f, ByteWriter& out);
  void plain_block(Cursor& c, FuncContext& f, const Token& name, ByteWriter& out);
  void folded_block(Cursor& c, FuncContext& f, const Token& name, ByteWriter& out);
  void try_table_header(Cursor& c, FuncContext& f, ByteWriter& out);
  void else_branch(Cursor& c, FuncContext& f, ByteWriter& out);
  void end_label(Cursor& c, const FuncContext& f);
  void memarg(Cursor& c, const TextOp& op, unsigned natural_log2, bool lane, ByteWriter& out);
  void v128_const(Cursor& c, ByteWriter& out);
  bool at_index_after(const Cursor& c) const;  // the token after the next one is a nat
  void gc_immediates(Cursor& c, FuncContext& f, std::span<const TextOp> ops, ByteWriter& out);

  // Segments and memories (wat_segments.cc).
  void table_field(Cursor& c);
  void memory_field(Cursor& c);
  void elem_field(Cursor& c);
  void data_field(Cursor& c);
  void table_type(Cursor& c, ByteWriter& out);
  void memory_type(Cursor& c, ByteWriter& out);
  void limits(Cursor& c, bool is64, ByteWriter& out);

 private:
  void collect();
  void collect_field(Cursor& c);
  void declare(Space space, const std::optional<std::string>& name, const Token& at);
  void note_import(Space space, const Token& at);
  void note_definition(Space space);
  void parse_types();
  void type_definition(Cursor& c);
  uint32_t implicit_type(const FuncSig& sig);
  void emit_field(Cursor& c);
  void func_field(Cursor& c);
  void func_body(Cursor& c, const FuncSig& sig, std::vector<std::optional<std::string>> param_names);
  void import_field(Cursor& c);
  void import_desc(Cursor& c, const std::string& module, const std::string& name);
  void global_field(Cursor& c);
  void tag_field(Cursor& c);
  void export_field(Cursor& c);
  void start_field(Cursor& c);
  void inline_exports(Cursor& c, uint8_t kind, uint32_t index);
  bool inline_import(Cursor& c, std::string& module, std::string& name);
  void global_type(Cursor& c, ByteWriter& out);
  // `implied` is the table's type in "(table reftype (elem ...))", where expressions need no type of their own.
  ElemList elem_list(Cursor& c, const std::string* implied = nullptr);
  void offset_expr(Cursor& c, ByteWriter& out);
  void write_elem_segment(std::optional<uint32_t> table, const ByteWriter* offset, bool declarative, const ElemList& list);
  std::vector<uint8_t> assemble();

  std::span<const Token> tokens_;
  size_t begin_;
  size_t end_;
  // memory64's text format: limits and offsets of 32-bit memories and tables
  // are read as 64-bit numbers, and validation refuses the ones out of range.
  bool wide_limits_;
  IndexSpace spaces_[kSpaceCount];
  std::vector<TypeEntry> types_;
  std::vector<RecGroup> groups_;
  std::vector<bool> memory64_;  // each memory's address type, for the range of memarg offsets
  // The kind of the last definition seen, for "import after function".
  std::optional<Space> last_definition_;
  bool has_start_ = false;
  size_t depth_ = 0;  // nested blocks and folded instructions being read

 public:
  // Instructions nest by recursion, so hostile input is stopped at this depth
  // instead of overflowing the native stack; the spec suites nest far less.
  static constexpr size_t kMaxNesting = 1000;
  class NestingGuard {
   public:
    NestingGuard(ModuleBuilder& m, const Token& at) : m_(m) {
      if (++m_.depth_ > kMaxNesting)
        Cursor::error(at, "instructions nested too deeply (more than " + std::to_string(kMaxNesting) + " levels)");
    }
    ~NestingGuard() { --m_.depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    ModuleBuilder& m_;
  };

 private:
  bool uses_data_count_ = false;
  // Pass 2: the index the next definition of each space gets, and section entry counts.
  uint32_t next_[kSpaceCount] = {};
  uint32_t import_count_ = 0, func_count_ = 0, table_count_ = 0, memory_count_ = 0, global_count_ = 0,
           export_count_ = 0, elem_count_ = 0, data_count_ = 0, tag_count_ = 0;
  ByteWriter imports_, funcs_, tables_, memories_, globals_, exports_, start_, elems_, codes_, datas_, tags_;
};

// Writes `s` as a binary name: its length, then its bytes.
void write_string(ByteWriter& out, std::string_view s);

}  // namespace kiln::text::detail
