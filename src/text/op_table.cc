// Name -> encoding lookup built from opcodes.def, plus the list of the format's other keywords.
#include "op_table.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "kiln/text/numbers.h"

namespace kiln::text::detail {

namespace {

using OpMap = std::unordered_map<std::string_view, std::vector<TextOp>>;

OpMap build_ops() {
  OpMap ops;
#define KILN_OP(ident, prefix, code, text, imm, params, results, feature) \
  ops[text].push_back(TextOp{prefix, code, Imm::imm});
#include "kiln/ir/opcodes.def"
#undef KILN_OP
  return ops;
}

const OpMap& op_map() {
  static const OpMap kOps = build_ops();
  return kOps;
}

// Keywords that are not instruction names: module structure, types, script commands.
constexpr std::string_view kKeywords[] = {
    "module", "binary", "quote", "definition", "instance", "type", "rec", "sub", "final", "func", "struct",
    "array", "field", "mut", "param", "result", "local", "import", "export", "table", "memory", "global", "tag",
    "elem", "data", "start", "offset", "item", "declare", "then", "do", "catch_ref", "catch_all_ref", "i8",
    "i16", "i32", "i64", "f32", "f64", "v128", "funcref", "externref", "anyref", "eqref", "i31ref", "structref",
    "arrayref", "exnref", "nullref", "nullfuncref", "nullexternref", "nullexnref", "ref", "null", "any", "eq",
    "i31", "extern", "exn", "none", "nofunc", "noextern", "noexn", "shared", "i8x16", "i16x8", "i32x4", "i64x2",
    "f32x4", "f64x2", "register", "invoke", "get", "assert_return", "assert_trap", "assert_exhaustion",
    "assert_invalid", "assert_malformed", "assert_unlinkable", "assert_uninstantiable", "assert_exception",
    "either", "nan:canonical", "nan:arithmetic", "ref.extern", "ref.host", "ref.struct", "ref.array", "ref.any",
    "ref.exn", "input", "output", "script", "pagesize",
};

}  // namespace

std::span<const TextOp> find_ops(std::string_view name) {
  const OpMap& ops = op_map();
  const auto it = ops.find(name);
  if (it == ops.end()) return {};
  return it->second;
}

bool is_known_keyword(std::string_view word) {
  if (!find_ops(word).empty()) return true;
  for (const std::string_view k : kKeywords) {
    if (k == word) return true;
  }
  if (word.starts_with("offset=") || word.starts_with("align=")) return true;
  return literal_shape(word) == LiteralShape::kFloat;  // inf, nan, nan:0x...
}

}  // namespace kiln::text::detail
