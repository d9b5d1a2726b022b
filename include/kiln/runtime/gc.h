// GC objects: structs and arrays in the store's heap, as the interpreter's cells see them.
#pragma once

#include <cstdint>

namespace kiln {

// A struct or array. Its fields or elements follow the header as 8-byte
// cells, one per field or element (two for a v128; packed i8/i16 values take a
// whole cell, kept zero-extended), so every access is one indexed load.
struct StoreType;

struct GcObject {
  const StoreType* type = nullptr;  // its defined type: casts and ref.test walk its supertypes
  uint32_t length = 0;              // an array's element count; a struct's field count
  uint32_t unused = 0;
  uint64_t* cells() { return reinterpret_cast<uint64_t*>(this + 1); }
  const uint64_t* cells() const { return reinterpret_cast<const uint64_t*>(this + 1); }
};
static_assert(sizeof(GcObject) == 16);

}  // namespace kiln
