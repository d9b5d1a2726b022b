// Tests of the text layer: lexer, literals, and the text-to-binary assembler, each abbreviation and instruction
// class against hand-checked bytes, and errors with line:column.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "kiln/ir/opcode.h"
#include "kiln/text/lexer.h"
#include "kiln/text/numbers.h"
#include "kiln/text/wat.h"
#include "support/wasm_bytes.h"
#include "text/op_table.h"

using namespace kiln;
using namespace kiln::text;
using kiln::test::ByteVec;

namespace {

ByteVec wat(std::string_view source) {
  auto bytes = wat_to_binary(source);
  REQUIRE_MESSAGE(bytes.ok(), (bytes.ok() ? "" : bytes.error().message));
  return *bytes;
}

std::string wat_error(std::string_view source) {
  auto bytes = wat_to_binary(source);
  if (bytes.ok()) return "(accepted)";
  CHECK(bytes.error().code == ErrorCode::kMalformed);
  return bytes.error().message;
}

uint64_t read_leb(const ByteVec& m, size_t& i) {
  uint64_t value = 0;
  for (unsigned shift = 0;; shift += 7) {
    const uint8_t b = m.at(i++);
    value |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) return value;
  }
}

// The payload of section `id`, or "(none)".
ByteVec section(const ByteVec& m, uint8_t id) {
  size_t i = 8;
  while (i < m.size()) {
    const uint8_t sid = m[i++];
    const auto size = static_cast<size_t>(read_leb(m, i));
    if (sid == id) return ByteVec(m.begin() + static_cast<long>(i), m.begin() + static_cast<long>(i + size));
    i += size;
  }
  return {};
}

// The first function body (locals and code, with its end), without its size.
ByteVec body(const ByteVec& m) {
  const ByteVec code = section(m, 10);
  REQUIRE(code.size() > 2);
  size_t i = 1;
  const auto size = static_cast<size_t>(read_leb(code, i));
  return ByteVec(code.begin() + static_cast<long>(i), code.begin() + static_cast<long>(i + size));
}

// A body without locals: 0x00, the instructions, end.
ByteVec code(std::initializer_list<uint8_t> instructions) {
  ByteVec out{0x00};
  for (const uint8_t b : instructions) out.push_back(b);
  out.push_back(0x0B);
  return out;
}

}  // namespace

TEST_CASE("lexer: tokens, strings, comments, annotations and positions") {
  auto tokens = tokenize("(module ;; line\n  (; nested (; ;) ;) $x \"a\\n\\41\\u{e9}\" 0x1_0 (@ann (x) \"y\") i32.add)");
  REQUIRE(tokens.ok());
  const auto& t = *tokens;
  REQUIRE(t.size() == 8);
  CHECK(t[1].is_keyword("module"));
  CHECK(t[2].kind == TokenKind::kId);
  CHECK(t[2].value == "x");
  CHECK(t[2].line == 2);
  CHECK(t[2].column == 22);
  CHECK(t[3].kind == TokenKind::kString);
  CHECK(t[3].value == "a\nA\xC3\xA9");
  CHECK(t[4].kind == TokenKind::kNumber);
  CHECK(t[5].is_keyword("i32.add"));
  CHECK(t[7].kind == TokenKind::kEof);

  auto quoted = tokenize("$\"a b\" x\"y\" $");
  CHECK_FALSE(quoted.ok());  // "$" alone
  CHECK(error_reason(quoted.error().message) == "empty identifier");
  auto reserved = tokenize("$\"a b\" x\"y\"");
  REQUIRE(reserved.ok());
  CHECK((*reserved)[0].value == "a b");
  CHECK((*reserved)[1].kind == TokenKind::kReserved);

  CHECK(tokenize("\"abc").error().message == "1:1: unclosed string");
  CHECK(tokenize("(; x").error().message == "1:1: unclosed comment");
  CHECK(tokenize("a\n \x01").error().message == "2:2: illegal character");
  CHECK(tokenize("\"\xff\"").error().message == "1:2: malformed UTF-8 encoding");
  CHECK(tokenize("(@ x)").error().message == "1:3: empty annotation id");
  CHECK(tokenize("(@a (b)").error().message == "1:1: unclosed annotation");
  CHECK(error_reason("12:7: unknown operator") == "unknown operator");
  auto cr = tokenize(";; comment\r(x");
  REQUIRE(cr.ok());
  CHECK(cr->size() == 3);  // "(", "x", end: the comment stopped at the carriage return
  CHECK(error_reason("no location") == "no location");
}

TEST_CASE("literals: shapes, integer ranges, floats, NaN payloads") {
  CHECK(literal_shape("1_000") == LiteralShape::kNat);
  CHECK(literal_shape("0xff_ff") == LiteralShape::kNat);
  CHECK(literal_shape("-7") == LiteralShape::kInt);
  CHECK(literal_shape("1.5e-3") == LiteralShape::kFloat);
  CHECK(literal_shape("0x1.8p3") == LiteralShape::kFloat);
  CHECK(literal_shape("-inf") == LiteralShape::kFloat);
  CHECK(literal_shape("nan:0x4") == LiteralShape::kFloat);
  CHECK(literal_shape("1__0") == LiteralShape::kNone);
  CHECK(literal_shape("_1") == LiteralShape::kNone);
  CHECK(literal_shape("0x") == LiteralShape::kNone);
  CHECK(literal_shape("1e") == LiteralShape::kNone);

  CHECK(parse_int_bits("0xffffffff", 32) == 0xFFFFFFFFu);
  CHECK(parse_int_bits("-0x80000000", 32) == 0x80000000u);
  CHECK_FALSE(parse_int_bits("-0x80000001", 32));
  CHECK_FALSE(parse_int_bits("+4294967295", 32));  // signed forms stay in the signed range
  CHECK(parse_int_bits("-1", 64) == ~uint64_t{0});
  CHECK(parse_nat("4294967295", 0xFFFFFFFFu) == 0xFFFFFFFFu);
  CHECK_FALSE(parse_nat("4294967296", 0xFFFFFFFFu));

  CHECK(parse_f32_bits("1") == 0x3F800000u);
  CHECK(parse_f32_bits("-0x1p-149") == 0x80000001u);
  CHECK(parse_f32_bits("0x1.fffffefffffffp127") == 0x7F7FFFFFu);  // rounds down to the largest float
  CHECK_FALSE(parse_f32_bits("0x1.ffffffp127"));                  // rounds to infinity
  CHECK(parse_f32_bits("1e-50") == 0u);                           // rounds to zero: allowed
  CHECK(parse_f32_bits("-nan") == 0xFFC00000u);
  CHECK(parse_f32_bits("nan:0x200000") == 0x7FA00000u);
  CHECK_FALSE(parse_f32_bits("nan:0x800000"));
  CHECK_FALSE(parse_f32_bits("nan:0x0"));
  CHECK(parse_f64_bits("0x1p-1074") == 1u);
  CHECK(parse_f64_bits("1_000.000_1") == 0x408F4000346DC5D6u);
  CHECK(parse_f64_bits("inf") == 0x7FF0000000000000u);
  CHECK_FALSE(parse_f64_bits("1e309"));
}

TEST_CASE("assembler: module header, implicit types, inline export and import") {
  CHECK(wat("(module)") == ByteVec{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00});
  CHECK(wat("") == wat("(module)"));
  const ByteVec m = wat("(module (func $f (export \"f\") (param i32) (result i32) local.get 0))");
  CHECK(section(m, 1) == ByteVec{0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F});
  CHECK(section(m, 3) == ByteVec{0x01, 0x00});
  CHECK(section(m, 7) == ByteVec{0x01, 0x01, 'f', 0x00, 0x00});
  CHECK(body(m) == code({0x20, 0x00}));

  const ByteVec imported = wat("(func $g (import \"m\" \"n\") (param $x i64)) (func (call $g (i64.const 5)))");
  CHECK(wat("(import \"m\" \"n\" (func (param $x i64)))") == wat("(import \"m\" \"n\" (func (param i64)))"));
  CHECK(wat_error("(type $t (func (param i32))) (table 1 funcref) (func (call_indirect (param $x i32)"
                  " (i32.const 0) (i32.const 0)))") == "1:76: unexpected token $x");
  CHECK(section(imported, 2) == ByteVec{0x01, 0x01, 'm', 0x01, 'n', 0x00, 0x00});
  CHECK(section(imported, 1) == ByteVec{0x02, 0x60, 0x01, 0x7E, 0x00, 0x60, 0x00, 0x00});
  CHECK(body(imported) == code({0x42, 0x05, 0x10, 0x00}));

  // An inline signature reuses the first matching type; (type $t) with the same params is accepted.
  const ByteVec reuse = wat("(type $t (func (param i32))) (func (param i32)) (func (type $t) (param $x i32))");
  CHECK(section(reuse, 1) == ByteVec{0x01, 0x60, 0x01, 0x7F, 0x00});
  CHECK(section(reuse, 3) == ByteVec{0x02, 0x00, 0x00});

  // Locals: named and grouped; equal neighbours share one entry.
  const ByteVec locals = wat("(func (param $p f32) (local $a i32) (local i32 i64) local.get $a drop local.get $p drop)");
  CHECK(body(locals) == ByteVec{0x02, 0x02, 0x7F, 0x01, 0x7E, 0x20, 0x01, 0x1A, 0x20, 0x00, 0x1A, 0x0B});
}

TEST_CASE("assembler: folded and plain instructions, labels, blocks") {
  CHECK(body(wat("(func (result i32) (i32.add (i32.const 1) (i32.const 2)))")) ==
        code({0x41, 0x01, 0x41, 0x02, 0x6A}));
  CHECK(body(wat("(func (result i32) i32.const 1 i32.const 2 i32.add)")) == code({0x41, 0x01, 0x41, 0x02, 0x6A}));
  CHECK(body(wat("(func (block $a (block $b (br_table $a $b 0 (i32.const 0)))))")) ==
        code({0x02, 0x40, 0x02, 0x40, 0x41, 0x00, 0x0E, 0x02, 0x01, 0x00, 0x00, 0x0B, 0x0B}));
  CHECK(body(wat("(func (param i32) (result i32)"
                 " (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))")) ==
        code({0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B}));
  // An empty else is left out; a type a short block type can say takes it.
  CHECK(body(wat("(func (param i32) (if (local.get 0) (then nop) (else)))")) ==
        code({0x20, 0x00, 0x04, 0x40, 0x01, 0x0B}));
  CHECK(body(wat("(type $r (func (result i32))) (func (result i32) (block (type $r) (i32.const 1)))")) ==
        code({0x02, 0x7F, 0x41, 0x01, 0x0B}));
  CHECK(body(wat("(func loop $l br $l end $l block (result i64) i64.const -1 end drop)")) ==
        code({0x03, 0x40, 0x0C, 0x00, 0x0B, 0x02, 0x7E, 0x42, 0x7F, 0x0B, 0x1A}));
  // A block with parameters gets an implicit function type.
  const ByteVec multi = wat("(func (i32.const 1) (block (param i32) (result i32 i32) (i32.const 2)) drop drop)");
  CHECK(section(multi, 1) == ByteVec{0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7F, 0x02, 0x7F, 0x7F});
  CHECK(body(multi) == code({0x41, 0x01, 0x02, 0x01, 0x41, 0x02, 0x0B, 0x1A, 0x1A}));
  CHECK(body(wat("(func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)) drop)")) ==
        code({0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1C, 0x01, 0x7F, 0x1A}));
  CHECK(body(wat("(type $t (func)) (table 1 funcref) (func (call_indirect (type $t) (i32.const 0)))")) ==
        code({0x41, 0x00, 0x11, 0x00, 0x00}));
}

TEST_CASE("assembler: constants, memargs, memory64 and multi-memory") {
  CHECK(body(wat("(func i32.const 0xffffffff i64.const -1 drop drop)")) == code({0x41, 0x7F, 0x42, 0x7F, 0x1A, 0x1A}));
  CHECK(body(wat("(func f32.const nan:0x200000 f64.const -0x1p-1 drop drop)")) ==
        code({0x43, 0x00, 0x00, 0xA0, 0x7F, 0x44, 0, 0, 0, 0, 0, 0, 0xE0, 0xBF, 0x1A, 0x1A}));
  CHECK(body(wat("(memory 1) (func (drop (i32.load offset=8 align=2 (i32.const 0))))")) ==
        code({0x41, 0x00, 0x28, 0x01, 0x08, 0x1A}));
  CHECK(body(wat("(memory 1) (memory $m 1) (func (drop (i32.load $m (i32.const 0))))")) ==
        code({0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1A}));
  CHECK(section(wat("(memory i64 1 2)"), 5) == ByteVec{0x01, 0x05, 0x01, 0x02});
  CHECK(body(wat("(memory i64 1) (func (drop (i64.load offset=0x1_0000_0000 (i64.const 0))))")) ==
        code({0x42, 0x00, 0x29, 0x03, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A}));
  CHECK(body(wat("(memory 1) (memory 1) (func (memory.copy 1 0 (i32.const 0) (i32.const 0) (i32.const 0)))")) ==
        code({0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0A, 0x01, 0x00}));
}

TEST_CASE("assembler: memories, tables, data and elem abbreviations") {
  const ByteVec data = wat("(memory (data \"ab\" \"c\"))");
  CHECK(section(data, 5) == ByteVec{0x01, 0x01, 0x01, 0x01});
  CHECK(section(data, 11) == ByteVec{0x01, 0x00, 0x41, 0x00, 0x0B, 0x03, 'a', 'b', 'c'});
  CHECK(section(wat("(data \"x\")"), 11) == ByteVec{0x01, 0x01, 0x01, 'x'});
  CHECK(section(wat("(memory 1) (memory $m 1) (data (memory $m) (offset (i32.const 4)) \"\\00\")"), 11) ==
        ByteVec{0x01, 0x02, 0x01, 0x41, 0x04, 0x0B, 0x01, 0x00});

  const ByteVec table = wat("(func $f) (table funcref (elem $f $f))");
  CHECK(section(table, 4) == ByteVec{0x01, 0x70, 0x01, 0x02, 0x02});
  CHECK(section(table, 9) == ByteVec{0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x00});
  // A typed table's inline elements have the table's type.
  CHECK(section(wat("(type $t (func)) (func $f (type $t)) (table (ref null $t) (elem $f))"), 9) ==
        ByteVec{0x01, 0x06, 0x00, 0x41, 0x00, 0x0B, 0x63, 0x00, 0x01, 0xD2, 0x00, 0x0B});
  CHECK(section(wat("(table 2 funcref) (func $f) (elem (i32.const 1) $f)"), 9) ==
        ByteVec{0x01, 0x00, 0x41, 0x01, 0x0B, 0x01, 0x00});
  CHECK(section(wat("(func $f) (elem declare func $f)"), 9) == ByteVec{0x01, 0x03, 0x00, 0x01, 0x00});
  CHECK(section(wat("(func $f) (elem funcref (ref.func $f) (item ref.null func))"), 9) ==
        ByteVec{0x01, 0x05, 0x70, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B});
  CHECK(section(wat("(table 1 externref) (table $t 1 funcref) (func $f) (elem (table $t) (i32.const 0) func $f)"), 9) ==
        ByteVec{0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x00});
  // All "ref.func x" in a (ref func) list: the compact index form; a funcref list keeps its type.
  CHECK(section(wat("(func $f) (elem (ref func) (ref.func $f) (item (ref.func $f)))"), 9) ==
        ByteVec{0x01, 0x01, 0x00, 0x02, 0x00, 0x00});
  CHECK(section(wat("(func $f) (elem funcref (ref.func $f))"), 9) == ByteVec{0x01, 0x05, 0x70, 0x01, 0xD2, 0x00, 0x0B});
  CHECK(section(wat("(global $g (mut i32) (i32.const 7)) (export \"g\" (global $g))"), 6) ==
        ByteVec{0x01, 0x7F, 0x01, 0x41, 0x07, 0x0B});
  CHECK(section(wat("(func $s) (start $s)"), 8) == ByteVec{0x00});
}

TEST_CASE("assembler: SIMD, relaxed SIMD and tail calls") {
  CHECK(body(wat("(func (drop (v128.const i32x4 1 2 3 0xffffffff)))")) ==
        code({0xFD, 0x0C, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x1A}));
  CHECK(body(wat("(func (result i32) (i8x16.extract_lane_s 3 (v128.const f32x4 0 0 0 -0)))")) ==
        code({0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0xFD, 0x15, 0x03}));
  CHECK(body(wat("(func (param v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 0)))")) ==
        code({0x20, 0x00, 0x20, 0x00, 0xFD, 0x80, 0x02}));
  CHECK(body(wat("(memory 1) (func (param v128) (v128.store8_lane 1 (i32.const 0) (local.get 0)))")) ==
        code({0x41, 0x00, 0x20, 0x00, 0xFD, 0x58, 0x00, 0x00, 0x01}));
  CHECK(body(wat("(func $f (return_call $f))")) == code({0x12, 0x00}));
}

TEST_CASE("assembler: exceptions, legacy exceptions, function references") {
  const ByteVec tags = wat("(tag $e (param i32)) (func (try_table (catch $e 0) (throw $e (i32.const 1))))");
  CHECK(section(tags, 13) == ByteVec{0x01, 0x00, 0x00});
  CHECK(body(tags) == code({0x1F, 0x40, 0x01, 0x00, 0x00, 0x00, 0x41, 0x01, 0x08, 0x00, 0x0B}));
  CHECK(body(wat("(tag $e) (func (result exnref) (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e))"
                 " unreachable))")) ==
        code({0x02, 0x69, 0x1F, 0x40, 0x01, 0x03, 0x00, 0x08, 0x00, 0x0B, 0x00, 0x0B}));
  CHECK(body(wat("(tag $e (param i32)) (func (try (do nop) (catch $e drop) (catch_all)))")) ==
        code({0x06, 0x40, 0x01, 0x07, 0x00, 0x1A, 0x19, 0x0B}));
  CHECK(body(wat("(func try $l nop delegate 0)")) == code({0x06, 0x40, 0x01, 0x18, 0x00}));
  const ByteVec refs = wat("(type $t (func)) (func (param (ref null $t)) (call_ref $t (local.get 0)))");
  CHECK(section(refs, 1) == ByteVec{0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x63, 0x00, 0x00});
  CHECK(body(refs) == code({0x20, 0x00, 0x14, 0x00}));
  CHECK(body(wat("(func (param funcref) (drop (br_on_null 0 (ref.as_non_null (local.get 0)))))")) ==
        code({0x20, 0x00, 0xD4, 0xD5, 0x00, 0x1A}));
  CHECK(section(wat("(type $t (func)) (func $f (type $t)) (table 1 (ref $t) (ref.func $f))"), 4) ==
        ByteVec{0x01, 0x40, 0x00, 0x64, 0x00, 0x00, 0x01, 0xD2, 0x00, 0x0B});
}

TEST_CASE("assembler: GC types and instructions") {
  CHECK(section(wat("(type $s (struct (field $x (mut i32)) (field i8))) (type $a (array (mut i16)))"), 1) ==
        ByteVec{0x02, 0x5F, 0x02, 0x7F, 0x01, 0x78, 0x00, 0x5E, 0x77, 0x01});
  CHECK(section(wat("(rec (type $n (sub (struct))) (type (sub final $n (struct))))"), 1) ==
        ByteVec{0x01, 0x4E, 0x02, 0x50, 0x00, 0x5F, 0x00, 0x4F, 0x01, 0x00, 0x5F, 0x00});
  CHECK(body(wat("(type $s (struct (field $x i32) (field $y i64))) (func (param (ref $s)) (result i64)"
                 " (struct.get $s $y (local.get 0)))")) ==
        code({0x20, 0x00, 0xFB, 0x02, 0x00, 0x01}));
  CHECK(body(wat("(type $s (struct)) (func (param anyref) (result i32) (ref.test (ref null $s) (local.get 0)))")) ==
        code({0x20, 0x00, 0xFB, 0x15, 0x00}));
  CHECK(body(wat("(func (param anyref) (result i31ref) (ref.cast (ref i31) (local.get 0)))")) ==
        code({0x20, 0x00, 0xFB, 0x16, 0x6C}));
  CHECK(body(wat("(type $s (struct)) (func (param anyref) (result anyref)"
                 " (br_on_cast 0 anyref (ref $s) (local.get 0)))")) ==
        code({0x20, 0x00, 0xFB, 0x18, 0x01, 0x00, 0x6E, 0x00}));
  CHECK(body(wat("(type $a (array i8)) (func (result (ref $a)) (array.new_fixed $a 2 (i32.const 1) (i32.const 2)))")) ==
        code({0x41, 0x01, 0x41, 0x02, 0xFB, 0x08, 0x00, 0x02}));
  CHECK(body(wat("(func (result i32) (i31.get_u (ref.i31 (i32.const 5))))")) ==
        code({0x41, 0x05, 0xFB, 0x1C, 0xFB, 0x1E}));
  CHECK(body(wat("(func (result externref) (extern.convert_any (ref.null none)))")) ==
        code({0xD0, 0x71, 0xFB, 0x1B}));
}

TEST_CASE("assembler: (module binary ...) and file contents") {
  CHECK(wat("(module $m binary \"\\00asm\" \"\\01\\00\\00\\00\")") == wat("(module)"));
  ByteVec binary{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  CHECK_FALSE(is_text_module(binary));
  CHECK_FALSE(is_text_module(ByteVec{}));
  CHECK(*module_bytes(binary) == binary);
  const ByteVec bad_magic{0x00, 0x61, 0x73, 0x6E};
  CHECK(*module_bytes(bad_magic) == bad_magic);  // still binary: the decoder refuses it
  const std::string text = "(module (func))";
  auto assembled = module_bytes(ByteVec(text.begin(), text.end()));
  REQUIRE(assembled.ok());
  CHECK(*assembled == wat(text));
  const std::string bad = "(module (func (i32.const x)))";
  CHECK(module_bytes(ByteVec(bad.begin(), bad.end())).error().message == "1:26: unknown operator x");
}

TEST_CASE("assembler: errors name the problem at line:column") {
  CHECK(wat_error("(module\n  (func (i32.add1)))") == "2:10: unknown operator i32.add1");
  CHECK(wat_error("(func (result i32) (param i32))") == "1:20: unexpected token (");
  CHECK(wat_error("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))") ==
        "1:34: alignment must be a power of two");
  CHECK(wat_error("(func $f) (func $f)") == "1:17: duplicate func $f");
  CHECK(wat_error("(func) (import \"m\" \"n\" (func))") == "1:9: import after function");
  CHECK(wat_error("(func block $a end $b)") == "1:20: mismatching label");
  CHECK(wat_error("(func br $nowhere)") == "1:10: unknown label $nowhere");
  CHECK(wat_error("(type $t (func)) (func (type $t) (param i32))") == "1:24: inline function type");
  CHECK(wat_error("(func i32.const 0x1_0000_0000 drop)") == "1:17: constant out of range");
  CHECK(wat_error("(func f32.const 1e39 drop)") == "1:17: constant out of range");
  CHECK(wat_error("(func (v128.const i32x4 1 2 3) drop)") == "1:25: wrong number of lane literals");
  CHECK(wat_error("(func $s) (start $s) (start $s)") == "1:22: multiple start sections");
  CHECK(wat_error("(export \"\\ff\" (func 0))") == "1:9: malformed UTF-8 encoding");
  CHECK(wat_error("(func (local $x i32) (local $x i64))") == "1:29: duplicate local $x");
  CHECK(wat_error("(func (call $missing))") == "1:13: unknown func $missing");
  CHECK(wat_error("(func (i32.const 1)") == "1:1: unclosed parenthesis");
  CHECK(wat_error("(module (func)) (func)") == "1:17: unexpected token (");
  CHECK(wat_error("(type (struct (field $x i32) (field $x i32)))") == "1:37: duplicate field x");
  // Deep nesting is an error, not a stack overflow.
  std::string deep = "(func ";
  for (int i = 0; i < 100000; ++i) deep += "(block ";
  deep += std::string(100001, ')');
  CHECK(wat_error(deep).ends_with("instructions nested too deeply (more than 1000 levels)"));
  std::string plain = "(func ";
  for (int i = 0; i < 100000; ++i) plain += "block ";
  for (int i = 0; i < 100000; ++i) plain += "end ";
  plain += ")";
  CHECK(wat_error(plain).ends_with("instructions nested too deeply (more than 1000 levels)"));
}

TEST_CASE("instruction tables: every encoding once, names shared only by alternative encodings") {
  std::set<std::pair<uint8_t, uint32_t>> encodings;
  size_t base = 0;
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature)                     \
  CHECK_MESSAGE(encodings.insert({prefix, code}).second, text " has an encoding seen before"); \
  ++base;
#include "kiln/ir/opcodes.def"
#undef KILN_OP
  CHECK(base == kOpcodeCount);
  CHECK(kiln::text::detail::find_ops("i32.add").size() == 1);
  CHECK(kiln::text::detail::find_ops("select").size() == 2);
  CHECK(kiln::text::detail::find_ops("ref.cast").size() == 2);
  CHECK(kiln::text::detail::find_ops("struct.get").size() == 1);
  CHECK(kiln::text::detail::find_ops("i32.add1").empty());
}

TEST_CASE("the text layer includes only the base and ir layers") {
  namespace fs = std::filesystem;
  const fs::path root = KILN_SOURCE_ROOT;
  for (const fs::path& dir : {root / "src" / "text", root / "include" / "kiln" / "text"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("#include \"kiln/")) continue;
        const bool allowed = line.starts_with("#include \"kiln/base/") || line.starts_with("#include \"kiln/ir/") ||
                             line.starts_with("#include \"kiln/text/");
        CHECK_MESSAGE(allowed, (entry.path().string() + ": " + line));
      }
    }
  }
}
