# The JavaScript engine module of tools/bench-preinit --engine (sourced): componentize-js 0.23.0, installed
# as tests/integration installs examples/componentize-js, builds a ~10.5 MB StarlingMonkey engine for the
# example's small app and hands it to its pre-initializer. A capture script in the pre-initializer's place
# records exactly what it is given (arguments, environment, standard input, the preopened source folder and
# the module), then runs kiln, so componentize-js's own snapshot check also covers kiln. The bench then
# replays that recorded call for each tool, and checks each tool's output by having componentize-js wrap it
# into a component that jco transpiles and node calls against the app's source.

# engine_fail MESSAGE: a missing tool or a failed step stops the bench, naming what is wrong.
engine_fail() { echo "bench-preinit --engine: $*" >&2; exit 1; }

# engine_project: prints the installed example's folder (the integration recipes' npm cache, shared with them).
engine_project() {
  local t
  for t in node npm; do command -v "$t" >/dev/null || engine_fail "$t is not installed (Debian package nodejs/npm)"; done
  (
    source "$bench_common_root/tests/integration/lib.sh"
    npm_project componentize-js "$root/examples/componentize-js"
  ) || engine_fail "could not install examples/componentize-js (npm install failed; see above)"
}

# engine_capture DIR: builds the example with the capture script as componentize-js's pre-initializer and
# leaves in DIR: engine.wasm (the module as componentize-js hands it over), args (the arguments to replay, one
# per line, the input and -o left out, the source folder moved into DIR/sources), env (the environment it
# was given, NAME=VALUE a line) and stdin. Reuses an earlier capture.
engine_capture() {
  local dir=$1 project
  [ -s "$dir/engine.wasm" ] && [ -f "$dir/args" ] && return 0
  project=$(engine_project)
  rm -rf "$dir" && mkdir -p "$dir/raw"
  # componentize-js runs its pre-initializer with an environment of its own (no PATH): paths are baked in.
  cat >"$dir/capture" <<CAPTURE
#!/bin/bash
set -e
raw=$dir/raw
printf '%s\0' "\$@" >"\$raw/argv"
env -0 >"\$raw/env"
cat >"\$raw/stdin"
for a in "\$@"; do
  case \$a in
    --dir=*) cp -r "\${a#--dir=}" "\$raw/sources" ;;
  esac
done
cp "\${@: -1}" "\$raw/input.wasm"  # componentize-js names the input module last
exec "$KILN" "\$@" <"\$raw/stdin"
CAPTURE
  chmod +x "$dir/capture"
  (cd "$project" && rm -f roman.component.wasm && KILN=$dir/capture node build.mjs) >"$dir/build.log" 2>&1 ||
    { cat "$dir/build.log" >&2; engine_fail "componentize-js failed with kiln as its pre-initializer"; }
  [ -s "$dir/raw/input.wasm" ] || engine_fail "componentize-js did not run the capture script it was given"
  engine_make_replay "$dir"
}

# engine_make_replay DIR: DIR/raw (what the capture script recorded) -> DIR/engine.wasm, args, env, stdin.
engine_make_replay() {
  local dir=$1 a srcdir="" input argv=() vars=() args=()
  mapfile -d '' argv <"$dir/raw/argv"
  mapfile -d '' vars <"$dir/raw/env"
  input=${argv[-1]}
  for a in "${argv[@]}"; do
    case $a in --dir=*) srcdir=${a#--dir=} ;; esac
  done
  [ -n "$srcdir" ] || engine_fail "the recorded call has no --dir=: ${argv[*]}"
  rm -rf "$dir/sources" && mv "$dir/raw/sources" "$dir/sources"
  cp "$dir/raw/input.wasm" "$dir/engine.wasm"
  for a in "${argv[@]}"; do
    case $a in
      "$input" | -o=* | --output=*) ;;  # each tool gets its own output path
      --dir=*) args+=("--dir=$dir/sources") ;;
      *) args+=("$a") ;;
    esac
  done
  printf '%s\n' "${args[@]}" >"$dir/args"
  # The names the shell running the capture script set itself are not part of the call.
  for a in "${vars[@]}"; do
    case ${a%%=*} in PWD | OLDPWD | SHLVL | _) ;; *) printf '%s\0' "$a" ;; esac
  done >"$dir/env"
  sed "s#$srcdir#$dir/sources#g" "$dir/raw/stdin" >"$dir/stdin"
}

# engine_check DIR TOOL OUTPUT: has componentize-js build the example again around OUTPUT (a pre-initializer
# in its place that only copies OUTPUT, so componentize-js's snapshot check runs on it), transpiles the
# component with jco and checks in node that it answers as the app's source does.
engine_check() {
  local dir=$1 tool=$2 output=$3 project check=$1/check-$2
  project=$(engine_project)
  cat >"$dir/replay-$tool" <<REPLAY
#!/bin/bash
cat >/dev/null  # componentize-js writes the engine's arguments to standard input
for a in "\$@"; do case \$a in -o=*) cp "$output" "\${a#-o=}" ;; esac; done
REPLAY
  chmod +x "$dir/replay-$tool"
  rm -rf "$check" && mkdir -p "$check"
  ln -s "$project/node_modules" "$check/node_modules"  # the transpiled component imports jco's WASI shim
  (cd "$project" && rm -f roman.component.wasm && KILN=$dir/replay-$tool node build.mjs &&
    mv roman.component.wasm "$check/" && cp roman.js "$check/" &&
    node_modules/.bin/jco transpile "$check/roman.component.wasm" -o "$check/out" --no-namespaced-exports) \
    >"$check/build.log" 2>&1 || { cat "$check/build.log" >&2; return 1; }
  node "$bench_common_root/tests/integration/componentize_check.mjs" "$check"
}
