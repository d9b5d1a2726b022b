// node wasi_run.mjs FILE.wasm [ARGS...]: runs a WASI command module in node (node:wasi) and exits with its
// exit code. WASI_RUN_EXPORTS=a,b calls those exports in order instead of _start (a module as it is
// before pre-initialization: wizer.initialize, then wizer.resume).
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)),
  { wasi_snapshot_preview1: wasi.wasiImport });
const chain = process.env.WASI_RUN_EXPORTS;
if (chain) {
  // node's WASI insists on a module without _start for initialize(); it only needs the memory.
  wasi.initialize({ exports: { memory: instance.exports.memory } });
  for (const name of chain.split(',')) instance.exports[name]();
} else {
  process.exitCode = wasi.start(instance);
}
