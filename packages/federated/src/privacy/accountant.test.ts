import { describe, expect, it } from 'vitest';
import { DEFAULT_ORDERS, RdpAccountant, computeEpsilon, epsilonFromRdp, rdpSampledGaussian } from './accountant.js';
import { logErfc } from './log-math.js';

/**
 * An independent check of the accountant: log A_alpha as a numeric integral,
 * A_alpha = E_{z ~ N(0, σ²)} [((1 - q) + q·exp((2z - 1) / (2σ²)))^alpha]
 * (Mironov et al. 2019, Section 3.3), by Simpson's rule in log space around
 * the integrand's peak. It shares no code with the series in accountant.ts.
 */
function logANumeric(q: number, sigma: number, alpha: number): number {
  const s2 = sigma * sigma;
  const logf = (z: number) => -(z * z) / (2 * s2) - 0.5 * Math.log(2 * Math.PI * s2) + alpha * Math.log((1 - q) + q * Math.exp((2 * z - 1) / (2 * s2)));
  let peak = 0;
  let best = -Infinity;
  for (let z = -30; z <= 30 + 2 * alpha; z += 0.01) {
    const v = logf(z);
    if (v > best) [best, peak] = [v, z];
  }
  const a = peak - 30 * sigma;
  const b = peak + 30 * sigma;
  const n = 40_000;
  const h = (b - a) / n;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * Math.exp(logf(a + i * h) - best);
  }
  return best + Math.log((sum * h) / 3);
}

describe('RDP of the subsampled Gaussian mechanism', () => {
  it('is alpha / (2σ²) without subsampling (the Gaussian mechanism)', () => {
    expect(rdpSampledGaussian(1, 2, 8)).toBeCloseTo(1, 14);
    expect(rdpSampledGaussian(1, 1.1, 2)).toBeCloseTo(2 / (2 * 1.21), 14);
    expect(rdpSampledGaussian(0, 1.1, 2)).toBe(0);
  });

  it('matches a numeric integral at integer and fractional orders (q = 0.01, σ = 1.1)', () => {
    for (const alpha of [1.5, 2, 3.7, 8, 10.5, 32, 63]) {
      const series = rdpSampledGaussian(0.01, 1.1, alpha);
      const numeric = logANumeric(0.01, 1.1, alpha) / (alpha - 1);
      expect(Math.abs(series - numeric) / numeric).toBeLessThan(1e-7);
    }
  });

  it('agrees with values from scipy.integrate.quad of the same integral', () => {
    // Computed outside the repository with scipy 1.17 (quad, relative tolerance 1e-13, log-scaled integrand).
    const reference: [number, number][] = [
      [1.5, 9.554528571831256e-5],
      [2, 1.285100816053042e-4],
      [8, 5.840703355202148e-4],
      [10.5, 9.672713052296024e-4],
      [32, 8.469416433675926],
    ];
    for (const [alpha, rdp] of reference) expect(rdpSampledGaussian(0.01, 1.1, alpha) / rdp).toBeCloseTo(1, 8);
  });

  it('closed form for alpha = 2: log(1 + q²(e^(1/σ²) - 1))', () => {
    // A_2 = (1-q)² + 2q(1-q) + q² e^(1/σ²): the k = 2 term of the binomial series is the only one with a non-zero exponent.
    for (const [q, s] of [
      [0.01, 1.1],
      [0.1, 0.8],
      [0.5, 3],
    ]) {
      expect(rdpSampledGaussian(q, s, 2)).toBeCloseTo(Math.log1p(q * q * Math.expm1(1 / (s * s))), 14);
    }
  });
});

describe('epsilon', () => {
  it('q = 0.01, σ = 1.1, 10,000 steps, δ = 1e-5: ε = 5.632 at order 4.7', () => {
    // The same orders and conversion evaluated from scipy quad integrals gave 5.631992368682161 at order 4.7.
    const acc = new RdpAccountant();
    acc.step(0.01, 1.1, 10_000);
    const rdp = acc.state().rdp;
    const best = epsilonFromRdp(DEFAULT_ORDERS, rdp, 1e-5);
    expect(best.order).toBeCloseTo(4.7, 10);
    expect(best.epsilon).toBeCloseTo(5.631992, 5);
  });

  it('DP-SGD on MNIST (q = 256/60000, σ = 1.1, 60 epochs, δ = 1e-5): ε = 2.597', () => {
    // 60 epochs of 60000/256 steps = 14062 steps; scipy cross-check gave 2.5965558689531907 (order 8.1).
    expect(computeEpsilon({ q: 256 / 60000, noiseMultiplier: 1.1, steps: Math.floor((60 * 60000) / 256), delta: 1e-5 })).toBeCloseTo(2.596556, 5);
  });

  it.each([
    // TensorFlow Privacy's tutorials/README.md table (MNIST, 60,000 examples, 256 per batch, delta 1e-5),
    // and the docstring of its compute_dp_sgd_privacy script (sigma 1.12, 60 epochs: 2.92).
    { sigma: 1.3, epochs: 15, published: 1.19 },
    { sigma: 1.1, epochs: 60, published: 3.01 },
    { sigma: 0.7, epochs: 45, published: 7.1 },
    { sigma: 1.12, epochs: 60, published: 2.92 },
  ])('reproduces the published TF Privacy value for sigma $sigma, $epochs epochs: eps $published', ({ sigma, epochs, published }) => {
    // Their script: steps = ceil(epochs * N / batch), orders 1.1..10.9 and 12..63, the classic conversion.
    const steps = Math.ceil((epochs * 60000) / 256);
    const eps = computeEpsilon({ q: 256 / 60000, noiseMultiplier: sigma, steps, delta: 1e-5, conversion: 'classic' });
    expect(Number(eps.toPrecision(3))).toBe(published);
    // The improved conversion is never looser.
    expect(computeEpsilon({ q: 256 / 60000, noiseMultiplier: sigma, steps, delta: 1e-5 })).toBeLessThan(eps);
  });

  it('grows with the rounds and falls with more noise', () => {
    const a = computeEpsilon({ q: 0.1, noiseMultiplier: 1, steps: 10, delta: 1e-5 });
    const b = computeEpsilon({ q: 0.1, noiseMultiplier: 1, steps: 20, delta: 1e-5 });
    const c = computeEpsilon({ q: 0.1, noiseMultiplier: 2, steps: 20, delta: 1e-5 });
    expect(b).toBeGreaterThan(a);
    expect(c).toBeLessThan(b);
  });

  it('the ledger composes by adding RDP and survives a save and restore', () => {
    const one = new RdpAccountant();
    for (let i = 0; i < 30; i++) one.step(0.1, 1.1);
    const bulk = new RdpAccountant();
    bulk.step(0.1, 1.1, 30);
    expect(one.epsilon(1e-5)).toBeCloseTo(bulk.epsilon(1e-5), 10);
    const copy = new RdpAccountant();
    copy.restore(JSON.parse(JSON.stringify(one.state())));
    expect(copy.epsilon(1e-5)).toBe(one.epsilon(1e-5));
  });
});

describe('logErfc', () => {
  it('matches known values in the body and far in the tails', () => {
    expect(Math.exp(logErfc(0))).toBeCloseTo(1, 15);
    expect(Math.exp(logErfc(0.5))).toBeCloseTo(0.4795001221869535, 14);
    expect(Math.exp(logErfc(1.5))).toBeCloseTo(0.033894853524689274, 14);
    expect(Math.exp(logErfc(3)) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(Math.exp(logErfc(-1))).toBeCloseTo(1.8427007929497148, 14);
    // erfc(30) underflows a double; its logarithm does not (mpmath: log(erfc(30)) = -903.974117110644).
    expect(logErfc(30)).toBeCloseTo(-903.974117110644, 8);
  });
});
