import { createJsBackend } from '@neurite/backend-js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DTypeError,
  Random,
  randomNormal,
  randomUniform,
  registerBackend,
  seed,
  setBackend,
  truncatedNormal,
  type Tensor,
} from './index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

const values = (t: Tensor) => Array.from(t.dataSync());

function moments(xs: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / xs.length) };
}

const N = 100_000;

describe('seeding', () => {
  it('seed(n) makes the global stream reproducible', () => {
    seed(42);
    const a = [values(randomNormal([5])), values(randomUniform([5])), values(truncatedNormal([5]))];
    seed(42);
    const b = [values(randomNormal([5])), values(randomUniform([5])), values(truncatedNormal([5]))];
    expect(b).toEqual(a);
    // and successive calls continue the stream rather than restart it
    expect(a[0]).not.toEqual(values(randomNormal([5])));
  });

  it('a per-call seed gives the same values whatever the global seed is', () => {
    seed(1);
    const a = values(randomNormal([8], 0, 1, { seed: 7 }));
    seed(2);
    randomUniform([3]);
    const b = values(randomNormal([8], 0, 1, { seed: 7 }));
    expect(b).toEqual(a);
  });

  it('a per-call seed does not advance the global stream', () => {
    seed(5);
    const a = values(randomUniform([6]));
    seed(5);
    randomUniform([100], 0, 1, { seed: 9 });
    randomNormal([100], 0, 1, { seed: 10 });
    const b = values(randomUniform([6]));
    expect(b).toEqual(a);
  });

  it('different seeds give different values', () => {
    const a = values(randomUniform([16], 0, 1, { seed: 1 }));
    const b = values(randomUniform([16], 0, 1, { seed: 2 }));
    const c = values(randomUniform([16], 0, 1, { seed: 0 }));
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
    // not merely different somewhere: nearly every element differs
    expect(a.filter((v, i) => v === b[i]).length).toBeLessThanOrEqual(1);
  });

  it('Random: same seed same stream; next() in [0, 1); int(n) in [0, n)', () => {
    const r1 = new Random(123);
    const r2 = new Random(123);
    const s1 = Array.from({ length: 20 }, () => r1.nextUint32());
    expect(Array.from({ length: 20 }, () => r2.nextUint32())).toEqual(s1);
    expect(s1.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)).toBe(true);
    const r = new Random(9);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      counts[r.int(5)]++;
    }
    // each bucket expects 1000 with sd ~28: within 5 sd
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });
});

describe('distributions (1e5 samples, bounds of 5 standard errors)', () => {
  it('randomNormal has the requested mean and stddev', () => {
    const xs = randomNormal([N], 2, 3, { seed: 11 }).dataSync();
    const { mean, std } = moments(xs);
    expect(Math.abs(mean - 2)).toBeLessThan((5 * 3) / Math.sqrt(N));
    expect(Math.abs(std - 3)).toBeLessThan((5 * 3) / Math.sqrt(2 * N));
    // the tails exist: about 4.55% beyond 2 sd, 0.27% beyond 3 sd
    const beyond2 = xs.filter((v) => Math.abs(v - 2) > 6).length / N;
    expect(beyond2).toBeGreaterThan(0.042);
    expect(beyond2).toBeLessThan(0.049);
  });

  it('consecutive normal samples are uncorrelated (Box-Muller pairs included)', () => {
    const xs = randomNormal([N], 0, 1, { seed: 12 }).dataSync();
    let c = 0;
    for (let i = 0; i + 1 < N; i++) c += xs[i] * xs[i + 1];
    expect(Math.abs(c / (N - 1))).toBeLessThan(5 / Math.sqrt(N));
  });

  it('randomUniform stays in [min, max) with mean (a+b)/2 and stddev (b-a)/sqrt(12)', () => {
    const xs = randomUniform([N], -1, 3, { seed: 13 }).dataSync();
    expect(xs.every((v) => v >= -1 && v < 3)).toBe(true);
    const { mean, std } = moments(xs);
    const sd = 4 / Math.sqrt(12);
    expect(Math.abs(mean - 1)).toBeLessThan((5 * sd) / Math.sqrt(N));
    // the sd of the sample sd of a uniform is about sd * sqrt(0.8 / (4N))
    expect(Math.abs(std - sd)).toBeLessThan(5 * sd * Math.sqrt(0.8 / (4 * N)));
  });

  it('truncatedNormal stays within 2 stddev and has the truncated moments', () => {
    const mean0 = -1;
    const sd0 = 0.5;
    const xs = truncatedNormal([N], mean0, sd0, { seed: 14 }).dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of xs) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBeGreaterThanOrEqual(mean0 - 2 * sd0 - 1e-6);
    expect(hi).toBeLessThanOrEqual(mean0 + 2 * sd0 + 1e-6);
    // the bounds are actually approached (not, say, 1 sd)
    expect(lo).toBeLessThan(mean0 - 1.95 * sd0);
    expect(hi).toBeGreaterThan(mean0 + 1.95 * sd0);
    // std of a standard normal truncated to [-2, 2]: sqrt(1 - 4 phi(2) / (2 Phi(2) - 1)) = 0.87962
    const { mean, std } = moments(xs);
    expect(Math.abs(mean - mean0)).toBeLessThan((5 * sd0) / Math.sqrt(N));
    expect(Math.abs(std - 0.87962 * sd0)).toBeLessThan((5 * sd0) / Math.sqrt(2 * N));
  });
});

describe('arguments', () => {
  it('honours dtype and shape, refuses int32 and inverted ranges', () => {
    const t = randomNormal([2, 3], 0, 1, { seed: 1, dtype: 'float64' });
    expect([t.dtype, t.shape]).toEqual(['float64', [2, 3]]);
    expect(randomUniform([0, 4]).shape).toEqual([0, 4]);
    expect(() => randomNormal([2], 0, 1, { dtype: 'int32' })).toThrow(DTypeError);
    expect(() => randomUniform([2], 1, 0)).toThrow(ArgumentError);
    expect(() => randomUniform([2], 1, 0)).toThrow(/randomUniform: max 0 is below min 1/);
  });
});

describe('Random.shuffle', () => {
  it('permutes in place, reproducibly, with every position reached about equally often', () => {
    const a = new Random(5).shuffle(Int32Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(new Random(5).shuffle(Int32Array.from({ length: 20 }, (_, i) => i)))).toEqual(Array.from(a));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Where element 0 lands over 4,000 shuffles of 4: each position 1,000 ± ~4 sd.
    const rng = new Random(9);
    const landed = [0, 0, 0, 0];
    for (let t = 0; t < 4000; t++) landed[rng.shuffle([0, 1, 2, 3]).indexOf(0)]++;
    for (const n of landed) expect(Math.abs(n - 1000)).toBeLessThan(110);
    expect(new Random(1).shuffle([])).toEqual([]);
  });
});
