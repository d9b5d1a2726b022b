#!/usr/bin/env bash
# Recipe: the -Dstatic=true build (KILN_STATIC) is one self-contained file: `file` and `ldd` see no dynamic
# linking, it runs with no libraries at all (an empty chroot, when running as root), and it pre-initializes
# corpus/demo/primes.wasm to the very bytes the dynamic build (KILN) writes.
source "$(dirname "$0")/lib.sh"
[ -n "${KILN_STATIC:-}" ] || skip "no static build given (KILN_STATIC; tools/test builds build/static with -Dstatic=true)"
[ -x "$KILN_STATIC" ] || fail "KILN_STATIC=$KILN_STATIC is not an executable"
"$root/tools/install-deps" file || true
need file ldd
work=$(work_dir static-binary)

kind=$(file -b "$KILN_STATIC")
echo "file: $kind"
echo "size: $(stat -c %s "$KILN_STATIC") bytes"
case $kind in *"statically linked"*) ;; *) fail "file does not call it statically linked: $kind" ;; esac
loader=$(ldd "$KILN_STATIC" 2>&1 || true)
echo "ldd: $loader"
case $loader in *"not a dynamic executable"*) ;; *) fail "ldd lists dynamic dependencies: $loader" ;; esac

input=$root/corpus/demo/primes.wasm
"$KILN" "$input" -o "$work/dynamic.wasm" || fail "the dynamic build failed on $input"
# Nothing but the binary and its input: no loader, no libc, no libstdc++, no /proc or /dev.
mkdir -p "$work/root"
cp "$KILN_STATIC" "$work/root/kiln" && cp "$input" "$work/root/in.wasm"
if [ "$(id -u)" -eq 0 ] && command -v chroot >/dev/null; then
  rc=0
  chroot "$work/root" /kiln /in.wasm -o /out.wasm 2>"$work/chroot.err" || rc=$?
  cat "$work/chroot.err"
  if grep -q 'cannot change root directory' "$work/chroot.err"; then
    echo "note: chroot is not permitted here; running the copy in place instead"
  else
    [ "$rc" -eq 0 ] || fail "the static build does not run in an empty root"
    echo "ran in an empty chroot"
  fi
else
  echo "note: not root, so not run in an empty chroot; running the copy in place instead"
fi
[ -f "$work/root/out.wasm" ] || "$work/root/kiln" "$input" -o "$work/root/out.wasm" ||
  fail "the static build failed on $input"
mv "$work/root/out.wasm" "$work/static.wasm"
cmp "$work/dynamic.wasm" "$work/static.wasm" || fail "the static and dynamic builds write different outputs"
echo "outputs identical: $(stat -c %s "$work/static.wasm") bytes"
