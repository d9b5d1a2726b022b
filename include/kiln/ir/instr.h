// One decoded instruction and the reader that produces them from a code span.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "kiln/base/byte_reader.h"
#include "kiln/ir/features.h"
#include "kiln/ir/module.h"
#include "kiln/ir/opcode.h"
#include "kiln/ir/types.h"

namespace kiln {

struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValue, kTypeIndex };
  Kind kind = Kind::kEmpty;
  ValType value = ValType::kI32;  // when kValue
  uint32_t type_index = 0;        // when kTypeIndex
};

struct MemArg {
  uint32_t align_log2 = 0;
  uint32_t memory = 0;  // non-zero only with multi-memory
  uint64_t offset = 0;  // u64 with memory64, else < 2^32
};

// One clause of try_table. The kinds are the binary encodings.
struct CatchClause {
  enum class Kind : uint8_t { kCatch = 0, kCatchRef = 1, kCatchAll = 2, kCatchAllRef = 3 };
  Kind kind = Kind::kCatch;
  uint32_t tag = 0;  // kCatch and kCatchRef only
  uint32_t label = 0;
  bool takes_ref() const { return kind == Kind::kCatchRef || kind == Kind::kCatchAllRef; }
  bool any_tag() const { return kind == Kind::kCatchAll || kind == Kind::kCatchAllRef; }
};

// Immediates live in plain fields; which ones are meaningful follows from
// `opcode_info(op).imm`. Multi-index immediates use `index` then `index2`
// in encoding order (call_indirect: type, table; memory.init: data, memory;
// table.init: elem, table; memory.copy/table.copy: destination, source).
struct Instr {
  Opcode op = Opcode::kNop;
  uint64_t offset = 0;  // absolute offset of the first opcode byte
  uint32_t index = 0;
  uint32_t index2 = 0;
  uint8_t lane = 0;
  BlockType block;
  MemArg mem;
  uint64_t bits = 0;                   // i32/i64/f32/f64 constants as raw bits
  std::array<uint8_t, 16> bytes16{};   // v128.const and i8x16.shuffle
  ValType type = ValType::kI32;        // ref.null's type, select's single type, a cast's target, br_on_cast's source
  ValType type2 = ValType::kI32;       // br_on_cast(_fail)'s target
  uint32_t select_arity = 0;           // number of types of `select t*`
  const std::vector<uint32_t>* labels = nullptr;  // br_table targets, default last
  const std::vector<CatchClause>* catches = nullptr;  // try_table's clauses, in order (index: tag; block: its type)
};

// Decodes instructions one at a time. Structural errors (unknown opcode,
// bad LEB, truncated immediates, flags a disabled feature would need) fail
// with ErrorCode::kMalformed at the offending byte; typing is the
// validator's job.
class InstrReader {
 public:
  InstrReader(Bytes code, uint64_t base_offset, const Features& features)
      : reader_(code, base_offset), features_(features) {}
  // Typed references to the module's struct and array types get the any hierarchy's code.
  InstrReader(Bytes code, uint64_t base_offset, const Module& module)
      : reader_(code, base_offset), features_(module.features), type_defs_(&module.type_defs) {}

  bool at_end() const { return reader_.at_end(); }
  uint64_t offset() const { return reader_.offset(); }
  size_t position() const { return reader_.position(); }
  const Instr& next();
  ByteReader& bytes() { return reader_; }

 private:
  void read_immediates(Instr& instr, Imm imm);
  void read_memarg(Instr& instr, unsigned natural_align_log2);
  void read_block_type(Instr& instr);
  void read_catches(Instr& instr);
  [[noreturn]] void fail_illegal(uint64_t at);
  void check_feature(OpFeature needed, uint64_t at) const;
  [[noreturn]] void fail_needing(Feature feature, uint64_t at, const char* message) const;

  ByteReader reader_;
  Features features_;
  const std::vector<TypeDef>* type_defs_ = nullptr;
  Instr instr_;
  std::vector<uint32_t> labels_;
  std::vector<CatchClause> catches_;
};

// The readers of value and reference types. A concrete heap type's code
// (kFuncRef or kAnyRef) comes from `type_defs`, the types decoded so far;
// an index beyond them reads as a function type and the validator reports it.
ValType read_val_type(ByteReader& reader, const Features& features, const std::vector<TypeDef>* type_defs = nullptr);
// Reads a short reference type (funcref, anyref, nullref, ...) or a typed reference (0x63/0x64 and a heap type).
ValType read_ref_type(ByteReader& reader, const Features& features, const std::vector<TypeDef>* type_defs = nullptr);
// Reads a heap type (an s33: an abstract type's code or a type index) as a reference type.
ValType read_heap_type(ByteReader& reader, const Features& features, bool nullable,
                       const std::vector<TypeDef>* type_defs = nullptr);
// A GC struct field's or array element's storage type: a value type, i8 or i16.
ValType read_storage_type(ByteReader& reader, const Features& features, const std::vector<TypeDef>* type_defs);


}  // namespace kiln
