// node componentize_check.mjs PROJECT: calls the transpiled component in PROJECT/out and the source module
// PROJECT/roman.js with the same arguments; exits 1 on the first difference.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const project = process.argv[2];
writeFileSync(`${project}/out/package.json`, '{"type":"module"}\n');
const component = await import(pathToFileURL(`${project}/out/roman.component.js`).href);
const source = await import(pathToFileURL(`${project}/roman.js`).href);

const calls = [];
for (const n of [0, 1, 4, 9, 14, 40, 90, 400, 1999, 2024, 3888, 3999, 4000]) {
  calls.push(['toRoman', n]);
  calls.push(['fromRoman', source.toRoman(n)]);
}
calls.push(['fromRoman', 'IIII'], ['fromRoman', 'MMMM'], ['fromRoman', 'kiln']);
let bad = 0;
for (const [name, ...args] of calls) {
  const want = source[name](...args);
  const got = component[name](...args);
  if (got !== want) {
    console.log(`${name}(${JSON.stringify(args)}) = ${JSON.stringify(got)}, the source says ${JSON.stringify(want)}`);
    ++bad;
  }
}
console.log(`componentize check: ${calls.length - bad} of ${calls.length} calls agree`);
process.exitCode = bad === 0 ? 0 : 1;
