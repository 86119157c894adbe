import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { listBackends, setBackend } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { ClientLevelDp } from '../privacy/dp-fedavg.js';
import { FedAvg } from '../strategies/fedavg.js';
import { FedOpt } from '../strategies/fedopt.js';
import { FedMedian } from '../strategies/median.js';
import type { ClientUpdate, Strategy } from '../strategies/strategy.js';
import { TrimmedMean } from '../strategies/trimmed-mean.js';
import { flatten, unflatten, type NamedArray } from '../weights.js';
import { BLOBS_MODEL, blobs } from '../testing/blobs.js';
import { LocalClient, initialWeights } from './local-client.js';
import type { Client, FitRes, ParamsFitRes } from './messages.js';
import { RoundAggregator } from './round-aggregator.js';
import { runFederated } from './server.js';

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
});

const LAYOUT = [
  { name: 'a', shape: [3, 2] },
  { name: 'b', shape: [2] },
];
const SIZE = 8;
const asWeights = (flat: Float32Array): NamedArray[] => [
  { ...LAYOUT[0], values: flat.slice(0, 6) },
  { ...LAYOUT[1], values: flat.slice(6) },
];
const answer = (flat: Float32Array, numExamples: number, loss = 1): ParamsFitRes => ({ params: asWeights(flat), numExamples, metrics: { loss } });
const toUpdate = (flat: Float32Array, numExamples: number, clientId: number): ClientUpdate => ({ clientId, params: Float64Array.from(flat), numExamples });

const f32 = fc.float({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true });
const round = fc.record({
  global: fc.float32Array({ minLength: SIZE, maxLength: SIZE, min: -10, max: 10, noNaN: true, noDefaultInfinity: true }),
  answers: fc.array(fc.record({ w: fc.array(f32, { minLength: SIZE, maxLength: SIZE }).map((a) => Float32Array.from(a)), n: fc.integer({ min: 1, max: 2 ** 20 }) }), { minLength: 1, maxLength: 12 }),
  order: fc.infiniteStream(fc.nat()),
});

/** The answers folded in the given order, against the same strategy given every update at once (how the server aggregated before streaming). */
function bothWays(make: () => Strategy, r: { global: Float32Array; answers: { w: Float32Array; n: number }[] }, order: number[], dp?: () => ClientLevelDp) {
  const global = Float64Array.from(r.global);
  // q = 1: the accountant's cheap case (its sums at q < 1 would dominate the test's time).
  const dpRound = { sampled: r.answers.length, population: r.answers.length, seed: 5 };
  const streaming = new RoundAggregator(make(), global, dp ? dp() : null);
  for (const k of order) streaming.add(k, answer(r.answers[k].w, r.answers[k].n));
  const streamed = streaming.finish(1, dpRound).next;
  const all = r.answers.map((a, k) => toUpdate(a.w, a.n, k));
  const strategy = make();
  let atOnce: Float64Array;
  if (dp) {
    const { update } = dp().privatize(global, all, dpRound);
    atOnce = strategy.aggregate(global, [update], 1);
  } else atOnce = strategy.aggregate(global, all, 1);
  return { streamed, atOnce };
}

/** |a - b| within a few float64 roundings of the largest term summed (the order of a sum changes only its rounding). */
function expectSameUpToSummationOrder(a: Float64Array, b: Float64Array, scale: number) {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(64 * Number.EPSILON * scale);
}

const shuffled = (n: number, stream: Iterator<number>) => {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = stream.next().value % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
};

describe('streaming aggregation', () => {
  it('property: the running example-weighted mean, folded in any order, equals FedAvg given every update at once', () => {
    fc.assert(
      fc.property(round, (r) => {
        const order = shuffled(r.answers.length, r.order[Symbol.iterator]());
        const { streamed, atOnce } = bothWays(() => new FedAvg(), r, order);
        expectSameUpToSummationOrder(streamed, atOnce, 1e3);
      }),
      { numRuns: 200 },
    );
  });

  it('folded in client order, the mean is bit-for-bit the one FedAvg and FedAdam computed from every update', () => {
    fc.assert(
      fc.property(round, (r) => {
        const inOrder = r.answers.map((_, k) => k);
        for (const make of [() => new FedAvg(), () => new FedOpt('fedadam', { learningRate: 0.1 })]) {
          const { streamed, atOnce } = bothWays(make, r, inOrder);
          expect(Array.from(streamed)).toEqual(Array.from(atOnce));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('property: DP-FedAvg streamed (clip, add, drop the update) equals privatize() on every update, noise and all', () => {
    fc.assert(
      fc.property(round, fc.double({ min: 0.1, max: 100, noNaN: true }), (r, clipNorm) => {
        const order = shuffled(r.answers.length, r.order[Symbol.iterator]());
        const dp = () => new ClientLevelDp({ clipNorm, noiseMultiplier: 0.7 });
        const { streamed, atOnce } = bothWays(() => new FedAvg(), r, order, dp);
        expectSameUpToSummationOrder(streamed, atOnce, 10 + clipNorm);
      }),
      { numRuns: 100 },
    );
  });

  it('strategies that need every update get every update (median, trimmed mean): the same result in any order', () => {
    fc.assert(
      fc.property(round, (r) => {
        const order = shuffled(r.answers.length, r.order[Symbol.iterator]());
        for (const make of [() => new FedMedian(), () => new TrimmedMean({ beta: 0.2 })]) {
          const { streamed, atOnce } = bothWays(make, r, order);
          expectSameUpToSummationOrder(streamed, atOnce, 1e3);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('an answer sent as a change (update) counts as the global weights plus that change', () => {
    const global = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const w = Float32Array.from([2, 2, 2, 2, 2, 2, 2, 2]);
    const a = new RoundAggregator(new FedAvg(), Float64Array.from(global), null);
    a.add(0, { update: asWeights(w.map((v, i) => v - global[i])), numExamples: 3, metrics: {} });
    a.add(1, answer(Float32Array.from([0, 0, 0, 0, 0, 0, 0, 0]), 1));
    // (3·2 + 1·0) / 4 = 1.5 everywhere
    expect(Array.from(a.finish(1, { sampled: 2, population: 2, seed: 1 }).next)).toEqual(new Array(8).fill(1.5));
  });
});

describe('streaming in the server', () => {
  const model = BLOBS_MODEL;
  const specs = [0, 1, 2, 3, 4].map((id) => ({ id, model, data: blobs(20 + 7 * id, 50 + id), training: { epochs: 1, batchSize: 8, learningRate: 0.1 } }));

  /** Clients that record what they answered and how many calls were in flight at once, each answering after its own delay. */
  function recorded(delays: number[]) {
    const answers = new Map<number, FitRes>();
    let inFlight = 0;
    let most = 0;
    const clients: Client[] = specs.map((s, k) => {
      const inner = new LocalClient(s);
      return {
        id: s.id,
        evaluate: (ins) => inner.evaluate(ins),
        async fit(ins) {
          most = Math.max(most, ++inFlight);
          const res = await inner.fit(ins);
          await new Promise((r) => setTimeout(r, delays[k]));
          inFlight--;
          answers.set(s.id, res);
          return res;
        },
      };
    });
    return { clients, answers, most: () => most };
  }

  it('a round equals the strategy applied to every answer at once (the server before streaming), for FedAvg, FedAdam and the median', async () => {
    for (const make of [() => new FedAvg(), () => new FedOpt('fedadam', { learningRate: 0.05 }), () => new FedMedian()]) {
      // Later clients answer first: the fold order is the reverse of the client order.
      const { clients, answers } = recorded([40, 30, 20, 10, 0]);
      const init = initialWeights(model, 3);
      const res = await runFederated({ clients, strategy: make(), rounds: 1, seed: 7, initialParams: init, concurrency: 5 });
      const all = [...answers.entries()].sort(([a], [b]) => a - b).map(([id, a]) => ({ clientId: id, params: flatten(a.params!), numExamples: a.numExamples }));
      expect(all).toHaveLength(5);
      const before = unflatten(init, make().aggregate(flatten(init), all, 1));
      const got = flatten(res.params);
      const want = flatten(before);
      // float32 weights; the two sums differ only in their float64 rounding
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(Math.abs(want[i]) * 2 ** -23));
      expect(got).not.toEqual(flatten(init));
    }
  });

  it('asks at most `concurrency` clients at once', async () => {
    for (const concurrency of [1, 2, 5]) {
      const r = recorded([5, 5, 5, 5, 5]);
      await runFederated({ clients: r.clients, strategy: new FedAvg(), rounds: 1, seed: 1, initialParams: initialWeights(model, 3), concurrency });
      expect(r.most()).toBe(concurrency);
    }
    await expect(runFederated({ clients: recorded([0]).clients, strategy: new FedAvg(), rounds: 1, seed: 1, initialParams: initialWeights(model, 3), concurrency: 0 })).rejects.toThrow(/concurrency must be an integer >= 1, got 0/);
  });

  it("refuses a strategy that does not say how it aggregates, and DP with one that needs every update", async () => {
    const clients = specs.map((s) => new LocalClient(s));
    const base = { clients, rounds: 1, seed: 1, initialParams: initialWeights(model, 3) };
    const unsaid = { ...new FedAvg(), name: 'mine', aggregation: undefined, fitConfig: () => ({}), aggregate: (g: Float64Array) => g, state: () => ({}), restore() {} } as unknown as Strategy;
    await expect(runFederated({ ...base, strategy: unsaid })).rejects.toThrow(/strategy 'mine' has aggregation undefined, expected one of 'mean', 'all-updates' - set aggregation/);
    await expect(runFederated({ ...base, strategy: new FedMedian(), privacy: { clipNorm: 1, noiseMultiplier: 1 } })).rejects.toThrow(/DP-FedAvg releases only a noised mean, which median cannot use/);
  });
});
