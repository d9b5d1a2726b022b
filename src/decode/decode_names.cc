// Custom sections: their names, and the "name" section's module, function, local and global names.
#include <map>
#include <string>
#include <utility>

#include "decode_internal.h"
#include "kiln/base/failure.h"

namespace kiln::decode_detail {
namespace {

enum NameSubsection : uint8_t {
  kModuleNames = 0,
  kFunctionNames = 1,
  kLocalNames = 2,
  kGlobalNames = 7,
};

// Indices must be strictly increasing, which also lets each insertion go
// straight to the end of the map.
uint32_t read_increasing_index(ByteReader& reader, uint32_t index_in_map, uint32_t previous) {
  const uint64_t at = reader.offset();
  const uint32_t index = reader.read_u32();
  if (index_in_map > 0 && index <= previous) reader.fail_at(at, "name indices out of order");
  return index;
}

void read_name_map(ByteReader& reader, std::map<uint32_t, std::string>& out) {
  const uint32_t count = reader.read_count(2);
  uint32_t previous = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t index = read_increasing_index(reader, i, previous);
    out.emplace_hint(out.end(), index, std::string(reader.read_name()));
    previous = index;
  }
}

void read_indirect_name_map(ByteReader& reader, std::map<uint32_t, std::map<uint32_t, std::string>>& out) {
  const uint32_t count = reader.read_count(2);
  uint32_t previous = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t index = read_increasing_index(reader, i, previous);
    auto it = out.emplace_hint(out.end(), index, std::map<uint32_t, std::string>{});
    read_name_map(reader, it->second);
    previous = index;
  }
}

}  // namespace

void parse_name_section(ByteReader& reader, NameMap& names) {
  int last_id = -1;
  while (!reader.at_end()) {
    const uint64_t id_at = reader.offset();
    const uint8_t id = reader.read_u8();
    if (static_cast<int>(id) <= last_id) reader.fail_at(id_at, "name subsections out of order");
    last_id = id;
    const uint32_t size = reader.read_u32();
    const uint64_t start = reader.offset();
    ByteReader sub(reader.read_bytes(size), start);
    switch (id) {
      case kModuleNames: names.module_name = std::string(sub.read_name()); break;
      case kFunctionNames: read_name_map(sub, names.functions); break;
      case kLocalNames: read_indirect_name_map(sub, names.locals); break;
      case kGlobalNames: read_name_map(sub, names.globals); break;
      default: sub.skip(sub.remaining()); break;  // labels, types, tables, ...: not used
    }
    if (!sub.at_end()) sub.fail_here("section size mismatch");
  }
}

std::string decode_custom_section(ByteReader& reader, uint32_t size, Module& module, bool& saw_name_section) {
  const uint64_t start = reader.offset();
  std::string name(read_utf8_name(reader));
  // Like the reference, the name is read (and its UTF-8 checked) before
  // anyone asks whether it fits in the section.
  const uint64_t used = reader.offset() - start;
  if (used > size) reader.fail_here("unexpected end");
  const Bytes contents = reader.read_bytes(static_cast<size_t>(size - used));
  // Custom section contents never make a module malformed, so a bad name
  // section is dropped as a whole rather than half applied. Only the first
  // one counts, as the spec allows a single name section.
  if (name == "name" && !saw_name_section) {
    saw_name_section = true;
    ByteReader contents_reader(contents, reader.offset() - contents.size());
    NameMap names;
    try {
      parse_name_section(contents_reader, names);
      module.names = std::move(names);
    } catch (const Failure&) {
      // Left empty: names only ever improve diagnostics.
    }
  }
  return name;
}

}  // namespace kiln::decode_detail
