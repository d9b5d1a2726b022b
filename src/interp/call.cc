// The interpreter's entry point: typed arguments into cells, one run of the machine, cells back into typed results.
#include "compile.h"
#include "machine.h"

namespace kiln {
namespace {

CallOutcome trapped(TrapKind kind, std::string detail) {
  CallOutcome outcome;
  outcome.trap.emplace();
  outcome.trap->kind = kind;
  outcome.trap->detail = std::move(detail);
  return outcome;
}

uint64_t cell_bits(const Value& v) {
  return v.type == ValType::kI32 || v.type == ValType::kF32 ? v.bits & 0xFFFF'FFFFu : v.bits;
}

CallOutcome call_host_directly(FuncInstance& func, std::span<const Value> args, ExecStats* stats) {
  if (stats) stats->calls += 1;
  CallOutcome outcome;
  std::vector<Value> results(func.type->results.size());
  for (size_t i = 0; i < results.size(); ++i) results[i].type = func.type->results[i];
  HostContext context{nullptr};
  std::optional<Trap> trap = func.host(context, args, results);
  if (trap) outcome.trap = std::move(trap);
  else outcome.results = std::move(results);
  return outcome;
}

}  // namespace

CallOutcome call_function(FuncInstance& func, std::span<const Value> args, const ExecOptions& options,
                          ExecStats* stats) {
  const FuncType& type = *func.type;
  if (args.size() != type.params.size())
    return trapped(TrapKind::kHostError, "call_function: expected " + std::to_string(type.params.size()) +
                                             " arguments, got " + std::to_string(args.size()));
  if (func.is_host()) return call_host_directly(func, args, stats);

  interp::Machine m(options);
  interp::CompiledFunc* entry = interp::ensure_compiled(m, func);
  if (!entry) return trapped(m.trap->kind, m.trap->detail);
  if (!m.grow_stack(std::max(interp::Machine::kInitialStackCells, size_t{entry->frame_cells}), nullptr))
    return trapped(TrapKind::kCallStackExhausted, "");
  uint64_t* at = m.stack.get();
  for (const Value& v : args) {
    *at++ = cell_bits(v);
    if (v.type == ValType::kV128) *at++ = v.hi;
  }
  // The entry itself is a call: it counts and costs one unit of fuel.
  m.calls = 1;
  m.fuel_left -= 1;

  const bool ok = interp::run(m, entry);
  if (stats) {
    const uint64_t budget = options.fuel > 0 ? options.fuel : ~uint64_t{0};
    stats->fuel_used += budget - m.fuel_left;
    stats->calls += m.calls;
  }
  CallOutcome outcome;
  if (!ok) {
    outcome.trap = std::move(m.trap);
    outcome.backtrace = std::move(m.backtrace);
    return outcome;
  }
  const uint64_t* cell = m.stack.get();
  outcome.results.reserve(type.results.size());
  for (ValType t : type.results) {
    Value v{t, *cell++, 0};
    if (t == ValType::kV128) v.hi = *cell++;
    outcome.results.push_back(v);
  }
  return outcome;
}

}  // namespace kiln
