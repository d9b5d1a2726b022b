// Validates the modules wast_dump wrote with binaryen (npm package, GC and exceptions included), an independent
// reader of WebAssembly 3.0: every module a script expects to be valid must read and validate.
// Usage: node tools/check-wast-binaries.mjs DUMP_DIR BINARYEN_DIR
import fs from 'fs';
import path from 'path';

const [dir, binaryenDir] = process.argv.slice(2);
// Modules of the 3.0 suite that binaryen refuses although the suite (and the specification) accepts them.
const binaryenDiffers = {
  'elem-87': 'element kind 0x00 means (ref func) since WebAssembly 3.0; binaryen reads funcref',
  'elem-448': 'element kind 0x00 means (ref func) since WebAssembly 3.0; binaryen reads funcref',
  'elem-453': 'element kind 0x00 means (ref func) since WebAssembly 3.0; binaryen reads funcref',
  'elem-482': 'element kind 0x00 means (ref func) since WebAssembly 3.0; binaryen reads funcref',
  'elem-487': 'element kind 0x00 means (ref func) since WebAssembly 3.0; binaryen reads funcref',
  'elem-556': 'element kind 0x00 means (ref func) since WebAssembly 3.0; binaryen reads funcref',
  'elem-578': 'the script\'s own binary module: element kind 0x00 in a (ref func) table',
  'elem-708': 'table.init of a declarative segment is valid (it traps); binaryen drops declarative segments',
  'table64-9': 'a table64 minimum of 2^64-1 without a maximum is valid; binaryen compares it with its own maximum',
  'type-rec-3': 'an empty recursion group "(rec)" is valid; binaryen cannot read one',
};
const binaryen = (await import(path.resolve(binaryenDir, 'index.js'))).default;
const counts = {};
const failures = [];
for (const name of fs.readdirSync(dir).sort()) {
  const expectation = name.replace(/^.*-/, '').replace(/\.wasm$/, '');
  const bytes = fs.readFileSync(path.join(dir, name));
  let verdict;
  try {
    const module = binaryen.readBinary(bytes, binaryen.Features.All);
    module.setFeatures(binaryen.Features.All);
    verdict = module.validate() ? 'valid' : 'invalid';
    module.dispose();
  } catch (e) {
    verdict = 'unreadable';
  }
  const key = `${expectation} -> ${verdict}`;
  counts[key] = (counts[key] || 0) + 1;
  const mustValidate = ['valid', 'unlinkable', 'uninstantiable'].includes(expectation);
  const stem = name.replace(/-[a-z]+\.wasm$/, '');
  if (mustValidate && verdict !== 'valid') {
    if (binaryenDiffers[stem]) {
      console.log(`known: ${name}: ${binaryenDiffers[stem]}`);
    } else {
      failures.push(`${name}: binaryen finds it ${verdict}`);
    }
  }
}
for (const [key, n] of Object.entries(counts).sort()) console.log(`${String(n).padStart(6)}  ${key}`);
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`check-wast-binaries: ${failures.length} modules expected valid that binaryen does not accept`);
process.exit(failures.length ? 1 : 0);
