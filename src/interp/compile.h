// Lowering of validated function bodies to the interpreter's internal code, done on a function's first call.
#pragma once

#include "internal_code.h"
#include "kiln/base/result.h"

namespace kiln::interp {

// Lowers the defined function `func` for its instance and stores the result
// in `func.compiled` (owned there through `destroy_compiled`). `handlers`
// maps internal opcodes to handler addresses for direct threading; null
// stores the opcode numbers instead (switch dispatch). The body must have
// passed validation: the lowering trusts its typing.
Result<CompiledFunc*> lower_function(FuncInstance& func, const void* const* handlers);

}  // namespace kiln::interp
