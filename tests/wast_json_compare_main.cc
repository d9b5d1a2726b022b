// wast_json_compare: kiln's text reader against wast2json, module by module: identical bytes, or the same module.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiln/base/file_io.h"
#include "kiln/decode/decode.h"
#include "kiln/encode/encode.h"
#include "kiln/spectest/script.h"

namespace fs = std::filesystem;
using kiln::spectest::Command;
using kiln::spectest::ModuleType;

namespace {

// The sets of tools/spec-convert, where their .wast files are, and what they enable.
struct Set {
  const char* name;
  const char* folder;  // under the suite
  const char* feature;
};
constexpr Set kSets[] = {
    {"core", "core", nullptr},
    {"simd", "core/simd", nullptr},
    {"multi-memory", "proposals/multi-memory", "multi-memory"},
    {"tail-call", "proposals/tail-call", "tail-call"},
    {"extended-const", "proposals/extended-const", "extended-const"},
    {"memory64", "proposals/memory64", "memory64"},
    {"relaxed-simd", "proposals/relaxed-simd", "relaxed-simd"},
};

struct Counts {
  uint64_t identical = 0, equivalent = 0, same_rejection = 0, different = 0, known = 0, text_only = 0, unpaired = 0;
};

// wast2json writes a funcref element list of "ref.func x" expressions as
// function indices, which WebAssembly 2.0 reads as the same segment (kiln
// keeps the expressions: since function references, indices mean the
// narrower (ref func)). Converts kiln's form to wast2json's.
void compact_funcref_lists(kiln::Module& module) {
  for (kiln::ElemSegment& segment : module.elems) {
    if (!segment.uses_exprs || segment.type != kiln::ValType::kFuncRef) continue;
    std::vector<kiln::FuncIdx> funcs;
    bool compact = true;
    for (const kiln::ConstExpr& expr : segment.exprs) {
      const auto* code = module.bytes.data() + expr.code.offset;
      compact = compact && expr.code.size >= 3 && code[0] == 0xD2 && code[expr.code.size - 1] == 0x0B;
      if (!compact) break;
      uint32_t index = 0;
      size_t i = 1;
      for (unsigned shift = 0; i + 1 < expr.code.size && shift < 35; shift += 7, ++i) {
        index |= static_cast<uint32_t>(code[i] & 0x7F) << shift;
        if (!(code[i] & 0x80)) break;
      }
      compact = i + 2 == expr.code.size;
      if (!compact) break;
      funcs.push_back(kiln::FuncIdx{index});
    }
    if (!compact) continue;
    segment.uses_exprs = false;
    segment.exprs.clear();
    segment.funcs = std::move(funcs);
  }
}

// Both decode to modules whose re-encodings match, or both are refused alike.
std::string compare(std::vector<uint8_t> ours, std::vector<uint8_t> theirs, const kiln::Features& features,
                    Counts& counts) {
  if (ours == theirs) {
    ++counts.identical;
    return {};
  }
  auto a = kiln::decode_module(std::move(ours), features);
  auto b = kiln::decode_module(std::move(theirs), features);
  if (a.ok() && b.ok()) {
    compact_funcref_lists(*a);
    if (kiln::encode_module(*a, kiln::EncodeMode::kReencode) == kiln::encode_module(*b, kiln::EncodeMode::kReencode)) {
      ++counts.equivalent;
      return {};
    }
    ++counts.different;
    return "the modules differ after decoding";
  }
  if (!a.ok() && !b.ok() && a.error().message == b.error().message) {
    ++counts.same_rejection;
    return {};
  }
  ++counts.different;
  return std::string("kiln's: ") + (a.ok() ? "decodes" : a.error().message) +
         "; wast2json's: " + (b.ok() ? "decodes" : b.error().message);
}

bool has_module(const Command& cmd) { return !cmd.filename.empty() || cmd.in_memory; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fputs("usage: wast_json_compare SUITE_DIR CONVERTED_DIR [KNOWN]   (CONVERTED_DIR from tools/spec-convert;\n"
               "  KNOWN: tests/spec_known_deviations.txt, whose json: entries name wast2json's own mistakes)\n",
               stderr);
    return 2;
  }
  const fs::path suite = argv[1], converted = argv[2];
  Counts counts;
  uint64_t problems = 0;
  const char* dump = std::getenv("KILN_COMPARE_DUMP");
  std::set<std::string> known;  // "<set>/<script>:<line>"
  if (argc == 4) {
    std::ifstream in(argv[3]);
    if (!in) {
      std::fprintf(stderr, "wast_json_compare: cannot read %s\n", argv[3]);
      return 2;
    }
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("json:")) known.insert(line.substr(5, line.find(' ') - 5));
    }
  }
  for (const Set& set : kSets) {
    kiln::Features features;
    if (set.feature) kiln::set_feature(features, set.feature, true);
    std::error_code ec;
    for (fs::directory_iterator it(suite / set.folder, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() != ".wast") continue;
      const std::string name = it->path().stem().string();
      const fs::path json = converted / set.name / name / (name + ".json");
      auto ours = kiln::spectest::load_wast_script(it->path().string(), features);
      auto theirs = kiln::spectest::load_script(json.string());
      if (!ours.ok() || !theirs.ok()) {
        std::printf("%s/%s: cannot read: %s\n", set.name, name.c_str(),
                    (!ours.ok() ? ours.error() : theirs.error()).message.c_str());
        ++problems;
        continue;
      }
      std::vector<const Command*> a, b;
      for (const Command& cmd : ours->commands) {
        if (has_module(cmd)) a.push_back(&cmd);
      }
      for (const Command& cmd : theirs->commands) {
        if (has_module(cmd)) b.push_back(&cmd);
      }
      if (a.size() != b.size()) {
        std::printf("%s/%s: %zu modules here, %zu in the JSON\n", set.name, name.c_str(), a.size(), b.size());
        ++counts.unpaired;
        ++problems;
        continue;
      }
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i]->module_type == ModuleType::kText || b[i]->module_type == ModuleType::kText) {
          ++counts.text_only;
          continue;
        }
        if (a[i]->module_error) {
          ++counts.different;
          std::printf("%s/%s:%u: kiln's text reader refused it: %s\n", set.name, name.c_str(), a[i]->line,
                      a[i]->module_error->message.c_str());
          continue;
        }
        auto wasm = kiln::read_file((json.parent_path() / b[i]->filename).string());
        if (!wasm.ok()) {
          std::printf("%s: %s\n", b[i]->filename.c_str(), wasm.error().message.c_str());
          ++problems;
          continue;
        }
        const std::vector<uint8_t> theirs_copy = *wasm;
        const std::string why = compare(a[i]->module_bytes, std::move(*wasm), features, counts);
        // KILN_COMPARE_DUMP=DIR keeps both sides of each difference for wasm-objdump.
        if (!why.empty() && dump) {
          const std::string stem = std::string(dump) + "/" + set.name + "-" + b[i]->filename;
          (void)kiln::write_file_atomic(stem + ".kiln", a[i]->module_bytes);
          (void)kiln::write_file_atomic(stem + ".wabt", theirs_copy);
        }
        const std::string key = std::string(set.name) + "/" + name + ":" + std::to_string(a[i]->line);
        if (!why.empty() && known.count(key)) {
          --counts.different;
          ++counts.known;
          std::printf("%s: known: wast2json's module is wrong here (see the known-deviations file)\n", key.c_str());
          continue;
        }
        if (!why.empty()) std::printf("%s/%s:%u (%s): %s\n", set.name, name.c_str(), a[i]->line, b[i]->filename.c_str(), why.c_str());
      }
    }
  }
  std::printf("modules: %" PRIu64 " identical, %" PRIu64 " equivalent after decoding, %" PRIu64
              " refused alike, %" PRIu64 " different, %" PRIu64 " known wast2json mistakes; %" PRIu64
              " text modules (quote) not compared\n",
              counts.identical, counts.equivalent, counts.same_rejection, counts.different, counts.known,
              counts.text_only);
  return counts.different == 0 && problems == 0 ? 0 : 1;
}
