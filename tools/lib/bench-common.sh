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
  locate_wizer WIZER "${WIZER_DIR:-$bench_common_root/build/npm}" @bytecodealliance/wizer
}

# The same for Wizer 7.0.5, the release npm's @fastly/js-compute still runs: sets WIZER7, WIZER7_VERSION or
# WIZER7_MISSING, from $WIZER7 or the npm package in WIZER7_DIR (default build/npm-wizer7).
find_wizer7() {
  locate_wizer WIZER7 "${WIZER7_DIR:-$bench_common_root/build/npm-wizer7}" @bytecodealliance/wizer@7.0.5
}

# locate_wizer VAR DIR PACKAGE: the shared body of find_wizer and find_wizer7; VAR names the variables set.
locate_wizer() {
  local var=$1 dir=$2 spec=$3 binary
  binary=${!var:-}
  printf -v "${var}_MISSING" '%s' ""
  if [ -n "$binary" ]; then
    if [ ! -x "$binary" ]; then
      printf -v "${var}_MISSING" '%s' "$var=$binary is not an executable file"; printf -v "$var" '%s' ""; return 1
    fi
  else
    binary=$dir/node_modules/@bytecodealliance/wizer-linux-x64/wizer
    if [ ! -x "$binary" ] && command -v npm >/dev/null; then
      mkdir -p "$dir"
      echo "bench: installing $spec into $dir" >&2
      timeout 180 npm install --prefix "$dir" --no-audit --no-fund --silent --fetch-retries=1 --fetch-timeout=30000 \
        "$spec" >/dev/null 2>&1 || true
    fi
    if [ ! -x "$binary" ]; then
      printf -v "${var}_MISSING" '%s' "not in $dir and npm could not install $spec there (set $var=path/to/wizer)"
      printf -v "$var" '%s' ""
      return 1
    fi
  fi
  printf -v "$var" '%s' "$binary"
  # wizer has no --version; the npm package beside the binary says which release it is.
  local version
  version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$(dirname "$binary")/../wizer/package.json" 2>/dev/null | head -1)
  printf -v "${var}_VERSION" '%s' "${version:-(version unknown)}"
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
