// libFuzzer target: arbitrary bytes through decode_module and, when they decode, validate_module.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/validate/validate.h"

namespace {

// Feature flags change how limits, memargs and opcodes decode, so every
// input is tried both with the defaults and with everything on.
void decode_and_validate(const uint8_t* data, size_t size, const kiln::Features& features) {
  kiln::Result<kiln::Module> module = kiln::decode_module(std::vector<uint8_t>(data, data + size), features);
  if (module.ok()) (void)kiln::validate_module(*module);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  decode_and_validate(data, size, kiln::Features{});
  decode_and_validate(data, size, kiln::Features::all());
  return 0;
}
