// Calls the transpiled component (`npm run build` writes out/): node run.mjs N... prints N in Roman numerals.
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('out/package.json', import.meta.url), '{"type":"module"}\n');  // jco writes ES modules
const { toRoman, fromRoman } = await import('./out/roman.component.js');
const wanted = process.argv.slice(2);
for (const n of wanted.length ? wanted : ['1999', '2024']) {
  const text = toRoman(Number(n));
  console.log(`${n} = ${text} = ${fromRoman(text)}`);
}
