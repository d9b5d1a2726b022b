// node compare-exports.mjs ORIGINAL OUTPUT INIT EXPORT COUNT: checks that a pre-initialized module answers as
// the original does once its init has run. The original runs _initialize (when exported) and INIT; OUTPUT
// runs neither; then both call EXPORT(i) for i = 0..COUNT-1 and every answer must agree. Both get node's
// WASI, since a WASI module may still call it (wasm-ld wraps a command's exports in its constructors).
// Exits 1 on the first difference or when the output still exports INIT.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [original, output, init, name, count] = process.argv.slice(2);

function load(file) {
  const module = new WebAssembly.Module(readFileSync(file));
  const wasi = new WASI({ version: 'preview1', args: [file], env: {}, returnOnExit: true });
  const imports = WebAssembly.Module.imports(module).some((i) => i.module === 'wasi_snapshot_preview1')
    ? { wasi_snapshot_preview1: wasi.wasiImport } : {};
  const instance = new WebAssembly.Instance(module, imports);
  // node's WASI only needs the memory; it refuses a module with _start, which pre-initialized reactors lack.
  if (instance.exports.memory) wasi.initialize({ exports: { memory: instance.exports.memory } });
  return instance.exports;
}

const before = load(original);
if (before._initialize) before._initialize();
before[init]();
const after = load(output);
if (after[init]) {
  console.log(`${output} still exports the init function ${init}`);
  process.exit(1);
}
for (const [file, exports] of [[original, before], [output, after]]) {
  if (typeof exports[name] !== 'function') {
    console.log(`${file} does not export a function ${name}`);
    process.exit(1);
  }
}
let bad = 0;
const answers = new Set();
for (let i = 0; i < Number(count); ++i) {
  const want = before[name](i), got = after[name](i);
  answers.add(want);
  if (got !== want && bad++ < 5) console.log(`${name}(${i}) = ${got}, the original after ${init} says ${want}`);
}
console.log(`${name}: ${count - bad} of ${count} calls agree (${answers.size} different answers)`);
process.exitCode = bad === 0 ? 0 : 1;
