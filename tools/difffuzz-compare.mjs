// tools/difffuzz's comparator: two transcripts line by line, with the freedoms the spec gives NaNs and resource limits.
import fs from 'node:fs';

const kContext = 4;

// Against V8 only NaN-ness is comparable (JS numbers drop payloads; the spec
// lets sign and payload vary), and kiln-only state ("k:" lines) is dropped.
function normalize(lines, vsNode) {
  const out = [];
  for (const line of lines) {
    if (vsNode && line.startsWith('k:')) continue;
    out.push(vsNode ? foldNaNs(line) : line);
  }
  return out;
}

function foldNaNs(line) {
  return line
    .replace(/f32:0x([0-9a-f]{8})\b/g, (m, h) => {
      const x = parseInt(h, 16);
      return ((x >>> 23) & 0xff) === 0xff && (x & 0x7fffff) !== 0 ? 'f32:nan' : m;
    })
    .replace(/f64:0x([0-9a-f]{16})\b/g, (m, h) => {
      const hi = parseInt(h.slice(0, 8), 16), lo = parseInt(h.slice(8), 16);
      return ((hi >>> 20) & 0x7ff) === 0x7ff && ((hi & 0xfffff) | lo) !== 0 ? 'f64:nan' : m;
    });
}

function isNaNAt(view, at, width) {
  if (width === 4) {
    const x = view.getUint32(at, true);
    return ((x >>> 23) & 0xff) === 0xff && (x & 0x7fffff) !== 0;
  }
  const lo = view.getUint32(at, true), hi = view.getUint32(at + 4, true);
  return ((hi >>> 20) & 0x7ff) === 0x7ff && ((hi & 0xfffff) | lo) !== 0;
}

// Equal but for bytes inside a float that is a NaN in both memories (stored
// by f32/f64.store, maybe unaligned): the payload and sign are the engine's
// choice. Returns null when equal in that sense, else the first offending offset.
export function nanTolerantDiff(a, b) {
  if (a.length !== b.length) return `sizes ${a.length} and ${b.length}`;
  const va = new DataView(a.buffer, a.byteOffset, a.length), vb = new DataView(b.buffer, b.byteOffset, b.length);
  const covered = (i) => {
    for (const w of [4, 8]) {
      for (let s = Math.max(0, i - w + 1); s <= i && s + w <= a.length; s++)
        if (isNaNAt(va, s, w) && isNaNAt(vb, s, w)) return true;
    }
    return false;
  };
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !covered(i)) return `byte 0x${i.toString(16)}: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

function context(lines, i) {
  return lines.slice(Math.max(0, i - kContext), i + 1).map((l) => `    ${l}`).join('\n');
}

export function describeMismatch(a, b, i, labels) {
  return `first difference at line ${i + 1}: ${labels[0]} "${a[i] ?? '<end>'}" vs ${labels[1]} "${b[i] ?? '<end>'}"\n` +
    `  ${labels[0]}:\n${context(a, i)}\n  ${labels[1]}:\n${context(b, i)}`;
}

// Compares candidate `x` with reference `y`. Options: vsNode (normalize as
// above), runOnly (start at "section run"), labels, and dumps: an async
// function returning [prefixX, prefixY] of memory dumps, used when memory
// hashes differ. Verdicts: pass, fail, skip (a limit ended either run before
// any difference), invalid (both reject the module), nan (equal but for NaN bits in memory).
export async function compareRun(x, y, options) {
  const labels = options.labels || ['candidate', 'reference'];
  let a = normalize(x, options.vsNode), b = normalize(y, options.vsNode);
  if (options.runOnly) {
    a = a.slice(Math.max(0, a.indexOf('section run')));
    b = b.slice(Math.max(0, b.indexOf('section run')));
  }
  // binaryen 108 writes invalid modules with reference types on (non-nullable
  // references, funcref where externref is expected): both must reject them.
  if (a[0] === 'invalid' && b[0] === 'invalid') return { status: 'invalid' };
  const memDiffs = [];
  let state = '';
  let limited = false;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const la = a[i], lb = b[i];
    if (la !== undefined && la.startsWith('state ')) state = la.slice(6);
    if ((la && la.startsWith('stop ')) || (lb && lb.startsWith('stop '))) {
      limited = true;
      break;
    }
    if (la === lb) continue;
    const ma = /^mem (\S+) pages=(\d+) fnv=/.exec(la || ''), mb = /^mem (\S+) pages=(\d+) fnv=/.exec(lb || '');
    if (ma && mb && ma[1] === mb[1] && ma[2] === mb[2]) {
      memDiffs.push({ state, name: ma[1], line: i });
      continue;
    }
    return { status: 'fail', message: describeMismatch(a, b, i, labels) };
  }
  if (memDiffs.length) {
    if (!options.dumps) {
      return { status: 'fail', message: `memory differs: ${describeMismatch(a, b, memDiffs[0].line, labels)}` };
    }
    const [px, py] = await options.dumps();
    for (const d of memDiffs) {
      const fx = `${px}-${d.state}-${d.name}.bin`, fy = `${py}-${d.state}-${d.name}.bin`;
      if (!fs.existsSync(fx) || !fs.existsSync(fy)) {
        return { status: 'fail', message: `memory differs and no dump was written (${fx}, ${fy})` };
      }
      const why = nanTolerantDiff(fs.readFileSync(fx), fs.readFileSync(fy));
      if (why) return { status: 'fail', message: `memory "${d.name}" at state ${d.state} differs at ${why}; dumps ${fx} ${fy}` };
    }
    return { status: 'nan', message: memDiffs.map((d) => `${d.name}@${d.state}`).join(', ') };
  }
  return { status: limited ? 'skip' : 'pass' };
}
