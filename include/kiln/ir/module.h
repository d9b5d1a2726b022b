// The decoded module: owned input bytes, every section as a span, and the parsed contents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/byte_reader.h"
#include "kiln/ir/features.h"
#include "kiln/ir/types.h"

namespace kiln {

// A byte range of the module's input. Offsets rather than pointers keep
// Module freely movable.
struct ByteRange {
  size_t offset = 0;
  size_t size = 0;
  size_t end() const { return offset + size; }
};

enum class SectionId : uint8_t {
  kCustom = 0, kType = 1, kImport = 2, kFunction = 3, kTable = 4, kMemory = 5, kGlobal = 6,
  kExport = 7, kStart = 8, kElement = 9, kCode = 10, kData = 11, kDataCount = 12,
  kTag = 13,  // exception handling; sits between the memory and global sections
};

struct Section {
  SectionId id = SectionId::kCustom;
  ByteRange whole;    // id byte, size LEB and payload: copied verbatim by the encoder
  ByteRange payload;
  std::string name;   // custom sections only
};

// GC: a field of a struct type or an array's element. The storage type is a
// value type or packed (TypeCode::kI8, kI16, read back as i32).
struct FieldType {
  ValType storage = ValType::kI32;
  bool is_mutable = false;
  bool operator==(const FieldType&) const = default;
};

// What a type index defines beyond its FuncType: the composite kind, a
// struct's fields or an array's element (fields[0]), the declared supertype,
// finality, and the recursion group it belongs to (types [group_start,
// group_start + group_size) were declared in one `rec`; a type outside any
// `rec` is a group of one). Types equal up to their group are equivalent.
struct TypeDef {
  enum class Kind : uint8_t { kFunc, kStruct, kArray };
  static constexpr uint32_t kNoSuper = 0xFFFF'FFFF;

  Kind kind = Kind::kFunc;
  std::vector<FieldType> fields;   // kStruct: every field; kArray: the element
  uint32_t super = kNoSuper;       // at most one supertype (the spec's current limit)
  bool is_final = true;            // a type without `sub` is final
  uint32_t group_start = 0;
  uint32_t group_size = 1;
  uint64_t offset = 0;             // where the definition starts, for messages
  bool operator==(const TypeDef& other) const {
    return kind == other.kind && fields == other.fields && super == other.super && is_final == other.is_final &&
           group_start == other.group_start && group_size == other.group_size;
  }
};

// The hierarchy code of a reference to type index `index`: kAnyRef for a struct or array type, else kFuncRef
// (also for an index past `type_defs`, which the validator reports).
inline TypeCode concrete_type_code(uint32_t index, const std::vector<TypeDef>* type_defs) {
  if (type_defs && index < type_defs->size() && (*type_defs)[index].kind != TypeDef::Kind::kFunc)
    return TypeCode::kAnyRef;
  return TypeCode::kFuncRef;
}

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  TypeIdx func_type{};  // kFunc
  TableType table;      // kTable
  MemoryType memory;    // kMemory
  GlobalType global;    // kGlobal
  TypeIdx tag_type{};   // kTag: a function type with no results (the exception's payload)
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;  // into the index space of `kind`
};

// A constant expression, kept as the span of its instructions up to and
// including the final `end`; evaluated at instantiation.
struct ConstExpr {
  ByteRange code;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::kActive;
  TableIdx table{};
  ConstExpr offset;                 // active only
  ValType type = ValType::kFuncRef;
  // Either function indices (the compact encodings) or one expression each.
  bool uses_exprs = false;
  std::vector<FuncIdx> funcs;
  std::vector<ConstExpr> exprs;
  uint64_t file_offset = 0;         // start of the segment, for messages
  size_t size() const { return uses_exprs ? exprs.size() : funcs.size(); }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::kActive;
  MemIdx memory{};
  ConstExpr offset;  // active only
  ByteRange bytes;
  uint64_t file_offset = 0;
};

struct LocalRun {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

struct FunctionBody {
  ByteRange whole;             // size LEB excluded: locals + instructions
  std::vector<LocalRun> locals;
  uint64_t local_count = 0;    // sum of the runs
  ByteRange code;              // instructions, final `end` included
};

// Names from the "name" custom section, for diagnostics only; a malformed
// name section is ignored, as the spec requires of custom sections.
struct NameMap {
  std::string module_name;
  std::map<uint32_t, std::string> functions;
  std::map<uint32_t, std::map<uint32_t, std::string>> locals;
  std::map<uint32_t, std::string> globals;
};

struct Module {
  std::vector<uint8_t> bytes;  // the whole input, owned; ranges point into it
  // Instead, the whole input held elsewhere (decode_borrowed_module), for a
  // module that is only checked; `bytes` is then empty. Read through input().
  Bytes borrowed;
  Features features;
  std::vector<Section> sections;  // in file order, custom sections included

  // The type index space: `types` holds a function type's signature (empty
  // for a struct or array type), `type_defs` the rest of each definition.
  std::vector<FuncType> types;
  std::vector<TypeDef> type_defs;
  std::vector<Import> imports;
  std::vector<TypeIdx> func_types;  // function index space: imports first
  std::vector<TableType> tables;    // table index space: imports first
  // One per defined table: the initializer expression of the 0x40 0x00 form
  // (typed function references); without one a table starts out null.
  std::vector<std::optional<ConstExpr>> table_inits;
  std::vector<MemoryType> memories; // memory index space: imports first
  std::vector<Global> globals;      // defined globals only
  std::vector<GlobalType> global_types;  // global index space: imports first
  std::vector<TypeIdx> tags;        // tag index space: imports first; each a function type with no results
  std::vector<Export> exports;
  std::optional<FuncIdx> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<FunctionBody> codes;  // one per defined function
  NameMap names;

  uint32_t imported_funcs = 0;
  uint32_t imported_tables = 0;
  uint32_t imported_memories = 0;
  uint32_t imported_globals = 0;
  uint32_t imported_tags = 0;

  Bytes input() const { return borrowed.empty() ? Bytes(bytes) : borrowed; }
  Bytes slice(ByteRange range) const { return input().subspan(range.offset, range.size); }
  const FuncType& func_type(FuncIdx f) const { return types[to_u32(func_types[to_u32(f)])]; }
  bool is_func_type(uint32_t type) const { return type < type_defs.size() && type_defs[type].kind == TypeDef::Kind::kFunc; }
  bool is_struct_type(uint32_t type) const {
    return type < type_defs.size() && type_defs[type].kind == TypeDef::Kind::kStruct;
  }
  bool is_array_type(uint32_t type) const { return type < type_defs.size() && type_defs[type].kind == TypeDef::Kind::kArray; }
  const FuncType& tag_type(TagIdx t) const { return types[to_u32(tags[to_u32(t)])]; }
  bool is_imported(FuncIdx f) const { return to_u32(f) < imported_funcs; }
  const FunctionBody& body(FuncIdx f) const { return codes[to_u32(f) - imported_funcs]; }
  const Export* find_export(std::string_view name) const;
  // (ref null? $index), in its definition's hierarchy (func for a function type, any for a struct or array).
  ValType ref_to(uint32_t index, bool nullable) const {
    return ValType{concrete_type_code(index, &type_defs), nullable, index};
  }
  // "$name" from the name section, else "#index".
  std::string func_display_name(FuncIdx f) const;
};

}  // namespace kiln
