// Differential fuzzing transcript: value and trap spellings shared with tools/difffuzz-v8.mjs.
#include "transcript.h"

#include <bit>
#include <cinttypes>
#include <cstdio>

namespace kiln::difffuzz {

void emit(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
}

std::string value_text(const Value& value) {
  char text[64];
  switch (value.type.code) {
    case TypeCode::kI32:
      std::snprintf(text, sizeof text, "i32:%" PRId32, static_cast<int32_t>(static_cast<uint32_t>(value.bits)));
      return text;
    case TypeCode::kI64:
      std::snprintf(text, sizeof text, "i64:%" PRId64, static_cast<int64_t>(value.bits));
      return text;
    case TypeCode::kF32:
      std::snprintf(text, sizeof text, "f32:0x%08" PRIx32, static_cast<uint32_t>(value.bits));
      return text;
    case TypeCode::kF64:
      std::snprintf(text, sizeof text, "f64:0x%016" PRIx64, value.bits);
      return text;
    case TypeCode::kV128:
      std::snprintf(text, sizeof text, "v128:0x%016" PRIx64 "%016" PRIx64, value.hi, value.bits);
      return text;
    case TypeCode::kExternRef: return value.bits == kNullRef ? "externref:null" : "externref:nonnull";
    case TypeCode::kExnRef: return value.bits == kNullRef ? "exnref:null" : "exnref:nonnull";
    case TypeCode::kAnyRef: return value.bits == kNullRef ? "anyref:null" : "anyref:nonnull";
    case TypeCode::kI8:
    case TypeCode::kI16: break;
    case TypeCode::kFuncRef: {
      if (value.bits == kNullRef) return "funcref:null";
      const FuncInstance* func = ref_func(value.bits);
      // V8 names an exported Wasm function by its index in the module; a
      // reference to an import is the host's own function there.
      if (func->is_host()) return "funcref:import";
      return "funcref:#" + std::to_string(func->index);
    }
  }
  return "?";
}

const char* trap_class(const Trap& trap) {
  switch (trap.kind) {
    case TrapKind::kUnreachable: return "unreachable";
    case TrapKind::kIntegerDivideByZero: return "div0";
    case TrapKind::kIntegerOverflow: return "overflow";
    case TrapKind::kInvalidConversion: return "conversion";
    case TrapKind::kOutOfBoundsMemory: return "memory";
    // V8 says "table index is out of bounds" both for table.get/set/init/copy
    // and for call_indirect past the end.
    case TrapKind::kOutOfBoundsTable:
    case TrapKind::kUndefinedElement: return "table";
    // ... and "null function or function signature mismatch" for both of these.
    case TrapKind::kIndirectCallTypeMismatch:
    case TrapKind::kUninitializedElement: return "indirect";
    case TrapKind::kCallStackExhausted: return "stack";
    case TrapKind::kOutOfFuel: return "fuel";
    case TrapKind::kNullReference: return "null";
    case TrapKind::kUnresolvedImport: return "import";
    case TrapKind::kHostError: return "host";
    case TrapKind::kExit: return "exit";
    case TrapKind::kUncaughtException: return "exception";
    case TrapKind::kNullExceptionReference: return "null";
    case TrapKind::kNullFunctionReference: return "null";
    case TrapKind::kNullI31Reference:
    case TrapKind::kNullStructReference:
    case TrapKind::kNullArrayReference: return "null";
    case TrapKind::kOutOfBoundsArray: return "array";
    case TrapKind::kCastFailure: return "cast";
    case TrapKind::kArrayTooLarge: return "allocation";
  }
  return "unknown";
}

bool is_limit_class(const std::string& trap_class) { return trap_class == "stack" || trap_class == "fuel"; }

std::string refine_class(std::string trap_class, std::span<const uint8_t> module_bytes, uint64_t offset) {
  constexpr uint8_t kFirstTrunc = 0xA8, kLastTrunc = 0xB1;  // i32.trunc_f32_s .. i64.trunc_f64_u
  if (trap_class == "overflow" && offset < module_bytes.size() && module_bytes[offset] >= kFirstTrunc &&
      module_bytes[offset] <= kLastTrunc)
    return "conversion";
  return trap_class;
}

std::string outcome_class(const CallOutcome& outcome) {
  std::string cls = trap_class(*outcome.trap);
  if (outcome.backtrace.empty()) return cls;
  const CallOutcome::Frame& top = outcome.backtrace.front();
  if (!top.func || top.func->is_host()) return cls;
  return refine_class(cls, top.func->instance->module->bytes, top.code_offset);
}

std::string trap_class_from_message(const std::string& message, std::span<const uint8_t> module_bytes) {
  static constexpr TrapKind kKinds[] = {
      TrapKind::kUnreachable,       TrapKind::kIntegerDivideByZero,      TrapKind::kIntegerOverflow,
      TrapKind::kInvalidConversion, TrapKind::kOutOfBoundsMemory,        TrapKind::kOutOfBoundsTable,
      TrapKind::kUndefinedElement,  TrapKind::kIndirectCallTypeMismatch, TrapKind::kUninitializedElement,
      TrapKind::kCallStackExhausted, TrapKind::kOutOfFuel,               TrapKind::kNullReference,
      TrapKind::kHostError,         TrapKind::kExit};
  // The preinit wording for an unprovided import does not reuse the trap text.
  if (message.find("which nothing provides") != std::string::npos) return "import";
  if (message.find("out of fuel") != std::string::npos) return "fuel";
  for (TrapKind kind : kKinds) {
    if (message.find(trap_message(kind)) == std::string::npos) continue;
    const std::string cls = trap_class(Trap{kind, 0, 0, 0, {}});
    const size_t at = message.find(" at 0x");
    const size_t line_end = message.find('\n');
    if (at == std::string::npos || at > line_end) return cls;
    return refine_class(cls, module_bytes, std::stoull(message.substr(at + 6), nullptr, 16));
  }
  return "";
}

uint32_t fnv1a(const uint8_t* data, uint64_t size) {
  uint32_t hash = 0x811c9dc5u;
  for (uint64_t i = 0; i < size; ++i) hash = (hash ^ data[i]) * 0x01000193u;
  return hash;
}

std::vector<Value> call_args(const std::vector<ValType>& params, int round) {
  std::vector<Value> args;
  for (size_t i = 0; i < params.size(); ++i) {
    const bool even = i % 2 == 0;
    Value v;
    v.type = params[i];
    if (round != 0) {
      switch (params[i].code) {
        case TypeCode::kI32: v.bits = even ? 1u : 0xffffffffu; break;
        case TypeCode::kI64: v.bits = even ? 1u : ~uint64_t{0}; break;
        case TypeCode::kF32: v.bits = std::bit_cast<uint32_t>(even ? 1.5f : -0.0f); break;
        case TypeCode::kF64: v.bits = std::bit_cast<uint64_t>(even ? -2.5 : 1e300); break;
        default: break;  // references stay null, v128 is never called
      }
    }
    args.push_back(v);
  }
  return args;
}

}  // namespace kiln::difffuzz
