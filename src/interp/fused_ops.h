// The interpreter's superinstructions: which Wasm operations get fused operand forms, as X-macro lists.
//
// clang and other compilers emit `local.get; i32.const; i32.add` and
// `...; local.get; i32.ne; br_if` everywhere; each of those Wasm instructions
// would otherwise cost a dispatch plus a round trip through the value stack.
// Every integer binop below gets, besides its plain form, four fused forms
// that read operands from a local cell or an immediate instead of the stack:
//   <op>L  local   a = top,       b = local[imm]    (result replaces top)
//   <op>K  imm     a = top,       b = imm           (result replaces top)
//   <op>LL l1 l2   a = local[l1], b = local[l2]     (result pushed)
//   <op>LK l imm   a = local[l],  b = imm           (result pushed)
// Each i32 comparison also fuses with the conditional branch that consumes
// it (br_if to a block, to a loop, and the `if` test), in its plain form and
// with its right operand from a local or an immediate:
//   BrIf<cmp>[L|K] target [operand]   BrIfLoop<cmp>[L|K] ...   BrUnless<cmp>[L|K] ...
// A fused form only ever replaces instructions that follow each other with no
// branch target in between, so it runs exactly the same steps.
#pragma once

// X(name, T, expr): integer binops with operands `a` and `b` of type T and no trap.
#define KILN_FUSED_BINOPS(X)                                                            \
  X(I32Eq, uint32_t, a == b ? 1u : 0u)                                                  \
  X(I32Ne, uint32_t, a != b ? 1u : 0u)                                                  \
  X(I32LtS, uint32_t, static_cast<int32_t>(a) < static_cast<int32_t>(b) ? 1u : 0u)      \
  X(I32LtU, uint32_t, a < b ? 1u : 0u)                                                  \
  X(I32GtS, uint32_t, static_cast<int32_t>(a) > static_cast<int32_t>(b) ? 1u : 0u)      \
  X(I32GtU, uint32_t, a > b ? 1u : 0u)                                                  \
  X(I32LeS, uint32_t, static_cast<int32_t>(a) <= static_cast<int32_t>(b) ? 1u : 0u)     \
  X(I32LeU, uint32_t, a <= b ? 1u : 0u)                                                 \
  X(I32GeS, uint32_t, static_cast<int32_t>(a) >= static_cast<int32_t>(b) ? 1u : 0u)     \
  X(I32GeU, uint32_t, a >= b ? 1u : 0u)                                                 \
  X(I32Add, uint32_t, static_cast<uint32_t>(a + b))                                     \
  X(I32Sub, uint32_t, static_cast<uint32_t>(a - b))                                     \
  X(I32Mul, uint32_t, static_cast<uint32_t>(a * b))                                     \
  X(I32And, uint32_t, a & b)                                                            \
  X(I32Or, uint32_t, a | b)                                                             \
  X(I32Xor, uint32_t, a ^ b)                                                            \
  X(I32Shl, uint32_t, num::shl32(a, b))                                                 \
  X(I32ShrS, uint32_t, num::shr_s32(a, b))                                              \
  X(I32ShrU, uint32_t, num::shr_u32(a, b))                                              \
  X(I32Rotl, uint32_t, num::rotl32(a, b))                                               \
  X(I32Rotr, uint32_t, num::rotr32(a, b))                                               \
  X(I64Eq, uint64_t, a == b ? 1u : 0u)                                                  \
  X(I64Ne, uint64_t, a != b ? 1u : 0u)                                                  \
  X(I64LtS, uint64_t, static_cast<int64_t>(a) < static_cast<int64_t>(b) ? 1u : 0u)      \
  X(I64LtU, uint64_t, a < b ? 1u : 0u)                                                  \
  X(I64GtS, uint64_t, static_cast<int64_t>(a) > static_cast<int64_t>(b) ? 1u : 0u)      \
  X(I64GtU, uint64_t, a > b ? 1u : 0u)                                                  \
  X(I64LeS, uint64_t, static_cast<int64_t>(a) <= static_cast<int64_t>(b) ? 1u : 0u)     \
  X(I64LeU, uint64_t, a <= b ? 1u : 0u)                                                 \
  X(I64GeS, uint64_t, static_cast<int64_t>(a) >= static_cast<int64_t>(b) ? 1u : 0u)     \
  X(I64GeU, uint64_t, a >= b ? 1u : 0u)                                                 \
  X(I64Add, uint64_t, a + b)                                                            \
  X(I64Sub, uint64_t, a - b)                                                            \
  X(I64Mul, uint64_t, a * b)                                                            \
  X(I64And, uint64_t, a & b)                                                            \
  X(I64Or, uint64_t, a | b)                                                             \
  X(I64Xor, uint64_t, a ^ b)                                                            \
  X(I64Shl, uint64_t, num::shl64(a, b))                                                 \
  X(I64ShrS, uint64_t, num::shr_s64(a, b))                                              \
  X(I64ShrU, uint64_t, num::shr_u64(a, b))                                              \
  X(I64Rotl, uint64_t, num::rotl64(a, b))                                               \
  X(I64Rotr, uint64_t, num::rotr64(a, b))

// X(name, expr): the i32 comparisons that fuse with a following conditional branch.
#define KILN_FUSED_COMPARES(X)                                                         \
  X(I32Eq, a == b)                                                                     \
  X(I32Ne, a != b)                                                                     \
  X(I32LtS, static_cast<int32_t>(a) < static_cast<int32_t>(b))                         \
  X(I32LtU, a < b)                                                                     \
  X(I32GtS, static_cast<int32_t>(a) > static_cast<int32_t>(b))                         \
  X(I32GtU, a > b)                                                                     \
  X(I32LeS, static_cast<int32_t>(a) <= static_cast<int32_t>(b))                        \
  X(I32LeU, a <= b)                                                                    \
  X(I32GeS, static_cast<int32_t>(a) >= static_cast<int32_t>(b))                        \
  X(I32GeU, a >= b)

// X(name, T, convert): memory-0 fast loads that also fuse with what computes
// their address: a local (<name>L local offset), or a local plus an immediate,
// which is how compilers index a field or an array (<name>LK local imm offset,
// absorbing `local.get; i32.const; i32.add`).
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

// X(name, T, expr): binops whose LK and LL forms also fuse with a following
// local.set or local.tee, the `i = i + 1` / `p = p + n` of every loop:
//   <op>LKSet l imm dst   <op>LKTee l imm dst   <op>LLSet l1 l2 dst   <op>LLTee l1 l2 dst
#define KILN_FUSED_SET_BINOPS(X)                 \
  X(I32Add, uint32_t, static_cast<uint32_t>(a + b)) \
  X(I32Sub, uint32_t, static_cast<uint32_t>(a - b)) \
  X(I64Add, uint64_t, a + b)

// The fused internal opcodes, as X(name) for the enum and the label table (same order).
#define KILN_FUSED_BINOP_NAMES(name, T, expr) X(name##L) X(name##K) X(name##LL) X(name##LK)
#define KILN_FUSED_COMPARE_NAMES(name, expr) \
  X(BrIf##name) X(BrIf##name##L) X(BrIf##name##K) X(BrIfLoop##name) X(BrIfLoop##name##L) X(BrIfLoop##name##K) \
  X(BrUnless##name) X(BrUnless##name##L) X(BrUnless##name##K)
#define KILN_FUSED_LOAD_NAMES(name, T, convert) X(name##L) X(name##LK)
#define KILN_FUSED_SET_NAMES(name, T, expr) X(name##LKSet) X(name##LKTee) X(name##LLSet) X(name##LLTee)
#define KILN_INTERP_FUSED_OPS                       \
  KILN_FUSED_BINOPS(KILN_FUSED_BINOP_NAMES)         \
  KILN_FUSED_COMPARES(KILN_FUSED_COMPARE_NAMES)     \
  KILN_FUSED_LOADS(KILN_FUSED_LOAD_NAMES)           \
  KILN_FUSED_SET_BINOPS(KILN_FUSED_SET_NAMES)       \
  X(BrUnlessLoop) X(LocalCopy) X(LocalSetK)
