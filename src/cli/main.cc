// kiln command-line entry: pre-initialization by default, or one of the subcommands.
#include <cstdio>
#include <span>
#include <string_view>

#include "commands.h"

namespace {

constexpr const char* kCommands =
    "kiln subcommands:\n"
    "  kiln validate [--enable-FEATURE...] FILE   decode and validate; errors as FILE:0xOFFSET: error: MESSAGE\n"
    "  kiln info [--enable-FEATURE...] FILE       sections, index spaces, segments, decode/validate time\n"
    "  kiln run [--fuel N] [--enable-FEATURE...] FILE [--invoke NAME] [ARGS...]\n"
    "                                             call an export (default _start) in kiln's interpreter\n"
    "  kiln spectest [--enable-FEATURE...] FILE.wast|FILE.json\n"
    "                                             run one spec script (.wast, or wast2json's conversion)\n"
    "every command that reads a module also reads the text format (.wat)\n"
    "features: simd (on by default), relaxed-simd, multi-memory, memory64, tail-call, extended-const, exceptions,\n"
    "legacy-exceptions, function-references, gc, all; --disable-FEATURE turns one off\n";

}  // namespace

int main(int argc, char** argv) {
  std::span<char* const> args(argv, static_cast<size_t>(argc));
  const std::string_view first = args.size() > 1 ? std::string_view(args[1]) : std::string_view();
  const auto rest = args.size() > 1 ? args.subspan(2) : args.subspan(1);
  if (first == "validate") return kiln::cli::validate_command(rest);
  if (first == "info") return kiln::cli::info_command(rest);
  if (first == "run") return kiln::cli::run_command(rest);
  if (first == "spectest") return kiln::cli::spectest_command(rest);
  if (first == "help") {
    std::fputs(kCommands, stdout);
    return 0;
  }
  return kiln::cli::preinit_command(args.subspan(1));
}
