#include "internal_code.h"

namespace kiln::interp {
namespace {

// Spelled as the handlers and the enum are (h_I32Add, IOp::kI32Add), in the enum's order.
constexpr const char* kOpNames[] = {
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) KILN_IMM_NONE_##imm(#ident KILN_PP_COMMA, )
#include "kiln/ir/opcodes.def"
#undef KILN_OP
#define KILN_EXTRA(name) #name,
    KILN_INTERP_EXTRA_OPS(KILN_EXTRA)
#undef KILN_EXTRA
#define X(name) #name,
        KILN_INTERP_FUSED_OPS KILN_INTERP_PEEPHOLE_OPS
#undef X
};
static_assert(std::size(kOpNames) == static_cast<size_t>(IOp::kCount));

}  // namespace

const char* op_name(IOp op) {
  const auto index = static_cast<size_t>(op);
  return index < std::size(kOpNames) ? kOpNames[index] : "invalid";
}

}  // namespace kiln::interp
