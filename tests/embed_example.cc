// The embedding example shown in README.md, compiled and run by the tests (the README test checks they match).
// README-EXAMPLE-BEGIN
#include <kiln/base/file_io.h>
#include <kiln/kiln.h>

int preinit_file(const char* in, const char* out) {
  auto wasm = kiln::read_file(in);
  if (!wasm) return 1;
  kiln::Options options;  // init export "wizer-initialize", like Wizer
  auto result = kiln::preinitialize(*wasm, options);
  if (!result) return 1;  // result.error().message says why
  return kiln::write_file_atomic(out, *result).ok() ? 0 : 1;
}
// README-EXAMPLE-END
