// GC's type system: struct and array definitions, recursion groups and declared supertypes as decoded and
// re-encoded; iso-recursive equivalence inside a module and across modules (the Store's canonical types); and
// subtyping over the heap-type lattice (any > eq > i31/struct/array > concrete > none; func > concrete > nofunc).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/encode/encode.h"
#include "kiln/ir/type_equivalence.h"
#include "kiln/runtime/store.h"
#include "kiln/text/wat.h"
#include "support/running.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

Module decode_wat(const std::string& wat, Features features = Features::all()) {
  auto bytes = text::wat_to_binary(wat);
  REQUIRE_MESSAGE(bytes.ok(), why(bytes));
  auto module = decode_module(std::move(bytes).value(), features);
  REQUIRE_MESSAGE(module.ok(), why(module));
  return std::move(module).value();
}

ValType ref(uint32_t index, bool nullable, TypeCode code = TypeCode::kAnyRef) { return ValType{code, nullable, index}; }
ValType abstract(uint32_t heap, bool nullable = true, TypeCode code = TypeCode::kAnyRef) {
  return ValType::abstract(code, heap, nullable);
}

constexpr const char* kTypes = R"(
  (module
    (rec (type $a (struct (field (ref null $b)))) (type $b (struct (field (mut i8)) (field (ref null $a)))))
    (rec (type $a2 (struct (field (ref null $b2)))) (type $b2 (struct (field (mut i8)) (field (ref null $a2)))))
    (type $alone (struct (field (ref null $b))))
    (type $base (sub (struct (field i32))))
    (type $derived (sub $base (struct (field i32) (field f64))))
    (type $bytes (array (mut i8)))
    (type $f (func (param (ref null $a)) (result i32))))
)";

}  // namespace

TEST_CASE("gc types: rec groups, fields, supertypes and finality are decoded, later group members included") {
  const Module m = decode_wat(kTypes);
  REQUIRE(m.type_defs.size() == 9);
  REQUIRE(m.types.size() == 9);
  CHECK(m.type_defs[0].kind == TypeDef::Kind::kStruct);
  CHECK(m.type_defs[0].group_start == 0);
  CHECK(m.type_defs[1].group_size == 2);
  // $a names $b before $b's kind was known: the reference still belongs to the any hierarchy.
  CHECK(m.type_defs[0].fields[0].storage == ref(1, true));
  CHECK(m.type_defs[1].fields[0].storage == ValType::from_code(0x78));
  CHECK(m.type_defs[1].fields[0].is_mutable);
  CHECK(m.type_defs[4].group_size == 1);
  CHECK_FALSE(m.type_defs[5].is_final);
  CHECK(m.type_defs[6].super == 5);
  CHECK(m.type_defs[7].kind == TypeDef::Kind::kArray);
  CHECK(m.type_defs[8].kind == TypeDef::Kind::kFunc);
  CHECK(m.types[8].params[0] == ref(0, true));
  CHECK(val_type_name(m.types[8].params[0]) == "(ref null 0)");
  CHECK(val_type_name(abstract(ValType::kBottomHeap)) == "nullref");
  CHECK(val_type_name(abstract(ValType::kI31Heap, false)) == "(ref i31)");
}

TEST_CASE("gc types: re-encoding keeps every definition") {
  const Module m = decode_wat(kTypes);
  auto again = decode_module(encode_module(m, EncodeMode::kReencode), Features::all());
  REQUIRE_MESSAGE(again.ok(), why(again));
  CHECK(again->type_defs == m.type_defs);
  CHECK(again->types == m.types);
}

TEST_CASE("gc types: equal recursion groups are one type, position and group size matter") {
  const Module m = decode_wat(kTypes);
  const std::vector<uint32_t> canonical = canonical_type_ids(m);
  CHECK(canonical[2] == 0);  // $a2 is $a
  CHECK(canonical[3] == 1);  // $b2 is $b
  CHECK(canonical[4] == 4);  // $alone has $a's shape but a group of its own
  CHECK(types_equivalent(m, 3, m, 1));
  CHECK_FALSE(types_equivalent(m, 2, m, 1));
  CHECK_FALSE(types_equivalent(m, 4, m, 0));
}

TEST_CASE("gc types: the heap-type lattice and declared supertypes") {
  const Module m = decode_wat(kTypes);
  const std::vector<uint32_t> c = canonical_type_ids(m);
  auto le = [&](ValType a, ValType b) { return is_subtype_in(m, c, a, b); };
  const ValType any = ValType::kAnyRef, eq = abstract(ValType::kEqHeap), i31 = abstract(ValType::kI31Heap);
  const ValType structref = abstract(ValType::kStructHeap), arrayref = abstract(ValType::kArrayHeap);
  const ValType none = abstract(ValType::kBottomHeap);
  CHECK(le(ref(0, false), structref));
  CHECK(le(structref, eq));
  CHECK(le(eq, any));
  CHECK(le(i31, eq));
  CHECK(le(ref(7, false), arrayref));
  CHECK_FALSE(le(ref(7, false), structref));
  CHECK_FALSE(le(i31, structref));
  CHECK(le(none, ref(0, true)));
  CHECK_FALSE(le(none, ref(0, false)));
  CHECK_FALSE(le(ref(0, true), ref(0, false)));
  CHECK(le(ref(6, false), ref(5, false)));   // $derived declares $base
  CHECK_FALSE(le(ref(5, false), ref(6, false)));
  CHECK(le(ref(2, false), ref(0, false)));   // equivalent types
  CHECK(le(ref(8, false, TypeCode::kFuncRef), ValType::kFuncRef));
  CHECK(le(abstract(ValType::kBottomHeap, true, TypeCode::kFuncRef), ref(8, true, TypeCode::kFuncRef)));
  CHECK_FALSE(le(ref(8, false, TypeCode::kFuncRef), any));
  CHECK_FALSE(le(ValType::kExternRef, any));
  CHECK(matches_declared_super(m, c, 6, 5));
  CHECK_FALSE(matches_declared_super(m, c, 5, 6));  // fewer fields, and $derived is final
}

TEST_CASE("gc types: the Store gives equivalent types of two modules one StoreType, with its supertypes") {
  const Module m1 = decode_wat(kTypes);
  const Module m2 = decode_wat(R"((module
      (type $base (sub (struct (field i32))))
      (type $derived (sub $base (struct (field i32) (field f64))))
      (rec (type $a (struct (field (ref null $b)))) (type $b (struct (field (mut i8)) (field (ref null $a)))))))");
  Store store;
  const std::vector<uint32_t> ids1 = store.intern_module_types(m1);
  const std::vector<uint32_t> ids2 = store.intern_module_types(m2);
  CHECK(ids2[0] == ids1[5]);
  CHECK(ids2[1] == ids1[6]);
  CHECK(ids2[2] == ids1[0]);
  CHECK(ids2[3] == ids1[1]);
  CHECK(ids1[2] == ids1[0]);
  CHECK(ids1[4] != ids1[0]);
  CHECK(store.store_type(ids2[1])->is_subtype_of(store.store_type(ids1[5])));
  CHECK_FALSE(store.store_type(ids1[5])->is_subtype_of(store.store_type(ids2[1])));
  // A host function's type is the module's final function type of the same signature.
  const Module f = decode_wat("(module (type (func (param i32) (result i64))))");
  CHECK(store.intern_type(FuncType{{ValType::kI32}, {ValType::kI64}}) == store.intern_module_types(f)[0]);
}

TEST_CASE("gc types: struct, array, rec and sub need the gc switch, and a heap type beyond it is refused by name") {
  Features no_gc = Features::all();
  no_gc.gc = false;
  for (const char* wat : {"(module (type (struct)))", "(module (type (array i8)))", "(module (rec (type (func))))",
                          "(module (type (sub (func))))", "(module (global (ref null i31) (ref.null i31)))"}) {
    auto bytes = text::wat_to_binary(wat);
    REQUIRE_MESSAGE(bytes.ok(), why(bytes));
    auto module = decode_module(std::move(bytes).value(), no_gc);
    REQUIRE_FALSE(module.ok());
    CHECK_MESSAGE(module.error().message == "gc support is not enabled", wat);
  }
}

TEST_CASE("gc types: a long chain of groups, each naming the one before, compares across modules without recursion") {
  // 200,000 struct types, type i holding a (ref null i-1): comparing the last types of two such modules used to
  // recurse once per group.
  constexpr uint32_t kCount = 200'000;
  std::vector<ByteVec> types;
  types.reserve(kCount);
  types.push_back({0x5F, 0x00});
  for (uint32_t i = 1; i < kCount; ++i) types.push_back(cat({{0x5F, 0x01, 0x63}, sleb(i - 1), {0x00}}));
  const ByteVec bytes = module({section(1, vec_of(types))});
  auto m1 = decode_module(bytes, Features::all());
  auto m2 = decode_module(bytes, Features::all());
  REQUIRE_MESSAGE(m1.ok(), why(m1));
  REQUIRE(m2.ok());
  CHECK(types_equivalent(*m1, kCount - 1, *m2, kCount - 1));
  CHECK_FALSE(types_equivalent(*m1, kCount - 1, *m2, kCount - 2));
  CHECK(declares_supertype(*m1, kCount - 1, *m2, kCount - 1));
}

TEST_CASE("gc types: turning gc on turns typed function references on; turning those off turns gc off") {
  Features f;
  REQUIRE(set_feature(f, "gc", true));
  CHECK(f.gc);
  CHECK(f.function_references);
  REQUIRE(set_feature(f, "function-references", false));
  CHECK_FALSE(f.gc);
  // So --enable-gc alone reads a concrete reference type.
  Features only_gc;
  set_feature(only_gc, "gc", true);
  CHECK(decode_wat("(module (type $s (struct)) (global (ref null $s) (ref.null $s)))", only_gc).type_defs.size() == 1);
}
