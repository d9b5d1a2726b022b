// Internal to the validator: the rules outside function bodies, shared by full and derived-module validation.
#pragma once

#include "context.h"

namespace kiln::validate_detail {

// C.refs: a function may be named by ref.func in a body only if the module
// mentions it elsewhere first (an export, a global's initializer, an element
// segment), so engines know up front which functions escape as references.
// Fills context.declared_funcs.
void collect_declared_funcs(ModuleContext& context);

// Every rule outside function bodies: imports and definitions, globals,
// exports, start, element and data segments. Fills context.declared_funcs.
void check_module_level(ModuleContext& context);

}  // namespace kiln::validate_detail
