// The service. Its top level runs at build time, in the pre-initializer: the table, and BUILD_STAMP (the
// build's environment variable, passed by `js-compute-runtime --env BUILD_STAMP`), are in the snapshot.
/// <reference types="@fastly/js-compute" />
import { env } from 'fastly:env';
import { primeTable } from './primes.js';

const primes = primeTable();
const stamp = env('BUILD_STAMP');

addEventListener('fetch', (event) => {
  const n = Number(new URL(event.request.url).searchParams.get('n') ?? '1000');
  event.respondWith(new Response(`prime #${n} is ${primes[n - 1] ?? 0}; built ${stamp}\n`));
});
