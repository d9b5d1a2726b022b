// The start-up work: a table of the first primes. Plain JavaScript, so a test can run it in node too.
export function primeTable(count = 2000) {
  const primes = [];
  for (let n = 2; primes.length < count; n++) {
    let prime = true;
    for (const p of primes) {
      if (p * p > n) break;
      if (n % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes.push(n);
  }
  return primes;
}
