import { beforeAll, describe, expect, it } from 'vitest';
import { listBackends, setBackend } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { FedAvg } from '../strategies/fedavg.js';
import type { FitConfig } from '../strategies/strategy.js';
import { BLOBS_MODEL, blobs } from '../testing/blobs.js';
import { LocalClient, initialWeights } from './local-client.js';
import type { Client, FitIns } from './messages.js';
import { runFederated } from './server.js';

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
});

const specs = [0, 1, 2].map((id) => ({ id, model: BLOBS_MODEL, data: blobs(24 + id, 30 + id), training: { epochs: 1, batchSize: 8, learningRate: 0.1 } }));
const values = (ws: readonly { values: Float32Array }[]) => ws.map((a) => Array.from(a.values));

/**
 * A client written against the interface alone, as a network transport
 * would be: it answers with its change (w_i - w), not its weights.
 */
function changeSender(inner: LocalClient, seen: FitIns[]): Client {
  return {
    id: inner.id,
    async fit(ins) {
      seen.push(ins);
      const { params, numExamples, metrics } = await inner.fit(ins);
      const update = params.map((a, k) => ({ ...a, values: a.values.map((v, i) => v - ins.params[k].values[i]) }));
      return { update, numExamples, metrics };
    },
    evaluate: (ins) => inner.evaluate(ins),
  };
}

describe('the Client interface', () => {
  it('a client that answers with its change gives the model of one that answers with its weights (up to float32 rounding of the change)', async () => {
    const init = initialWeights(BLOBS_MODEL, 3);
    const seen: FitIns[] = [];
    const byParams = await runFederated({ clients: specs.map((s) => new LocalClient(s)), strategy: new FedAvg(), rounds: 2, seed: 5, initialParams: init });
    const byUpdate = await runFederated({ clients: specs.map((s) => changeSender(new LocalClient(s), seen)), strategy: new FedAvg(), rounds: 2, seed: 5, initialParams: init });
    expect(seen).toHaveLength(6);
    const a = values(byParams.params).flat();
    const b = values(byUpdate.params).flat();
    // w + (w_i - w) in float64 from a float32 change: within a few float32 ulps of the weights.
    a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(4 * 2 ** -23 * Math.max(1, Math.abs(v))));
    expect(a).not.toEqual(values(init).flat());
    expect(byUpdate.history.map((r) => r.aggregated)).toEqual([3, 3]);
  });

  it("a strategy's config keys reach the client with the round's seed", async () => {
    class WithLr extends FedAvg {
      override fitConfig(round: number): FitConfig {
        return { lr: 0.5 / round, schedule: 'inverse' };
      }
    }
    const seen: FitIns[] = [];
    await runFederated({ clients: specs.map((s) => changeSender(new LocalClient(s), seen)), strategy: new WithLr(), rounds: 2, seed: 5, initialParams: initialWeights(BLOBS_MODEL, 3) });
    expect(seen.map((i) => [i.round, i.config.lr, i.config.schedule])).toEqual([
      [1, 0.5, 'inverse'],
      [1, 0.5, 'inverse'],
      [1, 0.5, 'inverse'],
      [2, 0.25, 'inverse'],
      [2, 0.25, 'inverse'],
      [2, 0.25, 'inverse'],
    ]);
    expect(seen.every((i) => Number.isInteger(i.config.seed))).toBe(true);
  });
});
