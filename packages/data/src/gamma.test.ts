import { Random } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { sampleDirichlet, sampleGamma } from './gamma.js';

function moments(draws: number[]): { mean: number; variance: number } {
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
  return { mean, variance };
}

describe('sampleGamma (Marsaglia-Tsang)', () => {
  // Gamma(k, 1) has mean k and variance k; 40,000 draws put the sample mean within ~1% for these k.
  for (const k of [0.1, 0.5, 1, 2.5, 10]) {
    it(`matches the mean and variance of Gamma(${k})`, () => {
      const rng = new Random(11);
      const draws = Array.from({ length: 40_000 }, () => sampleGamma(rng, k));
      const { mean, variance } = moments(draws);
      expect(draws.every((d) => d >= 0 && Number.isFinite(d))).toBe(true);
      expect(Math.abs(mean - k) / k).toBeLessThan(0.04);
      expect(Math.abs(variance - k) / k).toBeLessThan(0.1);
    });
  }

  it('is reproducible and rejects a bad shape', () => {
    const a = new Random(3);
    const b = new Random(3);
    expect(sampleGamma(a, 0.7)).toBe(sampleGamma(b, 0.7));
    expect(() => sampleGamma(a, 0)).toThrow(/shape must be a finite number > 0, got 0/);
  });
});

describe('sampleDirichlet', () => {
  it('sums to one with mean alpha_i / sum(alpha)', () => {
    const rng = new Random(5);
    const alpha = [1, 2, 7];
    const sums = [0, 0, 0];
    for (let t = 0; t < 20_000; t++) {
      const p = sampleDirichlet(rng, alpha);
      expect(Math.abs(p[0] + p[1] + p[2] - 1)).toBeLessThan(1e-12);
      p.forEach((v, i) => (sums[i] += v));
    }
    sums.forEach((s, i) => expect(Math.abs(s / 20_000 - alpha[i] / 10)).toBeLessThan(0.01));
  });

  it('stays a valid distribution for tiny alpha, where the gammas underflow', () => {
    const p = sampleDirichlet(new Random(1), new Array(10).fill(0.001));
    expect(p.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(Math.max(...p)).toBeGreaterThan(0.99);
  });
});
