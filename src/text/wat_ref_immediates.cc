// Immediates of the GC instructions: type and field indices, a second type, count or segment, casts, br_on_cast.
#include "wat_parser.h"

namespace kiln::text::detail {

namespace {

void write_bytes(ByteWriter& out, std::string_view bytes) {
  for (const char b : bytes) out.write_u8(static_cast<uint8_t>(b));
}

// The heap type of a reference type's encoding: a shorthand is its own heap
// type; "(ref null? ht)" drops its 0x63/0x64 prefix.
std::string_view heap_of(std::string_view ref_type) { return ref_type.size() == 1 ? ref_type : ref_type.substr(1); }

}  // namespace

void ModuleBuilder::gc_immediates(Cursor& c, FuncContext& f, std::span<const TextOp> ops, ByteWriter& out) {
  const TextOp& op = ops[0];
  switch (op.imm) {
    case Imm::kTypeField: {
      const uint32_t type = index(c, Space::kType);
      const uint32_t field = field_index(c, type);
      write_op(op, out);
      out.write_uleb(type);
      out.write_uleb(field);
      return;
    }
    case Imm::kTypeType:
    case Imm::kTypeU32:
    case Imm::kTypeData:
    case Imm::kTypeElem: {
      const uint32_t type = index(c, Space::kType);
      uint32_t second = 0;
      if (op.imm == Imm::kTypeType) second = index(c, Space::kType);
      if (op.imm == Imm::kTypeU32) second = c.u32();
      if (op.imm == Imm::kTypeData) {
        second = index(c, Space::kData);
        uses_data_count_ = true;
      }
      if (op.imm == Imm::kTypeElem) second = index(c, Space::kElem);
      write_op(op, out);
      out.write_uleb(type);
      out.write_uleb(second);
      return;
    }
    case Imm::kCastRef:
    case Imm::kCastRefNull: {
      bool nullable = false;
      const std::string type = ref_type(c, &nullable);
      const TextOp* chosen = &op;
      for (const TextOp& o : ops) {
        if ((o.imm == Imm::kCastRefNull) == nullable) chosen = &o;
      }
      write_op(*chosen, out);
      write_bytes(out, heap_of(type));
      return;
    }
    case Imm::kBrOnCast: {
      const uint32_t l = label(c, f);
      bool null1 = false, null2 = false;
      const std::string t1 = ref_type(c, &null1);
      const std::string t2 = ref_type(c, &null2);
      write_op(op, out);
      out.write_u8(static_cast<uint8_t>((null1 ? 1 : 0) | (null2 ? 2 : 0)));
      out.write_uleb(l);
      write_bytes(out, heap_of(t1));
      write_bytes(out, heap_of(t2));
      return;
    }
    default: break;
  }
}

}  // namespace kiln::text::detail
