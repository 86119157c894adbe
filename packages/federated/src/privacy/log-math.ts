/** log(exp(a) + exp(b)) without overflow. */
export function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/** log(exp(a) - exp(b)) for a >= b. */
export function logSub(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (b > a) throw new RangeError(`logSub: exp(${b}) > exp(${a}) - the result would be negative`);
  if (a === b) return -Infinity;
  return a + Math.log(-Math.expm1(b - a));
}

/** log of |binomial(alpha, k)| for real alpha and integer k >= 0, and its sign. */
export function logAbsBinomial(alpha: number, k: number): { log: number; sign: number } {
  let log = 0;
  let sign = 1;
  for (let i = 0; i < k; i++) {
    const num = alpha - i;
    if (num === 0) return { log: -Infinity, sign: 0 };
    if (num < 0) sign = -sign;
    log += Math.log(Math.abs(num)) - Math.log(i + 1);
  }
  return { log, sign };
}

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * log(erfc(x)) accurate far into both tails: a Taylor series of erf near 0,
 * a Lentz continued fraction for x >= 2 (where erfc underflows long before
 * its logarithm does), and erfc(x) = 2 - erfc(-x) for negative x.
 */
export function logErfc(x: number): number {
  if (x < 0) return Math.log(2 - Math.exp(logErfc(-x)));
  if (x < 2) {
    // erf(x) = 2/sqrt(pi) · sum (-1)^n x^(2n+1) / (n! (2n+1)); the terms peak near e^(x²) < 55, so little is lost.
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.log(1 - (2 / SQRT_PI) * sum);
  }
  // erfc(x) = exp(-x²)/sqrt(pi) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated by modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - Math.log(SQRT_PI) - Math.log(f);
}
