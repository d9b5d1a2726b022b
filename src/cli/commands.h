// Entry points of the kiln subcommands; main() dispatches on the first argument.
#pragma once

#include <span>
#include <string_view>

namespace kiln::cli {

// Each takes the arguments after the subcommand name and returns the exit code.
int validate_command(std::span<char* const> args);
int spectest_command(std::span<char* const> args);
int info_command(std::span<char* const> args);
int run_command(std::span<char* const> args);
int preinit_command(std::span<char* const> args);

}  // namespace kiln::cli
