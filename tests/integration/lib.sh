# Shared by the integration recipes (sourced): skipping, the kiln wrapper that logs each run, and npm
# projects installed once into a cache under build/ and reused while their package.json is unchanged.
# A recipe exits 0 (passed), 1 (failed, with a "FAIL: why" line) or 77 (skipped, with "SKIP: why").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/tests/integration
integ_dir=$(realpath -m "${KILN_INTEG_DIR:-$root/build/integration}")

# Messages go to stderr: several helpers print a path on stdout for the caller to capture.
skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
need() {  # TOOL...: skip unless each is on PATH
  local t
  for t; do command -v "$t" >/dev/null || skip "$t is not installed"; done
}

[ -n "${KILN:-}" ] || fail "KILN (the kiln binary to test) is not set"
KILN=$(realpath "$KILN")

# work_dir NAME: a fresh folder for this recipe's outputs (the npm caches live beside it, not inside).
work_dir() {
  local dir=$integ_dir/work/$1
  rm -rf "$dir" && mkdir -p "$dir" && echo "$dir"
}

# kiln_wrapper DIR: writes DIR/kiln, which appends its arguments to DIR/kiln.log and runs $KILN; the
# recipe then knows the pipeline ran the kiln it was given, and with which command line.
kiln_wrapper() {
  cat >"$1/kiln" <<WRAP
#!/bin/sh
echo "\$*" >>"$1/kiln.log"
exec "$KILN" "\$@"
WRAP
  chmod +x "$1/kiln"
  : >"$1/kiln.log"
  echo "$1/kiln"
}

# npm_project NAME EXAMPLE_DIR (call `need node npm` first): copies the example into the cache folder NAME
# (in place of the last copy, node_modules aside) and installs its dependencies there, once: node_modules
# is reused while package.json (after the edit below) is the same. "file:../../tools/..." overrides are
# made absolute, since the copy lives elsewhere.
npm_project() {
  local dir=$integ_dir/npm/$1 src=$2
  mkdir -p "$dir"
  find "$dir" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name package-lock.json -exec rm -rf {} +
  (cd "$src" && tar --exclude=node_modules --exclude=out --exclude=bin -cf - .) | tar -xf - -C "$dir"
  node -e '
    const fs = require("fs"), path = require("path");
    const [file, src] = process.argv.slice(1);
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const [name, spec] of Object.entries(pkg.overrides ?? {}))
      if (spec.startsWith("file:")) pkg.overrides[name] = "file:" + path.resolve(src, spec.slice(5));
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");' "$dir/package.json" "$src"
  local stamp
  stamp=$(sha256sum "$dir/package.json" | cut -d' ' -f1)
  if [ "$(cat "$dir/node_modules/.kiln-installed" 2>/dev/null)" != "$stamp" ]; then
    echo "npm install in $dir (its package.json is new or changed)" >&2
    rm -rf "$dir/node_modules" "$dir/package-lock.json"  # a new package.json starts from nothing
    (cd "$dir" && npm_config_cache=$integ_dir/npm-cache npm install --no-audit --no-fund \
      --no-update-notifier --prefer-offline --loglevel=error) >&2 || fail "npm install failed in $dir"
    echo "$stamp" >"$dir/node_modules/.kiln-installed"
  fi
  echo "$dir"
}

# npm_recipe NAME: how an npm recipe starts: installs examples/NAME (npm_project), cds into it, and sets
# project (that folder), work (a fresh work_dir) and wrapper (kiln_wrapper in it).
npm_recipe() {
  need node npm
  project=$(npm_project "$1" "$root/examples/$1")
  work=$(work_dir "$1")
  wrapper=$(kiln_wrapper "$work")
  cd "$project"
}

# cpp_recipe: how a recipe for examples/cpp starts: installs clang's wasm32-wasi libraries when it can
# (skips when they are missing), and sets work and wrapper as npm_recipe does.
cpp_recipe() {
  need node
  "$root/tools/install-deps" clang lld wasi-libc libclang-rt-14-dev-wasm32 libc++-14-dev-wasm32 \
    libc++abi-14-dev-wasm32 || true
  need clang++ llvm-ar
  [ -f /usr/lib/wasm32-wasi/libc++.a ] || skip "no C++ library for wasm32-wasi (package libc++-14-dev-wasm32)"
  work=$(work_dir "$1")
  wrapper=$(kiln_wrapper "$work")
}

# check_prime_index BUILD_DIR: examples/cpp's outputs there. The pre-initialized module's _start must print
# exactly what the plain module prints when its constructors and then main run, without the constructors'
# own stderr line; and the build must have run the wrapper.
check_prime_index() {
  local build=$1 args=(1 2 1000 7919 20000 20001) name
  grep -q -- '-r _start=wizer.resume' "$work/kiln.log" || fail "the build did not run the kiln it was given"
  echo "kiln ran: $(head -1 "$work/kiln.log")"
  for name in plain preinit; do
    local file=$build/prime_index.wasm chain=wizer.initialize,wizer.resume
    [ "$name" = preinit ] && file=$build/prime_index.preinit.wasm chain=
    WASI_RUN_EXPORTS=$chain node --no-warnings "$here/wasi_run.mjs" "$file" "${args[@]}" \
      >"$work/$name.out" 2>"$work/$name.err" || { cat "$work/$name.err"; fail "the $name module failed"; }
  done
  cat "$work/preinit.out"
  [ -s "$work/plain.out" ] || fail "the plain module printed nothing"
  grep -q 'building the prime index' "$work/plain.err" || fail "the plain module's constructors printed nothing"
  diff "$work/plain.out" "$work/preinit.out" || fail "the pre-initialized module prints something else"
  [ ! -s "$work/preinit.err" ] || fail "the pre-initialized module wrote to stderr: $(cat "$work/preinit.err")"
}
