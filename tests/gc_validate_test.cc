// Validation of garbage collection (WebAssembly 3.0): the type section's rules (what a definition may name, declared
// supertypes), the typing of struct, array, i31, cast and conversion instructions, and the constant ones.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/text/wat.h"
#include "kiln/validate/validate.h"
#include "support/running.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Features with_gc() {
  Features f;
  f.function_references = f.gc = true;
  return f;
}

// The validation error of `wat`, or "" when it validates.
std::string invalid_because(const std::string& wat) {
  auto bytes = text::wat_to_binary(wat);
  REQUIRE_MESSAGE(bytes.ok(), why(bytes));
  auto module = decode_module(std::move(bytes).value(), with_gc());
  REQUIRE_MESSAGE(module.ok(), why(module));
  return why(validate_module(*module));
}

// The error of a module of the types `types` and one function (param `params`) with body `body`.
std::string body_invalid_because(const std::string& types, const std::string& params, const std::string& body) {
  return invalid_because("(module " + types + " (func (param " + params + ") " + body + "))");
}

struct Refusal {
  const char* params;
  const char* body;
  const char* message;  // how the error starts
};

void check_refusals(const std::string& types, std::initializer_list<Refusal> refusals) {
  for (const Refusal& r : refusals) {
    CAPTURE(r.body);
    CHECK(body_invalid_because(types, r.params, r.body).starts_with(r.message));
  }
}

}  // namespace

TEST_CASE("gc validation: a definition names its own recursion group and earlier types only") {
  CHECK(invalid_because("(module (rec (type $a (struct (field (ref $b)))) (type $b (struct (field (ref $a))))))") ==
        "");
  CHECK(invalid_because("(module (type (struct (field (ref 1)))) (type (struct)))").starts_with("unknown type 1"));
  CHECK(invalid_because("(module (rec (type (array (ref 1)))) (rec (type (func))))").starts_with("unknown type"));
  CHECK(invalid_because("(module (type (struct (field (mut (ref null 10))))))").starts_with("unknown type 10"));
}

TEST_CASE("gc validation: a declared supertype is earlier, not final, and refined by the subtype") {
  CHECK(invalid_because("(module (type $t (sub (struct (field i32)))) (type (sub $t (struct (field i32) (field "
                        "f64)))))") == "");
  CHECK(invalid_because("(module (type $t (struct)) (type (sub $t (struct))))").starts_with("sub type"));
  CHECK(invalid_because("(module (type $t (sub final (func))) (type (sub $t (func))))").starts_with("sub type"));
  CHECK(invalid_because("(module (type $t (sub (array i32))) (type (sub $t (struct))))").starts_with("sub type"));
  // A mutable field may not change its type, not even to a subtype.
  CHECK(invalid_because("(module (type $a (sub (array (mut (ref any))))) (type (sub $a (array (mut (ref none))))))")
            .starts_with("sub type"));
  // Function types: contravariant parameters, covariant results.
  CHECK(invalid_because("(module (type $f (sub (func (param (ref any))))) (type (sub $f (func (param (ref "
                        "none))))))")
            .starts_with("sub type"));
  CHECK(invalid_because("(module (rec (type (sub 1 (struct))) (type (sub (struct)))))").starts_with("unknown type"));
}

TEST_CASE("gc validation: functions, tags and block types name function types") {
  CHECK(invalid_because("(module (type (struct)) (func (type 0)))").starts_with("non-function type 0"));
  CHECK(invalid_because("(module (type (struct)) (func (block (type 0))))").starts_with("non-function type 0"));
  CHECK(invalid_because("(module (type $s (struct)) (func (param funcref) (call_ref $s (local.get 0))))")
            .starts_with("non-function type"));
}

TEST_CASE("gc validation: struct instructions") {
  const std::string types =
      "(type $s (struct (field $a i32) (field $b (mut i8)) (field $c (ref any)))) (type $p (struct (field (mut "
      "i16))))";
  CHECK(body_invalid_because(types, "(ref null $s) (ref any)",
                             "(drop (struct.get $s $a (local.get 0))) (drop (struct.get_s $s $b (local.get 0))) "
                             "(struct.set $s $b (local.get 0) (i32.const 1)) "
                             "(drop (struct.new $s (i32.const 1) (i32.const 2) (local.get 1))) "
                             "(drop (struct.new_default $p))") == "");
  check_refusals(types, {
                            // A packed field is read with a sign extension only, an unpacked one only without.
                            {"(ref null $s)", "(drop (struct.get $s $b (local.get 0)))", "type mismatch"},
                            {"(ref null $s)", "(drop (struct.get_u $s $a (local.get 0)))", "type mismatch"},
                            {"(ref null $s)", "(struct.set $s $a (local.get 0) (i32.const 1))", "immutable field"},
                            {"", "(drop (struct.new_default $s))", "type mismatch"},  // (ref any) has no default value
                            {"(ref null $p)", "(drop (struct.get $s 0 (local.get 0)))", "type mismatch"},
                            {"(ref null $s)", "(drop (struct.get $s 7 (local.get 0)))", "unknown field 7"},
                            {"", "(drop (struct.new_default 9))", "unknown type 9"},
                        });
  CHECK(body_invalid_because("(type (array i8))", "", "(drop (struct.new_default 0))") ==
        "non-struct type 0 (an array type)");
  CHECK(body_invalid_because("(type (struct))", "", "(drop (array.new_default 0 (i32.const 1)))") ==
        "non-array type 0 (a struct type)");
}

TEST_CASE("gc validation: array instructions") {
  const std::string types =
      "(type $v (array (mut i8))) (type $c (array i8)) (type $r (array (mut funcref))) (type $w (array (mut i16))) "
      "(elem $e func) (data $d \"\")";
  CHECK(body_invalid_because(types, "(ref null $v) (ref null $c) (ref null $r)",
                             "(array.copy $v $c (local.get 0) (i32.const 0) (local.get 1) (i32.const 0) (i32.const 1)) "
                             "(array.fill $r (local.get 2) (i32.const 0) (ref.null func) (i32.const 1)) "
                             "(drop (array.get_u $v (local.get 0) (i32.const 0))) "
                             "(drop (array.len (local.get 1))) "
                             "(drop (array.new_fixed $c 3 (i32.const 1) (i32.const 2) (i32.const 3))) "
                             "(drop (array.new_elem $r $e (i32.const 0) (i32.const 0))) "
                             "(drop (array.new_data $c $d (i32.const 0) (i32.const 0)))") == "");
  const char* copy = "(array.copy $0 $1 (local.get 0) (i32.const 0) (local.get 1) (i32.const 0) (i32.const 1))";
  auto copy_between = [&](const std::string& to, const std::string& from) {
    std::string body = copy;
    body.replace(body.find("$0"), 2, to);
    body.replace(body.find("$1"), 2, from);
    return body_invalid_because(types, "(ref null " + to + ") (ref null " + from + ")", body);
  };
  CHECK(copy_between("$c", "$v").starts_with("immutable array"));
  CHECK(copy_between("$v", "$w").starts_with("array types do not match"));  // packed storage matches only itself
  check_refusals(
      types,
      {
          {"(ref null $v)", "(drop (array.get $v (local.get 0) (i32.const 0)))", "type mismatch"},
          {"(ref null $c)", "(array.set $c (local.get 0) (i32.const 0) (i32.const 0))", "immutable array"},
          {"", "(drop (array.new_data $r $d (i32.const 0) (i32.const 0)))", "array type is not numeric or vector"},
          // A segment of funcref does not fill an array of i8.
          {"", "(drop (array.new_elem $v $e (i32.const 0) (i32.const 0)))", "type mismatch"},
          {"", "(drop (array.new_elem $r 4 (i32.const 0) (i32.const 0)))", "unknown elem segment 4"},
          {"", "(drop (array.new_fixed $c 2 (i32.const 1)))", "type mismatch"},
      });
  // In unreachable code any count of operands may lie below the stack's base; a huge one costs nothing.
  CHECK(body_invalid_because(types, "", "(unreachable) (drop (array.new_fixed $c 4000000000))") == "");
}

TEST_CASE("gc validation: casts stay in one hierarchy, and br_on_cast types its label by the cast") {
  const std::string types = "(type $s (struct))";
  CHECK(body_invalid_because(types, "anyref",
                             "(drop (ref.cast (ref $s) (local.get 0))) "
                             "(drop (ref.test nullref (local.get 0)))") == "");
  CHECK(
      body_invalid_because(types, "funcref", "(drop (ref.cast (ref $s) (local.get 0)))").starts_with("type mismatch"));
  CHECK(
      body_invalid_because(types, "externref", "(drop (ref.test i31ref (local.get 0)))").starts_with("type mismatch"));
  // br_on_cast falls through with the difference: a nullable source cast to a nullable target leaves (ref any).
  CHECK(body_invalid_because(types, "anyref",
                             "(drop (block (result structref) (ref.as_non_null (br_on_cast 0 anyref structref "
                             "(local.get 0))) (drop) (ref.null struct)))") == "");
  CHECK(body_invalid_because(types, "anyref",
                             "(drop (block (result (ref any)) (br_on_cast 0 anyref structref (local.get 0)) "
                             "(return)))")
            .starts_with("type mismatch"));
  // br_on_cast_fail branches with the difference: (ref any) when the target takes the null.
  CHECK(body_invalid_because(types, "anyref",
                             "(drop (block (result (ref any)) (br_on_cast_fail 0 anyref structref (local.get 0)) "
                             "(drop) (unreachable)))") == "");
  CHECK(body_invalid_because(types, "anyref",
                             "(drop (block (result anyref) (br_on_cast 0 structref anyref "
                             "(local.get 0))))")
            .starts_with("type mismatch"));
}

TEST_CASE("gc validation: i31, ref.eq and the any/extern conversions") {
  CHECK(body_invalid_because("", "i32 (ref extern) eqref",
                             "(drop (i31.get_s (ref.i31 (local.get 0)))) "
                             "(drop (ref.as_non_null (any.convert_extern (local.get 1)))) "
                             "(drop (ref.eq (local.get 2) (ref.i31 (local.get 0))))") == "");
  // Nullability survives the conversion: a nullable extern gives a nullable any.
  CHECK(invalid_because("(module (func (param externref) (result (ref any)) (any.convert_extern (local.get 0))))")
            .starts_with("type mismatch"));
  CHECK(body_invalid_because("", "anyref", "(drop (ref.eq (local.get 0) (local.get 0)))").starts_with("type mismatch"));
}

TEST_CASE("gc validation: allocations and conversions are constant") {
  CHECK(invalid_because("(module (type $s (struct (field i32) (field i64))) (type $a (array i8)) "
                        "(global (ref $s) (struct.new $s (i32.const 1) (i64.const 2))) "
                        "(global (ref $a) (array.new_fixed $a 2 (i32.const 1) (i32.const 2))) "
                        "(global (ref i31) (ref.i31 (i32.const 3))) "
                        "(global externref (extern.convert_any (ref.null any))))") == "");
  CHECK(invalid_because("(module (type $a (array i8)) (global (ref $a) (array.new_fixed $a 3 (i32.const 1))))")
            .starts_with("type mismatch"));
  CHECK(invalid_because("(module (type $a (array i8)) (global i32 (array.len (array.new_default $a (i32.const "
                        "1)))))")
            .starts_with("constant expression required"));
  // Without operands an extended-constant instruction is refused too: a constant expression has no unreachable code.
  Features extended = with_gc();
  extended.extended_const = true;
  auto bytes = text::wat_to_binary("(module (global i32 (i32.const 1) (i32.add)))");
  REQUIRE(bytes.ok());
  auto module = decode_module(std::move(bytes).value(), extended);
  REQUIRE(module.ok());
  CHECK(why(validate_module(*module)).starts_with("type mismatch"));
}

TEST_CASE("gc validation: array.new_data and array.init_data need the data count section") {
  // Type 0: (array (mut i8)); type 1: () -> (). One passive, empty data segment.
  const ByteVec types = section(1, vec({{0x5e, 0x78, 0x01}, func_type({}, {})}));
  const ByteVec data = section(11, vec({{0x01, 0x00}}));
  const ByteVec new_data = {0x41, 0x00, 0x41, 0x00, 0xfb, 0x09, 0x00, 0x00, 0x1a, 0x0b};
  const ByteVec init_data = {0x41, 0x00, 0xfb, 0x07, 0x00, 0x41, 0x00, 0x41,
                             0x00, 0x41, 0x00, 0xfb, 0x12, 0x00, 0x00, 0x0b};
  for (const ByteVec& code : {new_data, init_data}) {
    auto check = [&](const ByteVec& data_count) {
      ByteVec sections =
          cat({types, section(3, vec({{0x01}})), data_count, section(10, vec({body({0x00}, code)})), data});
      auto module = decode_module(cat({header(), sections}), with_gc());
      REQUIRE_MESSAGE(module.ok(), why(module));
      return validate_module(*module);
    };
    CHECK(why(check(section(12, {0x01}))) == "");
    const auto without = check({});
    REQUIRE_FALSE(without.ok());
    CHECK(without.error().code == ErrorCode::kMalformed);
    CHECK(without.error().message == "data count section required");
  }
}

TEST_CASE("gc validation: globals, tables and element segments hold GC references by subtyping") {
  const std::string types =
      "(type $s (sub (struct (field i32)))) (type $sub (sub $s (struct (field i32) (field i64)))) "
      "(type $other (struct (field f32)))";
  auto module_with = [&](const std::string& fields) { return invalid_because("(module " + types + fields + ")"); };
  CHECK(module_with("(global (ref null $s) (struct.new $sub (i32.const 1) (i64.const 2))) "
                    "(global eqref (global.get 0)) "
                    "(table 2 (ref null $s)) "
                    "(elem (table 0) (i32.const 0) (ref $sub) (struct.new_default $sub)) "
                    "(elem structref (item (ref.null none)) (item (struct.new_default $other)))") == "");
  CHECK(module_with("(global (ref null $sub) (struct.new_default $s))").starts_with("type mismatch"));
  CHECK(module_with("(table 1 (ref null $s)) (elem (table 0) (i32.const 0) (ref $other) (struct.new_default $other))")
            .starts_with("type mismatch"));
  CHECK(module_with("(elem (ref null $s) (item (struct.new_default $other)))").starts_with("type mismatch"));
  // A table of non-null struct references needs an initializer, which may allocate.
  CHECK(module_with("(table 1 (ref $s) (struct.new_default $s))") == "");
  CHECK(module_with("(table 1 (ref $s))").starts_with("type mismatch"));
}
