// libFuzzer target: arbitrary text through kiln's .wast script reader and text-module assembler.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiln/spectest/script.h"
#include "kiln/text/wat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)kiln::text::wat_to_binary(text);
  auto script = kiln::spectest::parse_wast_script(text, "fuzz.wast");
  if (script.ok()) {
    for (const auto& cmd : script->commands) {
      if (!cmd.module_text.empty()) (void)kiln::text::wat_to_binary(cmd.module_text);
    }
  }
  return 0;
}
