// BodyTyper: a module context built once (the facts every body is checked against) and one FunctionValidator.
#include "kiln/validate/body_typer.h"

#include <string>

#include "context.h"
#include "function_validator.h"
#include "module_rules.h"

namespace kiln {

struct BodyTyper::State {
  validate_detail::ModuleContext context;
  validate_detail::FunctionValidator validator;
  FuncInfo scratch;

  explicit State(const Module& module) : context(module), validator(context) {
    validate_detail::collect_declared_funcs(context);
  }
};

BodyTyper::BodyTyper(const Module& module) : state_(std::make_unique<State>(module)) {}

BodyTyper::~BodyTyper() = default;

Status BodyTyper::type_body(uint32_t defined_index, BodyObserver& observer) {
  if (defined_index >= state_->context.module.codes.size())
    return Error{ErrorCode::kUsage, kNoOffset, "type_body: no defined function " + std::to_string(defined_index)};
  return capture_failure([&] { state_->validator.validate(defined_index, state_->scratch, &observer); });
}

}  // namespace kiln
