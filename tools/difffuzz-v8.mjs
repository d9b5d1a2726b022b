// tools/difffuzz's V8 side: runs one module in node and prints the transcript kiln's difffuzz_runner prints.
//
// node --experimental-wasm-type-reflection tools/difffuzz-v8.mjs FILE [--init NAME | --exclude NAME] [--dump PREFIX]
//   (no option)     instantiate, call every export twice (zero, then simple arguments)
//   --init NAME     instantiate, call _initialize (if exported) and NAME, then the other exports
//   --exclude NAME  instantiate a pre-initialized output, call the exports but NAME and _initialize
//   --dump PREFIX   write each exported memory to PREFIX-STATE-NAME.bin
// The line format is defined by tests/difffuzz/transcript.h; execModule
// mirrors difffuzz_runner.cc's run_module and call_exports.
import fs from 'node:fs';

const kHangLimitReset = 'hangLimitInitializer';
const kReactorInit = '_initialize';
const kMaxTableEntries = 1000;  // per exported table in a transcript

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
  // Instantiation (the start function) is part of init for preinitialize.
  if (opts.init) emit('section init');
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    // Imports this runner does not provide (memories, tables, globals).
    const cls = e instanceof WebAssembly.LinkError || e instanceof TypeError ? 'link' : trapClass(e);
    emit(opts.init ? `${cls === 'stack' ? 'stop' : 'trap'} ${cls}` : `instantiate-error ${cls}`);
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
    const init = instance.exports[opts.init];
    if (typeof init !== 'function') { emit('no-init'); return out; }
    // What preinitialize does: a reactor's _initialize runs first (one of
    // another type makes it refuse, which the comparator skips).
    const reactorType = exports.find((e) => e.name === kReactorInit && e.kind === 'function');
    const reactor = reactorType && !reactorType.type.parameters.length && !reactorType.type.results.length
      ? instance.exports[kReactorInit] : undefined;
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

const argv = process.argv.slice(2);
const opts = {};
let file;
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) opts[argv[i].slice(2)] = argv[++i];
  else file = argv[i];
}
process.stdout.write(execModule(file, opts).map((l) => `${l}\n`).join(''));
