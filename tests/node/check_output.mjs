// Runs a module in node (V8) and prints each probe's outcome, one line each.
// usage: node check_output.mjs MODULE.wasm PROBES.json [INIT_EXPORT...]
// The INIT_EXPORTs (for an original module: `_initialize`, then the init function) are
// called first, so that V8 itself computes the state a pre-initialized module must hold.
// PROBES.json: [{"name": "f", "args": [["i32", "5"], ["f64", "0x3ff0000000000000"]], "results": ["i32"]}]
// where numbers are decimal (i32, i64) or hex bit patterns (f32, f64). Output lines use
// the format of tests/support/preinit_oracle.cc's node_text(): "i32:5 i64:7", "trap",
// or "skip" (a v128 or externref crosses the boundary, which JS cannot express).
// Imports nobody provides become functions that throw, like kiln's stubs that trap.
import { readFileSync } from 'node:fs';

const [wasmPath, probesPath, ...initExports] = process.argv.slice(2);
const module = new WebAssembly.Module(readFileSync(wasmPath));
const imports = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind !== 'function') throw new Error(`cannot provide ${imp.kind} import ${imp.module}.${imp.name}`);
  imports[imp.module] ??= {};
  imports[imp.module][imp.name] = () => { throw new Error(`unresolved import ${imp.module}.${imp.name}`); };
}
const instance = new WebAssembly.Instance(module, imports);

for (const name of initExports) instance.exports[name]();

const scratch = new DataView(new ArrayBuffer(8));

function toJs(type, text) {
  switch (type) {
    case 'i32': return Number(BigInt.asIntN(32, BigInt(text)));
    case 'i64': return BigInt.asIntN(64, BigInt(text));
    case 'f32': scratch.setUint32(0, Number(BigInt(text))); return scratch.getFloat32(0);
    case 'f64': scratch.setBigUint64(0, BigInt(text)); return scratch.getFloat64(0);
    default: throw new Error(`unsupported argument type ${type}`);
  }
}

// NaN payloads do not survive JS numbers, so any NaN prints as "nan".
function fromJs(type, value) {
  switch (type) {
    case 'i32': return `i32:${value >>> 0}`;
    case 'i64': return `i64:${BigInt.asUintN(64, value)}`;
    case 'f32':
      if (Number.isNaN(value)) return 'f32:nan';
      scratch.setFloat32(0, value);
      return `f32:0x${scratch.getUint32(0).toString(16)}`;
    case 'f64':
      if (Number.isNaN(value)) return 'f64:nan';
      scratch.setFloat64(0, value);
      return `f64:0x${scratch.getBigUint64(0).toString(16)}`;
    case 'funcref': return value === null ? 'funcref:null' : 'funcref';
    default: throw new Error(`unsupported result type ${type}`);
  }
}

const jsTypes = new Set(['i32', 'i64', 'f32', 'f64', 'funcref']);
for (const probe of JSON.parse(readFileSync(probesPath, 'utf8'))) {
  if (![...probe.args.map((a) => a[0]), ...probe.results].every((t) => jsTypes.has(t))) {
    console.log('skip');
    continue;
  }
  let line;
  try {
    const value = instance.exports[probe.name](...probe.args.map(([type, text]) => toJs(type, text)));
    const values = probe.results.length === 1 ? [value] : probe.results.length === 0 ? [] : [...value];
    line = probe.results.map((type, i) => fromJs(type, values[i])).join(' ');
  } catch (error) {
    // RangeError: V8's call stack overflow, kiln's "call stack exhausted".
    const trapped = error instanceof WebAssembly.RuntimeError || error instanceof RangeError;
    if (!trapped && !String(error.message).startsWith('unresolved import')) throw error;
    line = 'trap';
  }
  console.log(line);
}
