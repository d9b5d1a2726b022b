// Decoding of the code section: body sizes and local declarations; instructions are left to the validator.
#include "decode_internal.h"
#include "kiln/ir/instr.h"

namespace kiln::decode_detail {
namespace {

constexpr uint64_t kMaxLocals = 0xFFFFFFFFu;

// Fills `body` in place: bodies are the most numerous items of large modules.
void read_body(ByteReader& reader, const Features& features, FunctionBody& body) {
  const uint32_t size = reader.read_u32();
  const uint64_t start = reader.offset();
  ByteReader body_reader(reader.read_bytes(size), start);

  body.whole = {static_cast<size_t>(start), size};
  // Each run is at least a count byte and a type byte.
  const uint32_t runs = read_vec_count(body_reader, body.locals, 2);
  uint64_t total = 0;
  for (uint32_t i = 0; i < runs; ++i) {
    LocalRun run;
    run.count = body_reader.read_u32();
    run.type = read_val_type(body_reader, features);
    total += run.count;
    body.locals.push_back(run);
  }
  // Checked after all runs, as the spec does, so a malformed type in a later
  // run is still reported as such.
  if (total > kMaxLocals) body_reader.fail_at(start, "too many locals");
  body.local_count = total;
  body.code = {static_cast<size_t>(body_reader.offset()), body_reader.remaining()};
}

}  // namespace

void decode_code_section(ByteReader& reader, Module& module) {
  const uint64_t count_at = reader.offset();
  // The shortest body (size, no locals, no code) takes two bytes.
  const uint32_t count = read_vec_count(reader, module.codes, 2);
  if (count != module.func_types.size() - module.imported_funcs)
    reader.fail_at(count_at, "function and code section have inconsistent lengths");
  for (uint32_t i = 0; i < count; ++i) read_body(reader, module.features, module.codes.emplace_back());
}

}  // namespace kiln::decode_detail
