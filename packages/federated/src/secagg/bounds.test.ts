import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { FedAvg } from '../strategies/fedavg.js';
import type { Client, FitRes } from '../runtime/messages.js';
import { rejectionReason } from '../runtime/validate.js';
import { runFederated } from '../runtime/server.js';
import { secureRound } from '../runtime/secure-round.js';
import type { Weights } from '../weights.js';
import { planFixedPoint } from './bounds.js';
import { FixedPoint, ringAddInPlace } from './fixed-point.js';
import { SecAggParticipant } from './participant.js';

const weights = (values: ArrayLike<number>): Weights => [{ name: 'w', shape: [values.length], values: Float32Array.from(values) }];

/** A client that answers every round with fixed weights and example count, in the clear and through the protocol. */
function fixedClient(id: number, answer: (global: Weights) => FitRes, calls?: { secAgg: number }): Client {
  const participant = new SecAggParticipant(id);
  const fit = async (ins: { params: Weights }) => answer(ins.params);
  return {
    id,
    fit,
    evaluate: async () => ({ loss: 0, numExamples: 1, metrics: {} }),
    secAgg: (req) => {
      if (calls) calls.secAgg++;
      return participant.handle(req, fit);
    },
  };
}

describe('the fixed-point ring of 32·words bits', () => {
  it('encodes two\'s complement across words and carries between them', () => {
    const fp = new FixedPoint(0, 2);
    expect(Array.from(fp.encode([-1, 2 ** 32, 5]))).toEqual([0xffffffff, 0xffffffff, 0, 1, 5, 0]);
    const a = Uint32Array.from([0xffffffff, 0, 0, 1]);
    ringAddInPlace(a, Uint32Array.from([1, 0, 1, 0]), 1, 2);
    expect(Array.from(a)).toEqual([0, 1, 1, 1]);
    ringAddInPlace(a, Uint32Array.from([1, 0, 2, 0]), -1, 2);
    expect(Array.from(a)).toEqual([0xffffffff, 0, 0xffffffff, 0]);
    expect(Array.from(fp.decode(Uint32Array.from([0xffffffff, 0xffffffff, 0, 0x80000000])))).toEqual([-1, -(2 ** 63)]);
  });

  it('plans the narrowest ring that holds every sum the bounds allow, and refuses bounds no ring holds', () => {
    // 5 × (1000·150·2^12 + 1/2) ≈ 2^31.5: the 32-bit ring of the old default wraps; two words do not.
    expect(planFixedPoint({ clients: 5, maxValue: 1000 * 150, fractionBits: 12, from: 'test' }).words).toBe(2);
    expect(planFixedPoint({ clients: 2, maxValue: 1, fractionBits: 24, from: 'test' }).words).toBe(1);
    expect(() => planFixedPoint({ clients: 5, maxValue: 1e308, fractionBits: 24, from: 'limits.maxExamples 1e302 × limits.maxUpdateNorm 1e6' })).toThrow(/limits\.maxExamples 1e302.*ring, at most 128 are supported - lower the declared bounds/);
    expect(() => planFixedPoint({ clients: 5, maxValue: NaN, fractionBits: 24, from: 'x' })).toThrow(ArgumentError);
  });
});

describe('secure aggregation within declared bounds', () => {
  it('5 clients with 1,000 examples moving every weight by +150 move the global model by +150, as plain FedAvg does', async () => {
    const make = () => [0, 1, 2, 3, 4].map((id) => fixedClient(id, (g) => ({ params: weights(g[0].values.map((v) => v + 150)), numExamples: 1000, metrics: {} })));
    const base = { strategy: new FedAvg(), rounds: 1, seed: 1, initialParams: weights([0, 1, -2]) };
    const plain = await runFederated({ ...base, clients: make() });
    const secure = await runFederated({ ...base, strategy: new FedAvg(), clients: make(), secureAggregation: {}, limits: { maxExamples: 1000 } });
    expect(Array.from(plain.params[0].values)).toEqual([150, 151, 148]);
    expect(Array.from(secure.params[0].values)).toEqual([150, 151, 148]);
    expect(secure.history[0].aggregated).toBe(5);
  });

  it('property: the secure weighted mean equals the plain weighted mean within the fixed-point error, up to the bounds', async () => {
    const client = fc.record({
      n: fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.constant(2 ** 40)),
      change: fc.array(fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(-1, 1)), { minLength: 3, maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(client, { minLength: 2, maxLength: 5 }), fc.constantFrom(1e-3, 1, 150, 1e6), fc.constantFrom(1, 1.5, 4), async (cs, scale, slack) => {
        const global = weights([0.25, -3, 7]);
        const answers = cs.map(({ n, change }) => ({ n, params: Float32Array.from(global[0].values, (g, i) => g + change[i] * scale) }));
        // What each client will report, in float64 from its float32 weights; the declared bounds hold them (slack 1: exactly).
        const deltas = answers.map((a) => Array.from(a.params, (p, i) => p - global[0].values[i]));
        const maxNorm = Math.max(...deltas.map((d) => Math.hypot(...d)), 1e-9);
        const maxExamples = Math.max(...cs.map((c) => c.n));
        const limits = { maxUpdateNorm: maxNorm * slack, maxExamples: Math.ceil(maxExamples * slack) };
        const clients = answers.map((a, id) => fixedClient(id, () => ({ params: [{ name: 'w', shape: [3], values: a.params }], numExamples: a.n, metrics: {} })));
        const r = await secureRound({ clients, round: 1, global, config: {}, seed: 1, timeoutMs: 60_000, options: {}, limits });
        expect(r.why).toBeUndefined();
        const W = cs.reduce((s, c) => s + c.n, 0);
        expect(r.weight).toBe(W);
        const maxWeighted = Math.max(...deltas.flatMap((d, k) => d.map((v) => Math.abs(v * cs[k].n))));
        // Each input rounds to 2^-24 (plus float64 rounding of n·Δ); the error of the sum is at most the clients' errors added.
        const tolerance = (cs.length * (0.5 * 2 ** -24 + 4 * maxWeighted * 2 ** -52)) / W;
        for (let i = 0; i < 3; i++) {
          const plain = deltas.reduce((s, d, k) => s + d[i] * cs[k].n, 0) / W;
          expect(Math.abs(r.sum![i] / r.weight - plain)).toBeLessThanOrEqual(tolerance);
        }
      }),
      { numRuns: 40, seed: 20240611 },
    );
  });

  it('refuses a run whose bounds no ring holds before any client masks', async () => {
    const calls = { secAgg: 0 };
    const clients = [0, 1, 2].map((id) => fixedClient(id, (g) => ({ params: g, numExamples: 1, metrics: {} }), calls));
    const run = runFederated({ clients, strategy: new FedAvg(), rounds: 1, seed: 1, initialParams: weights([0]), secureAggregation: {}, limits: { maxExamples: 2 ** 50, maxUpdateNorm: 1e30 } });
    await expect(run).rejects.toThrow(ArgumentError);
    await expect(run).rejects.toThrow(/3 clients with inputs up to .*limits\.maxExamples 1125899906842624 × limits\.maxUpdateNorm 1e\+30.*-bit ring/);
    expect(calls.secAgg).toBe(0);
  });

  it('a client outside the declared bounds is dropped with the reason, not summed', async () => {
    const clients = [0, 1, 2, 3].map((id) => fixedClient(id, (g) => ({ params: weights(g[0].values.map((v) => v + (id === 2 ? 5 : 1))), numExamples: id === 1 ? 2000 : 10, metrics: {} })));
    const r = await runFederated({ clients, strategy: new FedAvg(), rounds: 1, seed: 1, initialParams: weights([0]), secureAggregation: { threshold: 2 }, limits: { maxExamples: 1000, maxUpdateNorm: 2 } });
    expect(r.history[0].dropped.map((d) => [d.id, d.reason])).toEqual([
      [1, expect.stringMatching(/2000 examples, the round allows an integer in \[1, 1000\]/)],
      [2, expect.stringMatching(/norm 5\.000e\+0, the round allows 2/)],
    ]);
    expect(Array.from(r.params[0].values)).toEqual([1]);
  });
});

describe('validation of example counts', () => {
  it('rejects absurd numExamples (1e308, above limits.maxExamples, unsafe integers) instead of weighting by them', async () => {
    const g = weights([0]);
    expect(rejectionReason(g, { params: g, numExamples: 1e308, metrics: {} })).toMatch(/numExamples is 1e\+308, expected an integer in \[1, 16777216\]/);
    expect(rejectionReason(g, { params: g, numExamples: 2 ** 53, metrics: {} })).toMatch(/numExamples/);
    expect(rejectionReason(g, { params: g, numExamples: 11, metrics: {} }, { maxExamples: 10 })).toMatch(/\[1, 10\] \(limits\.maxExamples\)/);
    expect(rejectionReason(g, { params: g, numExamples: 10, metrics: {} }, { maxExamples: 10 })).toBeNull();
    const clients = [0, 1].map((id) => fixedClient(id, (w) => ({ params: weights(w[0].values.map((v) => v + (id ? 100 : 1))), numExamples: id ? 1e308 : 3, metrics: {} })));
    const r = await runFederated({ clients, strategy: new FedAvg(), rounds: 1, seed: 1, initialParams: g });
    expect(r.history[0].rejected.map((x) => x.id)).toEqual([1]);
    expect(Array.from(r.params[0].values)).toEqual([1]);
  });
});
