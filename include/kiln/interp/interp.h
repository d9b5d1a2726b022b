// The interpreter's public surface: instantiate a validated module and call functions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/func_info.h"
#include "kiln/ir/module.h"
#include "kiln/runtime/linker.h"
#include "kiln/runtime/store.h"

namespace kiln {

struct ExecOptions {
  uint64_t fuel = 0;                 // instructions counted on calls and loop back-edges; 0 = unlimited
  uint32_t max_call_depth = 20'000;  // frames; deeper recursion traps "call stack exhausted"
};

struct ExecStats {
  uint64_t fuel_used = 0;
  uint64_t calls = 0;  // function entries, host calls included
};

// The result of calling a function: results, or the trap that stopped it
// together with the active frames (innermost first) for a backtrace.
struct CallOutcome {
  std::vector<Value> results;
  std::optional<Trap> trap;
  struct Frame {
    const FuncInstance* func;
    uint64_t code_offset;  // byte offset in the module of the current instruction
  };
  std::vector<Frame> backtrace;
};

// Runs `func` with `args` (types must match its parameters). Never throws;
// a native stack is never used for guest recursion.
CallOutcome call_function(FuncInstance& func, std::span<const Value> args, const ExecOptions& options = {},
                          ExecStats* stats = nullptr);

// "integer divide by zero in func $parse (#12) at 0x1a2b", then one line per frame.
std::string describe_trap(const Trap& trap, const std::vector<CallOutcome::Frame>& backtrace);

struct InstantiateOptions {
  // kiln run and pre-initialization instantiate modules whose imports nobody
  // provides: such functions become stubs that trap when called, naming the import.
  bool stub_missing_func_imports = false;
  bool run_start = true;
  uint64_t max_memory_bytes = ~uint64_t{0};  // cap on each memory's size (kiln's --max-memory)
  ExecOptions exec;
  // Types a defined function's body with the lowerer following the walk
  // (BodyObserver), when it is first lowered; for a module whose bodies are
  // still being validated (BodyValidation::check_body). An error refuses to
  // lower it, so the call traps instead of running an unchecked body. Unset:
  // the module was validated whole, and a BodyTyper of the instance's own
  // types each body as it is lowered.
  TypeBody type_body;
};

// Links imports, creates the module's objects, applies active segments in
// spec order, runs the start function. Link errors are ErrorCode::kUnlinkable
// ("unknown import", "incompatible import type"); a trap while initializing is
// ErrorCode::kTrap with the spec's trap message first (the instance's effects
// on shared imports remain, as the spec requires).
Result<Instance*> instantiate(Store& store, std::shared_ptr<const Module> module,
                              std::shared_ptr<const ModuleInfo> info, const Linker& linker,
                              const InstantiateOptions& options = {});

// Evaluates a validated constant expression in the context of a partly built
// instance (globals and functions defined so far).
Value eval_const_expr(const Module& module, const ConstExpr& expr, ValType type, const Instance& instance);

}  // namespace kiln
