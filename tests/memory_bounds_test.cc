// Every load and store width at the edges of a one-page memory, 32- and 64-bit: the last valid address
// works, one byte further traps, and addresses or offsets near 2^32 and 2^64 trap without wrapping.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "support/preinit_oracle.h"
#include "support/wasm_bytes.h"

using namespace kiln;
using namespace kiln::test;

namespace {

constexpr uint8_t I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
constexpr uint64_t kMemoryBytes = 65536;  // one page

enum class Access : uint8_t { kLoad, kStore, kLoadLane, kStoreLane };

struct MemoryOp {
  const char* name;
  ByteVec opcode;  // one byte, or 0xFD and the SIMD sub-opcode as a LEB
  uint8_t width;   // bytes accessed
  uint8_t value;   // the loaded or stored value type
  Access access;
  // The result's low `width` bytes are the memory's bytes (false for the
  // widening SIMD loads, whose lanes are extended one by one).
  bool result_is_memory = true;
};

ByteVec simd(uint32_t sub) { return cat({{0xfd}, uleb(sub)}); }

const std::vector<MemoryOp>& memory_ops() {
  static const std::vector<MemoryOp> ops = {
      {"i32.load", {0x28}, 4, I32, Access::kLoad},         {"i64.load", {0x29}, 8, I64, Access::kLoad},
      {"f32.load", {0x2a}, 4, F32, Access::kLoad},         {"f64.load", {0x2b}, 8, F64, Access::kLoad},
      {"i32.load8_s", {0x2c}, 1, I32, Access::kLoad},      {"i32.load8_u", {0x2d}, 1, I32, Access::kLoad},
      {"i32.load16_s", {0x2e}, 2, I32, Access::kLoad},     {"i32.load16_u", {0x2f}, 2, I32, Access::kLoad},
      {"i64.load8_s", {0x30}, 1, I64, Access::kLoad},      {"i64.load8_u", {0x31}, 1, I64, Access::kLoad},
      {"i64.load16_s", {0x32}, 2, I64, Access::kLoad},     {"i64.load16_u", {0x33}, 2, I64, Access::kLoad},
      {"i64.load32_s", {0x34}, 4, I64, Access::kLoad},     {"i64.load32_u", {0x35}, 4, I64, Access::kLoad},
      {"i32.store", {0x36}, 4, I32, Access::kStore},       {"i64.store", {0x37}, 8, I64, Access::kStore},
      {"f32.store", {0x38}, 4, F32, Access::kStore},       {"f64.store", {0x39}, 8, F64, Access::kStore},
      {"i32.store8", {0x3a}, 1, I32, Access::kStore},      {"i32.store16", {0x3b}, 2, I32, Access::kStore},
      {"i64.store8", {0x3c}, 1, I64, Access::kStore},      {"i64.store16", {0x3d}, 2, I64, Access::kStore},
      {"i64.store32", {0x3e}, 4, I64, Access::kStore},     {"v128.load", simd(0), 16, V128, Access::kLoad},
      {"v128.load8x8_s", simd(1), 8, V128, Access::kLoad, false},
      {"v128.load8x8_u", simd(2), 8, V128, Access::kLoad, false},
      {"v128.load16x4_s", simd(3), 8, V128, Access::kLoad, false},
      {"v128.load16x4_u", simd(4), 8, V128, Access::kLoad, false},
      {"v128.load32x2_s", simd(5), 8, V128, Access::kLoad, false},
      {"v128.load32x2_u", simd(6), 8, V128, Access::kLoad, false},
      {"v128.load8_splat", simd(7), 1, V128, Access::kLoad},
      {"v128.load16_splat", simd(8), 2, V128, Access::kLoad},
      {"v128.load32_splat", simd(9), 4, V128, Access::kLoad},
      {"v128.load64_splat", simd(10), 8, V128, Access::kLoad},
      {"v128.store", simd(11), 16, V128, Access::kStore},
      {"v128.load8_lane", simd(84), 1, V128, Access::kLoadLane},
      {"v128.load16_lane", simd(85), 2, V128, Access::kLoadLane},
      {"v128.load32_lane", simd(86), 4, V128, Access::kLoadLane},
      {"v128.load64_lane", simd(87), 8, V128, Access::kLoadLane},
      {"v128.store8_lane", simd(88), 1, V128, Access::kStoreLane},
      {"v128.store16_lane", simd(89), 2, V128, Access::kStoreLane},
      {"v128.store32_lane", simd(90), 4, V128, Access::kStoreLane},
      {"v128.store64_lane", simd(91), 8, V128, Access::kStoreLane},
      {"v128.load32_zero", simd(92), 4, V128, Access::kLoad},
      {"v128.load64_zero", simd(93), 8, V128, Access::kLoad},
  };
  return ops;
}

bool is_store(const MemoryOp& op) { return op.access == Access::kStore || op.access == Access::kStoreLane; }

// One function per op and static offset: loads take the address and return
// what they read; stores take the address and the value. Lane accesses use
// lane 0 of a zero vector (loads) or of the value (stores).
struct EdgeProbe {
  const MemoryOp* op;
  uint64_t offset;
  std::string export_name;
};

ByteVec probe_body(const MemoryOp& op, uint64_t offset) {
  const ByteVec memarg = cat({{0x00}, uleb(offset)});  // alignment hint 1: any address is allowed
  ByteVec code = {0x20, 0x00};                         // local.get 0: the address
  if (is_store(op)) append(code, {0x20, 0x01});        // local.get 1: the value
  if (op.access == Access::kLoadLane) append(code, cat({simd(12), ByteVec(16, 0)}));  // v128.const 0
  code = cat({code, op.opcode, memarg});
  if (op.access == Access::kLoadLane || op.access == Access::kStoreLane) code.push_back(0x00);  // lane 0
  code.push_back(0x0b);
  return body({0x00}, code);
}

// The module: (memory i32|i64 1) and a function per probe, exported as "pN".
ByteVec bounds_module(bool memory64, const std::vector<EdgeProbe>& probes) {
  const uint8_t address = memory64 ? I64 : I32;
  ByteVec types = uleb(probes.size()), funcs = uleb(probes.size()), exports = uleb(probes.size()),
          bodies = uleb(probes.size());
  for (size_t i = 0; i < probes.size(); ++i) {
    const MemoryOp& op = *probes[i].op;
    append(types, is_store(op) ? func_type({address, op.value}, {}) : func_type({address}, {op.value}));
    append(funcs, uleb(i));
    append(exports, cat({name(probes[i].export_name), {0x00}, uleb(i)}));
    append(bodies, probe_body(op, probes[i].offset));
  }
  const ByteVec memory = vec({{static_cast<uint8_t>(memory64 ? 0x04 : 0x00), 0x01}});
  return module({section(1, types), section(3, funcs), section(5, memory), section(7, exports), section(10, bodies)});
}

// Static offsets and addresses around the edges: the last valid byte, one
// past it, and values near 2^31, 2^32 and (for memory64) 2^63 and 2^64, each
// also taken relative to the offset so that address + offset lands on the edge
// or wraps around when computed in too few bits.
std::vector<uint64_t> edge_offsets(const MemoryOp& op, bool memory64) {
  std::vector<uint64_t> offsets = {0, 1, kMemoryBytes - op.width, kMemoryBytes, 0x8000'0000u, 0xFFFF'FFFFu};
  if (memory64) offsets.insert(offsets.end(), {uint64_t{1} << 32, uint64_t{1} << 63, ~uint64_t{0} - op.width + 1,
                                               ~uint64_t{0}});
  return offsets;
}

std::vector<uint64_t> edge_addresses(const MemoryOp& op, uint64_t offset, bool memory64) {
  const uint64_t top = memory64 ? ~uint64_t{0} : 0xFFFF'FFFFu;
  std::vector<uint64_t> addresses = {0, 1, kMemoryBytes - op.width, kMemoryBytes - op.width + 1, kMemoryBytes - 1,
                                     kMemoryBytes, 0x7FFF'FFFFu, 0x8000'0000u, 0xFFFF'FFFFu - op.width + 1,
                                     0xFFFF'FFFFu};
  if (memory64) addresses.insert(addresses.end(), {uint64_t{1} << 32, uint64_t{1} << 63, top - op.width + 1, top});
  // Relative to the offset: the edge itself, one past it, and the address that
  // wraps address + offset to exactly 0 in the address type's width.
  for (uint64_t target : {kMemoryBytes - op.width, kMemoryBytes - op.width + 1})
    if (offset <= target) addresses.push_back(target - offset);
  if (offset != 0 && offset <= top) addresses.push_back(top - offset + 1);
  return addresses;
}

// The spec: the effective address is address + offset without wrapping, and
// the access traps when any of its bytes is at or beyond the memory's size.
bool in_bounds(uint64_t address, uint64_t offset, uint8_t width) {
  if (address > kMemoryBytes || offset > kMemoryBytes) return false;
  return address + offset + width <= kMemoryBytes;
}

Value address_value(uint64_t address, bool memory64) {
  return memory64 ? Value::i64(address) : Value::i32(static_cast<uint32_t>(address));
}

// The value stored: distinct bytes, so a store of the wrong width or place shows.
Value store_value(uint8_t type) {
  const uint64_t lo = 0x8877'6655'4433'2211u, hi = 0x100F'0E0D'0C0B'0A09u;
  switch (type) {
    case I32: return Value::i32(static_cast<uint32_t>(lo));
    case I64: return Value::i64(lo);
    case F32: return Value::f32_bits(static_cast<uint32_t>(lo));
    case F64: return Value::f64_bits(lo);
    default: return Value{ValType::kV128, lo, hi};
  }
}

// The low `width` bytes of a value, little-endian as memory holds them.
ByteVec low_bytes(const Value& v, uint8_t width) {
  uint8_t all[16];
  std::memcpy(all, &v.bits, 8);
  std::memcpy(all + 8, &v.hi, 8);
  return ByteVec(all, all + width);
}

// Runs every probe at every edge address, checking the outcome against the
// spec's rule; reports how many accesses were in bounds and how many trapped.
void check_edges(bool memory64) {
  size_t in_bounds_count = 0, trapped_count = 0;
  std::vector<EdgeProbe> probes;
  for (const MemoryOp& op : memory_ops())
    for (uint64_t offset : edge_offsets(op, memory64))
      if (memory64 || offset <= 0xFFFF'FFFFu) probes.push_back({&op, offset, "p" + std::to_string(probes.size())});
  Options options = all_features();
  Loaded loaded = load_module(bounds_module(memory64, probes), options);
  REQUIRE_MESSAGE(loaded.error.empty(), loaded.error);
  Memory& memory = *loaded.instance->memories[0];
  REQUIRE(memory.size_bytes() == kMemoryBytes);
  // A pattern with no zero byte, so that a load of the wrong bytes shows.
  for (uint64_t i = 0; i < kMemoryBytes; ++i) memory.data()[i] = static_cast<uint8_t>(i * 7 + 1) | 1;
  const ByteVec pattern(memory.data(), memory.data() + kMemoryBytes);

  for (const EdgeProbe& probe : probes) {
    const MemoryOp& op = *probe.op;
    for (uint64_t address : edge_addresses(op, probe.offset, memory64)) {
      CAPTURE(op.name);
      CAPTURE(memory64);
      CAPTURE(probe.offset);
      CAPTURE(address);
      std::vector<Value> args = {address_value(address, memory64)};
      if (is_store(op)) args.push_back(store_value(op.value));
      const CallResult r = call_export(*loaded.instance, probe.export_name, args);
      REQUIRE(r.error.empty());
      const bool valid = in_bounds(memory64 ? address : address & 0xFFFF'FFFFu, probe.offset, op.width);
      if (!valid) {
        ++trapped_count;
        REQUIRE(r.trap.has_value());
        CHECK(r.trap->kind == TrapKind::kOutOfBoundsMemory);
        // A trapping store writes nothing at all, not even its in-bounds bytes.
        if (is_store(op)) CHECK(std::memcmp(memory.data(), pattern.data(), kMemoryBytes) == 0);
        continue;
      }
      ++in_bounds_count;
      REQUIRE_MESSAGE(!r.trap.has_value(), outcome_text(r));
      const uint64_t at = address + probe.offset;
      const ByteVec there(memory.data() + at, memory.data() + at + op.width);
      if (is_store(op)) {
        CHECK(there == low_bytes(args[1], op.width));
        std::memcpy(memory.data() + at, pattern.data() + at, op.width);  // back to the pattern
        CHECK(std::memcmp(memory.data(), pattern.data(), kMemoryBytes) == 0);
      } else if (op.result_is_memory) {
        REQUIRE(r.results.size() == 1);
        CHECK(low_bytes(r.results[0], op.width) == there);
      }
    }
  }
  MESSAGE((memory64 ? "64" : "32") << "-bit memory: " << in_bounds_count << " accesses in bounds, " << trapped_count
                                   << " trapped");
  CHECK(in_bounds_count > 0);
  CHECK(trapped_count > in_bounds_count);
}

}  // namespace

TEST_CASE("memory bounds: every load and store width traps exactly at the edge of a 32-bit memory") {
  check_edges(false);
}

TEST_CASE("memory bounds: every load and store width traps exactly at the edge of a 64-bit memory") {
  check_edges(true);
}
