// Internal to the validator: constant expressions (global initializers, segment offsets and items).
#pragma once

#include "context.h"

namespace kiln::validate_detail {

// Checks that `expr` is constant and produces exactly one `expected` value.
// Every constant `global.get` must name an immutable imported global.
void validate_const_expr(const ModuleContext& context, const ConstExpr& expr, ValType expected);

// Marks the functions a constant expression names with ref.func as declared.
void collect_const_expr_refs(const Module& module, const ConstExpr& expr, std::vector<uint8_t>& declared);

}  // namespace kiln::validate_detail
