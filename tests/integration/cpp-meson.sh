#!/usr/bin/env bash
# Recipe: a C++ wasm32-wasi program whose meson build pre-initializes its output with a custom_target
# running kiln (examples/cpp/meson.build); check_prime_index (lib.sh) compares it with the plain module.
source "$(dirname "$0")/lib.sh"
need meson ninja
cpp_recipe cpp-meson
meson setup "$work/build" "$root/examples/cpp" --cross-file "$root/examples/cpp/wasm32-wasi.ini" \
  -Dkiln="$wrapper" >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "meson setup failed"; }
ninja -C "$work/build" || fail "the example's build failed"
check_prime_index "$work/build"
