// Entry point of the SIMD value semantics: one function per SIMD/relaxed-SIMD opcode, named after its opcodes.def Ident.
#pragma once

// Signatures follow the opcode's params/results letters so the dispatcher can call them from
// an X-macro: v -> const V128&, i/f -> uint32_t (f32 as bits), l/d -> uint64_t (f64 as bits),
// lane immediates -> unsigned, memory operands -> a bounds-checked byte pointer.
#include "simd_convert.h"
#include "simd_float.h"
#include "simd_int.h"
#include "simd_lanes.h"
#include "simd_relaxed.h"
