// Trap messages in the spec suite's wording, and the readable description with a backtrace.
#include <cinttypes>
#include <cstdio>

#include "kiln/interp/interp.h"

namespace kiln {

const char* trap_message(TrapKind kind) {
  switch (kind) {
    case TrapKind::kUnreachable: return "unreachable";
    case TrapKind::kIntegerDivideByZero: return "integer divide by zero";
    case TrapKind::kIntegerOverflow: return "integer overflow";
    case TrapKind::kInvalidConversion: return "invalid conversion to integer";
    case TrapKind::kOutOfBoundsMemory: return "out of bounds memory access";
    case TrapKind::kOutOfBoundsTable: return "out of bounds table access";
    case TrapKind::kIndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::kUninitializedElement: return "uninitialized element";
    case TrapKind::kUndefinedElement: return "undefined element";
    case TrapKind::kCallStackExhausted: return "call stack exhausted";
    case TrapKind::kOutOfFuel: return "all fuel consumed";
    case TrapKind::kNullReference: return "null reference";
    case TrapKind::kNullI31Reference: return "null i31 reference";
    case TrapKind::kNullStructReference: return "null structure reference";
    case TrapKind::kNullArrayReference: return "null array reference";
    case TrapKind::kOutOfBoundsArray: return "out of bounds array access";
    case TrapKind::kCastFailure: return "cast failure";
    case TrapKind::kArrayTooLarge: return "allocation too large";
    case TrapKind::kUnresolvedImport: return "call to an unresolved import";
    case TrapKind::kHostError: return "host function failed";
    case TrapKind::kExit: return "exit";
    case TrapKind::kUncaughtException: return "uncaught exception";
    case TrapKind::kNullExceptionReference: return "null exception reference";
    case TrapKind::kNullFunctionReference: return "null function reference";
  }
  return "unknown trap";
}

namespace {

// "$name (#12)" when the name section names the function, else "#12".
std::string func_label(const FuncInstance* func) {
  if (!func) return "?";
  if (func->is_host()) return func->host_name.empty() ? "host function" : "host " + func->host_name;
  const Module& module = *func->instance->module;
  std::string label = "#" + std::to_string(func->index);
  const auto it = module.names.functions.find(func->index);
  if (it != module.names.functions.end()) label = "$" + it->second + " (" + label + ")";
  return label;
}

std::string hex(uint64_t value) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%" PRIx64, value);
  return buffer;
}

}  // namespace

std::string describe_trap(const Trap& trap, const std::vector<CallOutcome::Frame>& backtrace) {
  std::string text = trap_message(trap.kind);
  if (trap.kind == TrapKind::kExit) text += " with code " + std::to_string(trap.exit_code);
  const bool element = trap.kind == TrapKind::kUndefinedElement || trap.kind == TrapKind::kUninitializedElement;
  if (!trap.detail.empty()) text += (element ? " " : ": ") + trap.detail;
  if (backtrace.empty()) return text;
  text += " in func " + func_label(backtrace.front().func) + " at " + hex(backtrace.front().code_offset);
  for (size_t i = 1; i < backtrace.size(); ++i) {
    // Deep recursion would print thousands of identical lines; the ends tell the story.
    if (backtrace.size() > 24 && i == 12) {
      text += "\n  ... " + std::to_string(backtrace.size() - 22) + " more frames";
      i = backtrace.size() - 11;
    }
    text += "\n  called from func " + func_label(backtrace[i].func) + " at " + hex(backtrace[i].code_offset);
  }
  return text;
}

}  // namespace kiln
