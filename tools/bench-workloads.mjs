#!/usr/bin/env node
// Start-up time of a workload module in V8 (node): "instantiate + init + run" of the original against
// "instantiate + run" of each pre-initialized output, as medians; every variant must give the same result().
//
// Usage: node tools/bench-workloads.mjs [OPTIONS] ORIGINAL.wasm [LABEL=OUTPUT.wasm ...]
//   --input FILE     the bytes given to run() (default: ORIGINAL with .wasm replaced by .input)
//   --name NAME      the workload's name in the output (default: ORIGINAL's base name)
//   --iterations N   timed iterations per variant (default 200; --quick: 10)
//   --max-seconds S  stop earlier once this much time has gone into the timed rounds (default 20; --quick: 2)
//   --warmup N       untimed rounds first (default 20; --quick: 2)
//   --quick          few iterations, for a smoke test
//   --json           one JSON object on stdout instead of text
//   --row            only the Markdown row "| NAME | WITHOUT | WITH | SPEEDUP |" for the first output
//
// The workload interface: exports memory, _initialize (optional), wizer-initialize, alloc(len) -> ptr,
// run(ptr, len) -> i32 and result() -> pointer to NUL-terminated text. WASI imports are stubs returning
// ENOSYS: the interface promises they are not called during init or run.
//
// What is timed: each WebAssembly.Module is compiled once, before any timing, because Wizer's published
// numbers time instantiation, not compilation. Rounds interleave the variants (one iteration of each per
// round) so that load from other processes spreads evenly over them. Warm-up rounds keep V8's lazy
// compilation of function bodies, and most of its tier-up of hot ones, out of the timed rounds. Exit code 1 when result() differs between
// variants, or between iterations of one variant.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/bench-common.cjs';

const ENOSYS = 52;

function fail(message) {
  console.error(`bench-workloads: ${message}`);
  process.exit(1);
}

function readBytes(path, what) {
  try {
    return readFileSync(path);
  } catch (error) {
    fail(`cannot read ${what} '${path}': ${error.code ?? error.message}`);
  }
}

// Compiles a workload and checks it has the exports the harness calls.
export function compileWorkload(path, { needsInit }) {
  const bytes = readBytes(path, 'module');
  let module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (error) {
    fail(`${path}: not a module V8 accepts: ${error.message}`);
  }
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const required = ['memory', 'alloc', 'run', 'result'].concat(needsInit ? ['wizer-initialize'] : []);
  for (const name of required) {
    if (!exports.has(name)) fail(`${path}: exports no '${name}' (see the workload interface in --help)`);
  }
  const imports = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (from !== 'wasi_snapshot_preview1' || kind !== 'function') {
      fail(`${path}: imports ${kind} ${from}.${name}; workloads may import only WASI functions`);
    }
    imports[from] ??= {};
    imports[from][name] = () => ENOSYS;
  }
  return { path, bytes: bytes.length, module, imports, needsInit };
}

// One start-up: instantiate, init (original only), copy the input in, run. Returns [nanoseconds, result text].
function startOnce(workload, input) {
  const begin = process.hrtime.bigint();
  const instance = new WebAssembly.Instance(workload.module, workload.imports);
  const e = instance.exports;
  if (workload.needsInit) {
    if (e._initialize) e._initialize();
    e['wizer-initialize']();
  }
  const ptr = e.alloc(input.length);
  new Uint8Array(e.memory.buffer, ptr, input.length).set(input);
  e.run(ptr, input.length);
  const end = process.hrtime.bigint();
  return [Number(end - begin), resultText(e)];
}

function resultText(exports) {
  const memory = new Uint8Array(exports.memory.buffer);
  const start = exports.result() >>> 0;
  let end = start;
  while (end < memory.length && memory[end] !== 0) end++;
  if (end === memory.length) fail('result() text is not NUL-terminated');
  return Buffer.from(memory.subarray(start, end)).toString('utf8');
}

// 32-bit FNV-1a of the result text; bench/workloads_bench.cc labels its benchmarks with the same hash.
export function fnv1a(text) {
  let hash = 2166136261;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

// "183.99 µs", "16.385 ms": the units of Wizer's table.
export function formatDuration(ns) {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e3).toFixed(2)} µs`;
}

// startOnce, with a trap or a missing export reported as the variant's failure.
function startChecked(variant, input) {
  try {
    return startOnce(variant, input);
  } catch (error) {
    fail(`${variant.label} (${variant.path}): ${error.message}`);
  }
}

// Times every variant; variants[0] is the original. Returns per-variant medians and the common result text.
export function measure(variants, input, { iterations, maxSeconds, warmup }) {
  const samples = variants.map(() => []);
  const results = variants.map(() => undefined);
  const check = (i, text) => {
    if (results[i] === undefined) results[i] = text;
    else if (results[i] !== text) {
      fail(`${variants[i].label}: result() changed between iterations: ${JSON.stringify(results[i])} then ${JSON.stringify(text)}`);
    }
  };
  for (let round = 0; round < warmup; round++) {
    variants.forEach((v, i) => check(i, startChecked(v, input)[1]));
  }
  const deadline = process.hrtime.bigint() + BigInt(Math.round(maxSeconds * 1e9));
  for (let round = 0; round < iterations; round++) {
    variants.forEach((v, i) => {
      const [ns, text] = startChecked(v, input);
      samples[i].push(ns);
      check(i, text);
    });
    if (round >= 2 && process.hrtime.bigint() > deadline) break;
  }
  results.forEach((text, i) => {
    if (text !== results[0]) {
      fail(`result() mismatch: ${variants[0].label} gave ${JSON.stringify(results[0])}, ` +
           `${variants[i].label} (${variants[i].path}) gave ${JSON.stringify(text)}`);
    }
  });
  return {
    iterations: samples[0].length,
    result: results[0],
    variants: variants.map((v, i) => ({
      label: v.label, file: v.path, bytes: v.bytes, median_ns: median(samples[i]), min_ns: Math.min(...samples[i]),
    })),
  };
}

function parseArgs(argv) {
  const options = { iterations: 200, maxSeconds: 20, warmup: 20, json: false, row: false, outputs: [] };
  let quick = false;
  const explicit = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    const number = (text) => {
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0) fail(`${arg} needs a non-negative number, got '${text}'`);
      return n;
    };
    if (arg === '--input') options.input = value();
    else if (arg === '--name') options.name = value();
    else if (arg === '--iterations') explicit.iterations = Math.max(1, Math.floor(number(value())));
    else if (arg === '--max-seconds') explicit.maxSeconds = number(value());
    else if (arg === '--warmup') explicit.warmup = Math.floor(number(value()));
    else if (arg === '--quick') quick = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--row') options.row = true;
    else if (arg === '--help' || arg === '-h') {
      const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
      const header = lines.slice(0, lines.findIndex((l) => !l.startsWith('//')));
      console.log(header.map((l) => l.slice(3)).join('\n'));
      process.exit(0);
    } else if (arg.startsWith('-')) fail(`unknown option '${arg}' (see --help)`);
    else if (options.original === undefined) options.original = arg;
    else {
      const eq = arg.indexOf('=');
      if (eq <= 0) fail(`'${arg}': outputs are given as LABEL=FILE.wasm`);
      options.outputs.push({ label: arg.slice(0, eq), path: arg.slice(eq + 1) });
    }
  }
  if (quick) Object.assign(options, { iterations: 10, maxSeconds: 2, warmup: 2 });
  Object.assign(options, explicit);
  if (options.original === undefined) fail('no ORIGINAL.wasm given (see --help)');
  options.name ??= basename(options.original, '.wasm');
  options.input ??= options.original.replace(/\.wasm$/, '') + '.input';
  return options;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const input = readBytes(options.input, 'input');
  const variants = [
    { label: 'original', ...compileWorkload(options.original, { needsInit: true }) },
    ...options.outputs.map((o) => ({ label: o.label, ...compileWorkload(o.path, { needsInit: false }) })),
  ];
  const report = measure(variants, input, options);
  const [original, ...outputs] = report.variants;
  if (options.json) {
    console.log(JSON.stringify({ engine: `node ${process.version} (V8 ${process.versions.v8})`, name: options.name,
                                 input_bytes: input.length, result_fnv1a: fnv1a(report.result), ...report }));
    return;
  }
  if (options.row) {
    const first = outputs[0];
    const speedup = first ? `${(original.median_ns / first.median_ns).toFixed(2)}x` : '-';
    console.log(`| ${options.name} | ${formatDuration(original.median_ns)} | ` +
                `${first ? formatDuration(first.median_ns) : '-'} | ${speedup} |`);
    return;
  }
  console.log(`${options.name} in node ${process.version} (V8 ${process.versions.v8}): medians of ${report.iterations} ` +
              `iterations per variant after warm-up; each module compiled once outside the timing ` +
              `(Wizer's numbers time instantiation, not compilation)`);
  console.log(`  original (instantiate + init + run)  ${formatDuration(original.median_ns)}`);
  for (const o of outputs) {
    console.log(`  ${o.label} (instantiate + run)${' '.repeat(Math.max(1, 17 - o.label.length))}` +
                `${formatDuration(o.median_ns)}  ${(original.median_ns / o.median_ns).toFixed(2)}x`);
  }
  console.log(`  result() of every variant: ${JSON.stringify(report.result)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
