// Tests of the interpreter's superinstructions: every fused form computes what the plain sequence does, and
// nothing fuses across a branch target.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/validate/validate.h"
#include "interp/compile.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint8_t I32 = 0x7f, I64 = 0x7e, EMPTY = 0x40, END = 0x0b;
constexpr uint8_t LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22, I32_CONST = 0x41, I64_CONST = 0x42;
constexpr uint8_t BLOCK = 0x02, LOOP = 0x03, IF = 0x04, ELSE = 0x05, BR_IF = 0x0d, DROP = 0x1a;
constexpr uint8_t I32_EQZ = 0x45, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_OR = 0x72, I64_OR = 0x84;

// The module's "f", instantiated in `store`.
FuncInstance& instantiate_f(Store& store, const ByteVec& bytes) {
  Result<Module> module = decode_module(bytes, Features{});
  REQUIRE_MESSAGE(module.ok(), module.error().message);
  Result<ModuleInfo> info = validate_module(*module);
  REQUIRE_MESSAGE(info.ok(), info.error().message);
  Result<Instance*> instance = instantiate(store, std::make_shared<const Module>(std::move(*module)),
                                           std::make_shared<const ModuleInfo>(std::move(*info)), Linker{});
  REQUIRE_MESSAGE(instance.ok(), instance.error().message);
  return *(*instance)->export_func("f");
}

// Runs the module's "f" with `args` in a fresh store; its single result, or the trap's Wasm offset in `trap_at`.
uint64_t run_f(const ByteVec& bytes, const std::vector<Value>& args, uint64_t* trap_at = nullptr) {
  Store store;
  const CallOutcome out = call_function(instantiate_f(store, bytes), args, ExecOptions{});
  if (trap_at) {
    REQUIRE(out.trap.has_value());
    *trap_at = out.trap->code_offset;
    return 0;
  }
  REQUIRE_MESSAGE(!out.trap, describe_trap(*out.trap, out.backtrace));
  REQUIRE(out.results.size() == 1);
  return out.results[0].bits;
}

// The internal opcodes the lowering gives the module's "f", one per lowered instruction (lowered without
// handler addresses, so each instruction's first word is its opcode; the result is never run).
std::vector<interp::IOp> lowered_ops(const ByteVec& bytes) {
  Store store;
  Result<interp::CompiledFunc*> lowered = interp::lower_function(instantiate_f(store, bytes), nullptr);
  REQUIRE_MESSAGE(lowered.ok(), lowered.error().message);
  std::vector<interp::IOp> ops;
  for (const uint32_t start : (*lowered)->instr_starts) ops.push_back(static_cast<interp::IOp>((*lowered)->code[start]));
  return ops;
}

ByteVec local_get(uint32_t index) { return cat({{LOCAL_GET}, uleb(index)}); }
ByteVec i32_const(uint32_t value) { return cat({{I32_CONST}, sleb(static_cast<int32_t>(value))}); }
ByteVec i64_const(uint64_t value) { return cat({{I64_CONST}, sleb(static_cast<int64_t>(value))}); }

// An operand the lowering cannot fuse: `local.get i; const 0; or` computes local i.
ByteVec computed(uint32_t index, bool wide) {
  return wide ? cat({local_get(index), i64_const(0), {I64_OR}}) : cat({local_get(index), i32_const(0), {I32_OR}});
}

struct BinOp {
  uint8_t opcode;
  bool wide;  // i64 operands
};

// The integer binops that have fused forms: i32 0x46..0x4f and 0x6a..0x78 without div/rem, the same for i64.
std::vector<BinOp> fusable_binops() {
  std::vector<BinOp> ops;
  for (uint8_t op = 0x46; op <= 0x4f; ++op) ops.push_back({op, false});
  for (int op : {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78})
    ops.push_back({static_cast<uint8_t>(op), false});
  for (uint8_t op = 0x51; op <= 0x5a; ++op) ops.push_back({op, true});
  for (int op : {0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a})
    ops.push_back({static_cast<uint8_t>(op), true});
  return ops;
}

bool is_compare(const BinOp& op) { return op.wide ? op.opcode <= 0x5a : op.opcode <= 0x4f; }

const uint64_t kSamples[] = {0, 1, 5, 31, 32, 63, 0x7FFF'FFFF, 0x8000'0000, 0xFFFF'FFFF,
                             0x1'0000'0001, 0x8000'0000'0000'0000, ~uint64_t{0}};

// (memory 1) (func (export "f") (param i32) (result i32) <locals> <code>)
ByteVec memory_func_module(const ByteVec& code, const ByteVec& locals = {0x00}) {
  return module({
      section(1, vec({func_type({I32}, {I32})})),
      section(3, vec({{0x00}})),
      section(5, vec({{0x00, 0x01}})),
      section(7, vec({cat({name("f"), {0x00, 0x00}})})),
      section(10, vec({body(locals, code)})),
  });
}

// The three ways a condition steers control, each yielding 1 when the condition held and 0 otherwise:
// br_if out of a block, br_if back to a loop's start (local 2 marks the second round), and if/else.
const std::vector<std::function<ByteVec(const ByteVec&)>>& branch_shapes() {
  static const std::vector<std::function<ByteVec(const ByteVec&)>> shapes = {
      [](const ByteVec& condition) {
        return cat({{BLOCK, I32}, i32_const(1), condition, {BR_IF, 0x00, DROP}, i32_const(0), {END, END}});
      },
      [](const ByteVec& condition) {
        // Round one marks local 2 and loops back if the condition holds; round two leaves with 1.
        return cat({{BLOCK, I32, LOOP, EMPTY}, i32_const(1), local_get(2), {BR_IF, 0x01, DROP}, i32_const(1),
                    {LOCAL_SET, 0x02}, condition, {BR_IF, 0x00, END}, i32_const(0), {END, END}});
      },
      [](const ByteVec& condition) {
        return cat({condition, {IF, I32}, i32_const(1), {ELSE}, i32_const(0), {END, END}});
      },
  };
  return shapes;
}

}  // namespace

TEST_CASE("fused operand forms of every integer binop compute what the plain form does") {
  for (const BinOp& op : fusable_binops()) {
    CAPTURE(static_cast<int>(op.opcode));
    const uint8_t t = op.wide ? I64 : I32;
    const ByteVec result = {is_compare(op) ? I32 : t};
    const auto constant = [&](uint64_t v) { return op.wide ? i64_const(v) : i32_const(static_cast<uint32_t>(v)); };
    // Both operands from the stack (the right one computed), then each fused form.
    const ByteVec plain = cat({local_get(0), computed(1, op.wide), {op.opcode, END}});
    const ByteVec right_local = cat({computed(0, op.wide), local_get(1), {op.opcode, END}});
    const ByteVec both_locals = cat({local_get(0), local_get(1), {op.opcode, END}});
    for (uint64_t a : kSamples) {
      for (uint64_t b : kSamples) {
        const uint64_t mask = op.wide ? ~uint64_t{0} : 0xFFFF'FFFFu;
        const std::vector<Value> args = op.wide ? std::vector<Value>{Value::i64(a), Value::i64(b)}
                                                : std::vector<Value>{Value::i32(static_cast<uint32_t>(a & mask)),
                                                                     Value::i32(static_cast<uint32_t>(b & mask))};
        CAPTURE(a);
        CAPTURE(b);
        const uint64_t expected = run_f(one_func_module({t, t}, result, plain), args);
        CHECK(run_f(one_func_module({t, t}, result, right_local), args) == expected);
        CHECK(run_f(one_func_module({t, t}, result, both_locals), args) == expected);
        const ByteVec right_imm = cat({computed(0, op.wide), constant(b), {op.opcode, END}});
        const ByteVec local_imm = cat({local_get(0), constant(b), {op.opcode, END}});
        CHECK(run_f(one_func_module({t, t}, result, right_imm), args) == expected);
        CHECK(run_f(one_func_module({t, t}, result, local_imm), args) == expected);
        // A computed left operand with the result going to a local: local.set, then local.tee (whose value
        // stays on the stack: dropped, then the local read back); the right operand computed too (the plain
        // form's Set and Tee), a local or an immediate.
        const ByteVec locals = {0x01, 0x01, result[0]};
        for (const ByteVec& right : {computed(1, op.wide), local_get(1), constant(b)}) {
          const ByteVec set = cat({computed(0, op.wide), right, {op.opcode, LOCAL_SET, 0x02}, local_get(2), {END}});
          const ByteVec tee =
              cat({computed(0, op.wide), right, {op.opcode, LOCAL_TEE, 0x02, DROP}, local_get(2), {END}});
          const ByteVec tee_value = cat({computed(0, op.wide), right, {op.opcode, LOCAL_TEE, 0x02, END}});
          CHECK(run_f(one_func_module({t, t}, result, set, locals), args) == expected);
          CHECK(run_f(one_func_module({t, t}, result, tee, locals), args) == expected);
          CHECK(run_f(one_func_module({t, t}, result, tee_value, locals), args) == expected);
        }
      }
    }
  }
}

TEST_CASE("float add, sub, mul and div in every fused operand form give the plain form's bits, NaN payloads included") {
  using interp::IOp;
  constexpr uint8_t F32 = 0x7d, F64 = 0x7c, F32_NEG = 0x8c, F64_NEG = 0x9a;
  // The forms the lowering must choose, in the order the code shapes below produce them.
  struct Forms {
    IOp l, k, ll, lk, set, tee, l_set, l_tee, k_set, k_tee;
  };
#define FLOAT_FORMS(n)                                                                                      \
  Forms {                                                                                                   \
    IOp::k##n##L, IOp::k##n##K, IOp::k##n##LL, IOp::k##n##LK, IOp::k##n##Set, IOp::k##n##Tee, IOp::k##n##LSet, \
        IOp::k##n##LTee, IOp::k##n##KSet, IOp::k##n##KTee                                                   \
  }
  struct FloatOp {
    uint8_t opcode;
    bool wide;  // f64
    Forms forms;
  };
  const FloatOp ops[] = {
      {0x92, false, FLOAT_FORMS(F32Add)}, {0x93, false, FLOAT_FORMS(F32Sub)}, {0x94, false, FLOAT_FORMS(F32Mul)},
      {0x95, false, FLOAT_FORMS(F32Div)}, {0xa0, true, FLOAT_FORMS(F64Add)},  {0xa1, true, FLOAT_FORMS(F64Sub)},
      {0xa2, true, FLOAT_FORMS(F64Mul)},  {0xa3, true, FLOAT_FORMS(F64Div)},
  };
#undef FLOAT_FORMS
  // Zeros of both signs, normals, the largest finite, a denormal, infinities, and NaNs whose sign and payload
  // differ (quiet and signalling): with two NaN operands the result keeps the left one's payload, so an operand
  // order swapped by a fused form shows.
  const uint64_t f32_samples[] = {0, 0x8000'0000, 0x3f80'0000, 0xc020'0000, 0x7f7f'ffff, 0x0000'0001,
                                  0x7f80'0000, 0xff80'0000, 0x7fc0'0000, 0x7fa0'0001, 0xffc0'0123};
  const uint64_t f64_samples[] = {0, 0x8000'0000'0000'0000, 0x3ff0'0000'0000'0000, 0xc004'0000'0000'0000,
                                  0x7fef'ffff'ffff'ffff, 1, 0x7ff0'0000'0000'0000, 0xfff0'0000'0000'0000,
                                  0x7ff8'0000'0000'0000, 0x7ff4'0000'0000'0001, 0xfff8'0000'0000'0123};
  for (const FloatOp& op : ops) {
    CAPTURE(static_cast<int>(op.opcode));
    const uint8_t t = op.wide ? F64 : F32;
    // An operand no fusion absorbs, with the local's exact bits: negated twice (a sign flip, NaNs included).
    const auto computed_float = [&](uint32_t index) {
      const uint8_t neg = op.wide ? F64_NEG : F32_NEG;
      return cat({local_get(index), {neg, neg}});
    };
    const auto constant = [&](uint64_t bits) {
      ByteVec out = {static_cast<uint8_t>(op.wide ? 0x44 : 0x43)};
      for (int i = 0; i < (op.wide ? 8 : 4); ++i) out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      return out;
    };
    const ByteVec locals = {0x01, 0x01, t};
    const auto lowered = [&](const ByteVec& code) { return lowered_ops(one_func_module({t, t}, {t}, code, locals)); };
    const auto has = [](const std::vector<IOp>& ops_seen, IOp form) {
      return std::find(ops_seen.begin(), ops_seen.end(), form) != ops_seen.end();
    };
    for (uint64_t a : op.wide ? std::span<const uint64_t>(f64_samples) : std::span<const uint64_t>(f32_samples)) {
      for (uint64_t b : op.wide ? std::span<const uint64_t>(f64_samples) : std::span<const uint64_t>(f32_samples)) {
        CAPTURE(a);
        CAPTURE(b);
        const std::vector<Value> args = op.wide ? std::vector<Value>{Value::f64_bits(a), Value::f64_bits(b)}
                                                : std::vector<Value>{Value::f32_bits(static_cast<uint32_t>(a)),
                                                                     Value::f32_bits(static_cast<uint32_t>(b))};
        const auto run = [&](const ByteVec& code) { return run_f(one_func_module({t, t}, {t}, code, locals), args); };
        const uint64_t expected = run(cat({computed_float(0), computed_float(1), {op.opcode, END}}));
        // Each shape, and the fused form it must lower to.
        const std::pair<ByteVec, IOp> shapes[] = {
            {cat({computed_float(0), local_get(1), {op.opcode, END}}), op.forms.l},
            {cat({computed_float(0), constant(b), {op.opcode, END}}), op.forms.k},
            {cat({local_get(0), local_get(1), {op.opcode, END}}), op.forms.ll},
            {cat({local_get(0), constant(b), {op.opcode, END}}), op.forms.lk},
            {cat({computed_float(0), computed_float(1), {op.opcode, LOCAL_SET, 0x02}, local_get(2), {END}}),
             op.forms.set},
            {cat({computed_float(0), computed_float(1), {op.opcode, LOCAL_TEE, 0x02, END}}), op.forms.tee},
            {cat({computed_float(0), local_get(1), {op.opcode, LOCAL_SET, 0x02}, local_get(2), {END}}), op.forms.l_set},
            {cat({computed_float(0), local_get(1), {op.opcode, LOCAL_TEE, 0x02, DROP}, local_get(2), {END}}),
             op.forms.l_tee},
            {cat({computed_float(0), constant(b), {op.opcode, LOCAL_SET, 0x02}, local_get(2), {END}}), op.forms.k_set},
            {cat({computed_float(0), constant(b), {op.opcode, LOCAL_TEE, 0x02, END}}), op.forms.k_tee},
        };
        for (const auto& shape : shapes) {
          // Named copies: clang 14 cannot capture structured bindings in CAPTURE's lambda.
          const auto& code = shape.first;
          const auto form = shape.second;
          CAPTURE(static_cast<int>(form));
          CHECK(run(code) == expected);
          if (a == 0 && b == 0) CHECK(has(lowered(code), form));
        }
      }
    }
  }
}

TEST_CASE("compare-and-branch: each i32 comparison, i32.eqz and a bare value, in each operand form, with br_if, a loop and if") {
  // The comparison's operands: a computed left and a right that is computed, a local or an immediate, or
  // both from locals, or a local and an immediate.
  struct Form {
    const char* name;
    std::function<ByteVec(uint32_t b)> operands;
  };
  const Form forms[] = {
      {"stack", [](uint32_t) { return cat({local_get(0), computed(1, false)}); }},
      {"local", [](uint32_t) { return cat({computed(0, false), local_get(1)}); }},
      {"immediate", [](uint32_t b) { return cat({computed(0, false), i32_const(b)}); }},
      {"two locals", [](uint32_t) { return cat({local_get(0), local_get(1)}); }},
      {"local and immediate", [](uint32_t b) { return cat({local_get(0), i32_const(b)}); }},
  };
  const auto& shapes = branch_shapes();  // local 2 is as_loop's scratch
  const uint32_t values[] = {0, 1, 5, 0x7FFF'FFFF, 0x8000'0000, 0xFFFF'FFFF};
  const std::function<bool(uint32_t, uint32_t)> truth[] = {
      [](uint32_t a, uint32_t b) { return a == b; },
      [](uint32_t a, uint32_t b) { return a != b; },
      [](uint32_t a, uint32_t b) { return static_cast<int32_t>(a) < static_cast<int32_t>(b); },
      [](uint32_t a, uint32_t b) { return a < b; },
      [](uint32_t a, uint32_t b) { return static_cast<int32_t>(a) > static_cast<int32_t>(b); },
      [](uint32_t a, uint32_t b) { return a > b; },
      [](uint32_t a, uint32_t b) { return static_cast<int32_t>(a) <= static_cast<int32_t>(b); },
      [](uint32_t a, uint32_t b) { return a <= b; },
      [](uint32_t a, uint32_t b) { return static_cast<int32_t>(a) >= static_cast<int32_t>(b); },
      [](uint32_t a, uint32_t b) { return a >= b; },
  };
  const ByteVec locals = {0x01, 0x01, I32};
  for (size_t shape = 0; shape < std::size(shapes); ++shape) {
    CAPTURE(shape);
    for (uint8_t cmp = 0; cmp < 10; ++cmp) {
      CAPTURE(static_cast<int>(cmp));
      for (const Form& form : forms) {
        CAPTURE(form.name);
        for (uint32_t a : values) {
          for (uint32_t b : values) {
            const ByteVec code = shapes[shape](cat({form.operands(b), {static_cast<uint8_t>(0x46 + cmp)}}));
            const uint64_t got = run_f(one_func_module({I32, I32}, {I32}, code, locals), {Value::i32(a), Value::i32(b)});
            CHECK(got == (truth[cmp](a, b) ? 1u : 0u));
          }
        }
      }
    }
    // i32.eqz and a bare value as the condition, computed or a local.
    for (uint32_t a : values) {
      const auto run_condition = [&](const ByteVec& condition) {
        return run_f(one_func_module({I32, I32}, {I32}, shapes[shape](condition), locals), {Value::i32(a), Value::i32(0)});
      };
      CHECK(run_condition(cat({computed(0, false), {I32_EQZ}})) == (a == 0 ? 1u : 0u));
      CHECK(run_condition(cat({local_get(0), {I32_EQZ}})) == (a == 0 ? 1u : 0u));
      CHECK(run_condition(computed(0, false)) == (a != 0 ? 1u : 0u));
      CHECK(run_condition(local_get(0)) == (a != 0 ? 1u : 0u));
    }
  }
}

TEST_CASE("compare-and-branch: each i64 comparison, in each operand form, with br_if, a loop and if") {
  const auto& shapes = branch_shapes();
  const ByteVec locals = {0x01, 0x01, I32};  // local 2: as_loop's round marker
  for (size_t shape = 0; shape < std::size(shapes); ++shape) {
    CAPTURE(shape);
    for (uint8_t cmp = 0x51; cmp <= 0x5a; ++cmp) {
      CAPTURE(static_cast<int>(cmp));
      for (uint64_t a : kSamples) {
        for (uint64_t b : kSamples) {
          CAPTURE(a);
          CAPTURE(b);
          const std::vector<Value> args = {Value::i64(a), Value::i64(b)};
          // The comparison's value, computed without any branch fused to it.
          const ByteVec value = cat({computed(0, true), computed(1, true), {cmp, END}});
          const uint64_t expected = run_f(one_func_module({I64, I64}, {I32}, value), args);
          const ByteVec operand_forms[] = {
              cat({local_get(0), computed(1, true)}), cat({computed(0, true), local_get(1)}),
              cat({computed(0, true), i64_const(b)}), cat({local_get(0), local_get(1)}),
              cat({local_get(0), i64_const(b)})};
          for (const ByteVec& operands : operand_forms) {
            const ByteVec condition = cat({operands, {cmp}});
            CHECK(run_f(one_func_module({I64, I64}, {I32}, shapes[shape](condition), locals), args) == expected);
          }
        }
      }
    }
  }
}

TEST_CASE("nothing fuses across a branch target: a block's end, a loop's start, an else") {
  // (func (param i32 i32) (result i32)
  //   local.get 0
  //   (block (result i32) i32.const 100 local.get 1 br_if 0 drop local.get 1)   ;; the end is a target
  //   i32.add)
  // A branch arriving at the end carries 100; an add that had absorbed `local.get 1` would read local 1.
  const ByteVec block_end = cat({local_get(0), {BLOCK, I32}, i32_const(100), local_get(1), {BR_IF, 0x00, DROP},
                                 local_get(1), {END, I32_ADD, END}});
  CHECK(run_f(one_func_module({I32, I32}, {I32}, block_end), {Value::i32(10), Value::i32(3)}) == 110);
  CHECK(run_f(one_func_module({I32, I32}, {I32}, block_end), {Value::i32(10), Value::i32(0)}) == 10);

  // (func (param i32 i32) (result i32)      ;; type 1 is [i32] -> [i32]
  //   local.get 0
  //   (loop (type 1) i32.const 1 i32.add local.get 1 i32.const 1 i32.sub local.tee 1 br_if 0))
  // The loop's first add must not absorb the `local.get 0` in front of the loop: the sum is a + b.
  const ByteVec loop_code = cat({local_get(0), {LOOP, 0x01}, i32_const(1), {I32_ADD}, local_get(1), i32_const(1),
                                 {I32_SUB, LOCAL_TEE, 0x01, BR_IF, 0x00, END, END}});
  const ByteVec loop_module = module({
      section(1, vec({func_type({I32, I32}, {I32}), func_type({I32}, {I32})})),
      section(3, vec({{0x00}})),
      section(7, vec({cat({name("f"), {0x00, 0x00}})})),
      section(10, vec({body({0x00}, loop_code)})),
  });
  CHECK(run_f(loop_module, {Value::i32(10), Value::i32(5)}) == 15);

  // (func (param i32 i32) (result i32)
  //   local.get 0 (if (type 1) (local.get 1) (then drop local.get 0) (else i32.const 7 i32.add)))
  // The else branch starts a target: its add takes the if's parameter, not a fused `local.get 0`.
  const ByteVec else_code = cat({local_get(0), local_get(1), {IF, 0x01, DROP}, local_get(0), {ELSE}, i32_const(7),
                                 {I32_ADD, END, END}});
  const ByteVec else_module = module({
      section(1, vec({func_type({I32, I32}, {I32}), func_type({I32}, {I32})})),
      section(3, vec({{0x00}})),
      section(7, vec({cat({name("f"), {0x00, 0x00}})})),
      section(10, vec({body({0x00}, else_code)})),
  });
  CHECK(run_f(else_module, {Value::i32(10), Value::i32(1)}) == 10);
  CHECK(run_f(else_module, {Value::i32(10), Value::i32(0)}) == 17);
}

TEST_CASE("a fused load traps at the load's own offset, and local copies keep their values") {
  // (memory 1) (func (param i32) (result i32) (i32.load offset=8 (local.get 0)))
  const ByteVec code = cat({local_get(0), {0x28, 0x02, 0x08, END}});
  const ByteVec bytes = memory_func_module(code);
  CHECK(run_f(bytes, {Value::i32(65532 - 8)}) == 0);
  uint64_t trap_at = 0;
  run_f(bytes, {Value::i32(65533 - 8)}, &trap_at);
  CHECK(trap_at == bytes.size() - 4);  // the load, after `local.get 0` and before its immediates and end

  // (func (param i32) (result i32) (i32.load offset=8 (i32.add (local.get 0) (i32.const 8))))
  // The add wraps to 32 bits before the offset is added, as in the unfused sequence.
  const ByteVec indexed_code = cat({local_get(0), i32_const(8), {I32_ADD, 0x28, 0x02, 0x08, END}});
  const ByteVec indexed = memory_func_module(indexed_code);
  CHECK(run_f(indexed, {Value::i32(0xFFFF'FFF8u)}) == 0);  // address 0, + offset 8
  CHECK(run_f(indexed, {Value::i32(65532 - 16)}) == 0);
  run_f(indexed, {Value::i32(65533 - 16)}, &trap_at);
  CHECK(trap_at == indexed.size() - 4);  // the load

  // The same with a computed address: (i32.load offset=8 (i32.add (i32.or (local.get 0) (i32.const 0)) (i32.const 8)))
  const ByteVec computed_code = cat({computed(0, false), i32_const(8), {I32_ADD, 0x28, 0x02, 0x08, END}});
  const ByteVec computed_indexed = memory_func_module(computed_code);
  CHECK(run_f(computed_indexed, {Value::i32(0xFFFF'FFF8u)}) == 0);
  CHECK(run_f(computed_indexed, {Value::i32(65532 - 16)}) == 0);
  run_f(computed_indexed, {Value::i32(65533 - 16)}, &trap_at);
  CHECK(trap_at == computed_indexed.size() - 4);

  // (func (param i32) (result i32) (local i32 i32)
  //   local.get 0 local.set 1  i32.const 9 local.set 2  local.get 1 local.get 2 i32.sub)
  const ByteVec copies = cat({local_get(0), {LOCAL_SET, 0x01}, i32_const(9), {LOCAL_SET, 0x02}, local_get(1),
                              local_get(2), {I32_SUB, END}});
  CHECK(run_f(one_func_module({I32}, {I32}, copies, {0x01, 0x02, I32}), {Value::i32(50)}) == 41);
}

TEST_CASE("an add or sub of a local and an immediate or two locals fuses with the local.set or local.tee after it") {
  struct Op {
    uint8_t opcode;
    bool wide;
    uint64_t (*apply)(uint64_t, uint64_t);
  };
  const Op ops[] = {
      {I32_ADD, false, [](uint64_t a, uint64_t b) -> uint64_t { return static_cast<uint32_t>(a + b); }},
      {I32_SUB, false, [](uint64_t a, uint64_t b) -> uint64_t { return static_cast<uint32_t>(a - b); }},
      {0x7c, true, [](uint64_t a, uint64_t b) { return a + b; }},  // i64.add
  };
  for (const Op& op : ops) {
    CAPTURE(static_cast<int>(op.opcode));
    const uint8_t t = op.wide ? I64 : I32;
    const uint8_t add = op.wide ? 0x7c : I32_ADD;
    const uint64_t mask = op.wide ? ~uint64_t{0} : 0xFFFF'FFFFu;
    for (uint64_t a : kSamples) {
      for (uint64_t b : kSamples) {
        const std::vector<Value> args = op.wide ? std::vector<Value>{Value::i64(a), Value::i64(b)}
                                                : std::vector<Value>{Value::i32(static_cast<uint32_t>(a & mask)),
                                                                     Value::i32(static_cast<uint32_t>(b & mask))};
        const uint64_t result = op.apply(a & mask, b & mask);
        const ByteVec imm = op.wide ? i64_const(b) : i32_const(static_cast<uint32_t>(b));
        for (const ByteVec& operands : {cat({local_get(0), imm}), cat({local_get(0), local_get(1)})}) {
          // local 2 = a op b; then read it back, and with tee also add the value tee left on the stack.
          const ByteVec set = cat({operands, {op.opcode, LOCAL_SET, 0x02}, local_get(2), {END}});
          const ByteVec tee = cat({operands, {op.opcode, LOCAL_TEE, 0x02}, local_get(2), {add, END}});
          const ByteVec locals = {0x01, 0x01, t};
          CHECK(run_f(one_func_module({t, t}, {t}, set, locals), args) == result);
          CHECK(run_f(one_func_module({t, t}, {t}, tee, locals), args) == ((result * 2) & mask));
        }
      }
    }
  }
}

TEST_CASE("a store whose value is a local or an immediate, and its address a local or computed, fuses") {
  // (memory 1) (func (param i32 i64) (result i64) <store> then i64.load of the stored bytes at address 16)
  struct Store {
    uint8_t opcode;
    uint8_t value_type;
    uint64_t mask;  // the bytes it writes
  };
  const Store stores[] = {{0x36, I32, 0xFFFF'FFFFu}, {0x37, I64, ~uint64_t{0}}, {0x3a, I32, 0xFF},
                          {0x3b, I32, 0xFFFF},       {0x3c, I64, 0xFF},         {0x3d, I64, 0xFFFF},
                          {0x3e, I64, 0xFFFF'FFFFu}};
  const uint64_t value = 0x8765'4321'DEAD'BEEFu;
  for (const Store& store : stores) {
    CAPTURE(static_cast<int>(store.opcode));
    const bool wide = store.value_type == I64;
    // Local 1 holds the i64 value; local 2 the same value as an i32.
    const ByteVec value_local = local_get(wide ? 1 : 2);
    const ByteVec value_imm = wide ? i64_const(value) : i32_const(static_cast<uint32_t>(value));
    const ByteVec address_local = local_get(0);
    const ByteVec address_computed = computed(0, false);
    const ByteVec setup = cat({local_get(1), {0xa7, LOCAL_SET, 0x02}});  // i32.wrap_i64
    for (const ByteVec& address : {address_local, address_computed}) {
      for (const ByteVec& stored : {value_local, value_imm}) {
        // The store has offset 6, so address 10 writes at 16.
        const ByteVec code = cat({setup, address, stored, {store.opcode, 0x00, 0x06}, i32_const(16),
                                  {0x29, 0x03, 0x00, END}});
        const ByteVec bytes = module({
            section(1, vec({func_type({I32, I64}, {I64})})),
            section(3, vec({{0x00}})),
            section(5, vec({{0x00, 0x01}})),
            section(7, vec({cat({name("f"), {0x00, 0x00}})})),
            section(10, vec({body({0x01, 0x01, I32}, code)})),
        });
        CHECK(run_f(bytes, {Value::i32(10), Value::i64(value)}) == (value & store.mask));
        // Out of bounds at the store's own offset: the store opcode sits before its two immediates,
        // the trailing i32.const 16, the load and end.
        uint64_t trap_at = 0;
        run_f(bytes, {Value::i32(65536 - 6), Value::i64(value)}, &trap_at);
        CHECK(trap_at == bytes.size() - 9);
      }
    }
  }
}

TEST_CASE("every fast load, in each address form, fuses with the local.set or local.tee after it") {
  struct Load {
    uint8_t opcode;
    uint8_t result;
  };
  // i32.load, i64.load, f32.load, f64.load, then the narrow loads of i32 and of i64.
  const Load loads[] = {{0x28, I32}, {0x29, I64}, {0x2a, 0x7d}, {0x2b, 0x7c}, {0x2c, I32}, {0x2d, I32},
                        {0x2e, I32}, {0x2f, I32}, {0x30, I64}, {0x31, I64}, {0x32, I64}, {0x33, I64},
                        {0x34, I64}, {0x35, I64}};
  // 64 bytes 0x80, 0x83, 0x86, ...: every width reads a different value, and the top bit is set for the sign
  // extensions.
  ByteVec bytes(64);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0x80 + 3 * i);
  // Local 0 is the address argument; the load's own offset is 4, the local+immediate forms add 8.
  const ByteVec addresses[] = {local_get(0), computed(0, false), cat({local_get(0), i32_const(8), {I32_ADD}}),
                               cat({computed(0, false), i32_const(8), {I32_ADD}})};
  for (const Load& load : loads) {
    CAPTURE(static_cast<int>(load.opcode));
    const uint8_t add = load.result == I32 ? I32_ADD : load.result == I64 ? 0x7c : 0;
    const auto make = [&](const ByteVec& code) {
      return module({
          section(1, vec({func_type({I32}, {load.result})})),
          section(3, vec({{0x00}})),
          section(5, vec({{0x00, 0x01}})),
          section(7, vec({cat({name("f"), {0x00, 0x00}})})),
          section(10, vec({body({0x01, 0x01, load.result}, code)})),
          section(11, vec({cat({{0x00}, i32_const(0), {END}, uleb(bytes.size()), bytes})})),
      });
    };
    for (size_t form = 0; form < std::size(addresses); ++form) {
      CAPTURE(form);
      const ByteVec access = cat({addresses[form], {load.opcode, 0x00, 0x04}});
      const ByteVec set = cat({access, {LOCAL_SET, 0x01}, local_get(1), {END}});
      const ByteVec tee = cat({access, {LOCAL_TEE, 0x01, DROP}, local_get(1), {END}});
      const ByteVec tee_value = cat({access, {LOCAL_TEE, 0x01, END}});
      for (uint32_t address : {0u, 3u, 17u, 40u}) {
        CAPTURE(address);
        const uint64_t expected = run_f(make(cat({access, {END}})), {Value::i32(address)});
        CHECK(run_f(make(set), {Value::i32(address)}) == expected);
        CHECK(run_f(make(tee), {Value::i32(address)}) == expected);
        CHECK(run_f(make(tee_value), {Value::i32(address)}) == expected);
        if (add != 0) {  // the tee's value and the local both used: twice the value
          const ByteVec both = cat({access, {LOCAL_TEE, 0x01}, local_get(1), {add, END}});
          const uint64_t mask = load.result == I32 ? 0xFFFF'FFFFu : ~uint64_t{0};
          CHECK(run_f(make(both), {Value::i32(address)}) == ((expected * 2) & mask));
        }
      }
      // Out of bounds, the fused form traps at the load's own offset, just after its address operands.
      for (const ByteVec& code : {set, tee}) {
        uint64_t trap_at = 0;
        const ByteVec fused = make(code);
        run_f(fused, {Value::i32(65536 - 3)}, &trap_at);  // + offset 4: past the end for every width
        const auto at = std::search(fused.begin(), fused.end(), code.begin(), code.end());
        REQUIRE(at != fused.end());
        CHECK(trap_at == static_cast<uint64_t>(at - fused.begin()) + addresses[form].size());
      }
    }
  }
}

TEST_CASE("the lowering fuses a plain binop and each fast load form with the local.set or local.tee after it") {
  using interp::IOp;
  const auto ops_of = [](const ByteVec& code) {
    return lowered_ops(one_func_module({I32, I32}, {I32}, code, {0x01, 0x01, I32}));
  };
  // i32.add of two computed operands, into local 2: the two `or`s, then one fused add-and-set.
  const ByteVec add_set = cat({computed(0, false), computed(1, false), {I32_ADD, LOCAL_SET, 0x02}, local_get(2), {END}});
  const std::vector<IOp> add_set_ops = ops_of(add_set);
  REQUIRE(add_set_ops.size() >= 3);
  CHECK(add_set_ops[0] == IOp::kI32OrLK);
  CHECK(add_set_ops[1] == IOp::kI32OrLK);
  CHECK(add_set_ops[2] == IOp::kI32AddSet);
  const ByteVec add_tee = cat({computed(0, false), computed(1, false), {I32_ADD, LOCAL_TEE, 0x02, END}});
  CHECK(ops_of(add_tee).at(2) == IOp::kI32AddTee);
  // i32.load offset=4 from local 0, from local 0 + 8, from a computed address + 8, from a computed address.
  const auto load_ops = [](const ByteVec& address, uint8_t write) {
    const ByteVec code = cat({address, {0x28, 0x02, 0x04, write, 0x01}, write == LOCAL_TEE ? ByteVec{DROP} : ByteVec{},
                              local_get(1), {END}});
    return lowered_ops(memory_func_module(code, {0x01, 0x01, I32}));
  };
  CHECK(load_ops(local_get(0), LOCAL_SET).front() == IOp::kLoad32LSet);
  CHECK(load_ops(local_get(0), LOCAL_TEE).front() == IOp::kLoad32LTee);
  CHECK(load_ops(cat({local_get(0), i32_const(8), {I32_ADD}}), LOCAL_SET).front() == IOp::kLoad32LKSet);
  CHECK(load_ops(cat({computed(0, false), i32_const(8), {I32_ADD}}), LOCAL_TEE).at(1) == IOp::kLoad32KTee);
  CHECK(load_ops(computed(0, false), LOCAL_SET).at(1) == IOp::kLoad32Set);
}

TEST_CASE("base + (i << k) fuses the shift into the add, with i a local or computed, and into a local.set or local.tee") {
  constexpr uint8_t I32_SHL = 0x74;
  const ByteVec locals = {0x01, 0x01, I32};
  for (const uint32_t k : {0u, 1u, 2u, 3u, 31u, 32u, 35u}) {  // the shift count is taken mod 32
    for (const ByteVec& index : {local_get(1), computed(1, false)}) {
      const ByteVec address = cat({computed(0, false), index, i32_const(k), {I32_SHL, I32_ADD}});
      const ByteVec plain = cat({address, {END}});
      const ByteVec set = cat({address, {LOCAL_SET, 0x02}, local_get(2), {END}});
      const ByteVec tee = cat({address, {LOCAL_TEE, 0x02}, local_get(2), {I32_ADD, END}});
      for (uint64_t a : kSamples) {
        for (uint64_t b : kSamples) {
          const auto base = static_cast<uint32_t>(a);
          const auto i = static_cast<uint32_t>(b);
          const uint32_t expected = base + (i << (k & 31));
          const std::vector<Value> args = {Value::i32(base), Value::i32(i)};
          CAPTURE(k);
          CAPTURE(base);
          CAPTURE(i);
          CHECK(run_f(one_func_module({I32, I32}, {I32}, plain, locals), args) == expected);
          CHECK(run_f(one_func_module({I32, I32}, {I32}, set, locals), args) == expected);
          CHECK(run_f(one_func_module({I32, I32}, {I32}, tee, locals), args) == static_cast<uint32_t>(expected * 2));
        }
      }
    }
  }
  // The lowering: computed base, then one fused instruction (the index from local 1, or computed).
  using interp::IOp;
  const auto second_op = [&](const ByteVec& index, const ByteVec& write) {
    const ByteVec code = cat({computed(0, false), index, i32_const(2), {I32_SHL, I32_ADD}, write, {END}});
    return lowered_ops(one_func_module({I32, I32}, {I32}, code, locals)).at(1);
  };
  CHECK(second_op(local_get(1), {}) == IOp::kI32AddShlLK);
  CHECK(second_op(local_get(1), {LOCAL_TEE, 0x02}) == IOp::kI32AddShlLKTee);
  CHECK(second_op(local_get(1), {LOCAL_SET, 0x02, LOCAL_GET, 0x02}) == IOp::kI32AddShlLKSet);
  CHECK(lowered_ops(one_func_module({I32, I32}, {I32}, cat({computed(0, false), computed(1, false), i32_const(2),
                                                             {I32_SHL, I32_ADD, LOCAL_TEE, 0x02, END}}),
                                    locals))
            .at(2) == IOp::kI32AddShlKTee);
}

TEST_CASE("a br_table whose index is x - k fuses the subtraction, x a local or computed, wrapping as i32.sub does") {
  constexpr uint8_t BR_TABLE = 0x0e, I32_SUB_OP = I32_SUB;
  // (block (block (block (block (br_table 0 1 2 3 (i32.sub (local.get 0 | computed) (i32.const k)))) (return 10))
  //   (return 11)) (return 12)) 13: targets 0..2 return 10..12, the default (3) 13.
  for (const uint32_t k : {0u, 1u, 5u, 0x8000'0000u, 0xFFFF'FFFFu}) {
    for (const ByteVec& x : {local_get(0), computed(0, false)}) {
      const ByteVec code = cat({{BLOCK, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY}, x, i32_const(k),
                                {I32_SUB_OP, BR_TABLE, 0x03, 0x00, 0x01, 0x02, 0x03, END}, i32_const(10),
                                {0x0f, END}, i32_const(11), {0x0f, END}, i32_const(12), {0x0f, END}, i32_const(13),
                                {END}});
      const ByteVec bytes = one_func_module({I32}, {I32}, code);
      for (const uint32_t delta : {0u, 1u, 2u, 3u, 4u, 0x7FFF'FFFFu, 0xFFFF'FFFFu}) {
        CAPTURE(k);
        CAPTURE(delta);
        const uint32_t expected = delta < 3 ? 10 + delta : 13;
        CHECK(run_f(bytes, {Value::i32(k + delta)}) == expected);
      }
      CHECK(lowered_ops(bytes).at(x.size() == 2 ? 0 : 1) ==
            (x.size() == 2 ? interp::IOp::kBrTableSubLK : interp::IOp::kBrTableSubK));
    }
  }
}

TEST_CASE("a load at a shifted index fuses the shift, from a local or with an immediate base") {
  constexpr uint8_t I32_SHL = 0x74;
  ByteVec bytes(256);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0x80 + 7 * i);
  const auto make = [&](const ByteVec& code) {
    return module({
        section(1, vec({func_type({I32}, {I64})})),
        section(3, vec({{0x00}})),
        section(5, vec({{0x00, 0x01}})),
        section(7, vec({cat({name("f"), {0x00, 0x00}})})),
        section(10, vec({body({0x00}, code)})),
        section(11, vec({cat({{0x00}, i32_const(0), {END}, uleb(bytes.size()), bytes})})),
    });
  };
  // i64.load (offset 4), i64.load8_s, i32.load8_s (extended to i64 unsigned so every bit shows), i32.load.
  const ByteVec loads[] = {{0x29, 0x03, 0x04}, {0x30, 0x00, 0x04}, {0x2c, 0x00, 0x04, 0xad}, {0x28, 0x02, 0x04, 0xad}};
  for (const ByteVec& load : loads) {
    CAPTURE(static_cast<int>(load[0]));
    for (const uint32_t shift : {0u, 1u, 3u, 33u}) {  // 33: the count is taken mod 32
      // (x << shift) + offset, from a local; ((x << shift) + 16) + offset from a computed x; the plain sequence.
      const ByteVec from_local = cat({local_get(0), i32_const(shift), {I32_SHL}, load, {END}});
      const ByteVec from_stack = cat({computed(0, false), i32_const(shift), {I32_SHL}, i32_const(16), {I32_ADD}, load, {END}});
      const ByteVec plain_local = cat({computed(0, false), i32_const(shift), {I32_SHL}, load, {END}});
      const ByteVec plain_stack =
          cat({computed(0, false), i32_const(shift), {I32_SHL}, computed(0, false), {0x1a}, i32_const(16), {I32_ADD}, load, {END}});
      for (const uint32_t x : {0u, 1u, 5u, 20u}) {
        CAPTURE(shift);
        CAPTURE(x);
        CHECK(run_f(make(from_local), {Value::i32(x)}) == run_f(make(plain_local), {Value::i32(x)}));
        CHECK(run_f(make(from_stack), {Value::i32(x)}) == run_f(make(plain_stack), {Value::i32(x)}));
      }
      // Out of bounds: traps at the load, just after the shift's (and the base's) instructions.
      for (const ByteVec& code : {from_local, from_stack}) {
        uint64_t trap_at = 0;
        const ByteVec module_bytes = make(code);
        run_f(module_bytes, {Value::i32(shift % 32 == 0 ? 65536u : 0x8000u)}, &trap_at);
        const auto at = std::search(module_bytes.begin(), module_bytes.end(), load.begin(), load.end());
        CHECK(trap_at == static_cast<uint64_t>(at - module_bytes.begin()));
      }
    }
    CHECK(lowered_ops(make(cat({local_get(0), i32_const(3), {I32_SHL}, load, {END}}))).at(0) ==
          (load[0] == 0x29 ? interp::IOp::kLoad64ShlL : load[0] == 0x30 ? interp::IOp::kI64Load8SShlL
           : load[0] == 0x2c ? interp::IOp::kI32Load8SShlL : interp::IOp::kLoad32ShlL));
    CHECK(lowered_ops(make(cat({computed(0, false), i32_const(3), {I32_SHL}, i32_const(16), {I32_ADD}, load, {END}})))
              .at(1) == (load[0] == 0x29 ? interp::IOp::kLoad64ShlK : load[0] == 0x30 ? interp::IOp::kI64Load8SShlK
                         : load[0] == 0x2c ? interp::IOp::kI32Load8SShlK : interp::IOp::kLoad32ShlK));
  }
}

TEST_CASE("two local.gets in a row push both in one instruction, and a later fusion still takes the second") {
  using interp::IOp;
  constexpr uint8_t SELECT = 0x1b;
  // (select (local.get 0) (local.get 1) (i32.or (local.get 2) (i32.const 0))): the pair, then the condition.
  const ByteVec select_code = cat({local_get(0), local_get(1), computed(2, false), {SELECT, END}});
  const ByteVec select_module = one_func_module({I32, I32, I32}, {I32}, select_code);
  CHECK(run_f(select_module, {Value::i32(7), Value::i32(9), Value::i32(1)}) == 7);
  CHECK(run_f(select_module, {Value::i32(7), Value::i32(9), Value::i32(0)}) == 9);
  CHECK(lowered_ops(select_module).at(0) == IOp::kLocalGetPair);
  // Three in a row, a pair then a LocalGet: the sub takes both of its operands back, the pair's second among
  // them, and the pair is a LocalGet of local 0 again, which the add then takes back from under the sub's
  // result (a buried local operand): local 0 + (local 1 - local 2).
  const ByteVec three = cat({local_get(0), local_get(1), local_get(2), {I32_SUB, I32_ADD, END}});
  const ByteVec three_module = one_func_module({I32, I32, I32}, {I32}, three);
  CHECK(run_f(three_module, {Value::i32(100), Value::i32(9), Value::i32(4)}) == 105);
  CHECK(lowered_ops(three_module).at(0) == IOp::kI32SubLL);
  CHECK(lowered_ops(three_module).at(1) == IOp::kI32AddL);
  // A pair that a binop consumes whole becomes the LL form, as before.
  const ByteVec two = cat({local_get(0), local_get(1), {I32_SUB, END}});
  CHECK(lowered_ops(one_func_module({I32, I32}, {I32}, two)).at(0) == IOp::kI32SubLL);
  CHECK(run_f(one_func_module({I32, I32}, {I32}, two), {Value::i32(3), Value::i32(5)}) == 0xFFFF'FFFEu);
}

namespace {

// (memory 1) with 64 bytes 0x80, 0x83, 0x86, ... at 0 (every width reads a different value, the top bit set
// for the sign extensions), and (func (export "f") (param <params>) (result <result>) <locals> <code>).
ByteVec data_func_module(const ByteVec& params, uint8_t result, const ByteVec& code, const ByteVec& locals = {0x00}) {
  ByteVec bytes(64);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0x80 + 3 * i);
  return module({
      section(1, vec({func_type(params, {result})})),
      section(3, vec({{0x00}})),
      section(5, vec({{0x00, 0x01}})),
      section(7, vec({cat({name("f"), {0x00, 0x00}})})),
      section(10, vec({body(locals, code)})),
      section(11, vec({cat({{0x00}, i32_const(0), {END}, uleb(bytes.size()), bytes})})),
  });
}

bool lowers_to(const ByteVec& bytes, interp::IOp op) {
  const std::vector<interp::IOp> ops = lowered_ops(bytes);
  return std::find(ops.begin(), ops.end(), op) != ops.end();
}

}  // namespace

TEST_CASE("an and after a zero-extending load that keeps every loaded bit is dropped, and only then") {
  using interp::IOp;
  constexpr uint8_t I32_AND = 0x71, I64_AND = 0x83;
  struct Case {
    uint8_t load;
    uint8_t result;
    uint64_t mask;
    bool dropped;
  };
  const Case cases[] = {
      {0x2d, I32, 0xFF, true},          {0x2f, I32, 0xFFFF, true},        {0x28, I32, 0xFFFF'FFFF, true},
      {0x2d, I32, 0x1FF, true},         {0x2d, I32, 0x7F, false},         {0x2f, I32, 0xFF, false},
      {0x2c, I32, 0xFF, false},         {0x2e, I32, 0xFFFF, false},       {0x31, I64, 0xFF, true},
      {0x33, I64, 0xFFFF, true},        {0x35, I64, 0xFFFF'FFFF, true},   {0x29, I64, ~uint64_t{0}, true},
      {0x35, I64, 0xFFFF, false},       {0x34, I64, 0xFFFF'FFFF, false},  {0x30, I64, 0xFF, false},
  };
  for (const Case& c : cases) {
    CAPTURE(static_cast<int>(c.load));
    CAPTURE(c.mask);
    const bool wide = c.result == I64;
    const ByteVec mask = wide ? cat({i64_const(c.mask), {I64_AND}}) : cat({i32_const(static_cast<uint32_t>(c.mask)), {I32_AND}});
    // The address from a local, from local + immediate, and computed: each load form the and may follow.
    const ByteVec addresses[] = {local_get(0), cat({local_get(0), i32_const(8), {I32_ADD}}), computed(0, false)};
    for (const ByteVec& address : addresses) {
      const ByteVec masked = data_func_module({I32}, c.result, cat({address, {c.load, 0x00, 0x04}, mask, {END}}));
      const ByteVec plain = data_func_module({I32}, c.result, cat({address, {c.load, 0x00, 0x04, END}}));
      for (uint32_t at : {0u, 1u, 6u, 30u}) {
        const uint64_t loaded = run_f(plain, {Value::i32(at)});
        CHECK(run_f(masked, {Value::i32(at)}) == (loaded & c.mask));
      }
      const bool has_and = lowers_to(masked, wide ? IOp::kI64AndK : IOp::kI32AndK);
      CHECK(has_and == !c.dropped);
    }
  }
  // (func (param i32 i32) (result i32)
  //   (block (result i32) i32.const 0x1234 local.get 1 br_if 0 drop (i32.load8_u (local.get 0)))
  //   i32.const 255 i32.and)
  // The block's end is a target between the load and the mask: a branch there carries 0x1234, which the
  // and must still cut to 0x34.
  const ByteVec across = cat({{BLOCK, I32}, i32_const(0x1234), local_get(1), {BR_IF, 0x00, DROP}, local_get(0),
                              {0x2d, 0x00, 0x00, END}, i32_const(255), {I32_AND, END}});
  const ByteVec across_module = data_func_module({I32, I32}, I32, across);
  CHECK(run_f(across_module, {Value::i32(1), Value::i32(1)}) == 0x34);
  CHECK(run_f(across_module, {Value::i32(1), Value::i32(0)}) == 0x83);
}

TEST_CASE("every fast load at the sum of two locals is one instruction that wraps the sum and traps at the load") {
  using interp::IOp;
  // i32.load, i64.load, f32.load, f64.load, then the narrow loads of i32 and of i64.
  const uint8_t loads[] = {0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35};
  for (const uint8_t load : loads) {
    CAPTURE(static_cast<int>(load));
    const uint8_t result = load == 0x28 || (load >= 0x2c && load <= 0x2f) ? I32 : load == 0x2a ? 0x7d
                           : load == 0x2b ? 0x7c : I64;
    // (func (param i32 i32) (result T) (T.load offset=4 (i32.add (local.get 0) (local.get 1))))
    const ByteVec access = cat({local_get(0), local_get(1), {I32_ADD, load, 0x00, 0x04}});
    const ByteVec fused = data_func_module({I32, I32}, result, cat({access, {END}}));
    const ByteVec plain =
        data_func_module({I32, I32}, result, cat({computed(0, false), computed(1, false), {I32_ADD, load, 0x00, 0x04, END}}));
    const std::vector<IOp> ops = lowered_ops(fused);
    REQUIRE(ops.size() >= 1);
    CHECK(ops[0] == (load == 0x29 || load == 0x2b ? IOp::kLoad64LL : load == 0x2d || load == 0x31 ? IOp::kLoad8ULL
                     : load == 0x2f || load == 0x33 ? IOp::kLoad16ULL : load == 0x2c ? IOp::kI32Load8SLL
                     : load == 0x2e ? IOp::kI32Load16SLL : load == 0x30 ? IOp::kI64Load8SLL
                     : load == 0x32 ? IOp::kI64Load16SLL : load == 0x34 ? IOp::kI64Load32SLL : IOp::kLoad32LL));
    // The second pair wraps around 2^32 to address 3 before the offset is added.
    const std::pair<uint32_t, uint32_t> sums[] = {{0, 0}, {5, 9}, {20, 3}, {0xFFFF'FFF0u, 0x13}};
    for (const auto& sum : sums) {
      const uint32_t a = sum.first, b = sum.second;  // not structured bindings: clang 14's CAPTURE cannot take them
      CAPTURE(a);
      CAPTURE(b);
      CHECK(run_f(fused, {Value::i32(a), Value::i32(b)}) == run_f(plain, {Value::i32(a), Value::i32(b)}));
    }
    uint64_t trap_at = 0;
    run_f(fused, {Value::i32(65536 - 10), Value::i32(7)}, &trap_at);  // + offset 4: past the end for every width
    const auto at = std::search(fused.begin(), fused.end(), access.begin(), access.end());
    REQUIRE(at != fused.end());
    CHECK(trap_at == static_cast<uint64_t>(at - fused.begin()) + access.size() - 3);  // the load itself
  }
}

TEST_CASE("two local copies in a row are one instruction that finishes the first before the second reads") {
  using interp::IOp;
  const ByteVec locals = {0x01, 0x02, I32};
  // local 2 = local 0; local 3 = local 1; result (local 2 << 8) | local 3.
  const ByteVec read_back = cat({local_get(2), i32_const(8), {0x74}, local_get(3), {I32_OR, END}});
  const ByteVec two = cat({local_get(0), {LOCAL_SET, 0x02}, local_get(1), {LOCAL_SET, 0x03}, read_back});
  const ByteVec two_module = one_func_module({I32, I32}, {I32}, two, locals);
  CHECK(lowered_ops(two_module).at(0) == IOp::kLocalCopy2);
  CHECK(run_f(two_module, {Value::i32(5), Value::i32(7)}) == 0x507);
  // The second copy reads what the first wrote (dst1 == src2): local 2 = local 0; local 3 = local 2.
  const ByteVec chained = cat({local_get(0), {LOCAL_SET, 0x02}, local_get(2), {LOCAL_SET, 0x03}, read_back});
  const ByteVec chained_module = one_func_module({I32, I32}, {I32}, chained, locals);
  CHECK(lowered_ops(chained_module).at(0) == IOp::kLocalCopy2);
  CHECK(run_f(chained_module, {Value::i32(5), Value::i32(7)}) == 0x505);
  // A swap through the second copy's source being the first's destination the other way round:
  // local 1 = local 0; local 0 = local 1 leaves both at local 0's value.
  const ByteVec back = cat({local_get(0), {LOCAL_SET, 0x01}, local_get(1), {LOCAL_SET, 0x00}, local_get(0),
                            i32_const(8), {0x74}, local_get(1), {I32_OR, END}});
  CHECK(run_f(one_func_module({I32, I32}, {I32}, back, locals), {Value::i32(5), Value::i32(7)}) == 0x505);
  // A loop's start between the copies keeps them apart: a branch back runs only the second.
  const ByteVec looped = cat({local_get(0), {LOCAL_SET, 0x02, LOOP, EMPTY}, local_get(1), {LOCAL_SET, 0x03, END},
                              read_back});
  const ByteVec looped_module = one_func_module({I32, I32}, {I32}, looped, locals);
  CHECK(!lowers_to(looped_module, IOp::kLocalCopy2));
  CHECK(run_f(looped_module, {Value::i32(5), Value::i32(7)}) == 0x507);
}

TEST_CASE("two constants in a row push both in one instruction, and a later fusion still takes the second") {
  using interp::IOp;
  constexpr uint8_t F64_CONST = 0x44, F64_COPYSIGN = 0xa6, SELECT = 0x1b;
  const auto f64_const = [](double value) {
    ByteVec bytes = {F64_CONST};
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(bits >> (8 * i)));
    return bytes;
  };
  // f64.copysign has no fused form: the pair stays whole and pushes its constants in order,
  // copysign(1.5, -2.25) = -1.5 (swapped, they would give 2.25).
  const ByteVec sign = one_func_module({}, {0x7c}, cat({f64_const(1.5), f64_const(-2.25), {F64_COPYSIGN, END}}));
  CHECK(lowered_ops(sign).at(0) == IOp::kConst2);
  const uint64_t bits = run_f(sign, {});
  double signed_value = 0;
  std::memcpy(&signed_value, &bits, sizeof signed_value);
  CHECK(signed_value == -1.5);
  // (select (i32.const 7) (i32.const 9) (local.get 0)): the pair, then the condition.
  const ByteVec select = one_func_module({I32}, {I32}, cat({i32_const(7), i32_const(9), local_get(0), {SELECT, END}}));
  CHECK(lowered_ops(select).at(0) == IOp::kConst2);
  CHECK(run_f(select, {Value::i32(1)}) == 7);
  CHECK(run_f(select, {Value::i32(0)}) == 9);
  // A sub right after the pair takes its second as the immediate, and the pair is a Const of 100 again.
  const ByteVec two = one_func_module({}, {I32}, cat({i32_const(100), i32_const(20), {I32_SUB, END}}));
  CHECK(lowered_ops(two).at(0) == IOp::kConst);
  CHECK(lowered_ops(two).at(1) == IOp::kI32SubK);
  CHECK(run_f(two, {}) == 80);
  // Three in a row: a pair and a Const; the inner sub takes the 3 and the pair stays whole: 100 - (20 - 3).
  const ByteVec three = one_func_module({}, {I32}, cat({i32_const(100), i32_const(20), i32_const(3), {I32_SUB, I32_SUB, END}}));
  CHECK(lowered_ops(three).at(0) == IOp::kConst2);
  CHECK(lowered_ops(three).at(1) == IOp::kI32SubK);
  CHECK(run_f(three, {}) == 83);
  // A store of a constant at a constant address takes the pair's second as its value.
  const ByteVec store = memory_func_module(cat({i32_const(8), i32_const(77), {0x36, 0x02, 0x00}, i32_const(8),
                                                {0x28, 0x02, 0x00, END}}));
  CHECK(run_f(store, {Value::i32(0)}) == 77);
  // A loop's start between the constants keeps them apart.
  const ByteVec looped = module({
      section(1, vec({func_type({}, {I32}), func_type({}, {I32})})),
      section(3, vec({{0x00}})),
      section(7, vec({cat({name("f"), {0x00, 0x00}})})),
      section(10, vec({body({0x00}, cat({i32_const(50), {LOOP, I32}, i32_const(8), {END, I32_SUB, END}}))})),
  });
  CHECK(!lowers_to(looped, IOp::kConst2));
  CHECK(run_f(looped, {}) == 42);
}

// A barrier for the buried-operand tracking that changes nothing else: an empty block.
ByteVec empty_block() { return {BLOCK, EMPTY, END}; }

TEST_CASE("a local.get buried under straight-line code is read from its local by the binop that consumes it") {
  using interp::IOp;
  // local 0 <op> (local 1 | 0): the right operand is computed, so only a buried left operand can fuse. Every
  // fusable binop gives what it gives with an empty block between, which keeps the local.get where it is.
  for (const BinOp& op : fusable_binops()) {
    CAPTURE(static_cast<int>(op.opcode));
    const uint8_t t = op.wide ? I64 : I32;
    const uint8_t result = is_compare(op) ? I32 : t;
    const ByteVec buried = one_func_module({t, t}, {result}, cat({local_get(0), computed(1, op.wide), {op.opcode, END}}));
    const ByteVec kept =
        one_func_module({t, t}, {result}, cat({local_get(0), empty_block(), computed(1, op.wide), {op.opcode, END}}));
    for (uint64_t a : kSamples) {
      for (uint64_t b : {uint64_t{0}, uint64_t{3}, uint64_t{0x8000'0000}, ~uint64_t{0}}) {
        const Value x = op.wide ? Value::i64(a) : Value::i32(static_cast<uint32_t>(a));
        const Value y = op.wide ? Value::i64(b) : Value::i32(static_cast<uint32_t>(b));
        CHECK(run_f(buried, {x, y}) == run_f(kept, {x, y}));
      }
    }
    CHECK(lowered_ops(kept).at(0) == IOp::kLocalGet);
  }
  // The commutative ones take the L form, comparisons their mirror's (a < b is b > a); the others keep the
  // local.get (a - b is not b - a).
  const ByteVec lt = one_func_module({I32, I32}, {I32}, cat({local_get(0), computed(1, false), {0x48, END}}));
  CHECK(lowered_ops(lt) == std::vector<IOp>{IOp::kI32OrLK, IOp::kI32GtSL, IOp::kReturnOne});
  const ByteVec add = one_func_module({I32, I32}, {I32}, cat({local_get(0), computed(1, false), {I32_ADD, END}}));
  CHECK(lowered_ops(add) == std::vector<IOp>{IOp::kI32OrLK, IOp::kI32AddL, IOp::kReturnOne});
  const ByteVec sub = one_func_module({I32, I32}, {I32}, cat({local_get(0), computed(1, false), {I32_SUB, END}}));
  CHECK(lowered_ops(sub).at(0) == IOp::kLocalGet);
  CHECK(run_f(sub, {Value::i32(10), Value::i32(3)}) == 7);
  // With the right operand a local, any binop takes the buried left one into its LL form, in order.
  const ByteVec sub_ll =
      one_func_module({I32, I32}, {I32}, cat({local_get(0), local_get(1), {I32_EQZ, DROP}, local_get(1), {I32_SUB, END}}));
  // (the pair of local.gets gives up its first: what stays is local 1's, for the eqz)
  CHECK(lowered_ops(sub_ll) == std::vector<IOp>{IOp::kLocalGet, IOp::kI32Eqz, IOp::kDrop, IOp::kI32SubLL, IOp::kReturnOne});
  CHECK(run_f(sub_ll, {Value::i32(10), Value::i32(3)}) == 7);
}

TEST_CASE("a buried local.get stays when its local is written before the consumer, or control intervenes") {
  using interp::IOp;
  // local 0 + (local.tee 0 (local 1)): the add must see local 0's old value.
  const ByteVec teed =
      one_func_module({I32, I32}, {I32}, cat({local_get(0), local_get(1), {LOCAL_TEE, 0x00}, {I32_ADD, END}}));
  CHECK(run_f(teed, {Value::i32(10), Value::i32(3)}) == 13);
  const std::vector<IOp> teed_ops = lowered_ops(teed);
  CHECK(std::find(teed_ops.begin(), teed_ops.end(), IOp::kI32AddL) == teed_ops.end());
  // A local.set of another local leaves it buried: local 0 + (local 1 | 0), local 1 set meanwhile.
  const ByteVec other = one_func_module(
      {I32, I32}, {I32}, cat({local_get(0), computed(1, false), i32_const(5), {LOCAL_SET, 0x01}, {I32_ADD, END}}));
  CHECK(run_f(other, {Value::i32(10), Value::i32(3)}) == 13);
  CHECK(lowered_ops(other).at(0) != IOp::kLocalGet);
  // A block, a branch target or a call between them keeps it.
  const ByteVec blocked = one_func_module(
      {I32, I32}, {I32}, cat({local_get(0), {BLOCK, 0x7f}, computed(1, false), {END}, {I32_ADD, END}}));
  CHECK(run_f(blocked, {Value::i32(10), Value::i32(3)}) == 13);
  CHECK(lowered_ops(blocked).at(0) == IOp::kLocalGet);
}

TEST_CASE("a store whose address local.get is buried under the value's computation reads the address local") {
  using interp::IOp;
  // (i32.store offset=8 (local.get 0) (i32.add (local.get 0 | 0) (i32.const 1))) then load it back.
  const ByteVec store_code = cat({local_get(0), computed(0, false), i32_const(1), {I32_ADD}, {0x36, 0x02, 0x08},
                                  local_get(0), {0x28, 0x02, 0x08, END}});
  const ByteVec stored = memory_func_module(store_code);
  CHECK(run_f(stored, {Value::i32(100)}) == 101);
  const std::vector<IOp> ops = lowered_ops(stored);
  CHECK(ops.at(0) == IOp::kI32OrLK);
  CHECK(std::find(ops.begin(), ops.end(), IOp::kStore32A) != ops.end());
  CHECK(std::find(ops.begin(), ops.end(), IOp::kLocalGet) == ops.end());
  // Every store width, in bounds and at the edge, as with the local.get kept by an empty block.
  for (const uint8_t store : {uint8_t{0x36}, uint8_t{0x3a}, uint8_t{0x3b}}) {
    CAPTURE(static_cast<int>(store));
    const ByteVec value = cat({local_get(0), i32_const(0x01020304), {I32_ADD}});
    const ByteVec tail = cat({{store, 0x00, 0x00}, local_get(0), {0x28, 0x00, 0x00, END}});
    const ByteVec buried = memory_func_module(cat({local_get(0), value, tail}));
    const ByteVec kept = memory_func_module(cat({local_get(0), empty_block(), value, tail}));
    for (const uint32_t address : {0u, 4u, 65532u}) CHECK(run_f(buried, {Value::i32(address)}) == run_f(kept, {Value::i32(address)}));
    uint64_t buried_at = 0;
    uint64_t kept_at = 0;
    run_f(buried, {Value::i32(65535)}, &buried_at);
    run_f(kept, {Value::i32(65535)}, &kept_at);
    CHECK(buried_at == kept_at - 3);  // the store traps at its own offset, three bytes before (no empty block)
  }
}

TEST_CASE("a one-cell result that is a local returns from its cell; a br_table index in a local is read there") {
  using interp::IOp;
  const ByteVec second = one_func_module({I32, I32}, {I32}, cat({local_get(1), {END}}));
  CHECK(lowered_ops(second) == std::vector<IOp>{IOp::kReturnLocal});
  CHECK(run_f(second, {Value::i32(4), Value::i32(9)}) == 9);
  // An if/else whose arms push locals: the function's end follows the if's end, a branch target, and returns
  // the top of the stack as usual.
  const ByteVec chosen =
      one_func_module({I32, I32, I32}, {I32}, cat({local_get(0), {IF, I32}, local_get(1), {ELSE}, local_get(2), {END, END}}));
  CHECK(run_f(chosen, {Value::i32(1), Value::i32(5), Value::i32(6)}) == 5);
  CHECK(run_f(chosen, {Value::i32(0), Value::i32(5), Value::i32(6)}) == 6);
  // (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 11))) 12
  constexpr uint8_t BR_TABLE = 0x0e, RETURN = 0x0f;
  const ByteVec table = one_func_module(
      {I32}, {I32},
      cat({{BLOCK, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY}, local_get(0), {BR_TABLE, 0x02, 0x00, 0x01, 0x02, END},
           i32_const(10), {RETURN, END}, i32_const(11), {RETURN, END}, i32_const(12), {END}}));
  const std::vector<IOp> table_ops = lowered_ops(table);
  CHECK(std::find(table_ops.begin(), table_ops.end(), IOp::kBrTableSubLK) != table_ops.end());
  for (uint32_t i = 0; i < 4; ++i) CHECK(run_f(table, {Value::i32(i)}) == (i == 0 ? 10u : i == 1 ? 11u : 12u));
  CHECK(run_f(table, {Value::i32(0xFFFF'FFFFu)}) == 12);
}

TEST_CASE("base + (i << k) with the base a local, pushed just before or buried, reads both locals") {
  using interp::IOp;
  constexpr uint8_t I32_SHL = 0x74;
  const ByteVec shifted = cat({local_get(1), i32_const(2), {I32_SHL, I32_ADD}});
  const ByteVec plain = one_func_module({I32, I32, I32}, {I32}, cat({local_get(0), shifted, {END}}));
  CHECK(lowered_ops(plain) == std::vector<IOp>{IOp::kI32AddShlLLK, IOp::kReturnOne});
  CHECK(run_f(plain, {Value::i32(1000), Value::i32(7), Value::i32(0)}) == 1028);
  // Set and tee forms.
  const ByteVec set = one_func_module({I32, I32, I32}, {I32}, cat({local_get(0), shifted, {LOCAL_SET, 0x02}, local_get(2), {END}}));
  CHECK(lowered_ops(set).at(0) == IOp::kI32AddShlLLKSet);
  CHECK(run_f(set, {Value::i32(1000), Value::i32(7), Value::i32(0)}) == 1028);
  const ByteVec tee = one_func_module({I32, I32, I32}, {I32}, cat({local_get(0), shifted, {LOCAL_TEE, 0x02, END}}));
  CHECK(lowered_ops(tee).at(0) == IOp::kI32AddShlLLKTee);
  CHECK(run_f(tee, {Value::i32(0xFFFF'FFF0u), Value::i32(0x4000'0005u), Value::i32(0)}) == 4);  // wraps
  // The base buried under a value pushed and dropped: the pair of local.gets gives up its first.
  const ByteVec buried =
      one_func_module({I32, I32, I32}, {I32}, cat({local_get(0), local_get(2), {DROP}, shifted, {END}}));
  CHECK(lowered_ops(buried) == std::vector<IOp>{IOp::kLocalGet, IOp::kDrop, IOp::kI32AddShlLLK, IOp::kReturnOne});
  CHECK(run_f(buried, {Value::i32(1000), Value::i32(7), Value::i32(3)}) == 1028);
}

namespace {

// (memory 1) (func (export "f") (param i32 i32) (result i32) <code>)
ByteVec two_param_memory_module(const ByteVec& code) {
  return module({
      section(1, vec({func_type({I32, I32}, {I32})})),
      section(3, vec({{0x00}})),
      section(5, vec({{0x00, 0x01}})),
      section(7, vec({cat({name("f"), {0x00, 0x00}})})),
      section(10, vec({body({0x00}, code)})),
  });
}

}  // namespace

TEST_CASE("a br_table whose index an i32.load read fuses the load, at the load's offset, unless a target is a loop") {
  using interp::IOp;
  constexpr uint8_t BR_TABLE = 0x0e, LOOP_OP = LOOP;
  const ByteVec load = {0x28, 0x02, 0x04};  // i32.load offset=4
  // f(v, a) stores v at 12, then branches on the i32 read at an address computed from a, minus k when k > 0:
  // (block (block (block (block (br_table 0 1 2 3 (i32.sub? (i32.load offset=4 ADDRESS) k)))) (return 10))
  //   (return 11)) (return 12)) 13
  struct Address {
    ByteVec code;
    uint32_t a;          // a that makes it 12 - 4
    uint32_t trapping;   // an a whose four bytes end past the memory's 65536
    IOp fused;
  };
  const Address addresses[] = {
      {computed(1, false), 8, 65533, IOp::kBrTableLoad32},
      {local_get(1), 8, 65533, IOp::kBrTableLoad32L},
      {cat({local_get(1), i32_const(2), {0x74}}), 2, 16383, IOp::kBrTableLoad32ShlL},  // (a << 2) + 4
  };
  const ByteVec store_v = cat({i32_const(12), local_get(0), {0x36, 0x02, 0x00}});
  for (const Address& address : addresses) {
    for (const uint32_t k : {0u, 1u, 0x8000'0000u, 0xFFFF'FFFFu}) {
      const ByteVec subtract = k == 0 ? ByteVec{} : cat({i32_const(k), {I32_SUB}});
      const ByteVec code =
          cat({store_v, {BLOCK, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY}, address.code, load, subtract,
               {BR_TABLE, 0x03, 0x00, 0x01, 0x02, 0x03, END}, i32_const(10), {0x0f, END}, i32_const(11),
               {0x0f, END}, i32_const(12), {0x0f, END}, i32_const(13), {END}});
      const ByteVec bytes = two_param_memory_module(code);
      for (const uint32_t delta : {0u, 1u, 2u, 3u, 0x7FFF'FFFFu, 0xFFFF'FFFFu}) {
        CAPTURE(k);
        CAPTURE(delta);
        CHECK(run_f(bytes, {Value::i32(k + delta), Value::i32(address.a)}) == (delta < 3 ? 10 + delta : 13));
      }
      const std::vector<IOp> ops = lowered_ops(bytes);
      CHECK(std::find(ops.begin(), ops.end(), address.fused) != ops.end());
      CHECK(std::find(ops.begin(), ops.end(), IOp::kBrTable) == ops.end());
      // Out of bounds, it traps at the load.
      uint64_t trap_at = 0;
      run_f(bytes, {Value::i32(0), Value::i32(address.trapping)}, &trap_at);
      const auto at = std::search(bytes.begin(), bytes.end(), load.begin(), load.end());
      CHECK(trap_at == static_cast<uint64_t>(at - bytes.begin()));
    }
  }
  // A target that is a loop would spend fuel at the br_table, so the load stays apart:
  // (loop (block (block (br_table 0 1 2 (i32.load offset=4 (local.get 1)))) (return 10)) (return 11))
  const ByteVec loop_code = cat({store_v, {LOOP_OP, EMPTY, BLOCK, EMPTY, BLOCK, EMPTY}, local_get(1), load,
                                 {BR_TABLE, 0x02, 0x00, 0x01, 0x02, END}, i32_const(10), {0x0f, END},
                                 i32_const(11), {0x0f, END, 0x00, END}});
  const ByteVec loop_bytes = two_param_memory_module(loop_code);
  CHECK(run_f(loop_bytes, {Value::i32(0), Value::i32(8)}) == 10);
  CHECK(run_f(loop_bytes, {Value::i32(1), Value::i32(8)}) == 11);
  const std::vector<IOp> loop_ops = lowered_ops(loop_bytes);
  CHECK(std::find(loop_ops.begin(), loop_ops.end(), IOp::kLoad32L) != loop_ops.end());
  CHECK(std::find(loop_ops.begin(), loop_ops.end(), IOp::kBrTable) != loop_ops.end());
}

TEST_CASE("a unary operation on a local's value reads the cell (its L form), with the plain form's result") {
  constexpr uint8_t F32 = 0x7d, F64 = 0x7c;
  struct Unop {
    uint8_t opcode;
    uint8_t param;
    uint8_t result;
    const char* name;
  };
  const Unop unops[] = {
      {0x50, I64, I32, "I64Eqz"},         {0x67, I32, I32, "I32Clz"},         {0x68, I32, I32, "I32Ctz"},
      {0x69, I32, I32, "I32Popcnt"},      {0x79, I64, I64, "I64Clz"},         {0x7a, I64, I64, "I64Ctz"},
      {0x7b, I64, I64, "I64Popcnt"},      {0xa7, I64, I32, "I32WrapI64"},     {0xac, I32, I64, "I64ExtendI32S"},
      {0xad, I32, I64, "I64ExtendI32U"},  {0xb2, I32, F32, "F32ConvertI32S"}, {0xb3, I32, F32, "F32ConvertI32U"},
      {0xb7, I32, F64, "F64ConvertI32S"}, {0xb8, I32, F64, "F64ConvertI32U"}, {0xbb, F32, F64, "F64PromoteF32"},
      {0xc0, I32, I32, "I32Extend8S"},    {0xc1, I32, I32, "I32Extend16S"},   {0xc2, I64, I64, "I64Extend8S"},
      {0xc3, I64, I64, "I64Extend16S"},   {0xc4, I64, I64, "I64Extend32S"},
  };
  const uint64_t samples[] = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0x7FFF'FFFF, 0x8000'0000, 0xFFFF'FFFF,
                              0x7FC0'0001, 0xFF80'0000, 0x1'0000'0000, 0x8000'0000'0000'0000, ~uint64_t{0}};
  for (const Unop& op : unops) {
    CAPTURE(op.name);
    // (func (param T) (result R) (OP (local.get 0))), and the same kept apart by an empty loop, whose start is
    // a branch target.
    const ByteVec fused = one_func_module({op.param}, {op.result}, cat({local_get(0), {op.opcode, END}}));
    const ByteVec apart =
        one_func_module({op.param}, {op.result}, cat({local_get(0), {LOOP, EMPTY, END, op.opcode, END}}));
    CHECK(std::string(interp::op_name(lowered_ops(fused).at(0))) == std::string(op.name) + "L");
    CHECK(lowered_ops(apart).at(0) == interp::IOp::kLocalGet);
    for (const uint64_t sample : samples) {
      const Value arg = op.param == I64   ? Value::i64(sample)
                        : op.param == F32 ? Value::f32_bits(static_cast<uint32_t>(sample))
                                          : Value::i32(static_cast<uint32_t>(sample));
      CAPTURE(sample);
      CHECK(run_f(fused, {arg}) == run_f(apart, {arg}));
    }
  }
}
