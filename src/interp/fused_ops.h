// The interpreter's superinstructions: which Wasm operations get fused operand forms, as X-macro lists.
//
// clang and other compilers emit `local.get; i32.const; i32.add` and
// `...; local.get; i32.ne; br_if` everywhere; each of those Wasm instructions
// would otherwise cost a dispatch plus a round trip through the value stack.
// Every integer binop below, and float add/sub/mul/div, gets, besides its plain form, four fused forms
// that read operands from a local cell or an immediate instead of the stack:
//   <op>L  local   a = top,       b = local[imm]    (result replaces top)
//   <op>K  imm     a = top,       b = imm           (result replaces top)
//   <op>LL l1 l2   a = local[l1], b = local[l2]     (result pushed)
//   <op>LK l imm   a = local[l],  b = imm           (result pushed)
// and the L and K forms also fuse with a following local.set or local.tee,
// which takes the result instead of the stack (`x = (x >> 17) ^ y`):
//   <op>KSet imm dst  <op>KTee imm dst  <op>LSet l dst  <op>LTee l dst
// Each integer comparison also fuses with the conditional branch that
// consumes it (br_if to a block, to a loop, and the `if` test), in its plain
// form, with its right operand from a local or an immediate, and with both
// operands from locals or a local and an immediate (the `i < n` of a loop):
//   BrIf<cmp>[L|K] target [operand]   BrIf<cmp>LL target l1 l2   BrIf<cmp>LK target l imm
//   and the same for BrIfLoop<cmp>... and BrUnless<cmp>...
// A branch on a local's value, or on i32.eqz of it, reads the local's cell:
//   BrIfLocal / BrIfLoopLocal / BrUnlessLocal / BrUnlessLoopLocal target cell
// A fused form only ever replaces instructions that follow each other with no
// branch target in between, so it runs exactly the same steps.
#pragma once

// X(name, T, expr) over the integer binops of width W (32 or 64) with
// operands `a` and `b` of type T and no trap. A comparison's expr is its
// bool condition, which converts to the 0 or 1 the instruction yields.
#define KILN_INT_COMPARES(X, W)                                                       \
  X(I##W##Eq, uint##W##_t, a == b)                                                    \
  X(I##W##Ne, uint##W##_t, a != b)                                                    \
  X(I##W##LtS, uint##W##_t, static_cast<int##W##_t>(a) < static_cast<int##W##_t>(b))  \
  X(I##W##LtU, uint##W##_t, a < b)                                                    \
  X(I##W##GtS, uint##W##_t, static_cast<int##W##_t>(a) > static_cast<int##W##_t>(b))  \
  X(I##W##GtU, uint##W##_t, a > b)                                                    \
  X(I##W##LeS, uint##W##_t, static_cast<int##W##_t>(a) <= static_cast<int##W##_t>(b)) \
  X(I##W##LeU, uint##W##_t, a <= b)                                                   \
  X(I##W##GeS, uint##W##_t, static_cast<int##W##_t>(a) >= static_cast<int##W##_t>(b)) \
  X(I##W##GeU, uint##W##_t, a >= b)
#define KILN_INT_ARITHMETIC(X, W)                              \
  X(I##W##Add, uint##W##_t, static_cast<uint##W##_t>(a + b))   \
  X(I##W##Sub, uint##W##_t, static_cast<uint##W##_t>(a - b))   \
  X(I##W##Mul, uint##W##_t, static_cast<uint##W##_t>(a * b))   \
  X(I##W##And, uint##W##_t, a & b)                             \
  X(I##W##Or, uint##W##_t, a | b)                              \
  X(I##W##Xor, uint##W##_t, a ^ b)                             \
  X(I##W##Shl, uint##W##_t, num::shl##W(a, b))                 \
  X(I##W##ShrS, uint##W##_t, num::shr_s##W(a, b))              \
  X(I##W##ShrU, uint##W##_t, num::shr_u##W(a, b))              \
  X(I##W##Rotl, uint##W##_t, num::rotl##W(a, b))               \
  X(I##W##Rotr, uint##W##_t, num::rotr##W(a, b))

// The float arithmetic of width W on the cells' bit patterns; numeric.h's
// functions rebuild every NaN result, so a fused form gives the same bits as
// the plain one. Division has no trap, so it fuses like the rest.
#define KILN_FLOAT_ARITHMETIC(X, W)                  \
  X(F##W##Add, uint##W##_t, num::f##W##_add(a, b))   \
  X(F##W##Sub, uint##W##_t, num::f##W##_sub(a, b))   \
  X(F##W##Mul, uint##W##_t, num::f##W##_mul(a, b))   \
  X(F##W##Div, uint##W##_t, num::f##W##_div(a, b))

// The binops with fused forms: all of the above, i32, i64, then f32 and f64.
#define KILN_FUSED_BINOPS(X)                                                                              \
  KILN_INT_COMPARES(X, 32) KILN_INT_ARITHMETIC(X, 32) KILN_INT_COMPARES(X, 64) KILN_INT_ARITHMETIC(X, 64) \
  KILN_FLOAT_ARITHMETIC(X, 32) KILN_FLOAT_ARITHMETIC(X, 64)

// The comparisons that fuse with a following conditional branch.
#define KILN_FUSED_COMPARES(X) KILN_INT_COMPARES(X, 32) KILN_INT_COMPARES(X, 64)

// X(name, T, convert): memory-0 fast loads that also fuse with what computes
// their address: a local (<name>L local offset), or a local plus an immediate,
// which is how compilers index a field or an array (<name>LK local imm offset,
// absorbing `local.get; i32.const; i32.add`), or a computed address plus an
// immediate (<name>K imm offset, absorbing `i32.const; i32.add`).
#define KILN_FUSED_LOADS(X)                                                            \
  X(Load32, uint32_t, KILN_ZX)                                                         \
  X(Load64, uint64_t, KILN_ZX)                                                         \
  X(Load8U, uint8_t, KILN_ZX)                                                          \
  X(Load16U, uint16_t, KILN_ZX)                                                        \
  X(I32Load8S, int8_t, KILN_SX32)                                                      \
  X(I32Load16S, int16_t, KILN_SX32)                                                    \
  X(I64Load8S, int8_t, KILN_SX64)                                                      \
  X(I64Load16S, int16_t, KILN_SX64)                                                    \
  X(I64Load32S, int32_t, KILN_SX64)

// X(name, T): memory-0 fast stores that fuse with the pushes of their
// operands when the value is a local or an immediate (address on the stack),
// or both operands are (address from a local), or only the address is, its
// local.get buried under the value's computation (compile_buried.cc):
//   <name>L val offset   <name>K imm offset   <name>LL addr val offset   <name>LK addr imm offset
//   <name>A addr offset
#define KILN_FUSED_STORES(X) X(Store8, uint8_t) X(Store16, uint16_t) X(Store32, uint32_t) X(Store64, uint64_t)

// X(name, T, expr): binops whose LK and LL forms also fuse with a following
// local.set or local.tee, the `i = i + 1` / `p = p + n` of every loop:
//   <op>LKSet l imm dst   <op>LKTee l imm dst   <op>LLSet l1 l2 dst   <op>LLTee l1 l2 dst
#define KILN_FUSED_SET_BINOPS(X)                 \
  X(I32Add, uint32_t, static_cast<uint32_t>(a + b)) \
  X(I32Sub, uint32_t, static_cast<uint32_t>(a - b)) \
  X(I64Add, uint64_t, a + b)

// Every fused binop above also fuses in its plain form (both operands on the
// stack) with a following local.set or local.tee: <op>Set dst  <op>Tee dst.
// Every fused load, in each of its address forms, does the same, the
// destination cell after its other immediates (the pointer chase
// `p = p->next`, an array element read into a local):
//   <load>Set offset dst   <load>LSet l offset dst   <load>LKSet l imm offset dst   <load>KSet imm offset dst
//   and the Tee forms, which also leave the value on the stack.

// An i32.add whose right operand is shifted left by an immediate, the address
// of an array element `base + (i << k)`, fuses with the shift, whose left
// operand is a local (I32AddShlLK l k) or on the stack (I32AddShlK k), and
// with a following local.set or local.tee (the Set/Tee forms, dst cell last).
// A base that is a local too, pushed just before or buried under the index
// (compile_buried.cc), joins them: I32AddShlLLK base l k.
#define KILN_FUSED_SHIFTED_ADD_NAMES \
  X(I32AddShlLK) X(I32AddShlLKSet) X(I32AddShlLKTee) X(I32AddShlK) X(I32AddShlKSet) X(I32AddShlKTee) \
  X(I32AddShlLLK) X(I32AddShlLLKSet) X(I32AddShlLLKTee)

// A br_table whose index is `x - k` (`i32.const k; i32.sub`, how compilers
// start a switch whose cases begin at k), x on the stack or a local:
// BrTableSubK k n {entry} x (n + 1)   BrTableSubLK l k n {entry} x (n + 1).
// A br_table whose index an i32.load read, minus k (0 without `i32.const k; i32.sub` between them): how an
// interpreter compiled to Wasm jumps to the handler of its next opcode. The load is a fast one, its address on
// the stack, a local, or a local shifted left (the forms below); the fused form has the load's offset, for
// its trap, so it is taken only where no target is a loop, whose branch would spend fuel at the br_table:
//   BrTableLoad32 offset k n {entry} x (n + 1)   BrTableLoad32L l offset k ...   BrTableLoad32ShlL l s offset k ...
// A fused load whose address is an index shifted left by an immediate, a
// table lookup: from a local with the offset as the base (<load>ShlL l s
// offset, absorbing `local.get; i32.const; i32.shl`), or from the stack plus
// an immediate base (<load>ShlK s imm offset, absorbing `i32.const; i32.shl`
// before the <load>K form's `i32.const; i32.add`).
#define KILN_FUSED_SHIFTED_LOAD_NAMES(name, T, convert) X(name##ShlL) X(name##ShlK)

// A function's one-cell result that is a local returns from its cell: ReturnLocal cell.
// Two one-cell local.gets in a row push both: LocalGetPair first second. A
// later fusion that takes back a local.get takes the second, leaving a
// LocalGet of the first (Lowerer::take_last).

// X(name, In, expr): the unary operations (tests, conversions, sign extensions) that also take their
// operand from a local, for `local.get x` and then an operation on x (an i32 index widened to i64, an i64
// wrapped, a byte sign-extended): <op>L cell pushes the result. Their plain handlers come from this list too
// (handlers_numeric.inc).
// i32.eqz is not among them: a branch on `i32.eqz (local.get x)` already reads the local (BrUnlessLocal).
#define KILN_FUSED_UNOPS(X) \
  X(I64Eqz, uint64_t, a == 0 ? 1u : 0u)                                                             \
  X(I32Clz, uint32_t, num::clz(a))                                                                  \
  X(I32Ctz, uint32_t, num::ctz(a))                                                                  \
  X(I32Popcnt, uint32_t, num::popcnt(a))                                                            \
  X(I64Clz, uint64_t, num::clz(a))                                                                  \
  X(I64Ctz, uint64_t, num::ctz(a))                                                                  \
  X(I64Popcnt, uint64_t, num::popcnt(a))                                                            \
  X(I32WrapI64, uint64_t, static_cast<uint32_t>(a))                                                 \
  X(I64ExtendI32S, uint32_t, static_cast<int64_t>(static_cast<int32_t>(a)))                         \
  X(I64ExtendI32U, uint32_t, a)                                                                     \
  X(F32ConvertI32S, uint32_t, num::f32_convert_i32_s(static_cast<int32_t>(a)))                      \
  X(F32ConvertI32U, uint32_t, num::f32_convert_i32_u(a))                                            \
  X(F64ConvertI32S, uint32_t, num::f64_convert_i32_s(static_cast<int32_t>(a)))                      \
  X(F64ConvertI32U, uint32_t, num::f64_convert_i32_u(a))                                            \
  X(F64PromoteF32, uint32_t, num::f64_promote_f32(a))                                               \
  X(I32Extend8S, uint32_t, num::extend8_s32(a))                                                     \
  X(I32Extend16S, uint32_t, num::extend16_s32(a))                                                   \
  X(I64Extend8S, uint64_t, num::extend8_s64(a))                                                     \
  X(I64Extend16S, uint64_t, num::extend16_s64(a))                                                   \
  X(I64Extend32S, uint64_t, num::extend32_s64(a))

// The fused internal opcodes, as X(name) for the enum and the label table (same order).
#define KILN_FUSED_BINOP_NAMES(name, T, expr) \
  X(name##L) X(name##K) X(name##LL) X(name##LK) X(name##KSet) X(name##KTee) X(name##LSet) X(name##LTee)
#define KILN_FUSED_COMPARE_NAMES(name, T, expr) \
  X(BrIf##name) X(BrIf##name##L) X(BrIf##name##K) X(BrIfLoop##name) X(BrIfLoop##name##L) X(BrIfLoop##name##K) \
  X(BrUnless##name) X(BrUnless##name##L) X(BrUnless##name##K) X(BrIf##name##LL) X(BrIf##name##LK)       \
  X(BrIfLoop##name##LL) X(BrIfLoop##name##LK) X(BrUnless##name##LL) X(BrUnless##name##LK)
#define KILN_FUSED_LOAD_NAMES(name, T, convert) X(name##L) X(name##LK) X(name##K)
#define KILN_FUSED_UNOP_NAMES(name, In, expr) X(name##L)
#define KILN_FUSED_STORE_NAMES(name, T) X(name##L) X(name##K) X(name##LL) X(name##LK) X(name##A)
#define KILN_FUSED_SET_NAMES(name, T, expr) X(name##LKSet) X(name##LKTee) X(name##LLSet) X(name##LLTee)
#define KILN_FUSED_PLAIN_SET_NAMES(name, T, expr) X(name##Set) X(name##Tee)
#define KILN_FUSED_LOAD_SET_NAMES(name, T, convert) \
  X(name##Set) X(name##Tee) X(name##LSet) X(name##LTee) X(name##LKSet) X(name##LKTee) X(name##KSet) X(name##KTee)
#define KILN_INTERP_FUSED_OPS                       \
  KILN_FUSED_BINOPS(KILN_FUSED_BINOP_NAMES)         \
  KILN_FUSED_COMPARES(KILN_FUSED_COMPARE_NAMES)     \
  KILN_FUSED_LOADS(KILN_FUSED_LOAD_NAMES)           \
  KILN_FUSED_STORES(KILN_FUSED_STORE_NAMES)         \
  KILN_FUSED_SET_BINOPS(KILN_FUSED_SET_NAMES)       \
  X(BrUnlessLoop) X(LocalCopy) X(LocalSetK) X(BrIfLocal) X(BrIfLoopLocal) X(BrUnlessLocal) X(BrUnlessLoopLocal) \
  KILN_FUSED_BINOPS(KILN_FUSED_PLAIN_SET_NAMES)     \
  KILN_FUSED_LOADS(KILN_FUSED_LOAD_SET_NAMES)       \
  KILN_FUSED_SHIFTED_ADD_NAMES                      \
  X(BrTableSubK) X(BrTableSubLK) X(LocalGetPair) X(ReturnLocal) \
  KILN_FUSED_LOADS(KILN_FUSED_SHIFTED_LOAD_NAMES)   \
  X(BrTableLoad32) X(BrTableLoad32L) X(BrTableLoad32ShlL) \
  KILN_FUSED_UNOPS(KILN_FUSED_UNOP_NAMES)
