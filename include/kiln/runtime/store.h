// Runtime objects (functions, tables, globals, memories, instances) and the Store that owns them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/func_info.h"
#include "kiln/ir/module.h"
#include "kiln/runtime/memory.h"
#include "kiln/runtime/trap.h"
#include "kiln/runtime/value.h"
#include "kiln/validate/body_observer.h"

namespace kiln {

struct Instance;
struct GcObject;
class Store;

// A defined type as the Store knows it. Equivalent types of any modules share
// one StoreType (iso-recursive canonicalization by recursion group), so its
// address is the type's identity: casts and call_indirect compare pointers and
// walk `super` for declared subtypes.
struct StoreType {
  uint32_t id = 0;
  TypeDef::Kind kind = TypeDef::Kind::kFunc;
  FuncType func;                    // a function type's signature (indices of the first module that declared it)
  std::vector<FieldType> fields;    // a struct's fields, an array's element
  const StoreType* super = nullptr;  // the declared supertype
  bool is_final = true;
  // Whether this type is `other` or declares it, directly or through its supertypes.
  bool is_subtype_of(const StoreType* other) const {
    for (const StoreType* t = this; t; t = t->super)
      if (t == other) return true;
    return false;
  }
};

// What a host function sees of its caller: the calling instance (null when
// called from the API) so WASI can reach the guest's memory, and how much
// work the running execution has done so far in units of fuel (calls and
// loop iterations, the call of this host function included; 0 from the API),
// so WASI clocks can measure the guest's progress rather than the
// interpreter's speed.
struct HostContext {
  Instance* caller = nullptr;
  uint64_t fuel_used = 0;
  Memory* memory(uint32_t index = 0) const;
};

// A host function writes its results (already sized to the type's results)
// and returns a Trap to stop execution.
using HostFunction =
    std::function<std::optional<Trap>(HostContext& context, std::span<const Value> args, std::span<Value> results)>;

struct FuncInstance {
  uint32_t type_id = 0;           // canonical id from Store::intern_type: equal ids <=> equal types
  const FuncType* type = nullptr;
  const StoreType* store_type = nullptr;  // the type behind type_id (casts and subtype checks walk it)
  Instance* instance = nullptr;   // the defining instance; null for host functions
  uint32_t index = 0;             // function index inside the defining module
  HostFunction host;              // set for host functions
  std::string host_name;          // "module.name", for messages
  // Lowered code, created by the interpreter on the first call and owned here.
  void* compiled = nullptr;
  void (*destroy_compiled)(void*) = nullptr;

  FuncInstance() = default;
  FuncInstance(const FuncInstance&) = delete;
  FuncInstance& operator=(const FuncInstance&) = delete;
  ~FuncInstance() {
    if (compiled && destroy_compiled) destroy_compiled(compiled);
  }
  bool is_host() const { return instance == nullptr; }
};

struct TableInstance {
  TableType type;
  const Module* module = nullptr;  // the defining module, whose indices a concrete element type uses; null for the host's
  std::vector<Ref> elements;
  uint64_t limit = 10'000'000;  // entries: kiln's cap below the type's maximum

  // Returns the old size, or -1 when the maximum or the cap would be exceeded.
  int64_t grow(uint64_t delta, Ref init);
  uint64_t max_size() const;
};

struct GlobalInstance {
  GlobalType type;
  const Module* module = nullptr;  // the defining module, whose indices a concrete type uses; null for the host's
  uint64_t lo = 0;  // the value's bits; v128 also uses `hi`
  uint64_t hi = 0;

  Value get() const { return Value{type.type, lo, hi}; }
  void set(const Value& v) {
    lo = v.bits;
    hi = v.hi;
  }
};

// An exception tag. Its identity is the object: two imports of one tag
// catch each other's exceptions, two tags of the same type do not.
struct TagInstance {
  uint32_t type_id = 0;           // canonical id of the payload's function type
  const FuncType* type = nullptr;
  const Instance* instance = nullptr;  // the defining instance, for messages
  uint32_t index = 0;                  // tag index inside the defining module
};

// A thrown exception: what an exnref points at. The payload is kept as
// stack cells in parameter order (v128 takes two).
struct ExceptionInstance {
  TagInstance* tag = nullptr;
  std::vector<uint64_t> payload;
  Instance* owner = nullptr;  // the instance whose code threw it, which keeps it
  // Set once a catch_ref / catch_all_ref clause hands out an exnref to it.
  // Until then nothing but the throw refers to it, so once caught it can be reused.
  bool referenced = false;
};

// Types defined function `defined_index`'s body, `observer` following the walk.
using TypeBody = std::function<Status(uint32_t defined_index, BodyObserver& observer)>;

struct Instance {
  Store* store = nullptr;  // the owner: GC instructions allocate in its heap
  std::shared_ptr<const Module> module;
  std::shared_ptr<const ModuleInfo> info;
  // InstantiateOptions::type_body: the walk each body is lowered in.
  TypeBody type_body;
  std::vector<uint32_t> type_ids;    // Store-canonical id of each of the module's types
  std::vector<const StoreType*> store_types;  // the StoreType behind each id
  std::vector<FuncInstance*> funcs;  // index spaces: imports first
  std::vector<TableInstance*> tables;
  std::vector<Memory*> memories;
  std::vector<GlobalInstance*> globals;
  std::vector<TagInstance*> tags;
  std::vector<std::vector<Ref>> elems;  // element segments' references; emptied by elem.drop
  std::vector<uint8_t> data_dropped;    // 1 once data.drop ran (or an active segment was applied)
  // Exceptions thrown by this instance's code. An exnref may outlive the call
  // that caught it (in a global, a table, another instance), so they live as
  // long as the instance does.
  std::deque<std::unique_ptr<ExceptionInstance>> exceptions;
  std::vector<ExceptionInstance*> free_exceptions;  // caught without a reference: reused by the next throw

  // The exported item named `name`, or nullptr.
  FuncInstance* export_func(std::string_view name) const;
  const Export* find_export(std::string_view name) const { return module->find_export(name); }
};

// An external value: what an import resolves to.
struct Extern {
  ExternKind kind = ExternKind::kFunc;
  FuncInstance* func = nullptr;
  TableInstance* table = nullptr;
  Memory* memory = nullptr;
  GlobalInstance* global = nullptr;
  TagInstance* tag = nullptr;
};

Extern export_extern(const Instance& instance, const Export& e);

// Owns every runtime object; pointers stay valid for the Store's lifetime
// (objects are never moved), so instances can share imports freely.
class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // A host function's type: a final function type of its own.
  uint32_t intern_type(const FuncType& type);
  // The store id of each of the module's types, interning its recursion groups.
  std::vector<uint32_t> intern_module_types(const Module& module);
  const FuncType& type(uint32_t type_id) const { return types_[type_id].func; }
  const StoreType* store_type(uint32_t type_id) const { return &types_[type_id]; }

  // A GC object of `cells` zeroed cells after its header, or nullptr when the
  // heap would grow past its limit. Objects live as long as the Store.
  GcObject* allocate_gc(const StoreType* type, uint32_t length, uint64_t cells);
  uint64_t gc_bytes() const { return gc_bytes_; }
  // A cap on the GC heap's bytes (default 1 GiB): allocations past it fail.
  void set_gc_limit(uint64_t bytes) { gc_limit_ = bytes; }

  FuncInstance* add_host_func(const FuncType& type, HostFunction fn, std::string name);
  FuncInstance* add_func();
  TableInstance* add_table(const TableType& type);
  GlobalInstance* add_global(const GlobalType& type);
  TagInstance* add_tag(const FuncType& type);
  Memory* add_memory(Memory memory);
  Instance* add_instance();

 private:
  std::deque<StoreType> types_;
  std::map<std::vector<uint64_t>, uint32_t> groups_;  // recursion group key -> store id of its first type
  std::vector<std::unique_ptr<uint64_t[]>> gc_chunks_;
  uint64_t* gc_next_ = nullptr;   // bump allocation inside the last chunk
  uint64_t gc_room_ = 0;          // cells left there
  uint64_t gc_bytes_ = 0;
  uint64_t gc_limit_ = uint64_t{1} << 30;
  std::deque<std::unique_ptr<FuncInstance>> funcs_;
  std::deque<std::unique_ptr<TableInstance>> tables_;
  std::deque<std::unique_ptr<GlobalInstance>> globals_;
  std::deque<std::unique_ptr<TagInstance>> tags_;
  std::deque<std::unique_ptr<Memory>> memories_;
  std::deque<std::unique_ptr<Instance>> instances_;
};

}  // namespace kiln
