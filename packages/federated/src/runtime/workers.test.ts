/**
 * Worker threads run built JavaScript: these tests start workers from this
 * package's dist/runtime/worker-entry.js (see defaultWorkerUrl), so build the
 * package first: `npm run build -w @neurite/federated` (CI's `npm test` builds
 * before vitest runs). Inside a worker, @neurite/* resolve to their dist/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { listBackends, setBackend } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { FedAvg } from '../strategies/fedavg.js';
import { LocalClient, initialWeights } from './local-client.js';
import { runFederated } from './server.js';
import { timeSimulation } from './simulation.js';
import type { Behaviour, ClientSpec } from './task.js';
import { BLOBS_MODEL, blobs } from '../testing/blobs.js';
import { WorkerPool } from './worker-pool.js';
import type { BackendSpec } from './worker-protocol.js';

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
});

const JS: BackendSpec = { module: '@neurite/backend-js', factory: 'createJsBackend', name: 'js' };
const model = BLOBS_MODEL;

const spec = (id: number, behaviour?: Behaviour): ClientSpec => ({
  id,
  model,
  data: blobs(30, 100 + id),
  training: { epochs: 1, batchSize: 8, learningRate: 0.1 },
  ...(behaviour ? { behaviour } : {}),
});
const values = (ws: readonly { values: Float32Array }[]) => ws.map((a) => Array.from(a.values));
const init = () => initialWeights(model, 3);

describe('clients on worker threads', () => {
  it('train to exactly the model the same clients reach in this thread', async () => {
    const specs = [0, 1, 2, 3].map((i) => spec(i));
    const pool = new WorkerPool(specs, { workers: 2, backend: JS });
    try {
      const threaded = await runFederated({ clients: pool.clients, strategy: new FedAvg(), rounds: 2, seed: 4, initialParams: init() });
      const local = await runFederated({ clients: specs.map((s) => new LocalClient(s)), strategy: new FedAvg(), rounds: 2, seed: 4, initialParams: init() });
      expect(values(threaded.params)).toEqual(values(local.params));
      const fed = await pool.clients[1].evaluate({ round: 2, params: threaded.params });
      expect(fed.numExamples).toBe(30);
      expect(fed.metrics.accuracy).toBeGreaterThan(0.5);
    } finally {
      await pool.close();
    }
  });

  it('a worker killed mid-round drops only the client it was running; the others train on another worker', async () => {
    // Client 1 ends its worker thread in round 1. Its pool-mates are not tied to that worker: the
    // free worker (or the restarted one) takes them.
    const specs = [spec(0), spec(1, { kind: 'exit', rounds: [1] }), spec(2), spec(3)];
    const pool = new WorkerPool(specs, { workers: 2, backend: JS });
    try {
      const res = await runFederated({ clients: pool.clients, strategy: new FedAvg(), rounds: 2, seed: 4, initialParams: init(), minFitClients: 2 });
      expect(res.history[0].dropped.map((d) => d.id)).toEqual([1]);
      expect(res.history[0].dropped[0].reason).toMatch(/worker exited with code 3/);
      expect(res.history[0].aggregated).toBe(3);
      expect(res.history[1].aggregated).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it('a client stuck in a busy loop is timed out and its worker terminated; the clients queued behind it still train', async () => {
    // Four clients on two workers: one worker is stuck in client 1's loop until the timeout, the
    // other trains clients 0, 2 and 3.
    const specs = [spec(0), spec(1, { kind: 'hang', rounds: [1] }), spec(2), spec(3)];
    const pool = new WorkerPool(specs, { workers: 2, backend: JS });
    try {
      const res = await runFederated({ clients: pool.clients, strategy: new FedAvg(), rounds: 2, seed: 4, initialParams: init(), timeoutMs: 1500 });
      expect(res.history[0].dropped).toEqual([{ id: 1, reason: 'no answer within 1500 ms' }]);
      expect(res.history[0].aggregated).toBe(3);
      expect(res.history[1].aggregated).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it('weights changed in place between calls reach the worker (each version is sent once, compared by value)', async () => {
    const specs = [spec(0), spec(1)];
    const pool = new WorkerPool(specs, { workers: 1, backend: JS });
    const local = new LocalClient(specs[0]);
    try {
      const params = init();
      const before = await pool.clients[0].evaluate({ round: 1, params });
      expect(before.loss).toBeCloseTo((await local.evaluate({ round: 1, params })).loss, 6);
      // The same arrays, new values: a cache keyed by identity would evaluate the old weights.
      for (const a of params) a.values.forEach((v, i, arr) => (arr[i] = v * 0.5 + 0.01));
      const after = await pool.clients[1].evaluate({ round: 1, params });
      expect(after.loss).toBeCloseTo((await new LocalClient(specs[1]).evaluate({ round: 1, params })).loss, 6);
      const again = await pool.clients[0].evaluate({ round: 1, params });
      expect(again.loss).toBeCloseTo((await local.evaluate({ round: 1, params })).loss, 6);
      expect(again.loss).not.toBeCloseTo(before.loss, 3);
    } finally {
      await local.close();
      await pool.close();
    }
  });

  it('secure aggregation runs over the worker transport and gives the in-thread result exactly', async () => {
    const specs = [0, 1, 2].map((i) => spec(i));
    const pool = new WorkerPool(specs, { workers: 2, backend: JS });
    try {
      const threaded = await runFederated({ clients: pool.clients, strategy: new FedAvg(), rounds: 1, seed: 4, initialParams: init(), secureAggregation: {} });
      const local = await runFederated({ clients: specs.map((s) => new LocalClient(s)), strategy: new FedAvg(), rounds: 1, seed: 4, initialParams: init(), secureAggregation: {} });
      // the masks differ (fresh random keys), the exact ring sum does not
      expect(values(threaded.params)).toEqual(values(local.params));
      expect(threaded.history[0].aggregated).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('timeSimulation times rounds after untimed warm-up rounds on each side, with the same clients', async () => {
    const train = blobs(120, 9);
    const partition = [0, 1, 2, 3].map((c) => Int32Array.from({ length: 30 }, (_, i) => c * 30 + i));
    const options = { model, train, partition, training: { epochs: 1, batchSize: 8, learningRate: 0.1 }, strategy: new FedAvg(), rounds: 2, seed: 1, workers: 2, backend: JS };
    const seen: number[] = [];
    const r = await timeSimulation({ ...options, warmupRounds: 1, onRound: (rec) => seen.push(rec.round) });
    // Each side: one warm-up round, then the two timed rounds (numbered from 1 again).
    expect(seen).toEqual([1, 1, 2, 1, 1, 2]);
    for (const v of [r.inProcess, r.workers]) expect(v > 0 && Number.isFinite(v)).toBe(true);
    expect(r.speedup).toBeCloseTo(r.workers / r.inProcess, 12);
    await expect(timeSimulation({ ...options, warmupRounds: -1 })).rejects.toThrow(/warmupRounds must be an integer >= 0/);
  });

  it('a backend that cannot start fails the calls with its reason', async () => {
    const pool = new WorkerPool([spec(0)], { workers: 1, backend: { module: '@neurite/backend-js', factory: 'noSuchFactory', name: 'js' } });
    try {
      await expect(pool.clients[0].evaluate({ round: 0, params: init() })).rejects.toThrow(/has no export 'noSuchFactory'/);
    } finally {
      await pool.close();
    }
  });
});
