// Internal to the validator: constant expressions (global initializers, segment offsets and items).
#pragma once

#include <cstdint>

#include "context.h"

namespace kiln::validate_detail {

// Checks that `expr` is constant and produces exactly one `expected` value.
// Every constant `global.get` must name an immutable global that is imported
// or, in WebAssembly 3.0, defined among the first `globals_before` (a global's
// initializer sees only the globals before it; segments see all of them).
void validate_const_expr(const ModuleContext& context, const ConstExpr& expr, ValType expected,
                         uint32_t globals_before = UINT32_MAX);

// Marks the functions a constant expression names with ref.func as declared.
void collect_const_expr_refs(const Module& module, const ConstExpr& expr, std::vector<uint8_t>& declared);

}  // namespace kiln::validate_detail
