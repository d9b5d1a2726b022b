// The tag section (exception handling): each tag is an attribute byte and the function type of its payload.
#include "decode_internal.h"

namespace kiln::decode_detail {
namespace {

// The only attribute the binary format defines: the tag is an exception.
constexpr uint8_t kTagAttributeException = 0x00;

}  // namespace

TypeIdx read_tag_type(ByteReader& reader) {
  const uint64_t at = reader.offset();
  if (reader.read_u8() != kTagAttributeException) reader.fail_at(at, "malformed tag attribute");
  return TypeIdx{reader.read_u32()};
}

void decode_tag_section(ByteReader& reader, Module& module) {
  // A tag takes at least two bytes (attribute, type index), so a hostile count
  // reserves no more than half the input's size in entries.
  const uint32_t count = read_vec_count(reader, module.tags, 2);
  for (uint32_t i = 0; i < count; ++i) module.tags.push_back(read_tag_type(reader));
}

}  // namespace kiln::decode_detail
