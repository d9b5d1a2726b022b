// The default export is the path of the kiln binary, as @bytecodealliance/wizer's is the path of wizer.
// Tools that import that package (js-compute-runtime, componentize-js) spawn whatever path they get, so
// an npm "overrides" entry pointing the package here makes them run kiln with Wizer's command line.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// KILN (a path) wins, so a build can pin one binary; otherwise the first `kiln` on PATH.
function findKiln() {
  const pinned = process.env.KILN;
  if (pinned) {
    const path = isAbsolute(pinned) ? pinned : resolve(pinned);
    if (!isExecutable(path)) throw new Error(`wizer-kiln: KILN=${pinned} is not an executable file`);
    return path;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'kiln'))) return join(dir, 'kiln');
  }
  throw new Error('wizer-kiln: no kiln binary: set KILN to its path or put `kiln` on PATH');
}

export default findKiln();
