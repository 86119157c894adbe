import { beforeAll, describe, expect, it } from 'vitest';
import { listBackends, setBackend } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { FedOpt } from '../strategies/fedopt.js';
import { BLOBS_MODEL, blobs } from '../testing/blobs.js';
import { memoryCheckpointer } from './checkpointer.js';
import { LocalClient, initialWeights } from './local-client.js';
import { runFederated, type ServerOptions } from './server.js';

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
});

const clients = () => [0, 1, 2].map((id) => new LocalClient({ id, model: BLOBS_MODEL, data: blobs(20, 60 + id), training: { epochs: 1, batchSize: 8, learningRate: 0.1 } }));
const values = (ws: readonly { values: Float32Array }[]) => ws.map((a) => Array.from(a.values));
const run = (rounds: number, extra: Partial<ServerOptions> = {}) =>
  runFederated({ clients: clients(), strategy: new FedOpt('fedadam', { learningRate: 0.05 }), rounds, seed: 4, initialParams: initialWeights(BLOBS_MODEL, 3), fractionFit: 0.67, ...extra });

describe('an injected checkpointer', () => {
  it('is saved after every round and resumed from: the same model as an uninterrupted run, with no file anywhere', async () => {
    const straight = await run(4);
    const store = memoryCheckpointer('test store');
    const rounds: number[] = [];
    const spy = { ...store, where: store.where, load: () => store.load(), save: async (s: Parameters<typeof store.save>[0]) => (rounds.push(s.round), store.save(s)) };
    await run(2, { checkpoint: { store: spy } });
    expect(rounds).toEqual([1, 2]);
    expect(store.state?.strategy).toBe('fedadam');
    const resumed = await run(4, { checkpoint: { store: spy, resume: true } });
    expect(resumed.resumedFrom).toBe(2);
    expect(rounds).toEqual([1, 2, 3, 4]);
    expect(values(resumed.params)).toEqual(values(straight.params));
  });

  it('an empty store starts from round 0; a state of another run is refused, naming the store', async () => {
    expect((await run(1, { checkpoint: { store: memoryCheckpointer(), resume: true } })).resumedFrom).toBe(0);
    const store = memoryCheckpointer('db://runs/7');
    await run(1, { checkpoint: { store } });
    await expect(run(2, { seed: 5, checkpoint: { store, resume: true } })).rejects.toThrow(/checkpoint db:\/\/runs\/7 is from a run with other settings \(seed: 4 -> 5\)/);
  });

  it('needs a store or a path, not both', async () => {
    const both = { store: memoryCheckpointer(), path: '/tmp/x.json' } as unknown as ServerOptions['checkpoint'];
    await expect(run(1, { checkpoint: both })).rejects.toThrow(/checkpoint needs a store or a path, not both and not neither/);
    await expect(run(1, { checkpoint: {} as ServerOptions['checkpoint'] })).rejects.toThrow(/not both and not neither/);
  });
});
