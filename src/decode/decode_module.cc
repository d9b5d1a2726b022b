// Decoder entry point: header, section framing and order, and the checks that span several sections.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "decode_internal.h"
#include "kiln/base/failure.h"
#include "kiln/decode/decode.h"

namespace kiln {
namespace {

using namespace decode_detail;

constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
constexpr uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};
constexpr uint8_t kLastSectionId = 13;

// Position in the required order. Data count and tag have the largest ids
// but sit between element and code, and between memory and global, so the
// order cannot be the id itself.
int section_rank(SectionId id) {
  switch (id) {
    case SectionId::kCustom: return 0;
    case SectionId::kType: return 1;
    case SectionId::kImport: return 2;
    case SectionId::kFunction: return 3;
    case SectionId::kTable: return 4;
    case SectionId::kMemory: return 5;
    case SectionId::kTag: return 6;
    case SectionId::kGlobal: return 7;
    case SectionId::kExport: return 8;
    case SectionId::kStart: return 9;
    case SectionId::kElement: return 10;
    case SectionId::kDataCount: return 11;
    case SectionId::kCode: return 12;
    case SectionId::kData: return 13;
  }
  return 0;
}

void decode_known_section(SectionId id, ByteReader& reader, Module& module) {
  switch (id) {
    case SectionId::kCustom: break;
    case SectionId::kType: decode_type_section(reader, module); break;
    case SectionId::kImport: decode_import_section(reader, module); break;
    case SectionId::kFunction: decode_function_section(reader, module); break;
    case SectionId::kTable: decode_table_section(reader, module); break;
    case SectionId::kMemory: decode_memory_section(reader, module); break;
    case SectionId::kTag: decode_tag_section(reader, module); break;
    case SectionId::kGlobal: decode_global_section(reader, module); break;
    case SectionId::kExport: decode_export_section(reader, module); break;
    case SectionId::kStart: decode_start_section(reader, module); break;
    case SectionId::kElement: decode_element_section(reader, module); break;
    case SectionId::kDataCount: decode_data_count_section(reader, module); break;
    case SectionId::kCode: decode_code_section(reader, module); break;
    case SectionId::kData: decode_data_section(reader, module); break;
  }
}

// The spec reads the magic and the version as whole 4-byte words, so a short
// input is "unexpected end" rather than a wrong magic.
void read_header(ByteReader& reader) {
  const size_t size = reader.data().size();
  if (size < 4) reader.fail_at(size, "unexpected end");
  Bytes magic = reader.read_bytes(4);
  for (size_t i = 0; i < 4; ++i)
    if (magic[i] != kMagic[i]) reader.fail_at(0, "magic header not detected");
  if (size < 8) reader.fail_at(size, "unexpected end");
  Bytes version = reader.read_bytes(4);
  for (size_t i = 0; i < 4; ++i)
    if (version[i] != kVersion[i]) reader.fail_at(4, "unknown binary version");
}

// Sections are framed as the reference frames them: the id (and with it the
// order) is checked before the size is read, the contents are read in one
// stream with the rest of the input, and the size is compared afterwards.
void read_sections(ByteReader& reader, Module& module) {
  int last_rank = 0;
  bool saw_name_section = false;
  while (!reader.at_end()) {
    const uint64_t start = reader.offset();
    const uint8_t id_byte = reader.read_u8();
    if (id_byte > kLastSectionId) reader.fail_at(start, "malformed section id");
    const auto id = static_cast<SectionId>(id_byte);
    if (id == SectionId::kTag && !has_tags(module.features))
      fail_disabled(Feature::kExceptions, start, "malformed section id");
    if (id != SectionId::kCustom) {
      const int rank = section_rank(id);
      if (rank <= last_rank) reader.fail_at(start, "unexpected content after last section");
      last_rank = rank;
    }
    const uint32_t size = read_length(reader);
    const uint64_t payload_start = reader.offset();
    ByteReader stream(reader.rest(), payload_start);

    Section section;
    section.id = id;
    if (id == SectionId::kCustom) {
      section.name = decode_custom_section(stream, size, module, saw_name_section);
    } else {
      decode_known_section(id, stream, module);
      // Reported at the first byte left over, or at the declared end that was overrun.
      if (stream.position() != size)
        stream.fail_at(payload_start + std::min<uint64_t>(stream.position(), size), "section size mismatch");
    }
    reader.skip(size);
    section.whole = {static_cast<size_t>(start), static_cast<size_t>(reader.offset() - start)};
    section.payload = {static_cast<size_t>(payload_start), size};
    module.sections.push_back(std::move(section));
  }

  // Checked once the whole module is read, as the reference does; a missing
  // code or data section counts as an empty one.
  const uint64_t end = reader.offset();
  if (module.codes.size() != module.func_types.size() - module.imported_funcs)
    reader.fail_at(end, "function and code section have inconsistent lengths");
  if (module.data_count && *module.data_count != module.datas.size())
    reader.fail_at(end, "data count and data section have inconsistent lengths");
}

// The reference names every end of input after the header the same way,
// whichever section or body was being read.
void reword(Error& error) {
  if (error.message == "unexpected end") error.message = "unexpected end of section or function";
}

// Decodes `module` whose input (owned or borrowed) is already in place.
Result<Module> decode_in_place(Module module, const Features& features) {
  return capture_failure([&]() -> Module {
    module.features = features;
    ByteReader reader(module.input(), 0);
    read_header(reader);
    try {
      read_sections(reader, module);
    } catch (Failure& failure) {
      // The bodies read before the failure come first in the reference's
      // order, and it decodes their instructions as it goes.
      try {
        check_bodies_in_stream(module);
      } catch (Failure& earlier) {
        failure.error = std::move(earlier.error);
      }
      reword(failure.error);
      throw;
    }
    return std::move(module);
  });
}

}  // namespace

Result<Module> decode_module(std::vector<uint8_t> bytes, const Features& features) {
  Module module;
  module.bytes = std::move(bytes);
  return decode_in_place(std::move(module), features);
}

Result<Module> decode_borrowed_module(Bytes bytes, const Features& features) {
  Module module;
  module.borrowed = bytes;
  return decode_in_place(std::move(module), features);
}

}  // namespace kiln
