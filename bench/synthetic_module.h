// A synthetic module of realistic shape for the benchmarks: many compiled-C-like bodies and a data segment.
#pragma once

#include <cstdint>
#include <vector>

#include "kiln/base/byte_writer.h"

namespace kiln::bench {

struct SyntheticShape {
  uint32_t functions = 0;
  uint32_t data_bytes = 0;
  uint32_t memory_pages = 256;  // minimum, in 64 KiB pages
  // Adds what pre-initialization needs: an exported "init" of type [] -> []
  // (it sets a mutable i32 global) and that global.
  bool with_init = false;
};

// `functions` bodies, each a mix of locals, arithmetic, loads/stores, branches
// and calls (~250 bytes): roughly the instruction mix of compiled C. One
// active data segment of `data_bytes` at address 0.
inline std::vector<uint8_t> make_module(const SyntheticShape& shape) {
  ByteWriter out;
  out.write_bytes(std::vector<uint8_t>{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
  auto section = [&](uint8_t id, const ByteWriter& payload) {
    out.write_u8(id);
    out.write_uleb(payload.size());
    out.write_bytes(payload.bytes());
  };
  ByteWriter types;  // 0: (i32, i32) -> i32; 1: [] -> []
  if (shape.with_init) types.write_bytes(std::vector<uint8_t>{0x02, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F, 0x60, 0x00, 0x00});
  else types.write_bytes(std::vector<uint8_t>{0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F});
  section(1, types);
  ByteWriter funcs;
  funcs.write_uleb(shape.functions + (shape.with_init ? 1 : 0));
  for (uint32_t i = 0; i < shape.functions; ++i) funcs.write_u8(0);
  if (shape.with_init) funcs.write_u8(1);
  section(3, funcs);
  ByteWriter memory;
  memory.write_bytes(std::vector<uint8_t>{0x01, 0x00});
  memory.write_uleb(shape.memory_pages);
  section(5, memory);
  if (shape.with_init) {
    ByteWriter globals;  // (mut i32) = 0
    globals.write_bytes(std::vector<uint8_t>{0x01, 0x7F, 0x01, 0x41, 0x00, 0x0B});
    section(6, globals);
    ByteWriter exports;
    exports.write_bytes(std::vector<uint8_t>{0x01, 0x04, 'i', 'n', 'i', 't', 0x00});
    exports.write_uleb(shape.functions);
    section(7, exports);
  }
  ByteWriter code;
  code.write_uleb(shape.functions + (shape.with_init ? 1 : 0));
  for (uint32_t i = 0; i < shape.functions; ++i) {
    ByteWriter body;
    body.write_bytes(std::vector<uint8_t>{0x01, 0x02, 0x7F});  // two i32 locals
    for (int rep = 0; rep < 8; ++rep) {
      body.write_bytes(std::vector<uint8_t>{
          0x02, 0x40,                    // block
          0x20, 0x00, 0x20, 0x01, 0x6A,  // local.get 0, local.get 1, i32.add
          0x21, 0x02,                    // local.set 2
          0x20, 0x02, 0x28, 0x02, 0x10,  // i32.load offset=16
          0x20, 0x00, 0x36, 0x02, 0x20,  // local.get 0, i32.store offset=32
          0x20, 0x02, 0x45, 0x0D, 0x00,  // br_if 0 (i32.eqz)
          0x20, 0x00, 0x20, 0x01,        // call self
          0x10});
      body.write_uleb(i);
      body.write_bytes(std::vector<uint8_t>{0x1A, 0x0B});  // drop, end
    }
    body.write_bytes(std::vector<uint8_t>{0x20, 0x02, 0x0B});
    code.write_uleb(body.size());
    code.write_bytes(body.bytes());
  }
  if (shape.with_init) {  // init: global.set 0 (i32.const 1)
    const std::vector<uint8_t> init{0x00, 0x41, 0x01, 0x24, 0x00, 0x0B};
    code.write_uleb(init.size());
    code.write_bytes(init);
  }
  section(10, code);
  ByteWriter data;
  data.write_bytes(std::vector<uint8_t>{0x01, 0x00, 0x41, 0x00, 0x0B});
  data.write_uleb(shape.data_bytes);
  data.write_bytes(std::vector<uint8_t>(shape.data_bytes, 0x5A));
  section(11, data);
  return out.take();
}

}  // namespace kiln::bench
