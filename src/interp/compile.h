// Lowering of function bodies to the interpreter's internal code, done on a function's first call as the body is typed.
#pragma once

#include "internal_code.h"
#include "kiln/base/result.h"

namespace kiln::interp {

// Lowers the defined function `func` for its instance and stores the result
// in `func.compiled` (owned there through `destroy_compiled`). `handlers`
// maps internal opcodes to handler addresses for direct threading; null
// stores the opcode numbers instead (switch dispatch). The body is typed by
// the instance's type_body as it is lowered: an invalid one is refused with
// the validator's error.
Result<CompiledFunc*> lower_function(FuncInstance& func, const void* const* handlers);

}  // namespace kiln::interp
