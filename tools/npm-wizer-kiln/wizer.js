#!/usr/bin/env node
// `wizer ARGS...` for scripts that call the package's binary by name: runs kiln with the same arguments.
import { spawnSync } from 'node:child_process';
import kiln from './index.js';

const run = spawnSync(kiln, process.argv.slice(2), { stdio: 'inherit' });
if (run.error) throw run.error;
process.exit(run.status ?? 1);
