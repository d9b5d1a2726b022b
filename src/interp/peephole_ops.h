// Peephole forms: superinstructions for pairs the kernels in bench/ dispatch most, kept apart from the
// operand-fusion families of fused_ops.h.
//
//   <load>LL a b offset   a fast load whose address is the sum of two locals (`local.get a; local.get b;
//                         i32.add; <load>`): ea = (uint32_t)(local[a] + local[b]) + offset
//   LocalCopy2 src1 dst1 src2 dst2   two `local.get; local.set` copies in a row, the first done before
//                         the second reads (so dst1 == src2 copies src1 on)
//   Const2 first second   two constants in a row push both; a later fusion that takes back a constant
//                         takes the second and leaves a Const of the first (Lowerer::take_last)
// An `and` whose mask keeps every bit a zero-extending load can set (`i32.load8_u; i32.const 255; i32.and`)
// is dropped at lowering; it has no form.
#pragma once

#include "fused_ops.h"

#define KILN_PEEPHOLE_LOAD_NAMES(name, T, convert) X(name##LL)

// The peephole internal opcodes, as X(name) for the enum and the label table (same order), after the fused ones.
#define KILN_INTERP_PEEPHOLE_OPS KILN_FUSED_LOADS(KILN_PEEPHOLE_LOAD_NAMES) X(LocalCopy2) X(Const2)
