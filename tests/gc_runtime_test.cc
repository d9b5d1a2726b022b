// WebAssembly 3.0 garbage collection at run time: structs and arrays (packed fields, v128, overlapping copies),
// casts, traps, GC constant expressions, and what a snapshot makes of GC references left after init.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/kiln.h"
#include "kiln/snapshot/snapshot.h"
#include "kiln/text/wat.h"
#include "support/running.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// GC with the typed function references it builds on.
Features gc_features() {
  Features f = features_with(&Features::gc);
  f.function_references = true;
  return f;
}

std::vector<uint8_t> assemble(const std::string& wat) {
  auto bytes = text::wat_to_binary(wat);
  REQUIRE_MESSAGE(bytes.ok(), why(bytes));
  return std::move(bytes).value();
}

// An instance of the module `wat` spells, with GC on, in its own store with a GC heap of `gc_limit` bytes.
struct GcModule : RunningModule {
  explicit GcModule(const std::string& wat, uint64_t gc_limit = uint64_t{1} << 30)
      : RunningModule(assemble(wat), gc_features()) {
    store.set_gc_limit(gc_limit);
  }

  // The single i32 result of calling `name`.
  uint32_t i32(const std::string& name, std::vector<Value> args = {}) {
    const CallOutcome out = call(name, std::move(args));
    REQUIRE_MESSAGE(!out.trap, (out.trap ? trap_message(out.trap->kind) : ""));
    REQUIRE(out.results.size() == 1);
    return static_cast<uint32_t>(out.results[0].bits);
  }
  TrapKind trap(const std::string& name, std::vector<Value> args = {}) {
    const CallOutcome out = call(name, std::move(args));
    REQUIRE(out.trap);
    return out.trap->kind;
  }
};

}  // namespace

TEST_CASE("gc: a struct's fields of every width round-trip through struct.new, get and set") {
  GcModule m(R"((module
    (type $s (struct (field (mut i32)) (field (mut i64)) (field (mut v128)) (field (mut f64)) (field (mut anyref))))
    (func $make (result (ref $s))
      (struct.new $s (i32.const 7) (i64.const -2) (v128.const i32x4 1 2 3 4) (f64.const 1.5) (ref.i31 (i32.const 9))))
    (func (export "i64") (result i64) (struct.get $s 1 (call $make)))
    (func (export "lane3") (result i32) (i32x4.extract_lane 3 (struct.get $s 2 (call $make))))
    (func (export "after_v128") (result f64) (struct.get $s 3 (call $make)))
    (func (export "ref") (result i32) (i31.get_u (ref.cast (ref i31) (struct.get $s 4 (call $make)))))
    (func (export "set") (result i32) (local $r (ref null $s))
      (local.set $r (struct.new_default $s))
      (struct.set $s 2 (local.get $r) (v128.const i32x4 5 6 7 8))
      (struct.set $s 0 (local.get $r) (i32.const 41))
      (i32.add (struct.get $s 0 (local.get $r)) (i32x4.extract_lane 0 (struct.get $s 2 (local.get $r)))))
    (func (export "null_get") (result i32) (struct.get $s 0 (ref.null $s))))
  )");
  const CallOutcome wide = m.call("i64");
  REQUIRE(!wide.trap);
  CHECK(wide.results[0].bits == ~uint64_t{1});
  CHECK(m.i32("lane3") == 4);
  const CallOutcome f = m.call("after_v128");
  REQUIRE(!f.trap);
  CHECK(f.results[0].bits == 0x3FF8'0000'0000'0000u);
  CHECK(m.i32("ref") == 9);
  CHECK(m.i32("set") == 46);
  CHECK(m.trap("null_get") == TrapKind::kNullStructReference);
}

TEST_CASE("gc: packed fields and elements keep their low bits; get_s sign-extends, get_u does not") {
  GcModule m(R"((module
    (type $s (struct (field (mut i8)) (field (mut i16))))
    (type $a (array (mut i16)))
    (func $make (result (ref $s)) (struct.new $s (i32.const 0x1FF) (i32.const 0x18000)))
    (func (export "s8") (result i32) (struct.get_s $s 0 (call $make)))
    (func (export "u8") (result i32) (struct.get_u $s 0 (call $make)))
    (func (export "s16") (result i32) (struct.get_s $s 1 (call $make)))
    (func (export "set_u8") (result i32) (local $r (ref null $s))
      (local.set $r (call $make))
      (struct.set $s 0 (local.get $r) (i32.const 0x17F))
      (struct.get_u $s 0 (local.get $r)))
    (func (export "array_s") (result i32) (array.get_s $a (array.new_fixed $a 2 (i32.const 1) (i32.const 0xF8F0F)) (i32.const 1)))
    (func (export "array_u") (result i32)
      (local $r (ref null $a))
      (local.set $r (array.new $a (i32.const 0xABCDE) (i32.const 3)))
      (array.set $a (local.get $r) (i32.const 2) (i32.const -1))
      (i32.add (array.get_u $a (local.get $r) (i32.const 0)) (array.get_u $a (local.get $r) (i32.const 2)))))
  )");
  CHECK(m.i32("s8") == 0xFFFF'FFFFu);
  CHECK(m.i32("u8") == 0xFF);
  CHECK(m.i32("s16") == 0xFFFF'8000u);
  CHECK(m.i32("set_u8") == 0x7F);
  CHECK(m.i32("array_s") == 0xFFFF'8F0Fu);
  CHECK(m.i32("array_u") == 0xBCDE + 0xFFFF);
}

TEST_CASE("gc: array.copy within one array copies as if through a temporary, in both directions") {
  GcModule m(R"((module
    (type $a (array (mut i32)))
    (func $iota (result (ref $a)) (local $r (ref null $a)) (local $i i32)
      (local.set $r (array.new_default $a (i32.const 10)))
      (loop $l
        (array.set $a (local.get $r) (local.get $i) (local.get $i))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 10))))
      (ref.as_non_null (local.get $r)))
    ;; The ten elements as decimal digits, first most significant.
    (func $digits (param $r (ref $a)) (result i32) (local $i i32) (local $n i32)
      (loop $l
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (array.get $a (local.get $r) (local.get $i))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 9))))
      (i32.add (i32.mul (local.get $n) (i32.const 10)) (array.get $a (local.get $r) (i32.const 9))))
    (func (export "up") (result i32) (local $r (ref null $a))
      (local.set $r (call $iota))
      (array.copy $a $a (local.get $r) (i32.const 2) (local.get $r) (i32.const 0) (i32.const 5))
      (call $digits (ref.as_non_null (local.get $r))))
    (func (export "down") (result i32) (local $r (ref null $a))
      (local.set $r (call $iota))
      (array.copy $a $a (local.get $r) (i32.const 0) (local.get $r) (i32.const 3) (i32.const 6))
      (call $digits (ref.as_non_null (local.get $r))))
    (func (export "past_end") (local $r (ref null $a))
      (local.set $r (call $iota))
      (array.copy $a $a (local.get $r) (i32.const 6) (local.get $r) (i32.const 0) (i32.const 5))))
  )");
  CHECK(m.i32("up") == 101234789u);     // 0 1 0 1 2 3 4 7 8 9
  CHECK(m.i32("down") == 3456786789u);  // 3 4 5 6 7 8 6 7 8 9
  CHECK(m.trap("past_end") == TrapKind::kOutOfBoundsArray);
}

TEST_CASE("gc: casts follow declared subtypes; a failed ref.cast traps, br_on_cast branches on the outcome") {
  GcModule m(R"((module
    (type $base (sub (struct (field i32))))
    (type $derived (sub $base (struct (field i32) (field i64))))
    (type $other (struct (field i32)))
    (func $derived (result anyref) (struct.new $derived (i32.const 1) (i64.const 2)))
    (func (export "test_base") (result i32) (ref.test (ref $base) (call $derived)))
    (func (export "test_other") (result i32) (ref.test (ref $other) (call $derived)))
    (func (export "test_i31_eq") (result i32) (ref.test (ref eq) (ref.i31 (i32.const 3))))
    (func (export "test_null") (result i32)
      (i32.add (ref.test (ref null $other) (ref.null none)) (i32.shl (ref.test (ref $other) (ref.null none)) (i32.const 1))))
    (func (export "host_is_not_eq") (param externref) (result i32) (ref.test (ref eq) (any.convert_extern (local.get 0))))
    (func (export "cast_fails") (drop (ref.cast (ref struct) (ref.i31 (i32.const 1)))))
    (func (export "br_on_cast") (param $which i32) (result i32)
      (block $is_struct (result (ref struct))
        (drop (br_on_cast $is_struct anyref (ref struct)
          (select (result anyref) (call $derived) (ref.i31 (i32.const 5)) (local.get $which))))
        (return (i32.const 100)))
      (drop)
      (i32.const 200))
    (func (export "br_on_cast_fail") (param $which i32) (result i32)
      (block $not_i31 (result anyref)
        (return (i31.get_u (br_on_cast_fail $not_i31 anyref (ref i31)
          (select (result anyref) (call $derived) (ref.i31 (i32.const 5)) (local.get $which))))))
      (drop)
      (i32.const 300)))
  )");
  CHECK(m.i32("test_base") == 1);
  CHECK(m.i32("test_other") == 0);
  CHECK(m.i32("test_i31_eq") == 1);
  CHECK(m.i32("test_null") == 1);
  CHECK(m.i32("host_is_not_eq", {Value::ref(ValType::kExternRef, extern_ref(5))}) == 0);
  CHECK(m.trap("cast_fails") == TrapKind::kCastFailure);
  CHECK(m.i32("br_on_cast", {Value::i32(1)}) == 200);
  CHECK(m.i32("br_on_cast", {Value::i32(0)}) == 100);
  CHECK(m.i32("br_on_cast_fail", {Value::i32(1)}) == 300);
  CHECK(m.i32("br_on_cast_fail", {Value::i32(0)}) == 5);
}

TEST_CASE("gc: an array past the GC heap's limit traps instead of allocating; bad lengths never abort") {
  GcModule m(R"((module
    (type $v (array (mut v128)))
    (type $b (array (mut i8)))
    (data $d "\01\02\03")
    (func (export "huge") (param i32) (result i32) (array.len (array.new_default $v (local.get 0))))
    (func (export "from_data") (param i32 i32) (result i32) (array.len (array.new_data $b $d (local.get 0) (local.get 1))))
    (func (export "fill_past_end") (array.fill $b (array.new_default $b (i32.const 4)) (i32.const 1) (i32.const 7) (i32.const 4))))
  )",
             uint64_t{1} << 20);
  CHECK(m.i32("huge", {Value::i32(1000)}) == 1000);
  CHECK(m.trap("huge", {Value::i32(0xFFFF'FFFFu)}) == TrapKind::kArrayTooLarge);
  CHECK(m.trap("huge", {Value::i32(1u << 20)}) == TrapKind::kArrayTooLarge);
  CHECK(m.i32("from_data", {Value::i32(1), Value::i32(2)}) == 2);
  CHECK(m.trap("from_data", {Value::i32(2), Value::i32(2)}) == TrapKind::kOutOfBoundsMemory);
  // Past the segment is out of bounds, whether or not the heap could hold the array.
  CHECK(m.trap("from_data", {Value::i32(0x8000'0000u), Value::i32(0x8000'0000u)}) == TrapKind::kOutOfBoundsMemory);
  CHECK(m.trap("fill_past_end") == TrapKind::kOutOfBoundsArray);
}

TEST_CASE("gc: constant expressions build structs, arrays and i31s for globals and element segments") {
  GcModule m(R"((module
    (type $s (struct (field i8) (field i64)))
    (type $a (array i32))
    (global $s (ref $s) (struct.new $s (i32.const 0x1FE) (i64.const 9)))
    (global $a (ref $a) (array.new_fixed $a 3 (i32.const 4) (i32.const 5) (i32.const 6)))
    (global $n (ref $a) (array.new $a (i32.const 8) (i32.const 2)))
    (global $i anyref (ref.i31 (i32.const -1)))
    (table $t 2 anyref)
    (elem (table $t) (i32.const 0) anyref (struct.new_default $s) (array.new_default $a (i32.const 7)))
    (func (export "s") (result i32) (i32.add (struct.get_s $s 0 (global.get $s)) (i32.wrap_i64 (struct.get $s 1 (global.get $s)))))
    (func (export "a") (result i32) (i32.add (array.get $a (global.get $a) (i32.const 2)) (array.get $a (global.get $n) (i32.const 1))))
    (func (export "i") (result i32) (i31.get_s (ref.cast (ref i31) (global.get $i))))
    (func (export "elem") (result i32) (array.len (ref.cast (ref $a) (table.get $t (i32.const 1))))))
  )");
  CHECK(m.i32("s") == 7);  // -2 + 9
  CHECK(m.i32("a") == 14);
  CHECK(m.i32("i") == 0xFFFF'FFFFu);
  CHECK(m.i32("elem") == 7);
}

TEST_CASE("gc: a snapshot rebuilds trees of GC objects in globals and tables, and refuses shared ones") {
  const std::string wat = R"((module
    (type $s (struct (field (mut i32)) (field (mut anyref))))
    (type $a (array (mut i16)))
    (global $kept (mut anyref) (ref.null any))
    (global $also (mut anyref) (ref.null any))
    (global $small (mut i31ref) (ref.null i31))
    (table $t 3 anyref)
    (func (export "keep_tree")
      (global.set $kept (struct.new $s (i32.const -3) (array.new_fixed $a 2 (i32.const 0xFFFF) (i32.const 5)))))
    (func (export "share") (global.set $also (global.get $kept)))
    (func (export "cycle") (local $r (ref null $s))
      (local.set $r (struct.new $s (i32.const 1) (ref.null any)))
      (struct.set $s 1 (local.get $r) (local.get $r))
      (global.set $kept (local.get $r)))
    (func (export "keep_i31") (global.set $small (ref.i31 (i32.const -5))))
    (func (export "fill_table") (table.set $t (i32.const 2) (struct.new_default $s)))
    (func (export "share_with_table") (table.set $t (i32.const 0) (global.get $kept))))
  )";
  GcModule m(wat);
  const InitialTables initial = record_tables(*m.instance);
  REQUIRE(!m.call("keep_i31").trap);
  REQUIRE(!m.call("keep_tree").trap);
  auto tree = take_snapshot(*m.instance, initial, {});
  REQUIRE_MESSAGE(tree.ok(), why(tree));
  const std::vector<uint8_t> i31 = {0x41, 0x7B, 0xFB, 0x1C};  // i32.const -5, ref.i31
  CHECK(tree->globals[2].expr == i31);
  CHECK_FALSE(tree->globals[2].is_null);
  // i32.const -3, i32.const 0xFFFF, i32.const 5, array.new_fixed 1 2, struct.new 0
  const std::vector<uint8_t> expected = {0x41, 0x7D, 0x41, 0xFF, 0xFF, 0x03, 0x41, 0x05,
                                         0xFB, 0x08, 0x01, 0x02, 0xFB, 0x00, 0x00};
  CHECK(tree->globals[0].expr == expected);

  REQUIRE(!m.call("share").trap);
  auto shared = take_snapshot(*m.instance, initial, {});
  REQUIRE_FALSE(shared.ok());
  CHECK_MESSAGE(shared.error().message.find("global 1 holds a struct") != std::string::npos, shared.error().message);
  CHECK_MESSAGE(shared.error().message.find("reached twice") != std::string::npos, shared.error().message);

  GcModule c(wat);
  REQUIRE(!c.call("cycle").trap);
  auto cycle = take_snapshot(*c.instance, initial, {});
  REQUIRE_FALSE(cycle.ok());
  CHECK_MESSAGE(cycle.error().message.find("global 0 holds a struct") != std::string::npos, cycle.error().message);

  GcModule t(wat);
  const InitialTables before_fill = record_tables(*t.instance);
  REQUIRE(!t.call("fill_table").trap);
  auto in_table = take_snapshot(*t.instance, before_fill, {});
  REQUIRE_MESSAGE(in_table.ok(), why(in_table));
  REQUIRE(in_table->changed_tables.size() == 1);
  const TableSnapshot& table = in_table->changed_tables[0];
  CHECK(table.size == 3);
  CHECK_FALSE(table.entries[0]);
  CHECK_FALSE(table.entries[1]);
  REQUIRE(table.entries[2]);
  // i32.const 0, ref.null any, struct.new 0: the default struct.
  const std::vector<uint8_t> default_struct = {0x41, 0x00, 0xD0, 0x6E, 0xFB, 0x00, 0x00};
  CHECK(table.exprs.at(*table.entries[2]) == default_struct);

  // An object both in a global and in a table would become two objects: refused.
  REQUIRE(!t.call("keep_tree").trap);
  REQUIRE(!t.call("share_with_table").trap);
  auto shared_slot = take_snapshot(*t.instance, before_fill, {});
  REQUIRE_FALSE(shared_slot.ok());
  CHECK_MESSAGE(shared_slot.error().message.find("table 0 slot 0 holds a struct") != std::string::npos,
                shared_slot.error().message);
  CHECK_MESSAGE(shared_slot.error().message.find("reached twice") != std::string::npos, shared_slot.error().message);
}

TEST_CASE("gc: imported globals and tables of struct types match by type across modules, whatever their indices") {
  // The exporter declares its struct at index 1, the importers at index 0.
  Store store;
  auto load = [&](const std::string& wat) {
    auto module = decode_module(assemble(wat), gc_features());
    REQUIRE_MESSAGE(module.ok(), why(module));
    return std::make_shared<const Module>(std::move(module).value());
  };
  auto exporter = instantiate(store, load(R"((module
    (type (func))
    (type $s (struct (field i32)))
    (global (export "g") (mut (ref null $s)) (ref.null $s))
    (global (export "c") (ref null $s) (ref.null $s))
    (table (export "t") 1 (ref null $s))))"),
                              std::make_shared<const ModuleInfo>(), Linker{});
  REQUIRE_MESSAGE(exporter.ok(), why(exporter));
  Linker linker;
  linker.define_instance("m", **exporter);
  auto links = [&](const std::string& wat) {
    return instantiate(store, load(wat), std::make_shared<const ModuleInfo>(), linker).ok();
  };
  CHECK(links(R"((module (type $s (struct (field i32)))
    (import "m" "g" (global (mut (ref null $s)))) (import "m" "t" (table 1 (ref null $s)))))"));
  // An immutable global may be read as a supertype; a mutable one and a table may not.
  CHECK(links(R"((module (type $s (struct (field i32))) (import "m" "c" (global structref))))"));
  CHECK_FALSE(links(R"((module (type $s (struct (field i32))) (import "m" "g" (global (mut structref)))))"));
  CHECK_FALSE(links(R"((module (type $s (struct (field i32))) (import "m" "t" (table 1 structref))))"));
  CHECK_FALSE(links(R"((module (type $s (struct (field i64))) (import "m" "c" (global (ref null $s)))))"));
  CHECK_FALSE(links(R"((module (type $s (struct (field i64))) (import "m" "t" (table 1 (ref null $s)))))"));
}

TEST_CASE("gc: pre-initialization writes GC objects and i31s left in tables as element segments") {
  Options options;
  options.features = gc_features();
  // The table starts with an object from an element segment whose field init
  // changes, and gets a list, an i31 and a null; another table of structs is
  // filled by table.fill.
  auto filled = preinitialize(assemble(R"((module
    (type $node (struct (field (mut i32)) (field (ref null $node))))
    (table $t 4 anyref)
    (table $n 3 (ref null $node))
    (elem (table $t) (i32.const 0) anyref (struct.new $node (i32.const 5) (ref.null $node)))
    (func (export "wizer-initialize")
      (struct.set $node 0 (ref.cast (ref $node) (table.get $t (i32.const 0))) (i32.const 50))
      (table.set $t (i32.const 1)
        (struct.new $node (i32.const 7) (struct.new $node (i32.const 11) (ref.null $node))))
      (table.set $t (i32.const 3) (ref.i31 (i32.const -2)))
      (table.fill $n (i32.const 0) (struct.new $node (i32.const 1) (ref.null $node)) (i32.const 1))
      (table.set $n (i32.const 2) (struct.new $node (i32.const 100) (ref.null $node))))
    (func (export "read") (result i32)
      (local $second (ref $node))
      (local.set $second (ref.cast (ref $node) (table.get $t (i32.const 1))))
      (i32.add
        (i32.add (struct.get $node 0 (ref.cast (ref $node) (table.get $t (i32.const 0))))
                 (struct.get $node 0 (local.get $second)))
        (i32.add
          (i32.add (struct.get $node 0 (struct.get $node 1 (local.get $second)))
                   (i31.get_s (ref.cast (ref i31) (table.get $t (i32.const 3)))))
          (i32.add (i32.add (ref.is_null (table.get $t (i32.const 2)))
                            (struct.get $node 0 (table.get $n (i32.const 0))))
                   (i32.add (ref.is_null (table.get $n (i32.const 1)))
                            (struct.get $node 0 (table.get $n (i32.const 2)))))))))
  )"),
                              options);
  REQUIRE_MESSAGE(filled.ok(), why(filled));
  // 50 + 7 + 11 - 2 + 1 + 1 + 1 + 100
  RunningModule out(std::move(filled).value(), gc_features());
  const CallOutcome read = out.call("read");
  REQUIRE(!read.trap);
  CHECK(read.results[0].bits == 169);
}

TEST_CASE("gc: pre-initialization writes GC objects and i31s left in globals as constants, refusing shared objects") {
  Options options;
  options.features = gc_features();
  auto kept = preinitialize(assemble(R"((module
    (type $s (struct (field (mut i32)) (field (ref null $s))))
    (global $kept (ref $s) (struct.new $s (i32.const 1) (ref.null $s)))
    (global $small (mut i31ref) (ref.null i31))
    (func (export "wizer-initialize")
      ;; The immutable global's object changes: its initializer must be rewritten.
      (struct.set $s 0 (global.get $kept) (i32.const 40))
      (global.set $small (ref.i31 (i32.const -7))))
    (func (export "read") (result i32)
      (i32.add (struct.get $s 0 (global.get $kept)) (i31.get_s (global.get $small)))))
  )"),
                            options);
  REQUIRE_MESSAGE(kept.ok(), why(kept));
  RunningModule out(std::move(kept).value(), gc_features());
  const CallOutcome read = out.call("read");
  REQUIRE(!read.trap);
  CHECK(read.results[0].bits == 33);

  auto shared = preinitialize(assemble(R"((module
    (type $s (struct (field (mut i32))))
    (global $a (mut (ref null $s)) (ref.null $s))
    (global $b (mut (ref null $s)) (ref.null $s))
    (func (export "wizer-initialize")
      (global.set $a (struct.new $s (i32.const 1)))
      (global.set $b (global.get $a))))
  )"),
                              options);
  REQUIRE_FALSE(shared.ok());
  CHECK_MESSAGE(shared.error().message.find("global 1 holds a struct") != std::string::npos, shared.error().message);
}
