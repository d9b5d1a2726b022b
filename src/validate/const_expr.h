// Internal to the validator: constant expressions (global initializers, segment offsets and items).
#pragma once

#include <cstdint>

#include "context.h"

namespace kiln::validate_detail {

// Checks that `expr` is constant and produces exactly one `expected` value.
// Every constant `global.get` must name an immutable global below
// `visible_globals` (see visible_globals()).
void validate_const_expr(const ModuleContext& context, const ConstExpr& expr, ValType expected,
                         size_t visible_globals);

// The globals a constant expression may read: the imported ones, and with
// typed function references also the defined ones before `defined_global`
// (every defined one for segments and tables, which come after them all).
size_t visible_globals(const Module& module, size_t defined_global);

// Marks the functions a constant expression names with ref.func as declared.
void collect_const_expr_refs(const Module& module, const ConstExpr& expr, std::vector<uint8_t>& declared);

}  // namespace kiln::validate_detail
