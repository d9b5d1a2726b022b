// Internal to the snapshot: GC objects left in globals after init, written back as constant expressions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "kiln/base/byte_writer.h"
#include "kiln/base/result.h"
#include "kiln/runtime/store.h"

namespace kiln {

// Rebuilds references of the any hierarchy as struct.new / array.new_fixed /
// ref.i31 / ref.func / ref.null expressions. Only trees can be rebuilt: an
// object reached twice (shared between fields or globals, or on a cycle) would
// come back as two objects, so it is refused, as are host values, objects of
// another module's types and graphs deeper or larger than the caps.
class GcConstantWriter {
 public:
  using FuncIndex = std::function<std::optional<uint32_t>(Ref)>;
  GcConstantWriter(const Instance& instance, FuncIndex func_index)
      : instance_(instance), func_index_(std::move(func_index)) {}

  // The instructions (no final `end`) that make `ref`, a non-null reference
  // of the any hierarchy; an error says what cannot be rebuilt.
  Result<std::vector<uint8_t>> write(Ref ref);

 private:
  // Appends the instructions for one field or element of storage type `storage`; "" or what stops it.
  std::string value(ByteWriter& out, ValType storage, const uint64_t* cells, uint32_t depth);
  std::string object(ByteWriter& out, const GcObject& object, uint32_t depth);
  std::optional<uint32_t> type_index(const StoreType* type) const;

  const Instance& instance_;
  FuncIndex func_index_;
  std::unordered_set<const GcObject*> seen_;  // across every global: a second sighting is sharing
  uint64_t written_ = 0;                      // objects written so far, against the cap
};

}  // namespace kiln
