// tools/difffuzz's driver: generates wasm-opt -ttf modules, runs them in kiln and V8, plain and pre-initialized, compares.
//
// node --experimental-wasm-type-reflection tools/difffuzz-node.mjs --runner PATH [--start S] [--count N]
//      [--files FILE...] [--jobs J] [--fuel F] [--out DIR] [--timeout SECONDS] [--keep] [--verbose]
// Seeds S..S+N-1 are generated modules; --files adds given modules after them (--count 0: only those).
// kiln's side is tests/difffuzz/difffuzz_runner, V8's is tools/difffuzz-v8.mjs, the
// comparison tools/difffuzz-compare.mjs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRun } from './difffuzz-compare.mjs';
import { simdDenan } from './difffuzz-simd-denan.mjs';

const kSelf = fileURLToPath(import.meta.url);
const kV8Side = path.join(path.dirname(kSelf), 'difffuzz-v8.mjs');
const kHangLimitReset = 'hangLimitInitializer';
// Everything node 20's V8 runs by default (difffuzz_runner's engine_features
// is the same set); threads, GC, memory64 and multi-memory stay off, and
// exceptions are binaryen 108's legacy encoding, which V8 runs as well.
const kFeatures = ['--enable-sign-ext', '--enable-mutable-globals', '--enable-nontrapping-float-to-int',
  '--enable-simd', '--enable-bulk-memory', '--enable-multivalue', '--enable-tail-call'];
// binaryen 108 makes about nine in ten reference-types modules invalid
// (funcref where externref is expected, non-nullable references), so only
// every fourth seed turns them on, and generate() retries those.
// Every fourth seed, offset by one, throws and catches (legacy exception handling).
const featuresFor = (seed) => {
  if (seed % 4 === 3) return [...kFeatures, '--enable-reference-types'];
  if (seed % 4 === 1) return [...kFeatures, '--enable-exception-handling'];
  return kFeatures;
};
const kMaxGenerateAttempts = 12;

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
    // A program that cannot start (missing, being relinked) is that check's
    // failure, with the reason, rather than the end of the whole run.
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, signal: null, timedOut: false, ms: Date.now() - started, stdout: '', stderr: String(e), lines: [] });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, ms: Date.now() - started, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') });
    });
  });
}

const nodeExec = (cfg, args) => run(process.execPath, ['--experimental-wasm-type-reflection', kV8Side, ...args], cfg.timeoutMs);
const kilnExec = (cfg, args) => run(cfg.runner, ['--fuel', String(cfg.fuel), ...args], cfg.timeoutMs);

// A process that did not produce a transcript is a finding of its own.
function broken(res, who) {
  if (res.timedOut) return `${who} timed out after ${res.ms / 1000}s`;
  if (res.code !== 0) return `${who} exited with ${res.code ?? res.signal}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return null;
}

// Runs every check on one module file. `tag` keeps the files of a second
// pass (the --denan retry) apart from the first.
async function checkModule(cfg, dir, wasm, tag, made) {
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
  const init = made.pickInit(WebAssembly.Module.exports(new WebAssembly.Module(fs.readFileSync(wasm))));
  if (!init) return result;
  result.init = init;
  const out = path.join(dir, `preinit${tag}.wasm`);
  fs.rmSync(out, { force: true });  // D runs only on an output B wrote now
  const argsA = ['--init', init, wasm], argsD = ['--exclude', init, out];
  const a = await kilnExec(cfg, argsA);
  const b = await kilnExec(cfg, ['--init', init, '--preinit', out, ...made.preinitArgs, wasm]);
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

// Checks a generated (seed) or given (file) module, with the --denan retry.
async function checkItem(cfg, item) {
  const dir = path.join(cfg.out, item.file ? `file-${path.basename(item.file, '.wasm')}` : `seed-${item.seed}`);
  fs.mkdirSync(dir, { recursive: true });
  const wasm = path.join(dir, 'module.wasm');
  const made = item.file ? copyModule(item.file, wasm) : await generate(cfg, item.seed, dir, wasm);
  if (made.error) return { ...item, dir, status: 'skip', notes: [made.error], checks: {} };

  const first = await checkModule(cfg, dir, wasm, '', made);
  const result = { ...item, dir, init: first.init, checks: first.checks, notes: first.notes };
  // V8 and kiln may pick different NaN bits (sign, payload), which then flow
  // into hashMemory and from there anywhere. When a comparison with V8 fails,
  // the same module with NaNs zeroed at run time (see denanModule) tells
  // whether NaN bits explain it: the retry must pass, else its failure is the
  // one reported.
  if (kVsNodeChecks.some((n) => first.checks[n] === 'fail')) {
    const denan = path.join(dir, 'module-denan.wasm');
    const conv = await denanModule(cfg, wasm, denan, made.features);
    if (conv.ok) {
      const retry = await checkModule(cfg, dir, denan, '-denan', made);
      const retryFailed = kVsNodeChecks.some((n) => retry.checks[n] === 'fail');
      // Only when the v128 rewrite was impossible does the NaN question stay
      // open: the seed is then a suspect for a person to reduce, not a failure.
      const suspect = retryFailed && conv.simdOpen;
      for (const n of kVsNodeChecks) {
        if (first.checks[n] === 'fail' && (!retryFailed || suspect)) result.checks[n] = suspect ? 'suspect' : 'nan';
      }
      if (suspect) result.notes.push(`SIMD float arithmetic may explain this (v128 NaN lanes): ${conv.simdOpen}`, ...retry.notes);
      else if (retryFailed) result.notes.push(...retry.notes);
      else result.notes = [`NaN-dependent differences only (module-denan.wasm passes): ${first.notes.length} tolerated`];
    }
  }
  const checks = Object.values(result.checks);
  result.status = checks.includes('fail') ? 'fail' : checks.includes('suspect') ? 'suspect'
    : checks.length && checks.every((x) => x === 'skip' || x === 'invalid') ? 'skip' : 'pass';
  return result;
}

// Writes `wasm` with every float NaN zeroed at run time to `out`: binaryen's
// --denan for scalars, then tools/difffuzz-simd-denan.mjs for v128 lanes.
// simdOpen says why the v128 part could not be done (null when it was).
async function denanModule(cfg, wasm, out, features) {
  const scalar = await run('wasm-opt', [wasm, '--denan', '-o', out, ...features], cfg.timeoutMs);
  if (scalar.code !== 0) return { ok: false };
  const text = await run('wasm-opt', [out, '--print', ...features], cfg.timeoutMs);
  const rewritten = text.code === 0 ? simdDenan(text.stdout) : null;
  if (rewritten === null) return { ok: true, simdOpen: 'the module text could not be rewritten' };
  if (rewritten === text.stdout) return { ok: true, simdOpen: null };
  const wat = out.replace(/\.wasm$/, '.wat');
  fs.writeFileSync(wat, rewritten);
  const back = await run('wasm-opt', [wat, '-o', out, ...features], cfg.timeoutMs);
  // `out` still holds the scalar-only version when binaryen rejects its own text.
  if (back.code !== 0) return { ok: true, simdOpen: `binaryen cannot read its text back: ${back.stderr.trim().split('\n')[0]}` };
  return { ok: true, simdOpen: null };
}

const isInitCandidate = (e) => e.kind === 'function' && e.name !== kHangLimitReset &&
  e.type.parameters.length === 0 && e.type.results.length === 0;

// A given module: Wizer's init names first, else the first () -> () export.
function copyModule(file, wasm) {
  fs.copyFileSync(file, wasm);
  const pickInit = (exports) => {
    const pool = exports.filter(isInitCandidate);
    const named = pool.find((e) => e.name === 'wizer-initialize') || pool.find((e) => e.name === 'wizer.initialize');
    return (named || pool[0] || {}).name || null;
  };
  return { pickInit, features: [...kFeatures, '--enable-reference-types'], preinitArgs: [] };
}

async function generate(cfg, seed, dir, wasm) {
  const rng = makeRng(seed);
  const bin = path.join(dir, 'input.bin');
  const writeInput = () => {
    const bytes = Buffer.alloc(1024 + (rng() % 12288));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng() & 0xff;
    fs.writeFileSync(bin, bytes);
  };
  writeInput();
  // A third of the modules go through binaryen's optimizer too, for shapes
  // the generator alone does not write; every fifth starts from one of the
  // repository's corpus modules (compiled C, hand-written pre-init cases).
  const extra = [[], ['-O2'], ['-Os']][seed % 3];
  const initial = seed % 5 === 4 && kInitialModules.length ? kInitialModules[rng() % kInitialModules.length] : null;
  if (initial) extra.push('--initial-fuzz', initial);
  let features = featuresFor(seed);
  const refTypes = features.includes('--enable-reference-types');
  let gen;
  // Fresh random bytes per attempt: a module binaryen made invalid for V8 is
  // retried (reference types only), as both engines rejecting it tests little.
  for (let attempt = 0; attempt < (refTypes ? kMaxGenerateAttempts : 1); attempt++) {
    if (attempt > 0) writeInput();
    gen = await run('wasm-opt', ['-ttf', bin, '-o', wasm, ...features, ...extra], cfg.timeoutMs);
    if (gen.code !== 0 && initial && !refTypes) {
      features = [...features, '--enable-reference-types'];  // the initial module uses them
      gen = await run('wasm-opt', ['-ttf', bin, '-o', wasm, ...features, ...extra], cfg.timeoutMs);
    }
    if (gen.code === 0 && WebAssembly.validate(fs.readFileSync(wasm))) break;
  }
  if (gen.code !== 0) return { error: `wasm-opt failed: ${gen.stderr.trim()}` };
  // Not the hang-limit reset: the output loses that export, so its calls
  // before each export would no longer happen.
  const choice = rng();
  const pickInit = (exports) => {
    const pool = exports.filter(isInitCandidate);
    return pool.length ? pool[choice % pool.length].name : null;
  };
  // Every seventh seed caps the data segments low, so the snapshot has to
  // merge runs across zero gaps.
  const preinitArgs = seed % 7 === 5 ? ['--max-segments', String(1 + (rng() % 3))] : [];
  return { pickInit, features, preinitArgs };
}

function parseDriverArgs(argv) {
  const cfg = { start: 1, count: 100, jobs: 2, fuel: 20_000_000, timeoutMs: 60_000, out: 'build/difffuzz/runs',
    keep: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--runner': cfg.runner = v; i++; break;
      case '--start': cfg.start = Number(v); i++; break;
      case '--count': cfg.count = Number(v); i++; break;
      case '--files': cfg.files.push(...argv.slice(i + 1)); i = argv.length; break;
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
  const counts = { pass: 0, fail: 0, skip: 0, suspect: 0 };
  const perCheck = {};
  const items = [...Array.from({ length: cfg.count }, (_, i) => ({ seed: cfg.start + i })),
    ...cfg.files.map((file) => ({ file }))];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      const name = item.file || `seed ${item.seed}`;
      let r;
      try {
        r = await checkItem(cfg, item);
      } catch (e) {
        r = { ...item, dir: cfg.out, status: 'fail', notes: [`driver error: ${e.stack}`], checks: {} };
      }
      counts[r.status]++;
      for (const [check, s] of Object.entries(r.checks)) {
        perCheck[check] ??= { pass: 0, fail: 0, skip: 0, nan: 0, invalid: 0, suspect: 0 };
        perCheck[check][s]++;
      }
      if (cfg.verbose && r.status !== 'fail') for (const n of r.notes) console.log(`${name}: ${n}`);
      if (r.status === 'fail' || r.status === 'suspect') {
        console.log(`${r.status.toUpperCase()} ${name}${r.init ? ` (init ${r.init})` : ''}: kept in ${r.dir}`);
        for (const n of r.notes) console.log(`  ${n.replace(/\n/g, '\n  ')}`);
      } else if (!cfg.keep) {
        fs.rmSync(r.dir, { recursive: true, force: true });
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.jobs }, worker));
  for (const [check, c] of Object.entries(perCheck))
    console.log(`difffuzz: ${check}: ${c.pass} passed, ${c.fail} failed, ${c.skip} cut short (fuel/stack limit, refusal), ` +
      `${c.nan} equal up to NaN bits, ${c.suspect} SIMD NaN suspects, ${c.invalid} invalid in both`);
  const what = [cfg.count ? `seeds ${cfg.start}..${cfg.start + cfg.count - 1}` : '',
    cfg.files.length ? `${cfg.files.length} files` : ''].filter(Boolean).join(' and ');
  console.log(`difffuzz: ${what}: ${counts.skip} skipped (invalid module, limits or refusals only), ` +
    `${counts.suspect} SIMD NaN suspects (not failures; see SUSPECT lines)`);
  console.log(`difffuzz: ${counts.pass} passed, ${counts.fail} failed`);
  return counts.fail === 0 ? 0 : 1;
}

process.exitCode = await drive(parseDriverArgs(process.argv.slice(2)));
