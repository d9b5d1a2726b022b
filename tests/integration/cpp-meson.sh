#!/usr/bin/env bash
# Recipe: a C++ wasm32-wasi program whose meson build pre-initializes its output with a custom_target
# running kiln (examples/cpp-meson). The output's _start must print exactly what the plain module prints
# when its constructors and then main run, without the constructors' own message.
source "$(dirname "$0")/lib.sh"
need node meson ninja
"$root/tools/install-deps" clang lld wasi-libc libclang-rt-14-dev-wasm32 libc++-14-dev-wasm32 \
  libc++abi-14-dev-wasm32 || true
need clang++ llvm-ar
[ -f /usr/lib/wasm32-wasi/libc++.a ] || skip "no C++ library for wasm32-wasi (package libc++-14-dev-wasm32)"
work=$(work_dir cpp-meson)
wrapper=$(kiln_wrapper "$work")

meson setup "$work/build" "$root/examples/cpp-meson" --cross-file "$root/examples/cpp-meson/wasm32-wasi.ini" \
  -Dkiln="$wrapper" >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "meson setup failed"; }
ninja -C "$work/build" || fail "the example's build failed"
grep -q -- '-r _start=wizer.resume' "$work/kiln.log" || fail "the build did not run the kiln it was given"
echo "kiln ran: $(head -1 "$work/kiln.log")"

args=(1 2 1000 7919 20000 20001)
run() {  # NAME FILE [VAR=VALUE...]: stdout to $work/NAME.out, stderr to $work/NAME.err
  local name=$1 file=$2; shift 2
  env "$@" node --no-warnings "$here/wasi_run.mjs" "$file" "${args[@]}" >"$work/$name.out" 2>"$work/$name.err" ||
    { cat "$work/$name.err"; fail "$name run failed"; }
}
run plain "$work/build/prime_index.wasm" WASI_RUN_EXPORTS=wizer.initialize,wizer.resume
run preinit "$work/build/prime_index.preinit.wasm"
cat "$work/preinit.out"
[ -s "$work/plain.out" ] || fail "the plain module printed nothing"
grep -q 'building the prime index' "$work/plain.err" || fail "the plain module's constructors printed nothing"
diff "$work/plain.out" "$work/preinit.out" || fail "the pre-initialized module prints something else"
[ ! -s "$work/preinit.err" ] || fail "the pre-initialized module wrote to stderr: $(cat "$work/preinit.err")"
