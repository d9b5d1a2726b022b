// Prints the interpreter's internal opcode names, one per line in enum order (for tools/profile-handlers).
#include <cstdio>

#include "interp/internal_code.h"

int main() {
  using kiln::interp::IOp;
  for (size_t i = 0; i < static_cast<size_t>(IOp::kCount); ++i) std::printf("%s\n", kiln::interp::op_name(static_cast<IOp>(i)));
}
