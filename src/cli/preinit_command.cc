// `kiln [OPTIONS] INPUT [-o OUTPUT]`: Wizer-compatible pre-initialization from the command line.
#include <sys/stat.h>

#include <charconv>
#include <memory>
#include <cstdio>
#include <optional>
#include <string>

#include "commands.h"
#include "feature_flags.h"
#include "kiln/kiln.h"

namespace kiln::cli {
namespace {

constexpr const char* kUsage = R"(usage: kiln [OPTIONS] INPUT [-o OUTPUT]
Pre-initializes a WebAssembly module: runs its init function and writes a module
whose globals and memory already hold the initialized state. INPUT '-' or absent
reads standard input; without -o the output goes to standard output.

options (Wizer-compatible; a boolean B takes =true, =false, or true/false as the next
argument; a bare flag means true):
  -o, --output FILE            where to write the pre-initialized module
  -f, --init-func NAME         the init export (default wizer-initialize; falls back to
                               wizer.initialize when only that one exists)
  -r, --rename-func DST=SRC    export SRC under the name DST (repeatable)
      --keep-init-func[=B]     keep exporting the init function (and _initialize)
      --allow-wasi[=B]         let init call WASI (wasi_snapshot_preview1)
      --inherit-stdio[=B]      WASI stdio is the real stdio (default true)
      --inherit-env[=B]        WASI sees this process's environment (default false)
      --dir DIR                make a host directory available to WASI
      --mapdir GUEST::HOST     make HOST available to WASI as GUEST
      --preload NAME=FILE      instantiate FILE and satisfy imports from module NAME with it
      --env NAME=VALUE         set a WASI environment variable (repeatable)
      --deterministic[=SEED]   WASI clocks that only count work and seeded random_get:
                               byte-identical outputs (randomness taken during init is then
                               the same in every instance)
      --trace-host[=FILE]      record every host call init makes (to stderr or FILE)
      --wasm-multi-memory[=B], --wasm-multi-value[=B], --wasm-bulk-memory[=B],
      --wasm-simd[=B], --wasm-reference-types[=B], --wasm-relaxed-simd[=B]
                               WebAssembly features (all on by default); a module that uses
                               one turned off is refused
      --relaxed-simd-deterministic[=B]
                               accepted for Wizer; relaxed SIMD always computes the
                               deterministic profile's results (fused multiply-add)
kiln's own options:
      --host-clocks[=B]        WASI's monotonic and CPU-time clocks are the host's during init
                               (default false: they count the guest's work, 10 ns per call or
                               loop iteration, so init times itself as compiled code would)
      --fuel N                 stop init after N units of fuel (calls and loop iterations);
                               default unlimited
      --max-data-segments N    cap on the snapshot's data segments: more non-zero runs are
                               merged, never refused (default 10000)
      --max-memory BYTES       cap on each memory's size during init: memory.grow past it
                               returns -1, a larger declared minimum is refused (default none)
      --max-stack N            cap on nested calls during init (default 20000); locals and
                               operands are also capped at 256 MiB
      --max-output-size BYTES  refuse an output module larger than this (default none)
      --enable-FEATURE, --disable-FEATURE
                               memory64, tail-call, extended-const, exceptions,
                               legacy-exceptions, function-references, gc (these four off
                               by default, as in Wizer), ...
      --stats                  print timings, sizes and counts to stderr
  -v, --verbose                print notes about choices made (such as a fallback init
                               function) to stderr; a successful run is otherwise silent
      --help, --version

other commands: kiln validate | info | run | spectest (kiln help COMMAND)
)";

struct Parsed {
  Options options;
  std::string input = "-";
  std::string output = "-";
  bool have_input = false;
  bool stats = false;
  bool verbose = false;
  bool relaxed_simd_given = false;  // --wasm-relaxed-simd appeared
  std::optional<std::string> trace_file;  // "-" is stderr
};

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

std::optional<uint64_t> parse_u64(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "kiln: %s\n(kiln --help lists the options)\n", message.c_str());
  return 1;
}

// Splits "--name=value" / "-o=value"; `value` is nullopt when there is no '='.
void split_option(std::string_view arg, std::string_view& name, std::optional<std::string_view>& value) {
  const size_t eq = arg.find('=');
  name = arg.substr(0, eq);
  value = eq == std::string_view::npos ? std::nullopt : std::optional<std::string_view>(arg.substr(eq + 1));
}

bool same_file(const std::string& a, const std::string& b) {
  if (a == "-" || b == "-") return false;
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// Returns an exit code when parsing ends the run (help, version, error).
std::optional<int> parse(std::span<char* const> args, Parsed& p) {
  Options& o = p.options;
  o.features = Features::all();
  // Wizer 11's engine refuses exception handling ("exceptions proposal not
  // enabled", and it has no switch for it): kiln's --enable-exceptions goes beyond it.
  o.features.exceptions = false;
  o.features.legacy_exceptions = false;
  // Nor does it take typed function references ("function references support is not enabled").
  o.features.function_references = false;
  // Nor garbage collection: Wizer refuses GC modules outright.
  o.features.gc = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg.empty() || arg[0] != '-' || arg == "-") {
      if (p.have_input) return usage_error("more than one input file ('" + p.input + "' and '" + std::string(arg) + "')");
      p.input = arg;
      p.have_input = true;
      continue;
    }
    std::string_view name;
    std::optional<std::string_view> value;
    split_option(arg, name, value);
    // A value from "=value" or from the next argument.
    auto take_value = [&]() -> std::optional<std::string_view> {
      if (value) return value;
      if (i + 1 < args.size()) return std::string_view(args[++i]);
      return std::nullopt;
    };
    // A boolean, as both Wizers take it: "=true|false", or "true"/"false" as
    // the next argument (Wizer 7 requires a value and takes it that way,
    // Wizer 11 allows it for --inherit-stdio, --inherit-env and --wasm-*),
    // else bare, meaning true. Only those two words are taken from the next
    // argument, so a bare flag before INPUT leaves INPUT alone.
    auto take_bool = [&](bool& target) -> std::optional<int> {
      if (!value && i + 1 < args.size()) {
        const std::string_view next = args[i + 1];
        if (next == "true" || next == "false") {
          target = next == "true";
          ++i;
          return std::nullopt;
        }
      }
      if (!value) {
        target = true;
        return std::nullopt;
      }
      auto b = parse_bool(*value);
      if (!b) return usage_error(std::string(name) + " takes true or false, not '" + std::string(*value) + "'");
      target = *b;
      return std::nullopt;
    };
    auto need = [&](std::optional<std::string_view> v) -> std::optional<int> {
      if (!v) return usage_error(std::string(name) + " needs a value");
      return std::nullopt;
    };

    if (name == "--help" || name == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (name == "--version" || name == "-V") {
      std::printf("kiln %s\n", version());
      return 0;
    }
    if (name == "-o" || name == "--output") {
      auto v = take_value();
      if (auto e = need(v)) return e;
      p.output = *v;
    } else if (name == "-f" || name == "--init-func") {
      auto v = take_value();
      if (auto e = need(v)) return e;
      o.init_func = *v;
      o.init_func_fallback = false;
    } else if (name == "-r" || name == "--rename-func" || name == "--func-rename") {
      // The value itself contains '=': take everything after the option name.
      std::string_view spec;
      if (value) spec = arg.substr(name.size() + 1);
      else if (i + 1 < args.size()) spec = args[++i];
      else return usage_error(std::string(name) + " needs DST=SRC");
      const size_t eq = spec.find('=');
      if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size())
        return usage_error("invalid --rename-func '" + std::string(spec) + "': expected DST=SRC");
      o.renames.push_back(ExportRename{std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))});
    } else if (name == "--keep-init-func") {
      if (auto e = take_bool(o.keep_init_func)) return e;
    } else if (name == "--allow-wasi") {
      if (auto e = take_bool(o.allow_wasi)) return e;
    } else if (name == "--inherit-stdio") {
      if (auto e = take_bool(o.inherit_stdio)) return e;
    } else if (name == "--host-clocks") {
      if (auto e = take_bool(o.host_clocks)) return e;
    } else if (name == "--inherit-env") {
      if (auto e = take_bool(o.inherit_env)) return e;
    } else if (name == "--dir") {
      auto v = take_value();
      if (auto e = need(v)) return e;
      o.dirs.emplace_back(*v);
    } else if (name == "--mapdir") {
      auto v = take_value();
      if (auto e = need(v)) return e;
      const size_t sep = v->find("::");
      if (sep == std::string_view::npos || v->find("::", sep + 2) != std::string_view::npos)
        return usage_error("invalid --mapdir '" + std::string(*v) + "': expected GUEST::HOST");
      o.map_dirs.emplace_back(std::string(v->substr(0, sep)), std::string(v->substr(sep + 2)));
    } else if (name == "--preload") {
      std::string_view spec;
      if (value) spec = arg.substr(name.size() + 1);
      else if (i + 1 < args.size()) spec = args[++i];
      else return usage_error("--preload needs NAME=FILE");
      const size_t eq = spec.find('=');
      if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size())
        return usage_error("invalid --preload '" + std::string(spec) + "': expected NAME=FILE");
      o.preloads.emplace_back(std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1)));
    } else if (name == "--env") {
      std::string_view spec;
      if (value) spec = arg.substr(name.size() + 1);
      else if (i + 1 < args.size()) spec = args[++i];
      else return usage_error("--env needs NAME=VALUE");
      if (spec.find('=') == std::string_view::npos || spec.front() == '=')
        return usage_error("invalid --env '" + std::string(spec) + "': expected NAME=VALUE");
      o.env.emplace_back(spec);
    } else if (name == "--deterministic") {
      if (!value || *value == "true") {
        o.deterministic = true;
      } else if (*value == "false") {
        o.deterministic = false;
      } else if (auto seed = parse_u64(*value)) {
        o.deterministic = true;
        o.random_seed = *seed;
      } else {
        return usage_error("--deterministic takes true, false or a seed number, not '" + std::string(*value) + "'");
      }
    } else if (name == "--trace-host") {
      p.trace_file = value ? std::string(*value) : std::string("-");
    } else if (name == "--wasm-multi-memory") {
      if (auto e = take_bool(o.features.multi_memory)) return e;
    } else if (name == "--wasm-multi-value") {
      if (auto e = take_bool(o.features.multi_value)) return e;
    } else if (name == "--wasm-bulk-memory") {
      if (auto e = take_bool(o.features.bulk_memory)) return e;
    } else if (name == "--wasm-reference-types") {
      if (auto e = take_bool(o.features.reference_types)) return e;
    } else if (name == "--wasm-simd") {
      if (auto e = take_bool(o.features.simd)) return e;
    } else if (name == "--wasm-relaxed-simd") {
      if (auto e = take_bool(o.features.relaxed_simd)) return e;
      p.relaxed_simd_given = true;
    } else if (name == "--relaxed-simd-deterministic") {
      // kiln has one semantics for relaxed SIMD, the deterministic one that
      // Wizer uses by default; =false (whatever the host computes) gets it too,
      // which is one of the results the spec allows.
      bool ignored = true;
      if (auto e = take_bool(ignored)) return e;
    } else if (name == "--fuel" || name == "--max-data-segments" || name == "--max-memory" ||
               name == "--max-stack" || name == "--max-output-size") {
      auto v = take_value();
      if (auto e = need(v)) return e;
      auto n = parse_u64(*v);
      if (!n) return usage_error(std::string(name) + " needs a number, not '" + std::string(*v) + "'");
      if (name == "--fuel") o.fuel = *n;
      else if (name == "--max-data-segments") o.max_data_segments = *n == 0 ? 1 : *n;
      else if (name == "--max-memory") o.max_memory_bytes = *n;
      else if (name == "--max-output-size") o.max_output_bytes = *n;
      else if (*n == 0 || *n > UINT32_MAX)
        return usage_error("--max-stack needs a number of calls from 1 to " + std::to_string(UINT32_MAX));
      else o.max_call_depth = static_cast<uint32_t>(*n);
    } else if (name == "--stats") {
      if (auto e = take_bool(p.stats)) return e;
    } else if (name == "--verbose" || name == "-v") {
      if (auto e = take_bool(p.verbose)) return e;
    } else if (apply_feature_flag(o.features, arg) == FlagMatch::kApplied) {
      continue;
    } else {
      return usage_error("unknown option '" + std::string(arg) + "'");
    }
  }
  // Relaxed SIMD extends SIMD: without SIMD it goes too, unless asked for,
  // which cannot be honoured (Wizer refuses the same pair).
  if (!o.features.simd && o.features.relaxed_simd) {
    if (p.relaxed_simd_given) return usage_error("--wasm-relaxed-simd=true needs SIMD, but --wasm-simd=false turns it off");
    o.features.relaxed_simd = false;
  }
  return std::nullopt;
}

void print_stats(const Stats& s) {
  std::fprintf(stderr,
               "kiln stats: init function '%s'\n"
               "  time: decode %.2f ms, validate %.2f ms, instantiate %.2f ms, init %.2f ms, snapshot %.2f ms, "
               "rewrite %.2f ms, verify %.2f ms\n"
               "  size: input %llu bytes, output %llu bytes; %llu data segments; memory %llu bytes, %llu pages "
               "(4 KiB) written\n"
               "  init: %llu function calls, %llu fuel used\n",
               s.init_func.c_str(), s.decode_ms, s.validate_ms, s.instantiate_ms, s.init_ms, s.snapshot_ms,
               s.rewrite_ms, s.verify_ms, static_cast<unsigned long long>(s.input_bytes),
               static_cast<unsigned long long>(s.output_bytes), static_cast<unsigned long long>(s.data_segments),
               static_cast<unsigned long long>(s.memory_bytes), static_cast<unsigned long long>(s.pages_written),
               static_cast<unsigned long long>(s.calls), static_cast<unsigned long long>(s.fuel_used));
}

}  // namespace

int preinit_command(std::span<char* const> args) {
  Parsed p;
  if (auto code = parse(args, p)) return *code;
  if (same_file(p.input, p.output)) {
    std::fprintf(stderr, "kiln: error: the output '%s' is the input file; write the output elsewhere\n",
                 p.output.c_str());
    return 1;
  }
  auto input = read_module_file(p.input, p.options.features);
  if (!input) {
    std::fprintf(stderr, "kiln: error: %s\n", input.error().message.c_str());
    return 1;
  }
  p.options.setting_names = SettingNames::kCommandLine;
  // Success is silent, as Unix tools and Wizer are: notes only when asked for.
  if (p.verbose)
    p.options.note = [](const std::string& text) { std::fprintf(stderr, "kiln: note: %s\n", text.c_str()); };
  std::unique_ptr<FILE, int (*)(FILE*)> trace(nullptr, &std::fclose);
  if (p.trace_file) {
    FILE* sink = stderr;
    if (*p.trace_file != "-") {
      trace.reset(std::fopen(p.trace_file->c_str(), "w"));
      if (!trace) {
        std::fprintf(stderr, "kiln: error: cannot write the trace file '%s'\n", p.trace_file->c_str());
        return 1;
      }
      sink = trace.get();
    }
    p.options.trace_host = [sink](const std::string& line) { std::fprintf(sink, "%s\n", line.c_str()); };
  }
  Stats stats;
  bool writing_failed = false;
  // The input is held once, by the module; the output goes to the file as it is made ("-" is standard output).
  Status made = preinitialize_to_file(std::move(*input), p.output, p.options, &stats, &writing_failed);
  if (!made) {
    const Error& e = made.error();
    const std::string where = p.input == "-" ? "<stdin>" : p.input;
    if (writing_failed)
      std::fprintf(stderr, "kiln: error: %s\n", e.message.c_str());
    else if (e.has_offset())
      std::fprintf(stderr, "kiln: error: %s:0x%llx: %s\n", where.c_str(), static_cast<unsigned long long>(e.offset),
                   e.message.c_str());
    else
      std::fprintf(stderr, "kiln: error: %s: %s\n", where.c_str(), e.message.c_str());
    return 1;
  }
  if (p.stats) print_stats(stats);
  return 0;
}

}  // namespace kiln::cli
