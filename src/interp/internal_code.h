// The interpreter's internal code: its opcode enum, the lowered-function layout and the pc -> Wasm offset side table.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

#include "kiln/ir/opcode.h"
#include "fused_ops.h"
#include "peephole_ops.h"
#include "kiln/runtime/store.h"

namespace kiln::interp {

static_assert(sizeof(void*) == 8, "internal code stores pointers in 64-bit words");

// Internal opcodes. Every Wasm instruction without immediates (numeric, SIMD
// value ops, drop, select, return, ...) keeps its opcodes.def name, so its
// handler and the lowering map come from the same table; the rest below are
// kiln's own forms with pre-resolved immediates. Word layouts ([op, imm...]):
//   Const v | Const128 lo hi | LocalGet/Set/Tee cell | Global* GlobalInstance*
//   Br/BrLoop/BrIf/BrIfLoop/BrUnless/Jump target | *Adj target (drop << 32 | keep)
//   BrTable n {target, drop << 32 | keep | loop << 63} x (n + 1)
//   Call FuncInstance* R | CallCompiled CompiledFunc* R | CallIndirect TableInstance* type_id FuncType* R
//   CallRef R (the reference on the stack), where R is a ReloadMemory word: a callee whose memory 0 is
//   not the caller's returns to it, any other just past it (exec.cc) | ReturnOne, ReturnNone: a return
//   whose result is one cell, or nothing | ExitToHost: where the entry function returns to (exec.cc)
//   BrOnNull/BrOnNonNull target (loop << 63 | drop << 32 | keep), as a BrTable entry
//   Throw TagInstance* payload_cells | ThrowRef (no immediates)
//   TryTable end_of_clauses n {TagInstance* (null: any tag), target, packed (kClause*)} x n | Rethrow cell
//   LoadX/StoreX offset (memory 0, 32-bit, cached base) | LoadXM/StoreXM offset Memory* address_mask
//   SIMD memory ops: like the M forms, lane forms add the lane
//   GC (handlers_gc.inc): struct fields by cell index, arrays by element width (1 or 2 cells), packed values
//   masked on the way in; casts as a packed CastKind word and a StoreType* (gc_ops.h)
#define KILN_INTERP_EXTRA_OPS(X)                                                                              \
  X(Const) X(Const128) X(Drop2) X(Select2)                                                                    \
  X(LocalGet) X(LocalSet) X(LocalTee) X(LocalGet2) X(LocalSet2) X(LocalTee2)                                  \
  X(GlobalGet) X(GlobalSet) X(GlobalGet2) X(GlobalSet2)                                                       \
  X(Br) X(BrAdj) X(BrLoop) X(BrLoopAdj) X(BrIf) X(BrIfAdj) X(BrIfLoop) X(BrIfLoopAdj) X(BrUnless) X(BrTable)  \
  X(Call) X(CallCompiled) X(CallIndirect) X(ReturnCall) X(ReturnCallIndirect) X(ReturnOne) X(ReturnNone)      \
  X(ReloadMemory) X(ExitToHost)                                                                               \
  X(Throw) X(TryTable) X(Rethrow)                                                                             \
  X(CallRef) X(ReturnCallRef) X(BrOnNull) X(BrOnNonNull)                                                      \
  X(TableGet) X(TableSet) X(TableSize) X(TableGrow) X(TableFill) X(TableCopy) X(TableInit) X(ElemDrop)        \
  X(MemorySize) X(MemoryGrow) X(MemoryFill) X(MemoryCopy) X(MemoryInit) X(DataDrop)                           \
  X(Load32) X(Load64) X(Load8U) X(Load16U) X(I32Load8S) X(I32Load16S) X(I64Load8S) X(I64Load16S)             \
  X(I64Load32S) X(Store8) X(Store16) X(Store32) X(Store64)                                                    \
  X(Load32M) X(Load64M) X(Load8UM) X(Load16UM) X(I32Load8SM) X(I32Load16SM) X(I64Load8SM) X(I64Load16SM)     \
  X(I64Load32SM) X(Store8M) X(Store16M) X(Store32M) X(Store64M)                                               \
  X(V128Load) X(V128Load8x8S) X(V128Load8x8U) X(V128Load16x4S) X(V128Load16x4U) X(V128Load32x2S)              \
  X(V128Load32x2U) X(V128Load8Splat) X(V128Load16Splat) X(V128Load32Splat) X(V128Load64Splat)                 \
  X(V128Load32Zero) X(V128Load64Zero) X(V128Store) X(V128Load8Lane) X(V128Load16Lane) X(V128Load32Lane)       \
  X(V128Load64Lane) X(V128Store8Lane) X(V128Store16Lane) X(V128Store32Lane) X(V128Store64Lane)                \
  X(I8x16Shuffle) X(I8x16ExtractLaneS) X(I8x16ExtractLaneU) X(I8x16ReplaceLane) X(I16x8ExtractLaneS)          \
  X(I16x8ExtractLaneU) X(I16x8ReplaceLane) X(I32x4ExtractLane) X(I32x4ReplaceLane) X(I64x2ExtractLane)        \
  X(I64x2ReplaceLane) X(F32x4ExtractLane) X(F32x4ReplaceLane) X(F64x2ExtractLane) X(F64x2ReplaceLane)        \
  X(StructNew) X(StructNewDefault) X(StructGet) X(StructGet2) X(StructGetS8) X(StructGetS16) X(StructSet)      \
  X(StructSet2) X(StructSetPacked) X(ArrayNew) X(ArrayNewDefault) X(ArrayNewFixed) X(ArrayNewData)            \
  X(ArrayNewElem) X(ArrayGet) X(ArrayGet2) X(ArrayGetS8) X(ArrayGetS16) X(ArraySet) X(ArraySet2) X(ArrayFill)  \
  X(ArrayCopy) X(ArrayInitData) X(ArrayInitElem) X(RefTest) X(RefCast) X(BrOnCast) X(BrOnCastFail)

// KILN_IMM_NONE_<imm>(yes, no): picks `yes` for instructions without immediates.
#define KILN_IMM_NONE_kNone(yes, no) yes
#define KILN_IMM_NONE_kBlockType(yes, no) no
#define KILN_IMM_NONE_kLabel(yes, no) no
#define KILN_IMM_NONE_kLabelTable(yes, no) no
#define KILN_IMM_NONE_kFunc(yes, no) no
#define KILN_IMM_NONE_kCallIndirect(yes, no) no
#define KILN_IMM_NONE_kSelectT(yes, no) no
#define KILN_IMM_NONE_kLocal(yes, no) no
#define KILN_IMM_NONE_kGlobal(yes, no) no
#define KILN_IMM_NONE_kTable(yes, no) no
#define KILN_IMM_NONE_kMemory(yes, no) no
#define KILN_IMM_NONE_kMemoryMemory(yes, no) no
#define KILN_IMM_NONE_kTableTable(yes, no) no
#define KILN_IMM_NONE_kData(yes, no) no
#define KILN_IMM_NONE_kElem(yes, no) no
#define KILN_IMM_NONE_kDataMemory(yes, no) no
#define KILN_IMM_NONE_kElemTable(yes, no) no
#define KILN_IMM_NONE_kI32(yes, no) no
#define KILN_IMM_NONE_kI64(yes, no) no
#define KILN_IMM_NONE_kF32(yes, no) no
#define KILN_IMM_NONE_kF64(yes, no) no
#define KILN_IMM_NONE_kV128(yes, no) no
#define KILN_IMM_NONE_kShuffle(yes, no) no
#define KILN_IMM_NONE_kRefType(yes, no) no
#define KILN_IMM_NONE_kMemArg1(yes, no) no
#define KILN_IMM_NONE_kMemArg2(yes, no) no
#define KILN_IMM_NONE_kMemArg4(yes, no) no
#define KILN_IMM_NONE_kMemArg8(yes, no) no
#define KILN_IMM_NONE_kMemArg16(yes, no) no
#define KILN_IMM_NONE_kMemLane1(yes, no) no
#define KILN_IMM_NONE_kMemLane2(yes, no) no
#define KILN_IMM_NONE_kMemLane4(yes, no) no
#define KILN_IMM_NONE_kMemLane8(yes, no) no
#define KILN_IMM_NONE_kLane2(yes, no) no
#define KILN_IMM_NONE_kLane4(yes, no) no
#define KILN_IMM_NONE_kLane8(yes, no) no
#define KILN_IMM_NONE_kLane16(yes, no) no
#define KILN_IMM_NONE_kTag(yes, no) no
#define KILN_IMM_NONE_kTryTable(yes, no) no
#define KILN_IMM_NONE_kType(yes, no) no
#define KILN_IMM_NONE_kTypeField(yes, no) no
#define KILN_IMM_NONE_kTypeType(yes, no) no
#define KILN_IMM_NONE_kTypeU32(yes, no) no
#define KILN_IMM_NONE_kTypeData(yes, no) no
#define KILN_IMM_NONE_kTypeElem(yes, no) no
#define KILN_IMM_NONE_kCastRef(yes, no) no
#define KILN_IMM_NONE_kCastRefNull(yes, no) no
#define KILN_IMM_NONE_kBrOnCast(yes, no) no

// KILN_SIMD_<feature>(x): x only for SIMD and relaxed-SIMD instructions.
#define KILN_SIMD_kCore(x)
#define KILN_SIMD_kTailCall(x)
#define KILN_SIMD_kExceptions(x)
#define KILN_SIMD_kLegacyExceptions(x)
#define KILN_SIMD_kEitherExceptions(x)
#define KILN_SIMD_kBulkMemory(x)
#define KILN_SIMD_kReferenceTypes(x)
#define KILN_SIMD_kFunctionReferences(x)
#define KILN_SIMD_kGc(x)
#define KILN_SIMD_kSimd(x) x
#define KILN_SIMD_kRelaxedSimd(x) x

#define KILN_PP_COMMA ,

enum class IOp : uint16_t {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) KILN_IMM_NONE_##imm(k##ident KILN_PP_COMMA, )
#include "kiln/ir/opcodes.def"
#undef KILN_OP
#define KILN_EXTRA(name) k##name,
  KILN_INTERP_EXTRA_OPS(KILN_EXTRA)
#undef KILN_EXTRA
#define X(name) k##name,
  KILN_INTERP_FUSED_OPS
  KILN_INTERP_PEEPHOLE_OPS
#undef X
  kCount,
  kInvalid = 0xffff,
};

// Maps an immediate-free Wasm opcode to its internal opcode, else kInvalid.
inline constexpr IOp kDirectOps[] = {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) \
  KILN_IMM_NONE_##imm(IOp::k##ident, IOp::kInvalid) KILN_PP_COMMA
#include "kiln/ir/opcodes.def"
#undef KILN_OP
};
static_assert(std::size(kDirectOps) == kOpcodeCount);

inline IOp direct_op(Opcode op) { return kDirectOps[static_cast<uint16_t>(op)]; }

// The internal opcode's name, spelled as its handler's (I32AddLK); "invalid" past the last.
const char* op_name(IOp op);

// The code words a try_table's body covers, [begin, end), and where its
// clauses start (the word after TryTable's `n`). Ranges are kept in order of
// their begin, so nested ranges follow the ones that enclose them.
struct TryRange {
  static constexpr uint32_t kNoDelegate = UINT32_MAX;
  static constexpr uint32_t kToCaller = UINT32_MAX - 1;
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t clauses = 0;  // try_table: the clauses' first word in the code
  // A legacy try keeps its handlers' clauses here (they are found only as
  // its catches are lowered), or delegates: to the range at this index, or
  // to the caller.
  bool legacy = false;
  std::vector<uint64_t> handlers;
  uint32_t delegate = kNoDelegate;
};

// A catch clause: kClauseWords words, the tag (null: any), the target, and
// the cell where the values go (from the frame's base) with flags below it.
inline constexpr uint32_t kClauseWords = 3;
inline constexpr uint64_t kClauseLoop = 1;      // the target is a loop: the branch uses fuel
inline constexpr uint64_t kClauseExnLast = 2;   // catch_ref, catch_all_ref: the exnref after the payload
inline constexpr uint64_t kClauseExnFirst = 4;  // a legacy handler: the exception in a cell below the payload
inline constexpr unsigned kClauseCellShift = 3;

// A frame in the value stack: the locals (parameters first) from the frame
// base, then the frame record (kFrameRecordCells words: where the caller
// resumes; the caller's frame base; the caller's CompiledFunc, null for the
// entry function, which returns to an ExitToHost word), then the operand stack. Keeping the record there
// lets one stack-limit check cover both, and a return finds it at a fixed
// offset from the frame base.
inline constexpr uint32_t kFrameRecordCells = 3;

// One function lowered for one instance: the code plus what calls and traps need.
struct CompiledFunc {
  std::vector<uint64_t> code;  // never resized after lowering: branch targets point into it
  uint32_t param_cells = 0;
  uint32_t local_cells = 0;   // parameters included; the frame record follows them
  uint32_t declared_cells = 0;  // local_cells - param_cells: the declared locals, zeroed by every call
  uint32_t result_cells = 0;
  uint32_t frame_cells = 0;   // locals, the frame record and the deepest operand stack
  // What a call computes from, in bytes so that it needs no scaling: the
  // arguments below the caller's stack top, and the room the frame needs above them.
  uint64_t param_bytes = 0;
  uint64_t bytes_above_args = 0;  // (frame_cells - param_cells) cells
  FuncInstance* func = nullptr;
  Instance* instance = nullptr;
  Memory* memory0 = nullptr;  // cached in the dispatch loop's locals
  // Side table, consulted only for traps and backtraces: the word index where
  // each instruction starts and the module offset of its Wasm instruction.
  std::vector<uint32_t> instr_starts;
  std::vector<uint32_t> instr_offsets;
  std::vector<TryRange> try_ranges;  // consulted only when an exception is thrown

  // The first operand cell, from the frame base.
  uint32_t operand_base() const { return local_cells + kFrameRecordCells; }

  // The Wasm offset of the instruction containing code word `pc`.
  uint64_t offset_at(const uint64_t* pc) const {
    const auto index = static_cast<uint32_t>(pc - code.data());
    auto it = std::upper_bound(instr_starts.begin(), instr_starts.end(), index);
    if (it == instr_starts.begin()) return 0;
    return instr_offsets[static_cast<size_t>(it - instr_starts.begin()) - 1];
  }
};

}  // namespace kiln::interp
