// Private interface between the decoder's files: one function per section kind plus shared readers.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "kiln/base/byte_reader.h"
#include "kiln/ir/module.h"

namespace kiln::decode_detail {

// Reads a vector's length and reserves room for it. The length is checked at
// one byte per item, so a short vector reports its first missing item rather
// than its count; the reservation assumes `min_item_size` bytes per item, so
// a hostile count reserves no more than a small multiple of the input.
template <typename T>
uint32_t read_vec_count(ByteReader& reader, std::vector<T>& out, size_t min_item_size) {
  const uint32_t count = reader.read_count(1);
  out.reserve(out.size() + std::min<size_t>(count, reader.remaining() / min_item_size));
  return count;
}

// Each section decoder reads one section's payload through a reader that
// ends exactly at the payload's end, with absolute offsets. It throws
// Failure (via ByteReader / fail) on malformed input; the caller checks that
// the whole payload was consumed.
void decode_type_section(ByteReader& reader, Module& module);
void decode_import_section(ByteReader& reader, Module& module);
void decode_function_section(ByteReader& reader, Module& module);
void decode_table_section(ByteReader& reader, Module& module);
void decode_memory_section(ByteReader& reader, Module& module);
void decode_global_section(ByteReader& reader, Module& module);
void decode_export_section(ByteReader& reader, Module& module);
void decode_start_section(ByteReader& reader, Module& module);
void decode_element_section(ByteReader& reader, Module& module);
void decode_data_count_section(ByteReader& reader, Module& module);
void decode_code_section(ByteReader& reader, Module& module);
void decode_data_section(ByteReader& reader, Module& module);

// Reads the custom section's name (which must be valid UTF-8) and, for the
// first "name" section (tracked by `saw_name_section`), fills `module.names`
// when its contents are well formed.
std::string decode_custom_section(ByteReader& reader, Module& module, bool& saw_name_section);

// Parses a "name" section payload (after its name) into `names`; throws on
// malformed contents so the caller can discard the partial result.
void parse_name_section(ByteReader& reader, NameMap& names);

// The instructions of a constant expression up to and including the `end`
// that closes it; the reader is left just after that `end`.
ConstExpr read_const_expr(ByteReader& reader, const Features& features);

TableType read_table_type(ByteReader& reader, const Features& features);
MemoryType read_memory_type(ByteReader& reader, const Features& features);
GlobalType read_global_type(ByteReader& reader, const Features& features);

}  // namespace kiln::decode_detail
