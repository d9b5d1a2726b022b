// Whether any instruction in a module's code names a data segment by index (memory.init, data.drop).
#include "rewrite_sections.h"

#include "kiln/base/failure.h"
#include "kiln/ir/instr.h"

namespace kiln::rewrite {

bool code_names_data_segments(const Module& module) {
  // The binary format lets memory.init and data.drop appear only in a module
  // with a data count section, so without one no body needs to be read.
  if (!module.data_count) return false;
  // Every body, not only the functions init ran: any of them may run later.
  // Decoding by opcode table rather than matching bytes: an immediate or a
  // constant can hold the bytes FC 08 without being memory.init.
  auto scan = [&] {
    for (const FunctionBody& body : module.codes) {
      InstrReader reader(module.slice(body.code), body.code.offset, module.features);
      while (!reader.at_end()) {
        const Imm imm = opcode_info(reader.next().op).imm;
        if (imm == Imm::kData || imm == Imm::kDataMemory) return true;
      }
    }
    return false;
  };
  auto found = capture_failure(scan);
  // The module was validated, so the reader cannot fail; were it to, keeping
  // the segments is the answer that is correct either way.
  return !found || *found;
}

}  // namespace kiln::rewrite
