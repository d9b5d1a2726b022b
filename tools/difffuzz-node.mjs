// tools/difffuzz's driver and V8 side: generates wasm-opt -ttf modules, runs them in kiln and node, compares transcripts.
//
// node --experimental-wasm-type-reflection tools/difffuzz-node.mjs --runner PATH [--start S] [--count N]
//      [--jobs J] [--fuel F] [--out DIR] [--timeout SECONDS]
// node --experimental-wasm-type-reflection tools/difffuzz-node.mjs exec FILE [--init NAME] [--exclude NAME] [--dump P]
//
// The transcript format is defined by tests/difffuzz/transcript.h; see
// run_exports below for the V8 twin of kiln's call protocol.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRun } from './difffuzz-compare.mjs';

const kSelf = fileURLToPath(import.meta.url);
const kHangLimitReset = 'hangLimitInitializer';
const kReactorInit = '_initialize';
const kMaxTableEntries = 1000;  // per exported table in a transcript
// Everything node 20's V8 runs by default; threads, GC, exceptions, tail
// calls, memory64 and multi-memory stay off.
const kFeatures = ['--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int',
  '--enable-simd', '--enable-bulk-memory', '--enable-multivalue'];
// binaryen 108 makes most reference-types modules invalid (see the
// comparator), so only every fourth seed turns them on.
const featuresFor = (seed) => (seed % 4 === 3 ? [...kFeatures, '--enable-reference-types'] : kFeatures);

// ---- the V8 side of the transcript ---------------------------------------------------------

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);

function valueText(type, v, importedFns) {
  switch (type) {
    case 'i32': return `i32:${v | 0}`;
    case 'i64': return `i64:${BigInt.asIntN(64, v)}`;
    case 'f32':
      if (Number.isNaN(v)) return 'f32:nan';  // JS numbers carry no NaN payload
      f32[0] = v;
      return `f32:0x${u32[0].toString(16).padStart(8, '0')}`;
    case 'f64':
      if (Number.isNaN(v)) return 'f64:nan';
      f64[0] = v;
      return `f64:0x${u64[0].toString(16).padStart(16, '0')}`;
    case 'externref': return v === null ? 'externref:null' : 'externref:nonnull';
    case 'funcref':
    case 'anyfunc':
      if (v === null) return 'funcref:null';
      // V8 names a Wasm function by its index in the module, an import's
      // wrapper included; kiln's reference to a host function has no index.
      if (importedFns.has(v) || Number(v.name) < importedFns.importedCount) return 'funcref:import';
      return `funcref:#${v.name}`;
    default: return `${type}:?`;
  }
}

// Maps V8's error messages to the classes of tests/difffuzz/transcript.cc.
function trapClass(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack';
  if (e instanceof TypeError) return 'host';
  if (e && e.difffuzzImport) return 'import';
  const m = String(e && e.message);
  const table = [
    [/^unreachable/, 'unreachable'], [/by zero/, 'div0'], [/divide result unrepresentable/, 'overflow'],
    [/float unrepresentable/, 'conversion'], [/memory access out of bounds/, 'memory'],
    [/data segment .*out of bounds/, 'memory'], [/table index is out of bounds/, 'table'],
    [/element segment .*out of bounds/, 'table'], [/table (access|size)/, 'table'],
    [/null function or function signature mismatch/, 'indirect'], [/null/, 'null'],
  ];
  for (const [re, cls] of table) if (re.test(m)) return cls;
  return `other(${m})`;
}

function callArgs(params, round) {
  return params.map((t, i) => {
    const even = i % 2 === 0;
    switch (t) {
      case 'i32': return round ? (even ? 1 : -1) : 0;
      case 'i64': return round ? (even ? 1n : -1n) : 0n;
      case 'f32': return round ? (even ? 1.5 : -0) : 0;
      case 'f64': return round ? (even ? -2.5 : 1e300) : 0;
      default: return null;
    }
  });
}

function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function execModule(file, opts) {
  const out = [];
  const emit = (s) => out.push(s);
  let module;
  try {
    module = new WebAssembly.Module(fs.readFileSync(file));
  } catch (e) {
    emit('invalid');  // the comparator checks that kiln rejects it too
    return out;
  }
  const importedFns = new Set();
  importedFns.importedCount = WebAssembly.Module.imports(module).filter((i) => i.kind === 'function').length;
  const support = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function' || imp.module !== 'fuzzing-support' || !imp.name.startsWith('log-')) continue;
    const type = imp.type.parameters[0];
    // log-v128 cannot be called from Wasm into JS: V8 throws a TypeError, the
    // kiln runner a host trap.
    support[imp.name] = (...args) => emit(`log ${args.map((a) => valueText(type, a, importedFns)).join(' ')}`);
    importedFns.add(support[imp.name]);
  }
  const imports = { 'fuzzing-support': support };
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function' || (imports[imp.module] && imports[imp.module][imp.name])) continue;
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = () => { const e = new Error(`import ${imp.module}.${imp.name}`); e.difffuzzImport = true; throw e; };
    importedFns.add(imports[imp.module][imp.name]);
  }
  let instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    emit(`instantiate-error ${trapClass(e)}`);
    return out;
  }
  const exports = WebAssembly.Module.exports(module);
  const call = (fn, args) => {
    try {
      const r = fn(...args);
      return { r };
    } catch (e) {
      return { trap: trapClass(e) };
    }
  };
  if (opts.init) {
    emit('section init');
    const init = instance.exports[opts.init];
    if (typeof init !== 'function') { emit('no-init'); return out; }
    // What preinitialize does: a reactor's _initialize runs first.
    const reactor = instance.exports[kReactorInit];
    for (const f of [opts.init === kReactorInit ? undefined : reactor, init]) {
      if (typeof f !== 'function') continue;
      const { trap } = call(f, []);
      if (trap) { emit(`${trap === 'stack' ? 'stop' : 'trap'} ${trap}`); return out; }
    }
    emit('ok');
  }
  emit('section run');
  const exclude = opts.init || opts.exclude;
  const dumpState = (tag) => {
    emit(`state ${tag}`);
    for (const e of exports) {
      if (e.kind === 'memory') {
        const bytes = new Uint8Array(instance.exports[e.name].buffer);
        emit(`mem ${e.name} pages=${bytes.length / 65536} fnv=${fnv1a(bytes)}`);
        if (opts.dump) fs.writeFileSync(`${opts.dump}-${tag}-${e.name}.bin`, bytes);
      } else if (e.kind === 'table') {
        const t = instance.exports[e.name];
        const entries = [];
        for (let i = 0; i < t.length && i < kMaxTableEntries; i++) entries.push(valueText(e.type.element, t.get(i), importedFns));
        emit([`table ${e.name} size=${t.length}`, ...entries].join(' '));
      } else if (e.kind === 'global' && e.type.value !== 'v128') {
        emit(`global ${e.name} ${valueText(e.type.value, instance.exports[e.name].value, importedFns)}`);
      }
    }
  };
  dumpState('start');
  const reset = instance.exports[kHangLimitReset];
  for (let round = 0; round < 2; round++) {
    for (const e of exports) {
      // With an init function, _initialize has run and pre-initialization
      // removes its export.
      if (e.kind !== 'function' || e.name === exclude || (exclude && e.name === kReactorInit)) continue;
      const { parameters, results } = e.type;
      if (parameters.includes('v128') || results.includes('v128')) { emit(`skip ${e.name} v128`); continue; }
      if (reset) {
        const { trap } = call(reset, []);
        if (trap) { emit(`stop reset ${trap}`); return out; }
      }
      emit(`call ${e.name} ${round}`);
      const { r, trap } = call(instance.exports[e.name], callArgs(parameters, round));
      if (trap) {
        emit(`${trap === 'stack' ? 'stop' : 'trap'} ${trap}`);
        if (trap === 'stack') return out;
        continue;
      }
      const values = results.length === 1 ? [r] : results.length === 0 ? [] : r;
      emit(['ret', ...results.map((t, i) => valueText(t, values[i], importedFns))].join(' '));
    }
  }
  dumpState('end');
  return out;
}

// ---- the driver ------------------------------------------------------------------------------

// Starting points for --initial-fuzz: modules V8 runs without WASI or
// multi-memory and whose pre-initialization is not refused by design.
const kInitialModules = (() => {
  const corpus = path.resolve(path.dirname(kSelf), '..', 'corpus');
  const found = [];
  for (const sub of ['kernels', 'demo', 'preinit']) {
    const d = path.join(corpus, sub);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d).sort()) {
      if (f.endsWith('.wasm') && !f.startsWith('refuse_') && f !== 'multi_memory.wasm') found.push(path.join(d, f));
    }
  }
  return found;
})();

// A small deterministic generator (xorshift32 over a mixed seed): the same
// seed gives the same bytes, so a failing seed reproduces anywhere.
function makeRng(seed) {
  let s = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}

function run(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    const started = Date.now();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, ms: Date.now() - started, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') });
    });
  });
}

const nodeExec = (cfg, args) => run(process.execPath, ['--experimental-wasm-type-reflection', kSelf, 'exec', ...args], cfg.timeoutMs);
const kilnExec = (cfg, args) => run(cfg.runner, ['--fuel', String(cfg.fuel), ...args], cfg.timeoutMs);

// A process that did not produce a transcript is a finding of its own.
function broken(res, who) {
  if (res.timedOut) return `${who} timed out after ${res.ms / 1000}s`;
  if (res.code !== 0) return `${who} exited with ${res.code ?? res.signal}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return null;
}

// Runs every check on one module file. `tag` keeps the files of a second
// pass (the --denan retry) apart from the first.
async function checkModule(cfg, dir, wasm, tag, pickInit) {
  const result = { notes: [], checks: {} };
  const record = (name, verdict) => {
    result.checks[name] = verdict.status;
    if (verdict.status === 'fail') result.notes.push(`${name}${tag}: ${verdict.message}`);
    if (verdict.status === 'nan') result.notes.push(`${name}${tag}: equal up to NaN bits in memory (${verdict.message})`);
  };
  // Memory hashes differ: run both again writing the memories (same inputs,
  // same transcript) so the comparator can tell NaN bits from real differences.
  const dumps = (name, xRun, yRun) => async () => {
    const px = path.join(dir, `${name}${tag}-x`), py = path.join(dir, `${name}${tag}-y`);
    await xRun(['--dump', px]);
    await yRun(['--dump', py]);
    return [px, py];
  };
  const kiln = (args) => (extra) => kilnExec(cfg, [...extra, ...args]);
  const v8 = (args) => (extra) => nodeExec(cfg, [...extra, ...args]);
  const vsNode = { vsNode: true, labels: ['kiln', 'V8'] };

  // 1. The module as generated: kiln against V8.
  const k0 = await kilnExec(cfg, [wasm]);
  const n0 = await nodeExec(cfg, [wasm]);
  const bad0 = broken(k0, 'kiln runner') || broken(n0, 'node');
  // A loop that ran kiln out of fuel may keep V8 busy past the timeout.
  const kilnStopped = (res) => res.lines.some((l) => l.startsWith('stop '));
  if (n0.timedOut && !broken(k0, 'kiln runner') && kilnStopped(k0)) record('exec', { status: 'skip' });
  else if (bad0) record('exec', { status: 'fail', message: bad0 });
  else record('exec', await compareRun(k0.lines, n0.lines, { ...vsNode, dumps: dumps('exec', kiln([wasm]), v8([wasm])) }));
  if (result.checks.exec === 'invalid') return result;

  // 2. Pre-initialization with a () -> () export, Wizer's own oracle: A = kiln
  // runs init then the exports; B = kiln pre-initializes, then runs the
  // output's exports; C = V8 runs init then the exports; D = V8 runs B's output.
  const init = pickInit(WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(wasm))));
  if (!init) return result;
  result.init = init;
  const out = path.join(dir, `preinit${tag}.wasm`);
  const argsA = ['--init', init, wasm], argsD = ['--exclude', init, out];
  const a = await kilnExec(cfg, argsA);
  const b = await kilnExec(cfg, ['--init', init, '--preinit', out, wasm]);
  const c = await nodeExec(cfg, argsA);
  const badA = broken(a, 'kiln runner (init)') || broken(c, 'node (init)');
  if (c.timedOut && !broken(a, 'kiln runner') && kilnStopped(a)) record('init-exec', { status: 'skip' });
  else if (badA) record('init-exec', { status: 'fail', message: badA });
  else record('init-exec', await compareRun(a.lines, c.lines, { ...vsNode, dumps: dumps('init', kiln(argsA), v8(argsA)) }));
  const badB = broken(b, 'kiln runner (preinit)');
  if (badB) record('preinit', { status: 'fail', message: badB });
  else record('preinit', await compareRun(b.lines, a.lines, { labels: ['preinitialized', 'init then run'] }));
  if (!badB && fs.existsSync(out)) {
    const d = await nodeExec(cfg, argsD);
    const badD = broken(d, 'node (preinit output)') || broken(c, 'node (init)');
    if ((c.timedOut || d.timedOut) && kilnStopped(b)) record('preinit-v8', { status: 'skip' });
    else if (badD) record('preinit-v8', { status: 'fail', message: badD });
    else record('preinit-v8', await compareRun(d.lines, c.lines, { vsNode: true, runOnly: true,
      labels: ['V8 preinitialized', 'V8 init then run'], dumps: dumps('pre', v8(argsD), v8(argsA)) }));
  }
  return result;
}

const kVsNodeChecks = ['exec', 'init-exec', 'preinit-v8'];

async function checkSeed(cfg, seed) {
  const dir = path.join(cfg.out, `seed-${seed}`);
  fs.mkdirSync(dir, { recursive: true });
  const rng = makeRng(seed);
  const bytes = Buffer.alloc(1024 + (rng() % 12288));
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng() & 0xff;
  const bin = path.join(dir, 'input.bin'), wasm = path.join(dir, 'module.wasm');
  fs.writeFileSync(bin, bytes);
  // A third of the modules go through binaryen's optimizer too, for shapes
  // the generator alone does not write; every fifth starts from one of the
  // repository's corpus modules (compiled C, hand-written pre-init cases).
  const extra = [[], ['-O2'], ['-Os']][seed % 3];
  const initial = seed % 5 === 4 && kInitialModules.length ? kInitialModules[rng() % kInitialModules.length] : null;
  if (initial) extra.push('--initial-fuzz', initial);
  let features = featuresFor(seed);
  let gen = await run('wasm-opt', ['-ttf', bin, '-o', wasm, ...features, ...extra], cfg.timeoutMs);
  if (gen.code !== 0 && initial && !features.includes('--enable-reference-types')) {
    features = [...features, '--enable-reference-types'];  // the initial module uses them
    gen = await run('wasm-opt', ['-ttf', bin, '-o', wasm, ...features, ...extra], cfg.timeoutMs);
  }
  if (gen.code !== 0) return { seed, dir, status: 'skip', notes: [`wasm-opt failed: ${gen.stderr.trim()}`], checks: {} };

  // Not the hang-limit reset: the output loses that export, so its calls
  // before each export would no longer happen.
  const initChoice = rng();
  const pickInit = (exports) => {
    const pool = exports.filter((e) => e.kind === 'function' && e.name !== kHangLimitReset &&
      e.type.parameters.length === 0 && e.type.results.length === 0);
    return pool.length ? pool[initChoice % pool.length].name : null;
  };
  const first = await checkModule(cfg, dir, wasm, '', pickInit);
  const result = { seed, dir, init: first.init, checks: first.checks, notes: first.notes };
  // V8 and kiln may pick different NaN bits (sign, payload), which then flow
  // into hashMemory and from there anywhere. When a comparison with V8 fails,
  // binaryen's --denan (NaNs become 0 at run time) tells whether NaN bits
  // explain it: the retry must pass, else its failure is the one reported.
  if (kVsNodeChecks.some((n) => first.checks[n] === 'fail')) {
    const denan = path.join(dir, 'module-denan.wasm');
    const conv = await run('wasm-opt', [wasm, '--denan', '-o', denan, ...features], cfg.timeoutMs);
    if (conv.code === 0) {
      const retry = await checkModule(cfg, dir, denan, '-denan', pickInit);
      const retryFailed = kVsNodeChecks.some((n) => retry.checks[n] === 'fail');
      for (const n of kVsNodeChecks) {
        if (first.checks[n] !== 'fail') continue;
        if (!retryFailed) result.checks[n] = 'nan';
      }
      if (retryFailed) result.notes.push(...retry.notes);
      else result.notes = [`NaN-dependent differences only (module-denan.wasm passes): ${first.notes.length} tolerated`];
    }
  }
  const checks = Object.values(result.checks);
  result.status = checks.includes('fail') ? 'fail' : checks.length && checks.every((x) => x === 'skip' || x === 'invalid') ? 'skip' : 'pass';
  return result;
}

function parseDriverArgs(argv) {
  const cfg = { start: 1, count: 100, jobs: 2, fuel: 20_000_000, timeoutMs: 60_000, out: 'build/difffuzz/runs', keep: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--runner': cfg.runner = v; i++; break;
      case '--start': cfg.start = Number(v); i++; break;
      case '--count': cfg.count = Number(v); i++; break;
      case '--jobs': cfg.jobs = Math.max(1, Number(v)); i++; break;
      case '--fuel': cfg.fuel = Number(v); i++; break;
      case '--out': cfg.out = v; i++; break;
      case '--timeout': cfg.timeoutMs = Number(v) * 1000; i++; break;
      case '--keep': cfg.keep = true; break;
      case '--verbose': cfg.verbose = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!cfg.runner) throw new Error('--runner is required');
  return cfg;
}

async function drive(cfg) {
  fs.mkdirSync(cfg.out, { recursive: true });
  const counts = { pass: 0, fail: 0, skip: 0 };
  const perCheck = {};
  let next = cfg.start;
  const end = cfg.start + cfg.count;
  const worker = async () => {
    while (next < end) {
      const seed = next++;
      let r;
      try {
        r = await checkSeed(cfg, seed);
      } catch (e) {
        r = { seed, dir: path.join(cfg.out, `seed-${seed}`), status: 'fail', notes: [`driver error: ${e.stack}`], checks: {} };
      }
      counts[r.status]++;
      for (const [name, s] of Object.entries(r.checks || {})) {
        perCheck[name] ??= { pass: 0, fail: 0, skip: 0, nan: 0, invalid: 0 };
        perCheck[name][s]++;
      }
      if (cfg.verbose && r.status !== 'fail') for (const n of r.notes) console.log(`seed ${seed}: ${n}`);
      if (r.status === 'fail') {
        console.log(`FAIL seed ${seed}${r.init ? ` (init ${r.init})` : ''}: kept in ${r.dir}`);
        for (const n of r.notes) console.log(`  ${n.replace(/\n/g, '\n  ')}`);
      } else if (!cfg.keep) {
        fs.rmSync(r.dir, { recursive: true, force: true });
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.jobs }, worker));
  for (const [name, c] of Object.entries(perCheck))
    console.log(`difffuzz: ${name}: ${c.pass} passed, ${c.fail} failed, ${c.skip} cut short by fuel/stack limits, ` +
      `${c.nan} equal up to NaN bits, ${c.invalid} invalid in both`);
  console.log(`difffuzz: seeds ${cfg.start}..${end - 1}: ${counts.skip} skipped (invalid module or limits only)`);
  console.log(`difffuzz: ${counts.pass} passed, ${counts.fail} failed`);
  return counts.fail === 0 ? 0 : 1;
}

const argv = process.argv.slice(2);
if (argv[0] === 'exec') {
  const opts = {};
  let file;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i].startsWith('--')) opts[argv[i].slice(2)] = argv[++i];
    else file = argv[i];
  }
  process.stdout.write(execModule(file, opts).map((l) => `${l}\n`).join(''));
} else {
  process.exitCode = await drive(parseDriverArgs(argv));
}
