import { describe, expect, it } from 'vitest';
import { Bulyan } from './bulyan.js';
import { FedAvg, FedProx } from './fedavg.js';
import { FedOpt } from './fedopt.js';
import { Krum, krumScores, pairwiseSquaredDistances } from './krum.js';
import { FedMedian } from './median.js';
import { parseStrategy } from './parse.js';
import type { ClientUpdate } from './strategy.js';
import { TrimmedMean } from './trimmed-mean.js';

const u = (clientId: number, params: number[], numExamples = 1): ClientUpdate => ({ clientId, params: Float64Array.from(params), numExamples });
const g = (...v: number[]) => Float64Array.from(v);
const close = (a: Float64Array, b: number[], digits = 12) => b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, digits));

describe('FedAvg and FedProx', () => {
  it('weights the clients by their example counts', () => {
    // ([1,2]·1 + [3,6]·3) / 4 = [2.5, 5]
    expect(Array.from(new FedAvg().aggregate(g(0, 0), [u(0, [1, 2], 1), u(1, [3, 6], 3)]))).toEqual([2.5, 5]);
  });
  it('returns one client model exactly (float32 weights: n·w is exact in float64)', () => {
    const p = [0.1, 1 / 3, -7.123456789, 1e-30].map(Math.fround);
    expect(Array.from(new FedAvg().aggregate(g(0, 0, 0, 0), [u(0, p, 37)]))).toEqual(p);
  });
  it('leaves the model as it was when no client answered', () => {
    expect(Array.from(new FedAvg().aggregate(g(4, 5), []))).toEqual([4, 5]);
  });
  it('FedProx aggregates as FedAvg and sends mu to the clients', () => {
    const s = new FedProx({ mu: 0.01 });
    expect(s.fitConfig()).toEqual({ proximalMu: 0.01 });
    expect(Array.from(s.aggregate(g(0), [u(0, [1], 1), u(1, [4], 2)]))).toEqual([3]);
    expect(() => new FedProx({ mu: -1 })).toThrow(/mu must be/);
  });
});

describe('FedAdagrad, FedAdam, FedYogi (Reddi et al. 2021, Algorithm 2)', () => {
  // Round 1: delta = [0.1, -0.2]; round 2: delta = [0.05, 0.05]. eta 0.01, beta1 0.9, beta2 0.99, tau 1e-3, v0 = tau².
  // FedAdagrad round 1 by hand: m = 0.1·[0.1,-0.2] = [0.01,-0.02]; v = 1e-6 + [0.01, 0.04];
  // w = 0.01·0.01 / (sqrt(0.010001) + 0.001) = 0.00099005 and -0.01·0.02/(sqrt(0.040001)+0.001) = -0.00099501.
  const expected: Record<string, [number[], number[]]> = {
    fedadagrad: [
      [0.0009900499987500623, -0.0009950124999218758],
      [0.002231098153070922, -0.0016225537201800563],
    ],
    fedadam: [
      [0.009050283118522205, -0.009512605167558877],
      [0.02054505514712132, -0.015547284832002618],
    ],
    fedyogi: [
      [0.009049875621120886, -0.009512492197250385],
      [0.020501844440681323, -0.015519950473183412],
    ],
  };
  for (const kind of ['fedadagrad', 'fedadam', 'fedyogi'] as const) {
    it(`${kind}: two rounds match the update rule`, () => {
      const s = new FedOpt(kind, { learningRate: 0.01 });
      const w1 = s.aggregate(g(0, 0), [u(0, [0.1, -0.2], 3), u(1, [0.1, -0.2], 1)]);
      close(w1, expected[kind][0]);
      const w2 = s.aggregate(w1, [u(0, [w1[0] + 0.05, w1[1] + 0.05], 1)]);
      close(w2, expected[kind][1]);
    });
  }
  it('restores its moments from a saved state', () => {
    const a = new FedOpt('fedadam');
    const w1 = a.aggregate(g(0, 0), [u(0, [0.1, -0.2])]);
    const b = new FedOpt('fedadam');
    b.restore(JSON.parse(JSON.stringify(a.state())));
    const next = [u(0, [w1[0] + 0.05, w1[1] + 0.05])];
    expect(Array.from(b.aggregate(w1, next))).toEqual(Array.from(a.aggregate(w1, next)));
  });
});

describe('robust aggregation', () => {
  it('FedMedian takes the coordinate-wise median, unweighted', () => {
    // column 0: 1,2,10 -> 2; column 1: 5,-1,3 -> 3
    expect(Array.from(new FedMedian().aggregate(g(0, 0), [u(0, [1, 5], 100), u(1, [2, -1]), u(2, [10, 3])]))).toEqual([2, 3]);
    // even count: the mean of the middle two
    expect(Array.from(new FedMedian().aggregate(g(0), [u(0, [1]), u(1, [4]), u(2, [3]), u(3, [2])]))).toEqual([2.5]);
  });
  it('trimmed mean drops floor(beta·n) values at each end', () => {
    // n = 4, beta 0.25: drop 1 each side. column 0: [1,2,3,100] -> (2+3)/2; column 1: [-50,0,1,2] -> 0.5
    const s = new TrimmedMean({ beta: 0.25 });
    expect(Array.from(s.aggregate(g(0, 0), [u(0, [1, 0]), u(1, [100, -50]), u(2, [3, 2]), u(3, [2, 1])]))).toEqual([2.5, 0.5]);
    // beta 0.2 with n = 4 drops nothing: the plain mean
    expect(Array.from(new TrimmedMean({ beta: 0.2 }).aggregate(g(0), [u(0, [1]), u(1, [2]), u(2, [3]), u(3, [10])]))).toEqual([4]);
  });
  it('Krum scores sum the n - f - 2 smallest squared distances', () => {
    const vs = [[0], [0.1], [0.15], [0.3], [10]].map((v) => Float64Array.from(v));
    // n = 5, f = 1: 2 nearest. 0: .01+.0225; 0.1: .0025+.01; 0.15: .0025+.0225; 0.3: .0225+.04; 10: 9.7²+9.85²
    const scores = krumScores(pairwiseSquaredDistances(vs), 1);
    [0.0325, 0.0125, 0.025, 0.0625, 191.1125].forEach((s, i) => expect(scores[i]).toBeCloseTo(s, 10));
  });
  it('Krum picks the lowest-scoring update; Multi-Krum averages the m best', () => {
    const ups = [[0], [0.1], [0.15], [0.3], [10]].map((v, i) => u(i, v));
    expect(Array.from(new Krum({ f: 1 }).aggregate(g(0), ups))).toEqual([0.1]);
    close(new Krum({ f: 1, m: 2 }).aggregate(g(0), ups), [0.125]);
    expect(() => new Krum({ f: 2 }).aggregate(g(0), ups)).toThrow(/needs n > 2f \+ 2/);
  });
  it('Bulyan selects n - 2f updates by repeated Krum, then averages the beta values nearest the median', () => {
    // Values 0, .1, .22, .3, .45, .6, 100 (as [v, -v], so squared distances double; the order is the same).
    // Krum scores (sum of the n-f-2 nearest squared distances, 1-D):
    //   7 left, 4 nearest: .3509 .1869 .1221 .1589 .2204 .5069 huge -> .22
    //   6 left, 3 nearest: 0: .3025, .1: .1725, .3: .1525, .45: .1675, .6: .3625 -> .3
    //   5 left, 2 nearest: 0: .2125, .1: .1325, .45: .145, .6: .2725 -> .1
    //   4 left, 1 nearest: .45 and .6 tie on their shared distance -> the lower index, .45
    //   3 left, f capped at 0, 1 nearest: 0 and .6 tie -> 0
    const ups = [0, 0.1, 0.22, 0.3, 0.45, 0.6, 100].map((v, i) => u(i, [v, -v]));
    const s = new Bulyan({ f: 1 });
    expect(s.select(ups)).toEqual([2, 3, 1, 4, 0]);
    // beta = 5 - 2 = 3 values nearest the median .22 of {0, .1, .22, .3, .45}: .1, .22, .3 -> 0.62 / 3
    close(s.aggregate(g(0, 0), ups), [0.62 / 3, -0.62 / 3]);
    expect(() => s.aggregate(g(0, 0), ups.slice(0, 6))).toThrow(/n >= 4f \+ 3/);
  });
  it('a sign-flipped outlier moves the mean but not median, trimmed mean or Krum', () => {
    const honest = [0.9, 1.0, 1.1, 1.05, 0.95].map((v, i) => u(i, [v]));
    const byz = u(5, [-100]);
    const all = [...honest, byz];
    expect(new FedAvg().aggregate(g(0), all)[0]).toBeLessThan(-10);
    for (const s of [new FedMedian(), new TrimmedMean({ beta: 0.2 }), new Krum({ f: 1 })]) {
      const v = s.aggregate(g(0), all)[0];
      expect(v).toBeGreaterThan(0.89);
      expect(v).toBeLessThan(1.11);
    }
  });
});

describe('parseStrategy', () => {
  it('reads the CLI specs', () => {
    expect(parseStrategy('fedavg').name).toBe('fedavg');
    expect((parseStrategy('fedprox:0.01') as FedProx).mu).toBe(0.01);
    expect(parseStrategy('fedadam').name).toBe('fedadam');
    expect((parseStrategy('krum:2') as Krum).f).toBe(2);
    expect((parseStrategy('trimmed:0.1') as TrimmedMean).beta).toBe(0.1);
    expect(parseStrategy('median').name).toBe('median');
    expect(() => parseStrategy('fedsgd')).toThrow(/unknown strategy 'fedsgd' - use one of/);
    expect(() => parseStrategy('krum')).toThrow(/needs f/);
    expect(() => parseStrategy('fedprox:abc')).toThrow(/not a number/);
  });
});
