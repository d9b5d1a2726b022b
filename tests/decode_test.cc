// Tests of the decoder: every section kind, the spec's error wording and offsets, and hostile input.
#include "kiln/decode/decode.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// "message@offset", or "ok".
std::string error_of(const ByteVec& bytes, const Features& features = {}) {
  Result<Module> result = decode_module(bytes, features);
  if (result.ok()) return "ok";
  CHECK(result.error().code == ErrorCode::kMalformed);
  return result.error().message + "@" + std::to_string(result.error().offset);
}

// For errors inside a LEB: ByteReader reports the byte that breaks the
// encoding or the position just after it; the message is what matters here.
bool leb_error_at(const ByteVec& bytes, const std::string& message, uint64_t byte_offset,
                  const Features& features = {}) {
  const std::string got = error_of(bytes, features);
  return got == message + "@" + std::to_string(byte_offset) || got == message + "@" + std::to_string(byte_offset + 1);
}

Module decode_ok(const ByteVec& bytes, const Features& features = {}) {
  Result<Module> result = decode_module(bytes, features);
  REQUIRE_MESSAGE(result.ok(), result.error().message, "@", result.error().offset);
  return std::move(result).value();
}

ByteVec bytes_of(const Module& module, ByteRange range) {
  Bytes span = module.slice(range);
  return ByteVec(span.begin(), span.end());
}

ByteVec str(std::string_view text) { return ByteVec(text.begin(), text.end()); }

// (module
//   (type (func (param i32) (result i32))) (type (func))
//   (import "env" "f" (func (type 1)))   (import "env" "t" (table 1 funcref))
//   (import "env" "m" (memory 1))        (import "env" "g" (global i32))
//   (func (type 0) (local i64 i64 f32) local.get 0)
//   (table 2 10 externref) (memory 1 2) (global (mut i64) (i64.const 7))
//   (export "run" (func 1)) (start 0) (elem (i32.const 0) func 0 1)
//   (data (i32.const 8) "hi"))  + data count, a "meta" custom section and a name section
ByteVec name_section() {
  return section(0, cat({name("name"), section(0, name("mod")), section(1, vec({cat({uleb(1), name("run")})})),
                         section(2, vec({cat({uleb(1), vec({cat({uleb(0), name("x")})})})})),
                         section(7, vec({cat({uleb(0), name("g0")})}))}));
}

ByteVec rich_module() {
  return module({
      section(1, vec({func_type({0x7f}, {0x7f}), func_type({}, {})})),
      section(
          2,
          vec({cat({name("env"), name("f"), {0x00, 0x01}}), cat({name("env"), name("t"), {0x01, 0x70, 0x00, 0x01}}),
               cat({name("env"), name("m"), {0x02, 0x00, 0x01}}), cat({name("env"), name("g"), {0x03, 0x7f, 0x00}})})),
      section(3, vec({{0x00}})),
      section(4, vec({{0x6f, 0x01, 0x02, 0x0a}})),
      section(5, vec({{0x01, 0x01, 0x02}})),
      section(6, vec({{0x7e, 0x01, 0x42, 0x07, 0x0b}})),
      section(7, vec({cat({name("run"), {0x00, 0x01}})})),
      section(8, {0x00}),
      section(9, vec({{0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x01}})),
      section(0, cat({name("meta"), str("xyz")})),
      section(12, {0x01}),
      section(10, vec({body(vec({{0x02, 0x7e}, {0x01, 0x7d}}), {0x20, 0x00, 0x0b})})),
      section(11, vec({cat({{0x00, 0x41, 0x08, 0x0b}, name("hi")})})),
      name_section(),
  });
}

}  // namespace

TEST_CASE("the header must be the magic and version 1") {
  CHECK(error_of({}) == "unexpected end@0");
  CHECK(error_of({0x00, 0x61, 0x73}) == "unexpected end@3");
  CHECK(error_of({0x61, 0x73, 0x6d, 0x00}) == "magic header not detected@0");
  CHECK(error_of({0x00, 0x41, 0x53, 0x4d, 0x01, 0x00, 0x00, 0x00}) == "magic header not detected@0");
  CHECK(error_of({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00}) == "unexpected end@6");
  CHECK(error_of({0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}) == "unknown binary version@4");
  const Module empty = decode_ok(header());
  CHECK(empty.sections.empty());
  CHECK(empty.bytes == header());
}

TEST_CASE("a module with every section kind decodes into the Module fields") {
  const Module m = decode_ok(rich_module());
  REQUIRE(m.types.size() == 2);
  CHECK(m.types[0] == FuncType{{ValType::kI32}, {ValType::kI32}});
  CHECK(m.types[1] == FuncType{});

  REQUIRE(m.imports.size() == 4);
  CHECK(m.imports[0].module == "env");
  CHECK(m.imports[0].name == "f");
  CHECK(m.imports[0].kind == ExternKind::kFunc);
  CHECK(to_u32(m.imports[0].func_type) == 1);
  CHECK(m.imports[1].kind == ExternKind::kTable);
  CHECK(m.imports[2].kind == ExternKind::kMemory);
  CHECK(m.imports[3].global == GlobalType{ValType::kI32, false});
  CHECK(m.imported_funcs == 1);
  CHECK(m.imported_tables == 1);
  CHECK(m.imported_memories == 1);
  CHECK(m.imported_globals == 1);

  // Index spaces list imports first.
  REQUIRE(m.func_types.size() == 2);
  CHECK(to_u32(m.func_types[0]) == 1);
  CHECK(to_u32(m.func_types[1]) == 0);
  REQUIRE(m.tables.size() == 2);
  CHECK(m.tables[0].elem == ValType::kFuncRef);
  CHECK(m.tables[0].limits.min == 1);
  CHECK(m.tables[1].elem == ValType::kExternRef);
  CHECK(m.tables[1].limits.min == 2);
  CHECK(m.tables[1].limits.max == 10u);
  REQUIRE(m.memories.size() == 2);
  CHECK_FALSE(m.memories[0].limits.max.has_value());
  CHECK(m.memories[1].limits.min == 1);
  CHECK(m.memories[1].limits.max == 2u);
  REQUIRE(m.global_types.size() == 2);
  CHECK(m.global_types[1] == GlobalType{ValType::kI64, true});
  REQUIRE(m.globals.size() == 1);
  CHECK(bytes_of(m, m.globals[0].init.code) == ByteVec{0x42, 0x07, 0x0b});

  REQUIRE(m.exports.size() == 1);
  CHECK(m.exports[0].name == "run");
  CHECK(m.exports[0].index == 1);
  CHECK(m.start == FuncIdx{0});

  REQUIRE(m.elems.size() == 1);
  CHECK(m.elems[0].mode == SegmentMode::kActive);
  CHECK(bytes_of(m, m.elems[0].offset.code) == ByteVec{0x41, 0x00, 0x0b});
  REQUIRE(m.elems[0].funcs.size() == 2);
  CHECK(m.elems[0].funcs[1] == FuncIdx{1});

  CHECK(m.data_count == 1u);
  REQUIRE(m.datas.size() == 1);
  CHECK(bytes_of(m, m.datas[0].bytes) == str("hi"));
  CHECK(bytes_of(m, m.datas[0].offset.code) == ByteVec{0x41, 0x08, 0x0b});

  REQUIRE(m.codes.size() == 1);
  const FunctionBody& f = m.codes[0];
  REQUIRE(f.locals.size() == 2);
  CHECK(f.locals[0].count == 2);
  CHECK(f.locals[0].type == ValType::kI64);
  CHECK(f.locals[1].type == ValType::kF32);
  CHECK(f.local_count == 3);
  CHECK(bytes_of(m, f.code) == ByteVec{0x20, 0x00, 0x0b});
  CHECK(bytes_of(m, f.whole) == ByteVec{0x02, 0x02, 0x7e, 0x01, 0x7d, 0x20, 0x00, 0x0b});
  CHECK(&m.body(FuncIdx{1}) == &f);

  CHECK(m.names.module_name == "mod");
  CHECK(m.names.functions.at(1) == "run");
  CHECK(m.names.locals.at(1).at(0) == "x");
  CHECK(m.names.globals.at(0) == "g0");
  CHECK(m.func_display_name(FuncIdx{1}) == "$run (#1)");
}

TEST_CASE("sections are listed in file order with exact ranges, custom sections by name") {
  const ByteVec bytes = rich_module();
  const Module m = decode_ok(bytes);
  REQUIRE(m.sections.size() == 14);
  size_t at = 8;
  for (const Section& s : m.sections) {
    CHECK(s.whole.offset == at);
    CHECK(bytes[at] == static_cast<uint8_t>(s.id));
    CHECK(s.payload.end() == s.whole.end());
    CHECK(s.whole.size == 1 + uleb(s.payload.size).size() + s.payload.size);
    at = s.whole.end();
  }
  CHECK(at == bytes.size());
  const Section& meta = m.sections[9];
  CHECK(meta.id == SectionId::kCustom);
  CHECK(meta.name == "meta");
  CHECK(bytes_of(m, meta.payload) == cat({name("meta"), str("xyz")}));
  CHECK(m.sections[10].id == SectionId::kDataCount);
  CHECK(m.sections[13].name == "name");
  CHECK(m.sections[0].name.empty());
}

TEST_CASE("a borrowed module reads its sections where the bytes are, and fails as the owning decode does") {
  const ByteVec bytes = rich_module();
  auto borrowed = decode_borrowed_module(bytes, Features::all());
  REQUIRE_MESSAGE(borrowed.ok(), borrowed.error().message);
  const Module owned = decode_ok(bytes);
  CHECK(borrowed->bytes.empty());
  REQUIRE(borrowed->sections.size() == owned.sections.size());
  for (const Section& s : borrowed->sections) CHECK(borrowed->slice(s.whole).data() == bytes.data() + s.whole.offset);
  CHECK(borrowed->codes.size() == owned.codes.size());
  CHECK(borrowed->names.functions == owned.names.functions);

  const ByteVec cut(bytes.begin(), bytes.end() - 3);
  auto short_borrowed = decode_borrowed_module(cut, Features::all());
  auto short_owned = decode_module(cut, Features::all());
  REQUIRE_FALSE(short_borrowed.ok());
  REQUIRE_FALSE(short_owned.ok());
  CHECK(short_borrowed.error().message == short_owned.error().message);
  CHECK(short_borrowed.error().offset == short_owned.error().offset);
}

TEST_CASE("section ids, sizes and order are checked") {
  const ByteVec types = section(1, vec({func_type({}, {})}));
  CHECK(error_of(module({section(13, {})})) == "malformed section id@8");
  CHECK(error_of(cat({header(), {0x01, 0x05, 0x00}})) == "length out of bounds@9");
  CHECK(
      leb_error_at(cat({header(), {0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}}), "integer representation too long", 13));
  // A trailing byte the section's contents do not account for.
  CHECK(error_of(module({section(1, {0x00, 0x00})})) == "section size mismatch@11");
  // The size is bounded from its own first byte, as the reference's len32 does:
  // a size that overruns only by its encoded length is an unexpected end instead.
  CHECK(error_of(cat({header(), {0x00, 0x03, 0x00}})) == "length out of bounds@9");
  CHECK(error_of(cat({header(), {0x00, 0x02, 0x00}})) == "unexpected end of section or function@11");
  // The id, and with it the order, is checked before the size is read.
  CHECK(error_of(module({types, {0x01, 0x80, 0x80, 0x80, 0x80, 0x80}})) ==
        "unexpected content after last section@" + std::to_string(8 + types.size()));
  CHECK(error_of(module({types, types})) ==
        "unexpected content after last section@" + std::to_string(8 + types.size()));
  CHECK(error_of(module({section(3, vec({})), types})) == "unexpected content after last section@11");
  CHECK(error_of(module({section(10, vec({})), section(12, {0x00})})) == "unexpected content after last section@11");
  // Data count goes before code although its id is larger; custom sections go anywhere.
  CHECK(error_of(module({section(0, name("a")), section(12, {0x00}), section(0, name("b")), section(10, vec({})),
                         section(11, vec({})), section(0, name("c"))})) == "ok");
}

TEST_CASE("a section is read in one stream with the rest of the input, then its size is checked") {
  // The type section claims three bytes, but its one type needs four: the
  // next section's id completes it (no results), and only then is the size
  // found not to match, as in the reference interpreter.
  CHECK(error_of(module({section(1, {0x01, 0x60, 0x00}), section(0, name("x"))})) == "section size mismatch@13");
  CHECK(error_of(module({section(1, {0x01, 0x60, 0x00})})) == "unexpected end of section or function@13");
  // core binary-leb128.36: a function index that overruns its section is
  // judged as a LEB first.
  const ByteVec type = section(1, vec({func_type({}, {})}));
  CHECK(leb_error_at(cat({module({type}),
                          {0x03, 0x03, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
                          section(10, vec({body({0x00}, {0x0b})}))}),
                     "integer representation too long", 21));
  // core binary.162: the missing second export's name length is the code
  // section's id (10), more than the 9 bytes left in the input.
  const ByteVec funcs = section(3, vec({{0x00}, {0x00}}));
  const ByteVec code = section(10, vec({body({0x00}, {0x0b}), body({0x00}, {0x0b})}));
  CHECK(error_of(cat({module({type, funcs}), {0x07, 0x06, 0x02}, name("f1"), {0x00, 0x00}, code})) ==
        "length out of bounds@27");
  // A count beyond the rest of the input fails at the count, before allocating.
  CHECK(error_of(module({section(7, {0x05, 0x00, 0x00, 0x00})})) == "length out of bounds@10");
  CHECK(error_of(module({section(7, {0x02, 0x00, 0x00, 0x00})})) == "unexpected end of section or function@14");
  // A custom section's name that overruns its payload, or is not UTF-8 even
  // though it overruns, is found as the reference finds it.
  CHECK(error_of(module({section(0, {}), section(0, name("x"))})) == "unexpected end of section or function@11");
  CHECK(error_of(module({section(0, {}), {0x02, 0xc0, 0x80}})) == "malformed UTF-8 encoding@11");
}

// Wizer's --wasm-*=false switches: a module that uses a turned-off feature is
// refused where it first uses it, and the error names the feature.
TEST_CASE("a module using a feature the options turned off is refused, naming the feature") {
  auto refused = [](const ByteVec& bytes, Features features) {
    auto m = decode_module(bytes, features);
    REQUIRE_FALSE(m.ok());
    return m.error().message + "@" + std::to_string(m.error().offset) + " [" + m.error().feature + "]";
  };
  Features no_multi_value;
  no_multi_value.multi_value = false;
  const ByteVec two_results = module({section(1, vec({func_type({}, {0x7f, 0x7f})}))});
  CHECK(error_of(two_results) == "ok");
  CHECK(refused(two_results, no_multi_value) == "multi-value support is not enabled@11 [multi-value]");

  Features no_bulk;
  no_bulk.bulk_memory = false;
  const ByteVec passive_data = module({section(11, vec({{0x01, 0x00}}))});
  CHECK(error_of(passive_data) == "ok");
  CHECK(refused(passive_data, no_bulk) == "bulk memory support is not enabled@11 [bulk-memory]");
  CHECK(refused(module({section(12, uleb(0))}), no_bulk) == "bulk memory support is not enabled@10 [bulk-memory]");

  Features no_refs;
  no_refs.reference_types = false;
  const ByteVec externref_param = module({section(1, vec({func_type({0x6f}, {})}))});
  CHECK(error_of(externref_param) == "ok");
  CHECK(refused(externref_param, no_refs) == "reference types support is not enabled@13 [reference-types]");
  const ByteVec two_tables = module({section(4, vec({{0x70, 0x00, 0x01}, {0x70, 0x00, 0x01}}))});
  CHECK(error_of(two_tables) == "ok");
  CHECK(refused(two_tables, no_refs) == "reference types support is not enabled@14 [reference-types]");
  CHECK(error_of(module({section(4, vec({{0x70, 0x00, 0x01}}))}), no_refs) == "ok");  // one funcref table is 1.0
}

TEST_CASE("types, imports and exports reject malformed encodings") {
  CHECK(error_of(module({section(1, vec({{0x61, 0x00, 0x00}}))})) == "malformed function type@11");
  CHECK(error_of(module({section(1, vec({{0xe0, 0x7f, 0x00, 0x00}}))})) == "integer representation too long@11");
  CHECK(error_of(module({section(1, vec({func_type({0x7b}, {})}))})) == "ok");
  Features no_simd;
  no_simd.simd = false;
  CHECK(error_of(module({section(1, vec({func_type({0x7b}, {})}))}), no_simd) == "SIMD support is not enabled@13");
  CHECK(error_of(module({section(1, vec({func_type({0x40}, {})}))})) == "malformed value type@13");

  CHECK(error_of(module({section(2, vec({cat({name(""), name(""), {0x04}})}))})) == "malformed import kind@13");
  CHECK(error_of(module({section(2, vec({cat({name(""), name(""), {0x80, 0x00}})}))})) == "malformed import kind@13");
  CHECK(error_of(module({section(2, vec({cat({name(""), name(""), {0x03, 0x7f, 0x02}})}))})) ==
        "malformed mutability@15");
  CHECK(error_of(module({section(2, vec({cat({{0x02, 0xc3, 0x28}, name(""), {0x00, 0x00}})}))})) ==
        "malformed UTF-8 encoding@12");
  CHECK(error_of(module({section(7, vec({cat({name("x"), {0x04, 0x00}})}))})) == "malformed export kind@13");
  CHECK(error_of(module({section(7, vec({cat({{0x01, 0xff}, {0x00, 0x00}})}))})) == "malformed UTF-8 encoding@12");
}

TEST_CASE("limits flags follow WebAssembly 2.0, memory64 and threads") {
  CHECK(error_of(module({section(4, vec({{0x70, 0x02, 0x00}}))})) == "integer too large@12");
  CHECK(error_of(module({section(4, vec({{0x70, 0x81, 0x00}}))})) == "integer representation too long@12");
  CHECK(error_of(module({section(4, vec({{0x7f, 0x00, 0x00}}))})) == "malformed reference type@11");
  CHECK(error_of(module({section(5, vec({{0x02, 0x00}}))})) == "integer too large@11");
  CHECK(error_of(module({section(5, vec({{0x04, 0x00}}))})) == "integer too large@11");

  const Module shared = decode_ok(module({section(5, vec({{0x03, 0x01, 0x02}}))}));
  CHECK(shared.memories[0].limits.shared);
  CHECK(shared.memories[0].limits.max == 2u);

  Features m64;
  m64.memory64 = true;
  const Module wide = decode_ok(
      module({section(5, vec({cat({{0x05}, uleb(uint64_t{1} << 40), uleb(uint64_t{1} << 41)}), {0x00, 0x01}}))}), m64);
  CHECK(wide.memories[0].limits.is_64);
  CHECK(wide.memories[0].limits.min == uint64_t{1} << 40);
  CHECK(wide.memories[0].limits.max == uint64_t{1} << 41);
  CHECK_FALSE(wide.memories[1].limits.is_64);
  CHECK(error_of(module({section(5, vec({{0x08, 0x00}}))}), m64) == "malformed limits flags@11");
  CHECK(error_of(module({section(5, vec({{0x81, 0x00}}))}), m64) == "malformed limits flags@11");
  // table64: tables take the same address-type bit and u64 sizes.
  const Module tables = decode_ok(
      module({section(4, vec({cat({{0x70, 0x05}, uleb(uint64_t{1} << 40), uleb(uint64_t{1} << 41)}), {0x70, 0x00, 0x01}}))}),
      m64);
  CHECK(tables.tables[0].limits.is_64);
  CHECK(tables.tables[0].limits.min == uint64_t{1} << 40);
  CHECK(tables.tables[0].limits.max == uint64_t{1} << 41);
  CHECK_FALSE(tables.tables[1].limits.is_64);
  CHECK(error_of(module({section(4, vec({{0x70, 0x08, 0x00}}))}), m64) == "malformed limits flags@12");
  CHECK(error_of(module({section(4, vec({{0x70, 0x04, 0x00}}))})) == "integer too large@12");  // memory64 off
  CHECK(leb_error_at(module({section(5, vec({cat({{0x00}, uleb(uint64_t{1} << 33)})}))}), "integer too large", 16));
}

TEST_CASE("constant expressions end at the end that closes them") {
  // (global i32 (block (result i32) (i32.const 1)) (i32.const 2)): nested end, then its own.
  const Module m = decode_ok(module({section(6, vec({{0x7f, 0x00, 0x02, 0x7f, 0x41, 0x01, 0x0b, 0x0b}}))}));
  CHECK(bytes_of(m, m.globals[0].init.code) == ByteVec{0x02, 0x7f, 0x41, 0x01, 0x0b, 0x0b});
  CHECK(error_of(module({section(6, vec({{0x7f, 0x02, 0x41, 0x00, 0x0b}}))})) == "malformed mutability@12");
  CHECK(error_of(module({section(6, vec({{0x7f, 0x00, 0xf3, 0x0b}}))})) == "illegal opcode f3@13");
  CHECK(leb_error_at(module({section(6, vec({{0x7f, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b}}))}),
                     "integer representation too long", 18));
  CHECK(error_of(module({section(6, vec({{0x7f, 0x00, 0x41, 0x00}}))})) == "unexpected end of section or function@15");
  // An `else` belongs directly in an `if`, once; anywhere else the reference
  // expects the `end` it would close.
  CHECK(error_of(module({section(6, vec({{0x7f, 0x00, 0x05, 0x0b}}))})) == "END opcode expected@13");
  CHECK(error_of(module({section(6, vec({{0x7f, 0x00, 0x02, 0x40, 0x05, 0x0b, 0x0b}}))})) == "END opcode expected@15");
  CHECK(error_of(module({section(6, vec({{0x7f, 0x00, 0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b}}))})) ==
        "END opcode expected@16");
  const Module with_if =
      decode_ok(module({section(6, vec({{0x7f, 0x00, 0x04, 0x40, 0x02, 0x40, 0x0b, 0x05, 0x0b, 0x0b}}))}));
  CHECK(with_if.globals[0].init.code.size == 8);
}

TEST_CASE("bodies read before a decoding failure are judged first, in one stream") {
  const ByteVec type = section(1, vec({func_type({}, {})}));
  const ByteVec funcs = section(3, vec({{0x00}}));
  const ByteVec memory = section(5, vec({{0x00, 0x01}}));
  // memory64 binary-leb128.40: the code section and body sizes are too small
  // for i32.load's 10-byte offset, whose last byte sets the continuation bit.
  // Framed by the sizes, the tail reads as a section with id 0x80; the
  // reference decodes the body's instructions first.
  Features m64;
  m64.memory64 = true;
  const ByteVec load = {0x41, 0x00, 0x28, 0x02, 0x82, 0x80, 0x80, 0x80, 0x80,
                        0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, 0x0b};
  ByteVec short_code = {0x0a, 0x11, 0x01, 0x0f, 0x01, 0x01, 0x7f};
  short_code.insert(short_code.end(), load.begin(), load.end());
  CHECK(leb_error_at(cat({module({type, funcs, memory}), short_code}), "integer representation too long", 43, m64));
  // A body whose final `end` is not at its declared end, then a malformed data section.
  const ByteVec data_bad = section(11, vec({{0x03}}));
  CHECK(error_of(module({type, funcs, section(10, vec({body({0x00}, {0x0b, 0x01})})), data_bad})) ==
        "section size mismatch@22");
  CHECK(error_of(module({type, funcs, section(10, vec({body({0x00}, {0xff, 0x0b})})), data_bad})) ==
        "illegal opcode ff@23");
  // Without a decoding failure, the instructions are the validator's business.
  CHECK(error_of(module({type, funcs, section(10, vec({body({0x00}, {0xff, 0x0b})}))})) == "ok");
  CHECK(error_of(module({type, funcs, section(10, vec({body({0x00}, {0x0b})})), data_bad})) ==
        "malformed data segment kind@27");
}

TEST_CASE("messages follow the current spec's wording whichever features are on") {
  Features m64;
  m64.memory64 = true;
  const ByteVec overrun = cat({header(), {0x01, 0x07, 0x02, 0x60, 0x00, 0x00}});
  CHECK(error_of(overrun) == "length out of bounds@9");
  CHECK(error_of(overrun, m64) == "length out of bounds@9");
  const ByteVec twice = module({section(3, vec({})), section(3, vec({}))});
  CHECK(error_of(twice) == "unexpected content after last section@11");
  CHECK(error_of(twice, m64) == "unexpected content after last section@11");
}

TEST_CASE("all eight element segment encodings") {
  const ByteVec expr = {0x41, 0x00, 0x0b};
  const ByteVec ref_func = {0xd2, 0x00, 0x0b};
  const Module m = decode_ok(module({section(
      9, vec({cat({{0x00}, expr, vec({{0x00}})}), cat({{0x01, 0x00}, vec({{0x00}, {0x00}})}),
              cat({{0x02, 0x03}, expr, {0x00}, vec({{0x05}})}), cat({{0x03, 0x00}, vec({})}),
              cat({{0x04}, expr, vec({ref_func})}), cat({{0x05, 0x6f}, vec({{0xd0, 0x6f, 0x0b}})}),
              cat({{0x06, 0x01}, expr, {0x70}, vec({ref_func, ref_func})}), cat({{0x07, 0x70}, vec({ref_func})})}))}));
  REQUIRE(m.elems.size() == 8);
  const SegmentMode modes[] = {SegmentMode::kActive,      SegmentMode::kPassive,    SegmentMode::kActive,
                               SegmentMode::kDeclarative, SegmentMode::kActive,     SegmentMode::kPassive,
                               SegmentMode::kActive,      SegmentMode::kDeclarative};
  const size_t sizes[] = {1, 2, 1, 0, 1, 1, 2, 1};
  for (size_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(m.elems[i].mode == modes[i]);
    CHECK(m.elems[i].uses_exprs == (i >= 4));
    CHECK(m.elems[i].size() == sizes[i]);
    if (modes[i] == SegmentMode::kActive) CHECK(bytes_of(m, m.elems[i].offset.code) == expr);
  }
  CHECK(m.elems[2].table == TableIdx{3});
  CHECK(m.elems[2].funcs[0] == FuncIdx{5});
  CHECK(m.elems[5].type == ValType::kExternRef);
  CHECK(bytes_of(m, m.elems[5].exprs[0].code) == ByteVec{0xd0, 0x6f, 0x0b});
  CHECK(m.elems[6].table == TableIdx{1});
  CHECK(m.elems[4].type == ValType::kFuncRef);

  CHECK(error_of(module({section(9, vec({{0x08, 0x00}}))})) == "malformed elements segment kind@11");
  CHECK(error_of(module({section(9, vec({{0x01, 0x01, 0x00}}))})) == "malformed element kind@12");
  CHECK(error_of(module({section(9, vec({cat({{0x05, 0x7f}, vec({ref_func})})}))})) == "malformed reference type@12");
  CHECK(error_of(module({section(9, vec({cat({{0x05, 0x70}, vec({{0xf3, 0x00, 0x0b}})})}))})) == "illegal opcode f3@14");
}

TEST_CASE("data segments, the data count and their consistency") {
  const Module m =
      decode_ok(module({section(11, vec({cat({{0x00, 0x41, 0x00, 0x0b}, name("ab")}), cat({{0x01}, name("c")}),
                                         cat({{0x02, 0x01, 0x41, 0x02, 0x0b}, name("")})}))}));
  REQUIRE(m.datas.size() == 3);
  CHECK(m.datas[0].mode == SegmentMode::kActive);
  CHECK(bytes_of(m, m.datas[0].bytes) == str("ab"));
  CHECK(m.datas[1].mode == SegmentMode::kPassive);
  CHECK(bytes_of(m, m.datas[1].bytes) == str("c"));
  CHECK(m.datas[2].memory == MemIdx{1});
  CHECK(m.datas[2].bytes.size == 0);
  CHECK(m.datas[0].file_offset == 11);
  CHECK_FALSE(m.data_count.has_value());

  CHECK(error_of(module({section(11, vec({{0x03}}))})) == "malformed data segment kind@11");
  CHECK(error_of(module({section(11, vec({{0x01, 0x05, 0x00}}))})) == "length out of bounds@12");
  CHECK(error_of(module({section(11, vec({{0x01, 0x02, 0x00}}))})) == "unexpected end of section or function@13");
  // The counts are compared once the whole module is read, as the reference
  // does, so a malformed segment is reported first.
  CHECK(error_of(module({section(12, {0x02}), section(11, vec({cat({{0x01}, name("")})}))})) ==
        "data count and data section have inconsistent lengths@16");
  CHECK(error_of(module({section(12, {0x02}), section(11, vec({{0x03}}))})) == "malformed data segment kind@14");
  CHECK(error_of(module({section(12, {0x01})})) == "data count and data section have inconsistent lengths@11");
  CHECK(error_of(module({section(12, {0x00})})) == "ok");
}

TEST_CASE("function bodies: sizes, locals and the function count") {
  const ByteVec type = section(1, vec({func_type({}, {})}));
  const ByteVec funcs = section(3, vec({{0x00}}));
  CHECK(error_of(module({type, funcs})) == "function and code section have inconsistent lengths@18");
  CHECK(error_of(module({type, funcs, section(10, vec({}))})) ==
        "function and code section have inconsistent lengths@21");
  CHECK(error_of(module({type, section(10, vec({body({0x00}, {0x0b})}))})) ==
        "function and code section have inconsistent lengths@20");
  // Compared once the whole module is read: a malformed data section comes first.
  CHECK(error_of(module({type, section(10, vec({body({0x00}, {0x0b})})), section(11, vec({{0x03}}))})) ==
        "malformed data segment kind@23");

  // 2^32 - 1 locals in total are allowed and cost nothing: runs are kept as runs.
  const ByteVec max_run = cat({uleb(0xFFFFFFFF), {0x7f}});
  const Module m = decode_ok(module({type, funcs, section(10, vec({body(vec({max_run}), {0x0b})}))}));
  CHECK(m.codes[0].local_count == 0xFFFFFFFFu);
  CHECK(m.codes[0].locals.size() == 1);
  const ByteVec two_runs = section(10, vec({body(vec({max_run, {0x01, 0x7e}}), {0x0b})}));
  CHECK(error_of(module({type, funcs, two_runs})) == "too many locals@22");
  // A body's locals are read in one stream with the rest: here the local's
  // type is the next body's size byte.
  const ByteVec funcs2 = section(3, vec({{0x00}, {0x00}}));
  CHECK(error_of(module({type, funcs2, section(10, vec({{0x02, 0x01, 0x01}, body({0x00}, {0x0b})}))})) ==
        "malformed value type@25");
  // Locals that end past the body: its instructions, read on from there,
  // decide the error ("section size mismatch" once they end cleanly).
  CHECK(error_of(module({type, funcs2, section(10, vec({{0x01, 0x01, 0x01, 0x7f, 0x0b}, body({0x00}, {0x0b})}))})) ==
        "section size mismatch@23");
  CHECK(error_of(module({type, funcs2, section(10, vec({{0x01, 0x01, 0x01, 0x7f, 0xff}, body({0x00}, {0x0b})}))})) ==
        "illegal opcode ff@26");
  // A body size that overruns the input by its own length passes the bound
  // and the body's instructions are read first.
  CHECK(error_of(cat({module({type, funcs}), {0x0a, 0x04, 0x01, 0x03, 0x00, 0x0b}})) == "section size mismatch@22");
  CHECK(error_of(module({type, funcs, section(10, vec({body(vec({{0x01, 0x40}}), {0x0b})}))})) ==
        "malformed value type@24");
}

TEST_CASE("the name section is parsed leniently") {
  const ByteVec type = section(1, vec({func_type({}, {})}));
  // Function names out of order: the whole name section is ignored, the module is fine.
  const ByteVec bad_order = section(0, cat({name("name"), section(0, name("m")),
                                            section(1, vec({cat({uleb(2), name("b")}), cat({uleb(1), name("a")})}))}));
  const Module m1 = decode_ok(module({type, bad_order}));
  CHECK(m1.names.module_name.empty());
  CHECK(m1.names.functions.empty());
  CHECK(m1.sections[1].name == "name");
  // Truncated subsection, invalid UTF-8 and a huge count are ignored too.
  CHECK(decode_ok(module({section(0, cat({name("name"), {0x01, 0x05, 0x01}}))})).names.functions.empty());
  CHECK(decode_ok(module({section(0, cat({name("name"), section(0, {0x01, 0xff})}))})).names.module_name.empty());
  CHECK(decode_ok(module({section(0, cat({name("name"), section(1, {0xff, 0xff, 0xff, 0xff, 0x0f})}))}))
            .names.functions.empty());
  // Unknown subsections are skipped; only the first name section counts.
  const ByteVec good =
      section(0, cat({name("name"), section(1, vec({cat({uleb(0), name("f")})})), section(3, {0x01, 0x02})}));
  const ByteVec second = section(0, cat({name("name"), section(0, name("other"))}));
  const Module m2 = decode_ok(module({good, second}));
  CHECK(m2.names.functions.at(0) == "f");
  CHECK(m2.names.module_name.empty());
  // The custom section's own name must be valid UTF-8, in any custom section.
  CHECK(error_of(module({section(0, {0x02, 0xc0, 0x80})})) == "malformed UTF-8 encoding@11");
}

TEST_CASE("huge counts are rejected without allocating for them") {
  const ByteVec huge = {0xff, 0xff, 0xff, 0xff, 0x0f};
  for (const uint8_t id : ByteVec{1, 2, 3, 4, 5, 6, 7, 9, 11}) {
    CAPTURE(int{id});
    CHECK(error_of(module({section(id, huge)})) == "length out of bounds@10");
  }
  CHECK(error_of(module({section(1, vec({cat({{0x60}, huge})}))})) == "length out of bounds@12");
  CHECK(error_of(module({section(9, vec({cat({{0x01, 0x00}, huge})}))})) == "length out of bounds@13");
  CHECK(error_of(module({section(9, vec({cat({{0x05, 0x70}, huge})}))})) == "length out of bounds@13");
  const ByteVec type = section(1, vec({func_type({}, {})}));
  CHECK(error_of(module({type, section(3, vec({{0x00}})), section(10, vec({cat({{0x06}, huge, {0x0b}})}))})) ==
        "length out of bounds@22");
}

TEST_CASE("every truncation of a valid module fails cleanly unless it ends at a section boundary") {
  const ByteVec full = rich_module();
  const Module m = decode_ok(full);
  std::set<size_t> boundaries = {8};
  for (const Section& s : m.sections) boundaries.insert(s.whole.end());
  for (size_t length = 0; length < full.size(); ++length) {
    CAPTURE(length);
    Result<Module> result = decode_module(ByteVec(full.begin(), full.begin() + static_cast<ptrdiff_t>(length)));
    if (!boundaries.count(length)) CHECK_FALSE(result.ok());
    if (!result.ok()) CHECK(result.error().offset <= length);
  }
}

TEST_CASE("corrupted bytes never crash the decoder") {
  const ByteVec full = rich_module();
  size_t failures = 0;
  for (size_t i = 8; i < full.size(); ++i) {
    for (const uint8_t value : ByteVec{0x00, 0x01, 0x0b, 0x41, 0x7f, 0x80, 0xff}) {
      ByteVec bytes = full;
      bytes[i] = value;
      Result<Module> result = decode_module(bytes, Features::all());
      if (!result.ok()) {
        ++failures;
        CHECK(result.error().offset <= bytes.size());
        CHECK_FALSE(result.error().message.empty());
      }
    }
  }
  CHECK(failures > 0);
}
