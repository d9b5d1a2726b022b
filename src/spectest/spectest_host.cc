// The `spectest` host module of the spec test suite: silent print functions, four globals, two tables and a memory.
#include <bit>
#include <cstdint>
#include <utility>

#include "kiln/spectest/interp_executor.h"

namespace kiln::spectest {

namespace {

// The print functions exist so modules can import them; the suite checks
// nothing they print, so they print nothing and keep test output clean.
void define_print(Store& store, Linker& linker, const char* name, std::vector<ValType> params) {
  linker.define_func(
      store, "spectest", name, FuncType{std::move(params), {}},
      [](HostContext&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> { return std::nullopt; });
}

void define_global(Store& store, Linker& linker, const char* name, ValType type, uint64_t bits) {
  GlobalInstance* global = store.add_global(GlobalType{type, false});
  global->set(Value{type, bits, 0});
  Extern e;
  e.kind = ExternKind::kGlobal;
  e.global = global;
  linker.define("spectest", name, e);
}

// 10 to 20 funcref entries, addressed by i32 or, for "table64", by i64.
void define_table(Store& store, Linker& linker, const char* name, bool is_64) {
  Extern table;
  table.kind = ExternKind::kTable;
  table.table = store.add_table(TableType{ValType::kFuncRef, Limits{10, 20, is_64, false}});
  table.table->elements.assign(10, kNullRef);
  linker.define("spectest", name, table);
}

}  // namespace

Status define_spectest_module(Store& store, Linker& linker) {
  define_print(store, linker, "print", {});
  define_print(store, linker, "print_i32", {ValType::kI32});
  define_print(store, linker, "print_i64", {ValType::kI64});
  define_print(store, linker, "print_f32", {ValType::kF32});
  define_print(store, linker, "print_f64", {ValType::kF64});
  define_print(store, linker, "print_i32_f32", {ValType::kI32, ValType::kF32});
  define_print(store, linker, "print_f64_f64", {ValType::kF64, ValType::kF64});

  define_global(store, linker, "global_i32", ValType::kI32, 666);
  define_global(store, linker, "global_i64", ValType::kI64, 666);
  define_global(store, linker, "global_f32", ValType::kF32, std::bit_cast<uint32_t>(666.6f));
  define_global(store, linker, "global_f64", ValType::kF64, std::bit_cast<uint64_t>(666.6));

  define_table(store, linker, "table", false);
  define_table(store, linker, "table64", true);

  auto memory = Memory::create(MemoryType{Limits{1, 2, false, false}});
  if (!memory.ok()) return std::move(memory).error();
  Extern mem;
  mem.kind = ExternKind::kMemory;
  mem.memory = store.add_memory(std::move(memory).value());
  linker.define("spectest", "memory", mem);
  return {};
}

}  // namespace kiln::spectest
