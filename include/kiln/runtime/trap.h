// Traps: what stopped execution, where, and its spec-suite message.
#pragma once

#include <cstdint>
#include <string>

namespace kiln {

enum class TrapKind : uint8_t {
  kUnreachable,
  kIntegerDivideByZero,
  kIntegerOverflow,
  kInvalidConversion,
  kOutOfBoundsMemory,
  kOutOfBoundsTable,
  kIndirectCallTypeMismatch,
  kUninitializedElement,  // call_indirect through a null entry
  kUndefinedElement,      // call_indirect index past the table's end
  kCallStackExhausted,
  kOutOfFuel,
  kNullReference,
  kUnresolvedImport,      // a call to an import nobody provided
  kHostError,             // a host function failed; details in Trap::detail
  kExit,                  // a host function asked to stop the program (proc_exit)
  kUncaughtException,     // an exception left the called function; Trap::detail names its tag
  kNullExceptionReference,  // throw_ref of a null exnref
  kNullFunctionReference,   // call_ref / return_call_ref of a null reference
  kNullI31Reference,        // i31.get_s / i31.get_u of null
  kNullStructReference,     // struct.get / struct.set of null
  kNullArrayReference,      // array.get, array.set, array.len, ... of null
  kOutOfBoundsArray,        // an array index or range past the array's end
  kCastFailure,             // ref.cast of a reference that is not of the type
  kArrayTooLarge,           // array.new* asking for more than the GC heap may hold
};

// The message the spec suite expects ("integer divide by zero", ...).
const char* trap_message(TrapKind kind);

// Small and allocation-free on the hot path; `detail` is only filled by host
// functions, unresolved imports and uncaught exceptions.
struct Trap {
  TrapKind kind = TrapKind::kUnreachable;
  uint32_t func = 0;          // function index in its module (defined functions only)
  uint64_t code_offset = 0;   // byte offset in the module of the trapping instruction
  int32_t exit_code = 0;      // kExit
  std::string detail;
};

}  // namespace kiln
