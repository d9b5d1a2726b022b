// The node drivers' way to the helpers every benchmark driver shares (tools/lib/bench-common.sh): one median,
// one way to find Wizer, whichever language the driver is written in.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const script = path.join(__dirname, 'bench-common.sh');

function call(command, input) {
  return spawnSync(script, [command], { encoding: 'utf8', input, maxBuffer: 16 << 20 });
}

// The median of `values` (numbers): the middle one, or the mean of the two middle ones for an even count.
function median(values) {
  if (values.length === 0) throw new Error('median of no values');
  const done = call('median', values.map((v) => String(v)).join('\n') + '\n');
  const result = Number(done.stdout.trim());
  if (done.status !== 0 || !Number.isFinite(result)) throw new Error(`bench-common.sh median failed: ${done.stderr}`);
  return result;
}

// Wizer's binary: { binary, version }, or { missing: why } (see find_wizer in bench-common.sh).
function findWizer() {
  const done = call('find-wizer');
  if (done.status !== 0) return { missing: done.stderr.trim() || `exit code ${done.status}` };
  const [binary, version] = done.stdout.trim().split('\n');
  return { binary, version };
}

module.exports = { median, findWizer };
