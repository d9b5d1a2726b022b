#!/usr/bin/env bash
# Recipe: the same C++ program built by CMake, whose add_custom_command runs kiln
# (examples/cpp/CMakeLists.txt); check_prime_index (lib.sh) compares it with the plain module.
source "$(dirname "$0")/lib.sh"
need cmake
cpp_recipe cpp-cmake
cmake -S "$root/examples/cpp" -B "$work/build" -DCMAKE_TOOLCHAIN_FILE="$root/examples/cpp/wasm32-wasi.cmake" \
  -DKILN="$wrapper" >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "cmake configure failed"; }
cmake --build "$work/build" || fail "the example's build failed"
check_prime_index "$work/build"
