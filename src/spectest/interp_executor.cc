// The spec harness's Executor on kiln's interpreter: one Store per script, modules by name, values both ways.
#include "kiln/spectest/interp_executor.h"

#include <exception>
#include <memory>
#include <new>
#include <utility>

#include "kiln/base/failure.h"
#include "kiln/runtime/gc.h"

namespace kiln::spectest {

namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

uint64_t scalar_mask(ValType type) {
  return type == ValType::kI32 || type == ValType::kF32 ? 0xFFFF'FFFFu : ~uint64_t{0};
}

// A trap becomes the runner's error: the spec's message comes first in
// describe_trap, so the runner's prefix match sees it; running out of call
// depth or fuel is exhaustion, not a trap.
Error call_error(const CallOutcome& outcome) {
  const TrapKind kind = outcome.trap->kind;
  const bool exhausted = kind == TrapKind::kCallStackExhausted || kind == TrapKind::kOutOfFuel;
  return Error{exhausted ? ErrorCode::kExhausted : ErrorCode::kTrap, outcome.trap->code_offset,
               describe_trap(*outcome.trap, outcome.backtrace)};
}

ExecOptions spec_exec_options() {
  ExecOptions options;
  options.max_call_depth = kSpecCallDepth;
  options.fuel = kSpecFuel;
  return options;
}

// A reference of the any hierarchy as a script names it: an i31, a struct, an
// array, or a host value converted into any (ref.host N).
void classify_any(Ref ref, SpecValue& out) {
  out.is_null = ref == kNullRef;
  if (out.is_null) return;
  if (is_i31(ref)) {
    out.ref_kind = RefKind::kI31;
  } else if (is_gc_object(ref)) {
    out.ref_kind = ref_gc(ref)->type->kind == TypeDef::Kind::kArray ? RefKind::kArray : RefKind::kStruct;
  } else {
    out.ref_kind = RefKind::kHost;
    out.set_bits(ref_extern(convert_ref(ref)));
  }
}

}  // namespace

Result<Value> to_value(const SpecValue& value) {
  Value out;
  out.type = value.type;
  switch (value.type.code) {
    case TypeCode::kI32:
    case TypeCode::kI64:
    case TypeCode::kF32:
    case TypeCode::kF64: out.bits = value.bits() & scalar_mask(value.type); break;
    case TypeCode::kV128: {
      V128 v;
      std::copy(value.bytes.begin(), value.bytes.end(), v.bytes);
      out.bits = v.lo();
      out.hi = v.hi();
      break;
    }
    case TypeCode::kFuncRef:
      if (!value.is_null)
        return Error{ErrorCode::kUnsupported, kNoOffset, "a script cannot pass a non-null funcref argument"};
      out.bits = kNullRef;
      break;
    case TypeCode::kExternRef: out.bits = value.is_null ? kNullRef : extern_ref(value.bits()); break;
    case TypeCode::kExnRef:
      if (!value.is_null)
        return Error{ErrorCode::kUnsupported, kNoOffset, "a script cannot pass a non-null exnref argument"};
      out.bits = kNullRef;
      break;
    case TypeCode::kAnyRef:  // only a host value, seen from the any hierarchy, can come from a script
      out.bits = value.is_null ? kNullRef : convert_ref(extern_ref(value.bits()));
      break;
    case TypeCode::kI8:
    case TypeCode::kI16:
      return Error{ErrorCode::kUnsupported, kNoOffset, "a packed type is no value type"};
  }
  return out;
}

SpecValue from_value(const Value& value) {
  SpecValue out;
  out.type = value.type;
  switch (value.type.code) {
    case TypeCode::kI32:
    case TypeCode::kI64:
    case TypeCode::kF32:
    case TypeCode::kF64: out.set_bits(value.bits & scalar_mask(value.type)); break;
    case TypeCode::kV128: {
      // The lane shape only affects how a mismatch is printed: the runner
      // compares bytes, and reads float lanes in the expected shape.
      out.lane_type = LaneType::kI32;
      const V128 v = value.as_v128();
      std::copy(std::begin(v.bytes), std::end(v.bytes), out.bytes.begin());
      break;
    }
    case TypeCode::kFuncRef:
      // A function reference has no number a script could compare; any
      // non-null one matches. Keep the cell zero so printing stays stable.
      out.is_null = value.bits == kNullRef;
      break;
    case TypeCode::kExternRef:
      out.is_null = value.bits == kNullRef;
      if (!out.is_null) out.set_bits(ref_extern(value.bits));
      break;
    case TypeCode::kExnRef:
      // Like a funcref: nothing a script could compare beyond null or not.
      out.is_null = value.bits == kNullRef;
      break;
    case TypeCode::kAnyRef: classify_any(value.bits, out); break;
    case TypeCode::kI8:
    case TypeCode::kI16:
      out.is_null = value.bits == kNullRef;
      break;
  }
  return out;
}

InterpExecutor::InterpExecutor() : InterpExecutor(spec_exec_options()) {}

InterpExecutor::InterpExecutor(const ExecOptions& options) : exec_(options) {
  host_status_ = define_spectest_module(store_, linker_);
}

Status InterpExecutor::instantiate(Module module, ModuleInfo info, std::string_view name) {
  if (!host_status_.ok()) return host_status_.error();
  InstantiateOptions options;
  options.exec = exec_;
  Result<Instance*> instance = Error{};
  // The runner does not guard instantiation; an internal exception (or a
  // Failure escaping a stage) must fail this command, not the whole suite.
  try {
    instance = kiln::instantiate(store_, std::make_shared<const Module>(std::move(module)),
                                 std::make_shared<const ModuleInfo>(std::move(info)), linker_, options);
  } catch (Failure& failure) {
    return std::move(failure.error);
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::kExhausted, kNoOffset, "out of memory while instantiating"};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kUnsupported, kNoOffset, std::string("internal error: ") + e.what()};
  }
  if (!instance.ok()) return std::move(instance).error();
  current_ = *instance;
  if (!name.empty()) named_[std::string(name)] = current_;
  return {};
}

Status InterpExecutor::register_module(std::string_view name, std::string_view as) {
  auto instance = find_instance(name);
  if (!instance.ok()) return std::move(instance).error();
  linker_.define_instance(std::string(as), **instance);
  return {};
}

Result<std::vector<SpecValue>> InterpExecutor::invoke(std::string_view module, std::string_view field,
                                                      std::span<const SpecValue> args) {
  auto instance = find_instance(module);
  if (!instance.ok()) return std::move(instance).error();
  auto e = find_export(**instance, field, ExternKind::kFunc);
  if (!e.ok()) return std::move(e).error();
  FuncInstance& func = *(*instance)->funcs[(*e)->index];

  const std::vector<ValType>& params = func.type->params;
  if (args.size() != params.size())
    return Error{ErrorCode::kUsage, kNoOffset,
                 quoted(field) + " takes " + std::to_string(params.size()) + " arguments, the script gave " +
                     std::to_string(args.size())};
  std::vector<Value> values;
  values.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    // A reference argument fits a parameter of its hierarchy; a null of an
    // indexed heap type (which the script cannot resolve) fits any nullable one.
    if (args[i].ref_kind == RefKind::kNull && params[i].is_ref() && params[i].nullable) {
      values.push_back(Value::ref(params[i], kNullRef));
      continue;
    }
    // A host value passes as an externref, or seen from the any hierarchy as an anyref.
    if (args[i].ref_kind == RefKind::kHost && args[i].has_value &&
        (params[i].code == TypeCode::kExternRef || params[i].code == TypeCode::kAnyRef)) {
      const Ref host = extern_ref(args[i].bits());
      values.push_back(Value::ref(params[i], params[i].code == TypeCode::kAnyRef ? convert_ref(host) : host));
      continue;
    }
    const bool same_hierarchy = args[i].type.is_ref() && params[i].is_ref() && args[i].type.code == params[i].code;
    if (args[i].type != params[i] && !same_hierarchy)
      return Error{ErrorCode::kUsage, kNoOffset,
                   "argument " + std::to_string(i) + " of " + quoted(field) + " is " + val_type_name(params[i]) +
                       ", the script gave " + val_type_name(args[i].type)};
    auto value = to_value(args[i]);
    if (!value.ok()) return std::move(value).error();
    value->type = params[i];
    values.push_back(*value);
  }

  const CallOutcome outcome = call_function(func, values, exec_);
  if (outcome.trap) return call_error(outcome);
  std::vector<SpecValue> results;
  results.reserve(outcome.results.size());
  for (const Value& v : outcome.results) results.push_back(from_value(v));
  return results;
}

Result<SpecValue> InterpExecutor::get(std::string_view module, std::string_view field) {
  auto instance = find_instance(module);
  if (!instance.ok()) return std::move(instance).error();
  auto e = find_export(**instance, field, ExternKind::kGlobal);
  if (!e.ok()) return std::move(e).error();
  return from_value((*instance)->globals[(*e)->index]->get());
}

Result<Instance*> InterpExecutor::find_instance(std::string_view name) const {
  if (name.empty()) {
    if (!current_) return Error{ErrorCode::kUsage, kNoOffset, "no module has been instantiated"};
    return current_;
  }
  const auto it = named_.find(name);
  if (it == named_.end()) return Error{ErrorCode::kUsage, kNoOffset, "no module named " + quoted(name)};
  return it->second;
}

Result<const Export*> InterpExecutor::find_export(const Instance& instance, std::string_view field,
                                                  ExternKind kind) const {
  const Export* e = instance.find_export(field);
  if (!e) return Error{ErrorCode::kUsage, kNoOffset, "no export named " + quoted(field)};
  if (e->kind != kind)
    return Error{
        ErrorCode::kUsage, kNoOffset,
        "export " + quoted(field) + " is a " + extern_kind_name(e->kind) + ", not a " + extern_kind_name(kind)};
  return e;
}

}  // namespace kiln::spectest
