// Decoding of the declaration sections: types, imports, functions, tables, memories, globals, exports, start.
#include <string>
#include <utility>

#include "decode_internal.h"
#include "kiln/ir/instr.h"

namespace kiln::decode_detail {
namespace {

constexpr uint8_t kFuncTypeForm = 0x60;
constexpr uint8_t kStructTypeForm = 0x5F;
constexpr uint8_t kArrayTypeForm = 0x5E;
constexpr uint8_t kSubForm = 0x50;
constexpr uint8_t kSubFinalForm = 0x4F;
constexpr uint8_t kRecForm = 0x4E;
// More types than any engine accepts (the JS API's limit is 1,000,000) and far below the heap sentinels.
constexpr size_t kMaxTypes = 1'000'000;
constexpr uint8_t kLimitsHasMax = 0x01;
constexpr uint8_t kLimitsShared = 0x02;
constexpr uint8_t kLimitsIs64 = 0x04;

void read_val_types(ByteReader& reader, std::vector<ValType>& out, const Module& module) {
  const Features& features = module.features;
  const uint32_t count = read_vec_count(reader, out, 1);
  for (uint32_t i = 0; i < count; ++i) out.push_back(read_val_type(reader, features, &module.type_defs));
}

// WebAssembly 2.0 encodes the limits flag as a one-bit LEB, so 0x81 is an
// over-long encoding and 0x02 is too large; memory64 turns it into a flags
// byte whose unknown bits are "malformed limits flags", and tables gain the
// same i64 address bit (table64). Shared memories
// (threads: shared implies a maximum) are decoded so the validator can
// refuse them by name rather than as malformed bytes.
uint8_t read_limits_flags(ByteReader& reader, bool is_memory, const Features& features) {
  const uint64_t at = reader.offset();
  const uint8_t flags = reader.read_u8();
  uint8_t known = kLimitsHasMax;
  if (features.memory64) known |= kLimitsIs64;
  if (is_memory && (flags & (kLimitsShared | kLimitsHasMax)) == (kLimitsShared | kLimitsHasMax)) known |= kLimitsShared;
  if ((flags & ~known) == 0) return flags;
  if (features.memory64) reader.fail_at(at, "malformed limits flags");
  // 2.0's wording, and the feature that gives an address-type bit its meaning.
  if ((flags & ~(known | kLimitsIs64)) == 0) fail_disabled(Feature::kMemory64, at, "integer too large");
  reader.fail_at(at, (flags & 0x80) ? "integer representation too long" : "integer too large");
}

// With memory64 all limits are u64 LEBs, as WebAssembly 3.0 encodes them
// (the validator bounds a 32-bit memory's pages and a 32-bit table's size).
Limits read_limits(ByteReader& reader, bool is_memory, const Features& features) {
  const uint8_t flags = read_limits_flags(reader, is_memory, features);
  const bool wide = features.memory64;
  Limits limits;
  limits.is_64 = (flags & kLimitsIs64) != 0;
  limits.shared = (flags & kLimitsShared) != 0;
  limits.min = wide ? reader.read_u64() : reader.read_u32();
  if (flags & kLimitsHasMax) limits.max = wide ? reader.read_u64() : reader.read_u32();
  return limits;
}

std::string to_string(std::string_view text) { return std::string(text); }

}  // namespace

// The length is bounded by the input left from the length's own position,
// so a length that only overruns by its own encoded size still passes here
// and fails later as an unexpected end, exactly as in the reference.
uint32_t read_length(ByteReader& reader) {
  const uint64_t at = reader.offset();
  const size_t left = reader.remaining();
  const uint32_t length = reader.read_u32();
  if (length > left) reader.fail_at(at, "length out of bounds");
  return length;
}

std::string_view read_utf8_name(ByteReader& reader) {
  const uint32_t length = read_length(reader);
  const Bytes raw = reader.read_bytes(length);
  const std::string_view text(reinterpret_cast<const char*>(raw.data()), raw.size());
  if (!is_valid_utf8(text)) reader.fail_at(reader.offset() - length, "malformed UTF-8 encoding");
  return text;
}

// Before reference types a module had at most one table, of funcref.
TableType read_table_type(ByteReader& reader, Module& module) {
  const Features& features = module.features;
  const uint64_t at = reader.offset();
  if (!features.reference_types && !module.tables.empty()) fail_disabled(Feature::kReferenceTypes, at);
  TableType type;
  type.elem = read_ref_type(reader, features, &module.type_defs);
  if (type.elem.code == TypeCode::kExnRef && !features.exceptions) fail_disabled(Feature::kExceptions, at);
  if (!features.reference_types && type.elem != ValType::kFuncRef) fail_disabled(Feature::kReferenceTypes, at);
  type.limits = read_limits(reader, false, features);
  return type;
}

MemoryType read_memory_type(ByteReader& reader, const Features& features) {
  MemoryType type;
  type.limits = read_limits(reader, true, features);
  return type;
}

// The mutability byte of a global or of a GC field: 0 or 1.
bool read_mutability(ByteReader& reader) {
  const uint64_t at = reader.offset();
  const uint8_t mutability = reader.read_u8();
  if (mutability > 1) reader.fail_at(at, "malformed mutability");
  return mutability == 1;
}

GlobalType read_global_type(ByteReader& reader, const Module& module) {
  GlobalType type;
  type.type = read_val_type(reader, module.features, &module.type_defs);
  type.is_mutable = read_mutability(reader);
  return type;
}

// A function, struct or array type after its form byte.
void read_composite_type(ByteReader& reader, Module& module, uint8_t form, uint64_t at, TypeDef& def,
                         FuncType& func) {
  switch (form) {
    case kFuncTypeForm:
      def.kind = TypeDef::Kind::kFunc;
      read_val_types(reader, func.params, module);
      read_val_types(reader, func.results, module);
      if (func.results.size() > 1 && !module.features.multi_value) fail_disabled(Feature::kMultiValue, at);
      return;
    case kStructTypeForm:
    case kArrayTypeForm: {
      if (!module.features.gc) fail_disabled(Feature::kGc, at);
      def.kind = form == kStructTypeForm ? TypeDef::Kind::kStruct : TypeDef::Kind::kArray;
      // A field is at least a type byte and a mutability byte.
      const uint32_t count = form == kStructTypeForm ? read_vec_count(reader, def.fields, 2) : 1;
      for (uint32_t i = 0; i < count; ++i) {
        FieldType field;
        field.storage = read_storage_type(reader, module.features, &module.type_defs);
        field.is_mutable = read_mutability(reader);
        def.fields.push_back(field);
      }
      return;
    }
    default:
      break;
  }
  // The form is a one-byte signed LEB in the spec's grammar, so a
  // continuation bit makes it over-long rather than an unknown form.
  if (form & 0x80) reader.fail_at(at, "integer representation too long");
  reader.fail_at(at, module.features.gc ? "malformed composite type" : "malformed function type");
}

// A subtype: `sub` (0x50) or `sub final` (0x4F) with its supertypes, or a bare composite type (final, none).
void read_sub_type(ByteReader& reader, Module& module, TypeDef& def, FuncType& func) {
  def.offset = reader.offset();
  uint8_t form = reader.read_u8();
  if (form == kSubForm || form == kSubFinalForm) {
    if (!module.features.gc) fail_disabled(Feature::kGc, def.offset);
    def.is_final = form == kSubFinalForm;
    const uint32_t supers = reader.read_u32();
    if (supers > 1) reader.fail_at(def.offset, "too many supertypes");
    if (supers == 1) def.super = reader.read_u32();
    form = reader.read_u8();
  }
  read_composite_type(reader, module, form, reader.offset() - 1, def, func);
}

// A type that names a later type of its own group was read before that type's
// kind was known: give its concrete references the right hierarchy code.
void resolve_group_codes(Module& module, uint32_t start) {
  auto fix = [&](ValType& t) {
    if (t.is_concrete()) t.code = concrete_type_code(t.heap, &module.type_defs);
  };
  for (uint32_t i = start; i < module.types.size(); ++i) {
    for (ValType& t : module.types[i].params) fix(t);
    for (ValType& t : module.types[i].results) fix(t);
    for (FieldType& f : module.type_defs[i].fields) fix(f.storage);
  }
}

// Each entry is a recursion group: `rec` (0x4E) and its types, or one type.
void decode_type_section(ByteReader& reader, Module& module) {
  const uint32_t count = read_vec_count(reader, module.types, 3);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t group_size = 1;
    if (reader.peek_u8() == kRecForm) {
      const uint64_t at = reader.offset();
      reader.read_u8();
      if (!module.features.gc) fail_disabled(Feature::kGc, at);
      group_size = reader.read_count(1);
    }
    const auto group_start = static_cast<uint32_t>(module.types.size());
    for (uint32_t j = 0; j < group_size; ++j) {
      // Every type index stays below 2^32 minus the abstract heap types' sentinels.
      if (module.types.size() >= kMaxTypes) reader.fail_at(reader.offset(), "too many types");
      TypeDef def;
      FuncType func;
      def.group_start = group_start;
      def.group_size = group_size;
      // Appended before reading, so the group's own earlier types are known; the kind is fixed below.
      module.type_defs.push_back(def);
      module.types.emplace_back();
      read_sub_type(reader, module, def, func);
      module.type_defs.back() = std::move(def);
      module.types.back() = std::move(func);
    }
    resolve_group_codes(module, group_start);
  }
}

void decode_import_section(ByteReader& reader, Module& module) {
  const uint32_t count = read_vec_count(reader, module.imports, 4);
  for (uint32_t i = 0; i < count; ++i) {
    Import import;
    import.module = to_string(read_utf8_name(reader));
    import.name = to_string(read_utf8_name(reader));
    const uint64_t at = reader.offset();
    const uint8_t kind = reader.read_u8();
    switch (kind) {
      case 0:
        import.kind = ExternKind::kFunc;
        import.func_type = TypeIdx{reader.read_u32()};
        module.func_types.push_back(import.func_type);
        ++module.imported_funcs;
        break;
      case 1:
        import.kind = ExternKind::kTable;
        import.table = read_table_type(reader, module);
        module.tables.push_back(import.table);
        ++module.imported_tables;
        break;
      case 2:
        import.kind = ExternKind::kMemory;
        import.memory = read_memory_type(reader, module.features);
        module.memories.push_back(import.memory);
        ++module.imported_memories;
        break;
      case 3:
        import.kind = ExternKind::kGlobal;
        import.global = read_global_type(reader, module);
        module.global_types.push_back(import.global);
        ++module.imported_globals;
        break;
      case 4:
        import.kind = ExternKind::kTag;
        if (!has_tags(module.features)) fail_disabled(Feature::kExceptions, at, "malformed import kind");
        import.tag_type = read_tag_type(reader);
        module.tags.push_back(import.tag_type);
        ++module.imported_tags;
        break;
      default: reader.fail_at(at, "malformed import kind");
    }
    module.imports.push_back(std::move(import));
  }
}

void decode_function_section(ByteReader& reader, Module& module) {
  const uint32_t count = read_vec_count(reader, module.func_types, 1);
  for (uint32_t i = 0; i < count; ++i) module.func_types.push_back(TypeIdx{reader.read_u32()});
}

void decode_table_section(ByteReader& reader, Module& module) {
  const uint32_t count = read_vec_count(reader, module.tables, 3);
  for (uint32_t i = 0; i < count; ++i) {
    // 0x40 0x00 opens a table with an initializer expression (typed function references).
    const uint64_t at = reader.offset();
    const bool has_init = reader.peek_u8() == 0x40;
    if (has_init) {
      reader.read_u8();
      if (!module.features.function_references) fail_disabled(Feature::kFunctionReferences, at);
      if (reader.read_u8() != 0x00) reader.fail_at(reader.offset() - 1, "malformed table");
    }
    module.tables.push_back(read_table_type(reader, module));
    if (has_init) module.table_inits.emplace_back(read_const_expr(reader, module.features));
    else module.table_inits.emplace_back(std::nullopt);
  }
}

void decode_memory_section(ByteReader& reader, Module& module) {
  const uint32_t count = read_vec_count(reader, module.memories, 2);
  for (uint32_t i = 0; i < count; ++i) module.memories.push_back(read_memory_type(reader, module.features));
}

void decode_global_section(ByteReader& reader, Module& module) {
  const uint32_t count = read_vec_count(reader, module.globals, 3);
  for (uint32_t i = 0; i < count; ++i) {
    Global global;
    global.type = read_global_type(reader, module);
    global.init = read_const_expr(reader, module.features);
    module.globals.push_back(global);
    module.global_types.push_back(global.type);
  }
}

void decode_export_section(ByteReader& reader, Module& module) {
  const uint32_t count = read_vec_count(reader, module.exports, 3);
  for (uint32_t i = 0; i < count; ++i) {
    Export item;
    item.name = to_string(read_utf8_name(reader));
    const uint64_t at = reader.offset();
    const uint8_t kind = reader.read_u8();
    if (kind > 4) reader.fail_at(at, "malformed export kind");
    if (kind == 4 && !has_tags(module.features)) fail_disabled(Feature::kExceptions, at, "malformed export kind");
    item.kind = static_cast<ExternKind>(kind);
    item.index = reader.read_u32();
    module.exports.push_back(std::move(item));
  }
}

void decode_start_section(ByteReader& reader, Module& module) { module.start = FuncIdx{reader.read_u32()}; }

}  // namespace kiln::decode_detail
