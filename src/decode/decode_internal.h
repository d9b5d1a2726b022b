// Private interface between the decoder's files: one function per section kind plus shared readers.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/byte_reader.h"
#include "kiln/ir/instr.h"
#include "kiln/ir/module.h"

namespace kiln::decode_detail {

// The decoder reads the way the reference interpreter does, in one stream
// over the rest of the input: a section's contents may run past its declared
// end, and only after the section is read is its size compared with what was
// consumed. So the first malformed thing in file order is what gets reported,
// even when a wrong size made it straddle a section or body boundary.

// A vector length, name length, data length, section or body size. It must
// not exceed the input left from its own first byte ("length out of bounds");
// anything shorter is read and runs into the end of the input instead.
uint32_t read_length(ByteReader& reader);

// A length-prefixed name: "length out of bounds", then "malformed UTF-8 encoding".
std::string_view read_utf8_name(ByteReader& reader);

// Reads a vector's length and reserves room for it. The reservation assumes
// `min_item_size` bytes per item, so a hostile count reserves no more than a
// small multiple of the input.
template <typename T>
uint32_t read_vec_count(ByteReader& reader, std::vector<T>& out, size_t min_item_size) {
  const uint32_t count = read_length(reader);
  out.reserve(out.size() + std::min<size_t>(count, reader.remaining() / min_item_size));
  return count;
}

// Each section decoder reads one section's payload through a reader that
// starts at the payload and ends at the end of the input, with absolute
// offsets. It throws Failure (via ByteReader / fail) on malformed input; the
// caller checks that exactly the declared size was consumed.
void decode_type_section(ByteReader& reader, Module& module);
void decode_import_section(ByteReader& reader, Module& module);
void decode_function_section(ByteReader& reader, Module& module);
void decode_table_section(ByteReader& reader, Module& module);
void decode_memory_section(ByteReader& reader, Module& module);
void decode_tag_section(ByteReader& reader, Module& module);
void decode_global_section(ByteReader& reader, Module& module);
void decode_export_section(ByteReader& reader, Module& module);
void decode_start_section(ByteReader& reader, Module& module);
void decode_element_section(ByteReader& reader, Module& module);
void decode_data_count_section(ByteReader& reader, Module& module);
void decode_code_section(ByteReader& reader, Module& module);
void decode_data_section(ByteReader& reader, Module& module);

// Reads the custom section's name (which must be valid UTF-8 and fit in
// `size`) and, for the first "name" section (tracked by `saw_name_section`),
// fills `module.names` when its contents are well formed.
std::string decode_custom_section(ByteReader& reader, uint32_t size, Module& module, bool& saw_name_section);

// Parses a "name" section payload (after its name) into `names`; throws on
// malformed contents so the caller can discard the partial result.
void parse_name_section(ByteReader& reader, NameMap& names);

// Reads instructions up to and including the `end` that closes the
// sequence, nesting as the reference interpreter does: an `else` anywhere
// but directly in an `if` (before its `else`) is "END opcode expected".
void read_instr_sequence(InstrReader& instrs);

// The instructions of a constant expression up to and including the `end`
// that closes it; the reader is left just after that `end`.
ConstExpr read_const_expr(ByteReader& reader, const Features& features);

// Replays the instructions of the bodies decoded so far, in order and in one
// stream as the reference interpreter decodes them, and throws the first
// malformed encoding or body size mismatch. Called only once decoding has
// failed: the reference would have reported such a body error first, and a
// module that decodes leaves its instructions to the validator.
void check_bodies_in_stream(const Module& module);

TableType read_table_type(ByteReader& reader, Module& module);
MemoryType read_memory_type(ByteReader& reader, const Features& features);
GlobalType read_global_type(ByteReader& reader, const Features& features);
// A tag's type: the attribute byte (0, an exception) and a function type index.
TypeIdx read_tag_type(ByteReader& reader);

}  // namespace kiln::decode_detail
