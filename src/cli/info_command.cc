// `kiln info`: a summary of one module (sections, index spaces, segments) with decode/validate timings.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "commands.h"
#include "feature_flags.h"
#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/kiln.h"
#include "kiln/encode/encode.h"
#include "kiln/validate/validate.h"

namespace kiln::cli {
namespace {

const char* section_name(SectionId id) {
  switch (id) {
    case SectionId::kCustom: return "custom";
    case SectionId::kType: return "type";
    case SectionId::kImport: return "import";
    case SectionId::kFunction: return "function";
    case SectionId::kTable: return "table";
    case SectionId::kMemory: return "memory";
    case SectionId::kGlobal: return "global";
    case SectionId::kExport: return "export";
    case SectionId::kStart: return "start";
    case SectionId::kElement: return "element";
    case SectionId::kCode: return "code";
    case SectionId::kData: return "data";
    case SectionId::kDataCount: return "datacount";
    case SectionId::kTag: return "tag";
  }
  return "?";
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int info_command(std::span<char* const> args) {
  Features features;
  std::string path;
  for (char* raw : args) {
    const std::string_view arg = raw;
    if (apply_feature_flag(features, arg) == FlagMatch::kApplied) continue;
    if (!path.empty() || (arg.starts_with("-") && arg != "-")) {
      std::fprintf(stderr, "kiln info: unexpected argument '%s'\nusage: kiln info [--enable-FEATURE...] FILE\n", raw);
      return 1;
    }
    path = arg;
  }
  if (path.empty()) {
    std::fputs("usage: kiln info [--enable-FEATURE...] FILE\n", stderr);
    return 1;
  }
  auto bytes = read_module_file(path, features);
  if (!bytes) {
    std::fprintf(stderr, "%s: error: %s\n", path.c_str(), bytes.error().message.c_str());
    return 1;
  }
  const size_t size = bytes->size();
  auto t0 = std::chrono::steady_clock::now();
  auto module = decode_module(std::move(*bytes), features);
  const double decode_ms = ms_since(t0);
  if (!module) {
    std::fprintf(stderr, "%s:0x%" PRIx64 ": error: %s\n", path.c_str(), module.error().offset, module.error().message.c_str());
    return 1;
  }
  t0 = std::chrono::steady_clock::now();
  auto info = validate_module(*module);
  const double validate_ms = ms_since(t0);
  if (!info) {
    std::fprintf(stderr, "%s:0x%" PRIx64 ": error: %s\n", path.c_str(), info.error().offset, info.error().message.c_str());
    return 1;
  }
  const Module& m = *module;
  std::printf("%s: %zu bytes, valid (decode %.2f ms, validate %.2f ms)\n", path.c_str(), size, decode_ms, validate_ms);
  std::printf("  sections:");
  for (const Section& s : m.sections) {
    if (s.id == SectionId::kCustom) std::printf(" custom \"%s\" (%zu B)", s.name.c_str(), s.payload.size);
    else std::printf(" %s (%zu B)", section_name(s.id), s.payload.size);
  }
  std::printf("\n  functions: %zu (%u imported), globals: %zu, memories: %zu, tables: %zu\n", m.func_types.size(),
              m.imported_funcs, m.global_types.size(), m.memories.size(), m.tables.size());
  if (!m.tags.empty()) std::printf("  tags: %zu (%u imported)\n", m.tags.size(), m.imported_tags);
  size_t data_bytes = 0;
  for (const DataSegment& d : m.datas) data_bytes += d.bytes.size;
  std::printf("  data segments: %zu (%zu bytes), element segments: %zu, exports: %zu\n", m.datas.size(), data_bytes,
              m.elems.size(), m.exports.size());
  for (const Export& e : m.exports) std::printf("    export %s \"%s\"\n", extern_kind_name(e.kind), e.name.c_str());
  const auto reencoded = encode_module(m, EncodeMode::kReencode);
  const bool copy_ok = encode_module(m) == m.bytes;
  std::printf("  re-encoded: %zu bytes (%s); verbatim copy %s\n", reencoded.size(),
              reencoded == m.bytes ? "identical" : "minimal LEBs", copy_ok ? "identical" : "DIFFERS");
  return copy_ok ? 0 : 1;
}

}  // namespace kiln::cli
