#!/usr/bin/env bash
# Recipe: componentize-js with `wizerBin` naming kiln (examples/componentize-js). componentize-js itself
# checks that the snapshot holds an initialized engine; the component, transpiled by jco, must then answer
# in node exactly as its source module does when node runs it directly.
source "$(dirname "$0")/lib.sh"
npm_recipe componentize-js
rm -rf out roman.component.wasm

# The example's own scripts: componentize (build.mjs), then jco transpile.
KILN=$wrapper npm run --silent build >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "npm run build failed"; }
grep -q -- '--init-func componentize.wizer' "$work/kiln.log" || fail "componentize-js did not run the kiln it was given"
echo "kiln ran: $(head -1 "$work/kiln.log")"
npm start --silent -- 1999 3888 || fail "npm start (run.mjs) failed"
node "$here/componentize_check.mjs" "$project" || fail "the component does not answer as its source does"
