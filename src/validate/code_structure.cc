// Malformed-code rules of function bodies, and the decode-only rescan that gives them priority over typing errors.
#include "code_structure.h"

#include <vector>

#include "context.h"
#include "kiln/ir/instr.h"

namespace kiln::validate_detail {

void fail_missing_end(const Module& module, uint32_t defined_index, uint64_t offset) {
  const FunctionBody& body = module.codes[defined_index];
  uint64_t code_section_end = 0;
  for (const Section& section : module.sections)
    if (section.id == SectionId::kCode) code_section_end = section.payload.end();
  if (body.whole.end() < code_section_end) fail(ErrorCode::kMalformed, offset, "END opcode expected");
  if (code_section_end < module.input().size()) fail(ErrorCode::kMalformed, offset, "section size mismatch");
  fail(ErrorCode::kMalformed, offset, "unexpected end of section or function");
}

void fail_after_final_end(uint64_t offset) { fail(ErrorCode::kMalformed, offset, "section size mismatch"); }

// Without a data section, a missing data count section and a count of zero
// say the same thing, and wabt leaves the section out in that case; the
// suite then expects the typing error ("unknown data segment").
uint32_t data_segment_count(const Module& module, uint64_t offset) {
  if (module.data_count) return *module.data_count;
  for (const Section& section : module.sections)
    if (section.id == SectionId::kData) fail(ErrorCode::kMalformed, offset, "data count section required");
  return 0;
}

void scan_bodies_for_malformed(const Module& module) {
  std::vector<uint8_t> open_ifs;  // per open construct: whether it is an `if` still before its `else`
  for (uint32_t i = 0; i < module.codes.size(); ++i) {
    const FunctionBody& body = module.codes[i];
    InstrReader reader(module.slice(body.code), body.code.offset, module);
    open_ifs.assign(1, 0);
    while (!open_ifs.empty()) {
      if (reader.at_end()) fail_missing_end(module, i, reader.offset());
      const Instr& instr = reader.next();
      switch (instr.op) {
        case Opcode::kBlock:
        case Opcode::kLoop:
        case Opcode::kTryTable:
        case Opcode::kTry: open_ifs.push_back(0); break;
        case Opcode::kDelegate: open_ifs.pop_back(); break;
        case Opcode::kIf: open_ifs.push_back(1); break;
        case Opcode::kElse:
          if (!open_ifs.back()) fail(ErrorCode::kMalformed, instr.offset, "END opcode expected");
          open_ifs.back() = 0;
          break;
        case Opcode::kEnd: open_ifs.pop_back(); break;
        case Opcode::kMemoryInit:
        case Opcode::kDataDrop:
        case Opcode::kArrayNewData:
        case Opcode::kArrayInitData: data_segment_count(module, instr.offset); break;
        default: break;
      }
    }
    if (!reader.at_end()) fail_after_final_end(reader.offset());
  }
}

}  // namespace kiln::validate_detail
