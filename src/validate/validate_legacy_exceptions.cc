// The legacy exception encoding in function bodies: try with catch / catch_all handlers or delegate, and rethrow.
#include "function_validator.h"

namespace kiln::validate_detail {

// `catch x` and `catch_all` end the previous part of a try (its body or an
// earlier handler) as `else` ends an if's first branch, then start a handler
// whose operands are the tag's payload (none for catch_all). Nothing may
// follow a catch_all but `end`.
void FunctionValidator::check_legacy_catch(const Instr& instr) {
  ControlFrame& frame = frames_.back();
  if (frame.kind != FrameKind::kTry && frame.kind != FrameKind::kCatch)
    fail(ErrorCode::kMalformed, instr.offset, "END opcode expected");
  const FuncType* payload = instr.op == Opcode::kCatch ? &tag_type(instr.offset, instr.index) : nullptr;
  pop_frame_results(instr.offset, frame);
  frame.kind = instr.op == Opcode::kCatch ? FrameKind::kCatch : FrameKind::kCatchAll;
  frame.unreachable = false;
  if (payload) push_types(payload->params.data(), static_cast<uint32_t>(payload->params.size()));
}

// `delegate l` ends a try that has no handlers: its exceptions go to the
// handlers in effect at label l, which counts from outside the try.
void FunctionValidator::check_delegate(const Instr& instr) {
  if (frames_.back().kind != FrameKind::kTry) fail(ErrorCode::kMalformed, instr.offset, "END opcode expected");
  label(instr.offset, instr.index + 1);
  check_end(instr);
}

// `rethrow l` throws again what the handler at label l caught.
void FunctionValidator::check_rethrow(const Instr& instr) {
  const ControlFrame& target = label(instr.offset, instr.index);
  if (target.kind != FrameKind::kCatch && target.kind != FrameKind::kCatchAll)
    fail_invalid(instr.offset, "invalid rethrow label");
  mark_unreachable();
}

}  // namespace kiln::validate_detail
