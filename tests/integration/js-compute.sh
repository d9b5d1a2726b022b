#!/usr/bin/env bash
# Recipe: js-compute-runtime (npm @fastly/js-compute) with kiln in place of Wizer through an npm
# "overrides" entry that points @bytecodealliance/wizer at tools/npm-wizer-kiln (examples/js-compute).
# The built service's _start (wizer.resume) then answers one request in node (fastly_host.mjs): the body
# must hold the prime table computed at build time and a stamp that existed only in the build's environment.
source "$(dirname "$0")/lib.sh"
npm_recipe js-compute
rm -rf bin

# The override: @bytecodealliance/wizer is now the path of KILN, else of the first kiln on PATH, else an error.
node=$(command -v node)
shim() {  # KILN-or-empty PATH: what the package exports
  (if [ -n "$1" ]; then export KILN=$1; else unset KILN; fi
   PATH=$2 "$node" --input-type=module -e "console.log((await import('@bytecodealliance/wizer')).default)" 2>&1)
}
got=$(shim "$wrapper" "$PATH")
[ "$got" = "$wrapper" ] || fail "with KILN set, the package gives $got"
got=$(shim "" "$work:$PATH")
[ "$got" = "$work/kiln" ] || fail "the package does not find kiln on PATH: $got"
got=$(shim "" /nonexistent) && fail "without any kiln, the package gives $got"
echo "$got" | grep -q 'set KILN to its path or put `kiln` on PATH' ||
  fail "without any kiln, the package does not say how to provide one: $got"

stamp="kiln-$$-$RANDOM"
BUILD_STAMP=$stamp KILN=$wrapper npm run --silent build ||
  fail "js-compute-runtime failed with kiln"
grep -q -- '_start=wizer.resume' "$work/kiln.log" || fail "js-compute-runtime did not run the kiln it was given"
echo "kiln ran: $(head -1 "$work/kiln.log")"

n=1500
reply=$(node --no-warnings "$here/fastly_host.mjs" bin/main.wasm "http://example.test/?n=$n") ||
  fail "the service did not answer: $reply"
echo "response: $reply"
# What the body must say, from the same table code run directly in node.
node --input-type=module - "$reply" "$project/src/primes.js" "$n" "$stamp" <<'JS' || fail "wrong response"
const [reply, primesModule, n, stamp] = process.argv.slice(2);
const { primeTable } = await import(primesModule);
const want = `prime #${n} is ${primeTable()[n - 1]}; built ${stamp}\n`;
const { status, body } = JSON.parse(reply);
if (status !== 200 || body !== want) {
  console.log(`FAIL: the service answered ${status} ${JSON.stringify(body)}, expected 200 ${JSON.stringify(want)}`);
  process.exit(1);
}
JS
