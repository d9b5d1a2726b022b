// The GC array instructions' out-of-line helpers: allocation and reading elements from data and element segments.
#include <cstring>

#include "gc_ops.h"

namespace kiln::interp {

uint32_t storage_bytes(ValType storage) {
  switch (storage.code) {
    case TypeCode::kI8: return 1;
    case TypeCode::kI16: return 2;
    case TypeCode::kI32: case TypeCode::kF32: return 4;
    case TypeCode::kV128: return 16;
    default: return 8;  // i64, f64 (references never come from data: validation refuses them)
  }
}

bool data_in_bounds(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count, uint32_t elem_bytes) {
  const uint64_t size = instance.data_dropped[segment] ? 0 : instance.module->datas[segment].bytes.size;
  // count < 2^32 and elem_bytes <= 16: the product cannot overflow.
  const uint64_t bytes = count * elem_bytes;
  return offset <= size && bytes <= size - offset;
}

bool refs_in_bounds(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count) {
  const uint64_t size = instance.elems[segment].size();
  return offset <= size && count <= size - offset;
}

bool read_data_elements(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count,
                        uint32_t elem_bytes, uint64_t* cells) {
  if (!data_in_bounds(instance, segment, offset, count, elem_bytes)) return false;
  const DataSegment& seg = instance.module->datas[segment];
  const uint64_t bytes = count * elem_bytes;
  const uint8_t* from = instance.module->input().data() + seg.bytes.offset + offset;
  if (elem_bytes == 16 || elem_bytes == 8) {
    // Little-endian cells: a v128's two cells and an i64's one are the bytes as they are.
    if (bytes) std::memcpy(cells, from, static_cast<size_t>(bytes));
    return true;
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t cell = 0;
    std::memcpy(&cell, from + i * elem_bytes, elem_bytes);
    cells[i] = cell;
  }
  return true;
}

bool read_segment_refs(const Instance& instance, uint32_t segment, uint64_t offset, uint64_t count, uint64_t* cells) {
  if (!refs_in_bounds(instance, segment, offset, count)) return false;
  const std::vector<Ref>& refs = instance.elems[segment];
  if (count) std::memcpy(cells, refs.data() + offset, static_cast<size_t>(count) * sizeof(Ref));
  return true;
}

GcObject* allocate_array(Instance& instance, const StoreType* type, uint64_t length, uint32_t width) {
  if (length > UINT32_MAX) return nullptr;
  return instance.store->allocate_gc(type, static_cast<uint32_t>(length), length * width);
}

}  // namespace kiln::interp
