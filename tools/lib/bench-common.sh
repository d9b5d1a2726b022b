#!/usr/bin/env bash
# What every benchmark driver shares, defined once: how the median is taken, where Wizer comes from, and
# which kiln binary is timed. Shell drivers source this file; node drivers call it through
# tools/lib/bench-common.cjs, which runs it as a command:
#   tools/lib/bench-common.sh median        the median of the numbers on standard input
#   tools/lib/bench-common.sh find-wizer    "PATH\nVERSION" of Wizer's binary, or exit 1 with the reason
# Environment read: WIZER (a wizer binary, used as it is), WIZER_DIR (where the npm package
# @bytecodealliance/wizer is installed on first use, default build/npm), KILN (a kiln binary; default: build
# build/release/src/cli/kiln).

bench_common_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The median of the numbers on standard input, one a line: the middle one, or the mean of the two middle ones
# for an even count (as hyperfine reports it). Prints nothing for no numbers.
median() {
  sort -g | awk '{ v[NR] = $1 }
    END { if (NR % 2) print v[(NR + 1) / 2]; else if (NR > 0) printf "%.12g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Sets WIZER (the binary) and WIZER_VERSION; returns 1 with WIZER_MISSING saying why when there is none.
# $WIZER when set; else the npm package in WIZER_DIR, installed there first when npm is available.
find_wizer() {
  WIZER_MISSING=""
  if [ -n "${WIZER:-}" ]; then
    [ -x "$WIZER" ] || { WIZER_MISSING="WIZER=$WIZER is not an executable file"; WIZER=""; return 1; }
  else
    local dir=${WIZER_DIR:-$bench_common_root/build/npm}
    WIZER=$dir/node_modules/@bytecodealliance/wizer-linux-x64/wizer
    if [ ! -x "$WIZER" ] && command -v npm >/dev/null; then
      mkdir -p "$dir"
      echo "bench: installing @bytecodealliance/wizer into $dir" >&2
      timeout 180 npm install --prefix "$dir" --no-audit --no-fund --silent --fetch-retries=1 --fetch-timeout=30000 \
        @bytecodealliance/wizer >/dev/null 2>&1 || true
    fi
    if [ ! -x "$WIZER" ]; then
      WIZER_MISSING="not in $dir and npm could not install @bytecodealliance/wizer there (set WIZER=path/to/wizer)"
      WIZER=""
      return 1
    fi
  fi
  # wizer has no --version; the npm package beside the binary says which release it is.
  local package
  package=$(dirname "$WIZER")/../wizer/package.json
  WIZER_VERSION=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$package" 2>/dev/null | head -1)
  WIZER_VERSION=${WIZER_VERSION:-"(version unknown)"}
}

# Sets KILN to the binary to time: $KILN when set, else build/release's, built (and configured) first.
find_kiln() {
  [ -n "${KILN:-}" ] && return 0
  local build=$bench_common_root/build/release
  [ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
  ninja -C "$build" src/cli/kiln >/dev/null
  KILN=$build/src/cli/kiln
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then  # run as a command (by the node drivers), not sourced
  set -euo pipefail
  case ${1:-} in
    median) median ;;
    find-wizer) if find_wizer; then printf '%s\n%s\n' "$WIZER" "$WIZER_VERSION"; else echo "$WIZER_MISSING" >&2; exit 1; fi ;;
    *) echo "usage: tools/lib/bench-common.sh median|find-wizer" >&2; exit 2 ;;
  esac
fi
