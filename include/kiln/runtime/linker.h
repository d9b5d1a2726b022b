// Resolves imports by module and name: host functions, registered instances, single definitions.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "kiln/runtime/store.h"

namespace kiln {

class Linker {
 public:
  void define(const std::string& module, const std::string& name, const Extern& value);
  void define_func(Store& store, const std::string& module, const std::string& name, const FuncType& type,
                   HostFunction fn);
  // Makes every export of `instance` importable as `module`.`export name` (the spec's `register`).
  void define_instance(const std::string& module, const Instance& instance);

  const Extern* find(const std::string& module, const std::string& name) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern> items_;
};

// Checks an import's declared type against what it resolves to (the spec's
// import subtyping: equal function and global types, limits within limits).
// Returns false with "incompatible import type" semantics.
bool import_matches(const Store& store, const Module& module, const Import& import, const Extern& value);

}  // namespace kiln
