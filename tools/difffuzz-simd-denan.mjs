// tools/difffuzz's v128 counterpart of binaryen's --denan: NaN lanes of SIMD float arithmetic become zero.
//
// The spec lets an engine pick the sign and payload of a NaN that float
// arithmetic produces. binaryen 108's --denan zeroes scalar NaNs only, so a
// difference with V8 in a module with f32x4/f64x2 arithmetic may still be the
// engines' legitimate NaN choices. simdDenan rewrites binaryen's text form:
// every such instruction is wrapped in a call that zeroes its NaN lanes, so the
// module no longer depends on those choices and any remaining difference is real.

// The instructions whose NaN results the spec leaves open; bitwise ones (neg,
// abs) and operand selections (pmin, pmax) are exact in every engine.
const kOps = ['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'];
const kOpen = new RegExp(`\\((?:(f32x4|f64x2)\\.(?:${kOps.join('|')})|(f32x4)\\.demote_f64x2_zero|(f64x2)\\.promote_low_f32x4)[\\s)]`, 'g');

const helperName = (shape) => `$difffuzz_denan_${shape}`;

// x AND (x == x): a lane is all ones where it is not a NaN, so NaN lanes become +0.
const helper = (shape) =>
  ` (func ${helperName(shape)} (param $0 v128) (result v128)\n` +
  `  (v128.and (local.get $0) (${shape}.eq (local.get $0) (local.get $0))))\n`;

// Index just past the ")" closing the "(" at `open`, skipping string literals
// (data segments hold arbitrary bytes, parentheses and escaped quotes included).
function closeOf(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && --depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

// Returns the rewritten module text (`text` itself when it has no SIMD float
// arithmetic), or null when it is not in the folded form expected.
export function simdDenan(text) {
  // Matches inside string literals would be bytes, not instructions: find
  // the starts of strings once and skip matches inside them.
  const inString = stringRanges(text);
  const sites = [];
  for (const m of text.matchAll(kOpen)) {
    if (!inString(m.index)) sites.push({ at: m.index, shape: m[1] || m[2] || m[3] });
  }
  if (sites.length === 0) return text;
  // From the last site to the first: inner instructions are wrapped before
  // the outer ones, and an insertion never moves a site still to be done.
  let out = text;
  for (const { at, shape } of sites.reverse()) {
    const end = closeOf(out, at);
    if (end < 0) return null;
    out = `${out.slice(0, at)}(call ${helperName(shape)} ${out.slice(at, end)})${out.slice(end)}`;
  }
  const last = out.lastIndexOf(')');
  if (!out.trimStart().startsWith('(module') || last < 0) return null;
  return `${out.slice(0, last)}${helper('f32x4')}${helper('f64x2')})\n`;
}

function stringRanges(text) {
  const ranges = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      ranges.push([start, i]);
    }
  }
  return (at) => {
    let lo = 0, hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (at < ranges[mid][0]) hi = mid - 1;
      else if (at > ranges[mid][1]) lo = mid + 1;
      else return true;
    }
    return false;
  };
}
