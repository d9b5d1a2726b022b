// Builds roman.component.wasm; componentize-js runs the pre-initializer named by wizerBin (kiln).
import { componentize } from '@bytecodealliance/componentize-js';
import { writeFile } from 'node:fs/promises';

const { component } = await componentize({
  sourcePath: 'roman.js',
  witPath: 'roman.wit',
  worldName: 'roman',
  wizerBin: process.env.KILN || 'kiln',  // a path, or a name looked up on PATH
  disableFeatures: ['http', 'fetch-event', 'random', 'clocks'],  // none of them is used
});
await writeFile('roman.component.wasm', component);
