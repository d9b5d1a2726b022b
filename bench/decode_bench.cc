// Benchmarks of decode and validate on a synthetic module of realistic shape, sized like a large real module.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "kiln/base/byte_writer.h"
#include "kiln/decode/decode.h"
#include "kiln/validate/validate.h"

namespace {

// A module of `functions` bodies, each a mix of locals, arithmetic, loads/stores,
// branches and calls (~200 bytes), plus one data segment of `data_bytes`:
// roughly the instruction mix of compiled C.
std::vector<uint8_t> make_module(uint32_t functions, uint32_t data_bytes) {
  kiln::ByteWriter out;
  out.write_bytes(std::vector<uint8_t>{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
  auto section = [&](uint8_t id, const kiln::ByteWriter& payload) {
    out.write_u8(id);
    out.write_uleb(payload.size());
    out.write_bytes(payload.bytes());
  };
  kiln::ByteWriter types;  // (i32, i32) -> i32
  types.write_bytes(std::vector<uint8_t>{0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F});
  section(1, types);
  kiln::ByteWriter funcs;
  funcs.write_uleb(functions);
  for (uint32_t i = 0; i < functions; ++i) funcs.write_u8(0);
  section(3, funcs);
  kiln::ByteWriter memory;
  memory.write_bytes(std::vector<uint8_t>{0x01, 0x00, 0x80, 0x02});
  section(5, memory);
  kiln::ByteWriter code;
  code.write_uleb(functions);
  for (uint32_t i = 0; i < functions; ++i) {
    kiln::ByteWriter body;
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
  section(10, code);
  kiln::ByteWriter data;
  data.write_bytes(std::vector<uint8_t>{0x01, 0x00, 0x41, 0x00, 0x0B});
  data.write_uleb(data_bytes);
  data.write_bytes(std::vector<uint8_t>(data_bytes, 0x5A));
  section(11, data);
  return out.take();
}

const std::vector<uint8_t>& ten_megabytes() {
  // 40,000 bodies of ~250 bytes plus 1 MiB of data: about 10 MB.
  static const std::vector<uint8_t> module = make_module(40000, 1 << 20);
  return module;
}

void BM_Decode10MB(benchmark::State& state) {
  const auto& bytes = ten_megabytes();
  for (auto _ : state) {
    auto m = kiln::decode_module(bytes);
    if (!m) state.SkipWithError(m.error().message.c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_Decode10MB)->Unit(benchmark::kMillisecond);

void BM_DecodeValidate10MB(benchmark::State& state) {
  const auto& bytes = ten_megabytes();
  for (auto _ : state) {
    auto m = kiln::decode_module(bytes);
    if (!m) {
      state.SkipWithError(m.error().message.c_str());
      break;
    }
    auto info = kiln::validate_module(*m);
    if (!info) state.SkipWithError(info.error().message.c_str());
    benchmark::DoNotOptimize(info);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeValidate10MB)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
