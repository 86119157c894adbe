import { describe, expect, it } from 'vitest';
import type { ClientUpdate } from '../strategies/strategy.js';
import { computeEpsilon } from './accountant.js';
import { ClientLevelDp } from './dp-fedavg.js';

const u = (params: number[]): ClientUpdate => ({ clientId: 0, params: Float64Array.from(params), numExamples: 1 });

describe('DP-FedAvg (client level)', () => {
  it('clips each change to norm C and divides the sum by the sampled count (no noise)', () => {
    const dp = new ClientLevelDp({ clipNorm: 1, noiseMultiplier: 0 });
    const global = Float64Array.from([1, 1]);
    // changes: [3, 4] (norm 5 -> [0.6, 0.8]) and [0.3, 0] (norm 0.3, kept); 4 clients were sampled, 2 answered.
    const { update, report } = dp.privatize(global, [u([4, 5]), u([1.3, 1])], { sampled: 4, population: 10, seed: 1 });
    expect(update.params[0]).toBeCloseTo(1 + (0.6 + 0.3) / 4, 14);
    expect(update.params[1]).toBeCloseTo(1 + 0.8 / 4, 14);
    expect(report.unclipped).toBe(0.5);
    expect(report.clipNorm).toBe(1);
  });

  it('adds Gaussian noise of std z·C/m to each coordinate of the mean', () => {
    const dp = new ClientLevelDp({ clipNorm: 2, noiseMultiplier: 1.5 });
    const n = 20_000;
    const global = new Float64Array(n);
    const { update } = dp.privatize(global, [], { sampled: 5, population: 100, seed: 7 });
    let s = 0;
    let s2 = 0;
    for (const v of update.params) {
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    // expected std 1.5·2/5 = 0.6; the sample std of 20000 draws is within 2% with overwhelming probability
    expect(std).toBeGreaterThan(0.6 * 0.98);
    expect(std).toBeLessThan(0.6 * 1.02);
    expect(Math.abs(mean)).toBeLessThan(0.02);
  });

  it('reports the accountant epsilon after every round', () => {
    const dp = new ClientLevelDp({ clipNorm: 1, noiseMultiplier: 1.1, delta: 1e-5 });
    const g = new Float64Array(3);
    const eps: number[] = [];
    for (let r = 0; r < 5; r++) eps.push(dp.privatize(g, [u([0.1, 0, 0])], { sampled: 10, population: 100, seed: r }).report.epsilon);
    for (let i = 1; i < eps.length; i++) expect(eps[i]).toBeGreaterThan(eps[i - 1]);
    expect(eps[4]).toBeCloseTo(computeEpsilon({ q: 0.1, noiseMultiplier: 1.1, steps: 5, delta: 1e-5 }), 12);
  });

  it('adaptive clipping moves C geometrically towards the target quantile of the norms (Andrew et al. 2021)', () => {
    // No count noise: with every update unclipped, b = 1 and C <- C·exp(-0.2·(1 - 0.5)).
    const dp = new ClientLevelDp({ clipNorm: 10, noiseMultiplier: 0, adaptive: { countNoise: 0 } });
    const g = new Float64Array(2);
    dp.privatize(g, [u([1, 0]), u([0, 1])], { sampled: 2, population: 2, seed: 0 });
    expect(dp.clipNorm).toBeCloseTo(10 * Math.exp(-0.1), 12);
    // With every update clipped, b = 0 and C grows by exp(0.1).
    const dp2 = new ClientLevelDp({ clipNorm: 0.01, noiseMultiplier: 0, adaptive: { countNoise: 0 } });
    dp2.privatize(g, [u([1, 0]), u([0, 1])], { sampled: 2, population: 2, seed: 0 });
    expect(dp2.clipNorm).toBeCloseTo(0.01 * Math.exp(0.1), 12);
    // Over many rounds C settles near the median norm of the updates (norms 1..9: median 5).
    const dp3 = new ClientLevelDp({ clipNorm: 0.1, noiseMultiplier: 0, adaptive: { countNoise: 0 } });
    const ups = Array.from({ length: 9 }, (_, i) => u([i + 1, 0]));
    for (let r = 0; r < 200; r++) dp3.privatize(g, ups, { sampled: 9, population: 9, seed: r });
    expect(dp3.clipNorm).toBeGreaterThan(4);
    expect(dp3.clipNorm).toBeLessThan(6.5);
  });

  it('refuses a noise multiplier too small to fund the noisy count', () => {
    const dp = new ClientLevelDp({ clipNorm: 1, noiseMultiplier: 0.1, adaptive: { countNoise: 0.01 } });
    expect(() => dp.privatize(new Float64Array(1), [u([0])], { sampled: 1, population: 1, seed: 0 })).toThrow(/too small for adaptive clipping/);
  });
});
