// Constant expressions that read defined globals (WebAssembly 3.0): only immutable globals defined before the
// expression's own global, evaluated in module order at instantiation; 2.0's rule without the 3.0 switch.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/runtime/linker.h"
#include "kiln/text/wat.h"
#include "kiln/validate/validate.h"
#include "support/preinit_oracle.h"

using namespace kiln;
using namespace kiln::test;

namespace {

// Why `source` does not decode and validate under `features`, "" when it does.
std::string refusal(std::string_view source, const Features& features) {
  auto bytes = text::wat_to_binary(source, Features::all());
  REQUIRE_MESSAGE(bytes.ok(), bytes.error().message);
  auto module = decode_module(*bytes, features);
  if (!module.ok()) return module.error().message;
  auto info = validate_module(*module);
  return info.ok() ? std::string() : info.error().message;
}

Features wasm2() { return Features{}; }

}  // namespace

TEST_CASE("constant expressions: global.get of an earlier defined immutable global") {
  const Features all = Features::all();
  const std::string_view earlier = "(global $a i32 (i32.const 7)) (global $b i32 (global.get $a))";
  CHECK(refusal(earlier, all) == "");
  CHECK(refusal(earlier, wasm2()) == "unknown global 0");  // 2.0: imported globals only
  // Not itself, not a later global: neither is initialized yet.
  CHECK(refusal("(global i32 (global.get 0))", all) == "unknown global 0");
  CHECK(refusal("(global i32 (global.get 1)) (global i32 (i32.const 0))", all) == "unknown global 1");
  CHECK(refusal("(global (mut i32) (i32.const 0)) (global i32 (global.get 0))", all)
            .starts_with("constant expression required"));
  // Segment offsets come after every global and may read any of them.
  CHECK(refusal("(global $g i32 (i32.const 1)) (memory 1) (data (global.get $g) \"x\")", all) == "");
  CHECK(refusal("(global $g i32 (i32.const 1)) (table 2 funcref) (func $f) (elem (global.get $g) $f)", all) == "");
  CHECK(refusal("(global $g i32 (i32.const 1)) (memory 1) (data (global.get $g) \"x\")", wasm2()) ==
        "unknown global 0");
}

TEST_CASE("constant expressions: instantiation evaluates defined globals in module order") {
  auto bytes = text::wat_to_binary(R"(
    (module
      (import "env" "base" (global $base i64))
      (global $a i64 (i64.add (global.get $base) (i64.const 5)))
      (global $b i64 (i64.add (global.get $a) (i64.const 1)))
      (global $c i64 (i64.mul (global.get $b) (global.get $a)))
      (global $at i32 (i32.const 3))
      (memory 1)
      (data (global.get $at) "\2a")
      (func (export "c") (result i64) (global.get $c))
      (func (export "byte") (result i32) (i32.load8_u (i32.const 3))))
  )",
                                   Features::all());
  REQUIRE(bytes.ok());
  auto module = decode_module(*bytes, Features::all());
  REQUIRE(module.ok());
  auto info = validate_module(*module);
  REQUIRE(info.ok());
  Store store;
  Linker linker;
  GlobalInstance* base = store.add_global(GlobalType{ValType::kI64, false});
  base->set(Value::i64(10));
  Extern e;
  e.kind = ExternKind::kGlobal;
  e.global = base;
  linker.define("env", "base", e);
  auto instance = instantiate(store, std::make_shared<const Module>(std::move(module).value()),
                              std::make_shared<const ModuleInfo>(std::move(info).value()), linker);
  REQUIRE_MESSAGE(instance.ok(), instance.error().message);
  CHECK(outcome_text(call_export(**instance, "c", {})) == "i64:240");  // (10+5+1) * (10+5)
  CHECK(outcome_text(call_export(**instance, "byte", {})) == "i32:42");
}
