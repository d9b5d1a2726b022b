// Value, reference, limit and external types of the WebAssembly type system, plus distinct index types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiln {

// Values are the binary encodings, so decoding a type is a range check.
enum class ValType : uint8_t {
  kI32 = 0x7F,
  kI64 = 0x7E,
  kF32 = 0x7D,
  kF64 = 0x7C,
  kV128 = 0x7B,
  kFuncRef = 0x70,
  kExternRef = 0x6F,
  kExnRef = 0x69,  // exception handling: a caught exception, rethrown with throw_ref
};

inline bool is_ref_type(ValType t) {
  return t == ValType::kFuncRef || t == ValType::kExternRef || t == ValType::kExnRef;
}
inline bool is_num_type(ValType t) { return !is_ref_type(t) && t != ValType::kV128; }
const char* val_type_name(ValType t);

// Index spaces are distinct types so a function index cannot be passed where
// a global index is expected.
enum class TypeIdx : uint32_t {};
enum class FuncIdx : uint32_t {};
enum class TableIdx : uint32_t {};
enum class MemIdx : uint32_t {};
enum class GlobalIdx : uint32_t {};
enum class ElemIdx : uint32_t {};
enum class DataIdx : uint32_t {};
enum class TagIdx : uint32_t {};

template <typename Idx>
constexpr uint32_t to_u32(Idx idx) {
  return static_cast<uint32_t>(idx);
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

std::string func_type_text(const FuncType& type);  // "(i32, i64) -> (f32)"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool is_64 = false;   // memory64: i64 addresses
  bool shared = false;  // threads; decoded, refused by the validator
  bool operator==(const Limits&) const = default;
};

// What addresses a memory or table with these limits: i64 for memory64's
// memories and 64-bit tables, i32 otherwise.
inline ValType address_type_of(const Limits& limits) { return limits.is_64 ? ValType::kI64 : ValType::kI32; }

struct TableType {
  ValType elem = ValType::kFuncRef;
  Limits limits;
  bool operator==(const TableType&) const = default;
};

struct MemoryType {
  Limits limits;
  bool operator==(const MemoryType&) const = default;
};

struct GlobalType {
  ValType type = ValType::kI32;
  bool is_mutable = false;
  bool operator==(const GlobalType&) const = default;
};

enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3, kTag = 4 };
const char* extern_kind_name(ExternKind kind);

inline constexpr uint64_t kPageSize = 65536;
inline constexpr uint64_t kMaxPages32 = 65536;              // 4 GiB
inline constexpr uint64_t kMaxPages64 = uint64_t{1} << 48;  // 2^64 bytes / page size

}  // namespace kiln
