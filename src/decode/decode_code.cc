// The code section: body sizes and locals, and the instruction replay that orders errors after a decoding failure.
#include <utility>

#include "decode_internal.h"
#include "kiln/base/failure.h"

namespace kiln::decode_detail {
namespace {

constexpr uint64_t kMaxLocals = 0xFFFFFFFFu;

// The reference decodes a body's instructions in the same stream as
// everything else and compares the body size only afterwards, so the
// instructions' own errors come first even when they run past the body.
[[noreturn]] void fail_body_size(Bytes rest, uint64_t rest_offset, uint64_t body_start, const Features& features) {
  InstrReader instrs(rest, rest_offset, features);
  read_instr_sequence(instrs);
  fail(ErrorCode::kMalformed, body_start, "section size mismatch");
}

FunctionBody read_body(ByteReader& reader, const Module& module) {
  const Features& features = module.features;
  FunctionBody body;
  const uint32_t size = read_length(reader);
  const uint64_t start = reader.offset();
  const uint64_t end = start + size;
  body.whole = {static_cast<size_t>(start), size};
  // Each run is at least a count byte and a type byte.
  const uint32_t runs = read_vec_count(reader, body.locals, 2);
  uint64_t total = 0;
  for (uint32_t i = 0; i < runs; ++i) {
    LocalRun run;
    run.count = reader.read_u32();
    run.type = read_val_type(reader, features, &module.type_defs);
    total += run.count;
    body.locals.push_back(run);
  }
  // Checked after all runs, as the spec does, so a malformed type in a later
  // run is still reported as such.
  if (total > kMaxLocals) reader.fail_at(start, "too many locals");
  body.local_count = total;
  // The locals ran past the body, or the body past the input (a size may
  // overrun the input by its own encoded length): either way the body is
  // malformed, and its instructions say first how.
  if (reader.offset() > end || end - reader.offset() > reader.remaining())
    fail_body_size(reader.rest(), reader.offset(), start, features);
  const size_t code_size = static_cast<size_t>(end - reader.offset());
  body.code = {static_cast<size_t>(reader.offset()), code_size};
  reader.skip(code_size);
  return body;
}

}  // namespace

void decode_code_section(ByteReader& reader, Module& module) {
  // The shortest body (size, no locals, no code) takes two bytes. The count
  // is compared with the function section only once the whole module is
  // read, as the reference does.
  const uint32_t count = read_vec_count(reader, module.codes, 2);
  // Only whole bodies are kept, so that check_bodies_in_stream can trust them.
  for (uint32_t i = 0; i < count; ++i) module.codes.push_back(read_body(reader, module));
}

void check_bodies_in_stream(const Module& module) {
  const Bytes input = module.input();
  for (const FunctionBody& body : module.codes) {
    InstrReader instrs(input.subspan(body.code.offset), body.code.offset, module.features);
    read_instr_sequence(instrs);
    if (instrs.offset() != body.whole.end()) fail(ErrorCode::kMalformed, body.whole.offset, "section size mismatch");
  }
}

}  // namespace kiln::decode_detail
