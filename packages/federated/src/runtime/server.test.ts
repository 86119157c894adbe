import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispose, listBackends, memory, setBackend, tensor } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { sgd } from '@neurite/optimizers';
import { FedAvg } from '../strategies/fedavg.js';
import { FedOpt } from '../strategies/fedopt.js';
import type { Strategy } from '../strategies/strategy.js';
import { withFaults } from './faulty-client.js';
import { LocalClient, buildModel, initialWeights, readWeights, trainLocally, writeWeights } from './local-client.js';
import type { Client, SecAggReply } from './messages.js';
import { FederatedRoundError, poissonSample, runFederated, sampleClients, type RoundRecord } from './server.js';
import { RdpAccountant } from '../privacy/accountant.js';
import { securePlan } from './secure-round.js';
import { rejectionReason } from './validate.js';
import type { Behaviour, ClientSpec } from './task.js';
import { BLOBS_MODEL, blobs } from '../testing/blobs.js';

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
});

const model = BLOBS_MODEL;

const spec = (id: number, behaviour?: Behaviour, n = 30): ClientSpec => ({
  id,
  model,
  data: blobs(n, 100 + id),
  training: { epochs: 1, batchSize: 8, learningRate: 0.1 },
  ...(behaviour ? { behaviour } : {}),
});

/** A simulated client with its faults, as simulate() builds it. */
const faulty = (s: ClientSpec) => withFaults(new LocalClient(s), s.behaviour);

const values = (ws: readonly { values: Float32Array }[]) => ws.map((a) => Array.from(a.values));

async function run(clients: Client[], strategy: Strategy, rounds: number, extra: Partial<Parameters<typeof runFederated>[0]> = {}) {
  return runFederated({ clients, strategy, rounds, seed: 9, initialParams: initialWeights(model, 3), ...extra });
}

describe('FedAvg with one client', () => {
  it('one full-batch local step equals one centralized gradient step, exactly', async () => {
    const data = blobs(24, 5);
    const init = initialWeights(model, 11);
    const client = new LocalClient({ id: 0, model, data, training: { epochs: 1, batchSize: 24, learningRate: 0.3 } });
    const fed = await runFederated({ clients: [client], strategy: new FedAvg(), rounds: 1, seed: 1, initialParams: init });

    const central = buildModel(model);
    writeWeights(central, init);
    const x = tensor(data.x, [24, 4], 'float32');
    const y = tensor(data.y, [24], 'int32');
    await central.fit(x, y, { epochs: 1, batchSize: 24, shuffle: false, optimizer: sgd({ learningRate: 0.3 }), loss: 'sparseCategoricalCrossentropy' });
    const expected = readWeights(central);
    expect(values(fed.params)).toEqual(values(expected));
    // and it did move: the step is not a no-op
    expect(values(fed.params)).not.toEqual(values(init));
    dispose([x, y]);
    central.dispose();
    await client.close();
  });
});

describe('FedProx on the client', () => {
  it('the proximal term keeps the local model nearer the global one', async () => {
    const data = blobs(60, 8);
    const global = initialWeights(model, 2);
    const x = tensor(data.x, [60, 4], 'float32');
    const y = tensor(data.y, [60], 'int32');
    const m = buildModel(model);
    const drift = async (mu: number) => {
      const res = await trainLocally(m, x, y, { epochs: 2, batchSize: 6, learningRate: 0.2 }, { round: 1, params: global, config: { seed: 1, proximalMu: mu } });
      let sq = 0;
      res.params.forEach((a, k) => a.values.forEach((v, i) => (sq += (v - global[k].values[i]) ** 2)));
      return Math.sqrt(sq);
    };
    const free = await drift(0);
    const held = await drift(1);
    const tight = await drift(4);
    expect(held).toBeLessThan(free * 0.9);
    expect(tight).toBeLessThan(held);
    dispose([x, y]);
    m.dispose();
  });

  it('clients hold no tensors between calls: fifty clients trained one after another cost one model', async () => {
    const params = initialWeights(model, 2);
    const first = new LocalClient(spec(0));
    await first.fit({ round: 1, params, config: { seed: 1 } });
    const before = memory().numTensors;
    for (let id = 1; id <= 50; id++) await new LocalClient(spec(id)).fit({ round: 1, params, config: { seed: id } });
    expect(memory().numTensors).toBe(before);
  });

  it('a round of local training and an evaluation leave no tensor behind', async () => {
    const client = new LocalClient(spec(0));
    const params = initialWeights(model, 2);
    await client.fit({ round: 1, params, config: { seed: 1, proximalMu: 0.1 } });
    const before = memory().numTensors;
    const res = await client.fit({ round: 2, params, config: { seed: 2, proximalMu: 0.1 } });
    await client.evaluate({ round: 2, params: res.params });
    expect(memory().numTensors).toBe(before);
    await client.close();
  });
});

describe('client sampling', () => {
  it('asks round(fraction·n) clients (at least the minimum), a seeded sample per round', async () => {
    expect(sampleClients([0, 1, 2, 3, 4, 5], 3, 1)).toEqual(sampleClients([0, 1, 2, 3, 4, 5], 3, 1));
    expect(sampleClients([0, 1, 2, 3, 4, 5], 6, 1)).toEqual([0, 1, 2, 3, 4, 5]);
    const clients = [0, 1, 2, 3].map((i) => new LocalClient(spec(i)));
    const res = await run(clients, new FedAvg(), 4, { fractionFit: 0.5 });
    expect(res.history.every((r) => r.sampled.length === 2)).toBe(true);
    expect(new Set(res.history.map((r) => r.sampled.join(','))).size).toBeGreaterThan(1);
    const atLeast = await run(clients, new FedAvg(), 1, { fractionFit: 0.25, minFitClients: 3 });
    expect(atLeast.history[0].sampled).toHaveLength(3);
  });
});

describe('Poisson sampling for client-level DP', () => {
  it('each client joins with probability q, independently and reproducibly', () => {
    const ids = Array.from({ length: 100 }, (_, i) => i);
    expect(poissonSample(ids, 0.3, 7)).toEqual(poissonSample(ids, 0.3, 7));
    let joined = 0;
    const sizes = new Set<number>();
    for (let seed = 0; seed < 400; seed++) {
      const s = poissonSample(ids, 0.3, seed);
      joined += s.length;
      sizes.add(s.length);
      expect([...s].sort((a, b) => a - b)).toEqual(s);
    }
    // 40,000 Bernoulli(0.3) draws: mean 0.3, standard error 0.0023.
    expect(Math.abs(joined / 40_000 - 0.3)).toBeLessThan(0.01);
    expect(sizes.size).toBeGreaterThan(10);
    expect(poissonSample(ids, 1, 3)).toEqual(ids);
  });

  it('rounds of varying size, empty ones included (noise alone), never re-drawn; epsilon is that of q = fractionFit', async () => {
    const clients = [0, 1, 2, 3].map((i) => new LocalClient(spec(i)));
    const privacy = { clipNorm: 1, noiseMultiplier: 1, sampling: 'poisson' as const };
    const res = await run(clients, new FedAvg(), 8, { fractionFit: 0.25, minFitClients: 3, privacy });
    const sizes = res.history.map((r) => r.sampled.length);
    expect(new Set(sizes).size).toBeGreaterThan(1);
    expect(sizes).toContain(0);
    expect(res.history.every((r) => r.attempts === 1 && r.aggregated === r.sampled.length)).toBe(true);
    const accountant = new RdpAccountant();
    for (let i = 0; i < 8; i++) accountant.step(0.25, 1);
    expect(res.history[7].epsilon).toBeCloseTo(accountant.epsilon(1e-5), 12);
    // An empty round still moves the model: by the noise, z·C / (q·N) per coordinate.
    const empty = sizes.indexOf(0);
    const before = empty === 0 ? initialWeights(model, 3) : (await run(clients, new FedAvg(), empty, { fractionFit: 0.25, privacy })).params;
    const after = (await run(clients, new FedAvg(), empty + 1, { fractionFit: 0.25, privacy })).params;
    expect(values(after)).not.toEqual(values(before));
    // Without noise, the same empty round leaves it exactly as it was.
    const quiet = { ...privacy, noiseMultiplier: 0 };
    const beforeQuiet = empty === 0 ? initialWeights(model, 3) : (await run(clients, new FedAvg(), empty, { fractionFit: 0.25, privacy: quiet })).params;
    const afterQuiet = (await run(clients, new FedAvg(), empty + 1, { fractionFit: 0.25, privacy: quiet })).params;
    expect(values(afterQuiet)).toEqual(values(beforeQuiet));
    await expect(run(clients, new FedAvg(), 1, { privacy: { ...privacy, sampling: 'sometimes' as 'fixed' } })).rejects.toThrow(/sampling must be 'fixed' or 'poisson'/);
  });
});

describe('update validation', () => {
  it('names what is wrong with an answer', () => {
    const g = initialWeights(model, 1);
    const ok = { params: g, numExamples: 5, metrics: {} };
    expect(rejectionReason(g, ok)).toBeNull();
    expect(rejectionReason(g, { ...ok, numExamples: 0 })).toMatch(/numExamples is 0/);
    expect(rejectionReason(g, { ...ok, params: g.slice(1) })).toMatch(/weights, expected/);
    expect(rejectionReason(g, { ...ok, params: g.map((a, i) => (i === 1 ? { ...a, name: 'x' } : a)) })).toMatch(/named 'x'/);
    expect(rejectionReason(g, { ...ok, params: g.map((a) => ({ ...a, values: a.values.map(() => Infinity) })) })).toMatch(/holds Infinity/);
    expect(rejectionReason(g, { ...ok, params: g.map((a) => ({ ...a, values: a.values.map((v) => v + 1) })) }, { maxUpdateNorm: 1 })).toMatch(/exceeds the limit 1/);
    // One bad value deep in the last weight is found and named.
    const last = g.length - 1;
    expect(rejectionReason(g, { ...ok, params: g.map((a, k) => (k === last ? { ...a, values: a.values.map((v, i) => (i === a.values.length - 1 ? NaN : v)) } : a)) })).toBe(`weight '${g[last].name}' holds NaN at index ${g[last].values.length - 1}`);
    // An answer may be a change instead: its own norm is checked, not its distance from the global weights.
    const change = g.map((a) => ({ ...a, values: a.values.map(() => 0.5) }));
    const n = g.reduce((k, a) => k + a.values.length, 0);
    expect(rejectionReason(g, { update: change, numExamples: 5, metrics: {} }, { maxUpdateNorm: 0.5 * Math.sqrt(n) * 1.0001 })).toBeNull();
    expect(rejectionReason(g, { update: change, numExamples: 5, metrics: {} }, { maxUpdateNorm: 0.5 * Math.sqrt(n) * 0.9999 })).toMatch(/exceeds the limit/);
    expect(rejectionReason(g, { update: g.slice(1), numExamples: 5, metrics: {} })).toMatch(/^update: \d+ weights, expected/);
  });
});

describe('fault tolerance', () => {
  it('faults live in the wrapper the simulation adds, not in the client', async () => {
    const s = spec(2, { kind: 'throw' });
    const ins = { round: 1, params: initialWeights(model, 1), config: { seed: 1 } };
    expect((await new LocalClient(s).fit(ins)).numExamples).toBe(30);
    await expect(faulty(s).fit(ins)).rejects.toThrow(/client 2: failed in round 1 \(simulated fault\)/);
    expect(faulty(spec(3))).toBeInstanceOf(LocalClient);
  });

  it('drops a client that throws and one that hangs, and completes the round with the rest', async () => {
    const clients = [spec(0), spec(1), spec(2, { kind: 'throw' }), spec(3, { kind: 'hang', rounds: [1] })].map(faulty);
    const lines: string[] = [];
    const res = await run(clients, new FedAvg(), 2, { timeoutMs: 300, minFitClients: 2, log: (l) => lines.push(l) });
    const [r1, r2] = res.history;
    expect(r1.aggregated).toBe(2);
    expect(r1.dropped.map((d) => d.id)).toEqual([2, 3]);
    expect(r1.dropped[0].reason).toMatch(/simulated fault/);
    expect(r1.dropped[1].reason).toMatch(/no answer within 300 ms/);
    // the hanging client is back in round 2; the throwing one is not
    expect(r2.aggregated).toBe(3);
    expect(lines.some((l) => /round 1: client 3 dropped/.test(l))).toBe(true);
  });

  it('retries a round that got fewer answers than the minimum, and gives up after the retries', async () => {
    let calls = 0;
    const inner = new LocalClient(spec(1));
    // Fails its first call only, like a client that reconnects.
    const flaky: Client = { id: 1, fit: async (ins) => (calls++ === 0 ? Promise.reject(new Error('connection reset')) : inner.fit(ins)), evaluate: (ins) => inner.evaluate(ins) };
    const res = await run([new LocalClient(spec(0)), flaky], new FedAvg(), 1, { minFitClients: 2 });
    expect(res.history[0].attempts).toBe(2);
    expect(res.history[0].aggregated).toBe(2);

    const broken = [new LocalClient(spec(0)), faulty(spec(1, { kind: 'throw' }))];
    await expect(run(broken, new FedAvg(), 1, { minFitClients: 2, maxRetries: 1 })).rejects.toThrow(FederatedRoundError);
    await expect(run(broken, new FedAvg(), 1, { minFitClients: 2, maxRetries: 1 })).rejects.toThrow(/only 1 of 2 clients gave a valid update after 2 attempts/);
  });

  it('rejects malformed updates (wrong shape, NaN, absurd norm) and never averages them in', async () => {
    const honest = () => [new LocalClient(spec(0)), new LocalClient(spec(1))];
    const bad = [spec(2, { kind: 'nan' }), spec(3, { kind: 'shape' }), spec(4, { kind: 'huge' })].map(faulty);
    const lines: string[] = [];
    const withBad = await run([...honest(), ...bad], new FedAvg(), 2, { log: (l) => lines.push(l) });
    const rejected = withBad.history[0].rejected;
    expect(rejected.map((r) => r.id)).toEqual([2, 3, 4]);
    expect(rejected[0].reason).toMatch(/holds NaN/);
    expect(rejected[1].reason).toMatch(/shape/);
    expect(rejected[2].reason).toMatch(/exceeds the limit/);
    expect(lines.filter((l) => /rejected/.test(l)).length).toBe(6);
    // Exactly the model of a run with the honest clients alone.
    const alone = await run(honest(), new FedAvg(), 2);
    expect(values(withBad.params)).toEqual(values(alone.params));
  });
});

describe('checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'neurite-fed-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a run resumed from a checkpoint ends with the same model as an uninterrupted one', async () => {
    const clients = () => [0, 1, 2].map((i) => new LocalClient(spec(i)));
    const opts = { fractionFit: 0.67, privacy: { clipNorm: 5, noiseMultiplier: 0.3, adaptive: { countNoise: 1 } } };
    const straight = await run(clients(), new FedOpt('fedadam', { learningRate: 0.05 }), 4, opts);

    const path = join(dir, 'server.json');
    const firstHalf = await run(clients(), new FedOpt('fedadam', { learningRate: 0.05 }), 2, { ...opts, checkpoint: { path } });
    expect(firstHalf.history).toHaveLength(2);
    // only the checkpoint is left behind: the temporary file was renamed over it
    expect(await readdir(dir)).toEqual(['server.json']);
    const resumed = await run(clients(), new FedOpt('fedadam', { learningRate: 0.05 }), 4, { ...opts, checkpoint: { path, resume: true } });
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.history.map((r: RoundRecord) => r.round)).toEqual([1, 2, 3, 4]);
    expect(values(resumed.params)).toEqual(values(straight.params));
    expect(resumed.history[3].epsilon).toBe(straight.history[3].epsilon);
    expect(resumed.history[3].clipNorm).toBe(straight.history[3].clipNorm);
  });

  it('refuses to resume a checkpoint of another run', async () => {
    const path = join(dir, 'other.json');
    await run([new LocalClient(spec(0))], new FedAvg(), 1, { checkpoint: { path } });
    await expect(run([new LocalClient(spec(0)), new LocalClient(spec(1))], new FedAvg(), 2, { checkpoint: { path, resume: true } })).rejects.toThrow(/from a run with other settings \(population: 1 -> 2\)/);
  });
});

describe('federated evaluation and metrics', () => {
  it('records per-round train loss, centralized and federated evaluation', async () => {
    const clients = [0, 1, 2].map((i) => new LocalClient(spec(i)));
    const test = blobs(60, 77);
    const m = buildModel(model);
    const x = tensor(test.x, [60, 4], 'float32');
    const y = tensor(test.y, [60], 'int32');
    const res = await run(clients, new FedAvg(), 6, {
      federatedEvaluation: { every: 3 },
      evaluate: (p) => {
        writeWeights(m, p);
        const logs = m.evaluate(x, y, { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
        return { loss: logs.loss, accuracy: logs.accuracy };
      },
    });
    expect(res.history.map((r) => r.federated !== undefined)).toEqual([false, false, true, false, false, true]);
    expect(res.history[5].accuracy!).toBeGreaterThan(0.9);
    expect(res.history[5].federated!.accuracy).toBeGreaterThan(0.9);
    expect(res.history[5].trainLoss).toBeLessThan(res.history[0].trainLoss);
    dispose([x, y]);
    m.dispose();
  });
});


describe('secure aggregation in the runtime', () => {
  const close = (a: readonly { values: Float32Array }[], b: readonly { values: Float32Array }[], tol: number) =>
    a.forEach((w, k) => w.values.forEach((v, i) => expect(Math.abs(v - b[k].values[i])).toBeLessThan(tol)));

  it('FedAvg under secure aggregation reaches the plain FedAvg model (up to fixed-point rounding)', async () => {
    const make = () => [0, 1, 2, 3].map((i) => new LocalClient(spec(i)));
    const plain = await run(make(), new FedAvg(), 2);
    const secure = await run(make(), new FedAvg(), 2, { secureAggregation: {} });
    expect(secure.history.map((r) => r.aggregated)).toEqual([4, 4]);
    // 24 fraction bits on n·Δ (n = 30), divided by Σn = 120: below 1e-8 per coordinate per round, then float32 rounding
    close(secure.params, plain.params, 1e-6);
    expect(values(secure.params)).not.toEqual(values(initialWeights(model, 3)));
  });

  it('the server only ever receives masked vectors, and a client that drops mid-round is unmasked away', async () => {
    const clients = [spec(0), spec(1), spec(2, { kind: 'throw', rounds: [1] }), spec(3)].map(faulty);
    const seen: { id: number; reply: SecAggReply }[] = [];
    // What reaches the server, recorded on the way.
    const spied: Client[] = clients.map((c) => ({ id: c.id, fit: (i) => c.fit(i), evaluate: (i) => c.evaluate(i), secAgg: async (req) => {
      const reply = await c.secAgg!(req);
      seen.push({ id: c.id, reply });
      return reply;
    } }));
    const secure = await run(spied, new FedAvg(), 1, { secureAggregation: { threshold: 3 } });
    expect(secure.history[0].aggregated).toBe(3);
    expect(secure.history[0].dropped.map((d) => d.id)).toEqual([2]);
    // Same result as plain FedAvg over the three survivors.
    const plain = await run([0, 1, 3].map((i) => new LocalClient(spec(i))), new FedAvg(), 1);
    close(secure.params, plain.params, 1e-5);
    // Each masked vector is far from the client's true weighted change n·(w_i - w).
    // The ring the server sized for 4 clients under the default limits (2^24 examples × norm 1e6, 24 fraction bits).
    const fp = securePlan({ clients: 4, options: {}, limits: {} }).fp;
    expect(fp.words).toBe(3);
    const init = initialWeights(model, 3);
    const truthSum = new Float64Array(init.reduce((n, a) => n + a.values.length, 0));
    for (const { id, reply } of seen) {
      if (reply.step !== 'mask') continue;
      const fresh = new LocalClient(spec(id));
      const trained = await fresh.fit({ round: 1, params: init, config: { seed: (await import('./seeds.js')).mixSeed(9, 1, id, 2) } });
      const truth = fp.encode(trained.params.flatMap((a, k) => Array.from(a.values, (v, i) => 30 * (v - init[k].values[i]))));
      let same = 0;
      for (let i = 0; i < truth.length; i++) if (reply.masked[i] === truth[i]) same++;
      expect(same).toBeLessThanOrEqual(2);
      expect(Array.from(fp.decode(reply.masked.subarray(truth.length)))).not.toEqual([30]); // the example count is masked too
      fp.decode(truth).forEach((v, i) => (truthSum[i] += v));
    }
    // The truths are right: their mean is the plain FedAvg change.
    const flatInit = init.flatMap((a) => Array.from(a.values));
    const flatPlain = plain.params.flatMap((a) => Array.from(a.values));
    truthSum.forEach((v, i) => expect(Math.abs(flatInit[i] + v / 90 - flatPlain[i])).toBeLessThan(1e-5));
  });

  it('client-level DP under secure aggregation: clients clip, the server noises the unmasked sum; same model, epsilon and clipping norms as DP in the clear', async () => {
    const make = () => [0, 1, 2, 3].map((i) => new LocalClient(spec(i)));
    // A clipping norm below the updates' norms, so that clipping and the adaptive count both matter.
    const privacy = { clipNorm: 0.05, noiseMultiplier: 0.5, adaptive: { countNoise: 1 } };
    const clear = await run(make(), new FedAvg(), 3, { privacy });
    const secure = await run(make(), new FedAvg(), 3, { privacy, secureAggregation: {} });
    expect(secure.history.map((r) => r.aggregated)).toEqual([4, 4, 4]);
    expect(secure.history.map((r) => r.epsilon)).toEqual(clear.history.map((r) => r.epsilon));
    // The unclipped counts are exact ring integers, so adaptive clipping moves identically.
    expect(secure.history.map((r) => r.clipNorm)).toEqual(clear.history.map((r) => r.clipNorm));
    expect(clear.history[2].clipNorm).not.toBe(0.05);
    // 24 fraction bits on changes of norm <= 0.05: 3e-8 per coordinate per client, plus the float32 rounding of the weights.
    close(secure.params, clear.params, 1e-6);
    expect(values(secure.params)).not.toEqual(values(initialWeights(model, 3)));
  });

  it('refuses strategies that need the individual updates', async () => {
    const { Krum } = await import('../strategies/krum.js');
    await expect(run([0, 1, 2].map((i) => new LocalClient(spec(i))), new Krum({ f: 0 }), 1, { secureAggregation: {} })).rejects.toThrow(/only a mean, which krum cannot use/);
  });
});
