import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, add, dispose, memory, randomNormal, seed, tensor, tidy, type Tensor } from '@neurite/core';
import { Adam, SGD } from '@neurite/optimizers';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { batchNormalization } from '../layers/batch-normalization.js';
import type { Model } from '../model.js';
import { sparseCategoricalCrossentropy } from '../losses.js';
import { accuracy } from '../metrics.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import type { Logs } from './callback.js';
import { earlyStopping, learningRateScheduler, modelCheckpoint, reduceLROnPlateau } from './callbacks.js';
import { load } from '../io/node.js';

beforeAll(useJs);

/** Two Gaussian blobs, labels 0/1: separable, so a small net learns it in a few epochs. */
function blobs(n: number, s: number): { x: Tensor; y: Tensor } {
  return tidy(() => {
    const noise = randomNormal([n, 2], 0, 0.5, { seed: s });
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const centers = tensor(labels.flatMap((l) => (l ? [1, 1] : [-1, -1])), [n, 2]);
    return { x: add(centers, noise), y: tensor(labels, [n], 'int32') };
  });
}

function makeModel(s: number, withDropout = false): Model {
  seed(s);
  return sequential([
    dense({ units: 8, activation: 'relu', inputShape: [2] }),
    ...(withDropout ? [dropout({ rate: 0.2 })] : []),
    batchNormalization(),
    dense({ units: 2, activation: 'softmax' }),
  ]);
}

const weightsOf = (m: Model) => m.parameters().map((v) => Array.from(v.dataSync()));

describe('fit', () => {
  it('learns, and returns per-epoch loss, metrics and val_* in the history', async () => {
    const { x, y } = blobs(200, 1);
    const m = makeModel(1);
    const opt = new Adam({ learningRate: 0.05 });
    m.compile({ optimizer: opt, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 5, batchSize: 32, seed: 3, validationSplit: 0.25 });
    expect(h.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'lr', 'val_accuracy', 'val_loss']);
    expect(h.history.loss[4]).toBeLessThan(h.history.loss[0]);
    expect(h.history.val_accuracy[4]).toBeGreaterThan(0.9);
    const scores = m.evaluate(x, y);
    expect(scores.accuracy).toBeGreaterThan(0.9);
    dispose([x, y]);
    opt.dispose();
    m.dispose();
  });

  it('same seed, same backend: bit-identical weights and history (dropout and shuffling included)', async () => {
    const run = async () => {
      const { x, y } = blobs(96, 2);
      const m = makeModel(7, true);
      const opt = new Adam({ learningRate: 0.01 });
      const h = await m.fit(x, y, { optimizer: opt, loss: 'sparseCategoricalCrossentropy', epochs: 3, batchSize: 16, seed: 11 });
      const w = weightsOf(m);
      dispose([x, y]);
      opt.dispose();
      m.dispose();
      return { w, loss: h.history.loss };
    };
    const a = await run();
    const b = await run();
    expect(b.w).toEqual(a.w);
    expect(b.loss).toEqual(a.loss);
  });

  it('keeps the live tensor count constant across epochs', async () => {
    const { x, y } = blobs(64, 3);
    const m = makeModel(2, true);
    const opt = new Adam();
    const counts: number[] = [];
    await m.fit(x, y, {
      optimizer: opt,
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy', 'f1'],
      epochs: 4,
      batchSize: 16,
      seed: 1,
      validationSplit: 0.25,
      callbacks: [{ onEpochEnd: () => void counts.push(memory().numTensors) }],
    });
    // Epoch 1 creates the optimizer slots; after that nothing accumulates.
    expect(counts[1]).toBe(counts[0]);
    expect(counts[3]).toBe(counts[0]);
    dispose([x, y]);
    opt.dispose();
    m.dispose();
  });

  it('reports progress per batch and per epoch', async () => {
    const { x, y } = blobs(50, 4);
    const m = makeModel(3);
    const opt = new SGD({ learningRate: 0.1 });
    const batches: Logs[] = [];
    const epochs: number[] = [];
    await m.fit(x, y, {
      optimizer: opt,
      loss: 'sparseCategoricalCrossentropy',
      epochs: 2,
      batchSize: 16,
      seed: 1,
      callbacks: [{ onBatchEnd: (_b, logs) => void batches.push(logs), onEpochEnd: (e) => void epochs.push(e) }],
    });
    expect(batches.length).toBe(8); // 4 batches (16, 16, 16, 2) x 2 epochs
    expect(batches[3].size).toBe(2);
    expect(epochs).toEqual([0, 1]);
    dispose([x, y]);
    opt.dispose();
    m.dispose();
  });

  it('the NaN guard stops before the bad update reaches the weights, with a clear message', async () => {
    const x = tensor([[1, 2], [3, 4], [NaN, 1], [1, 1]]);
    const y = tensor([0, 1, 0, 1], [4], 'int32');
    const m = makeModel(4);
    const opt = new SGD({ learningRate: 0.1 });
    const h = await m.fit(x, y, { optimizer: opt, loss: 'sparseCategoricalCrossentropy', epochs: 3, batchSize: 1, shuffle: false });
    expect(h.stopReason).toMatch(/the loss became NaN at epoch 1, batch 3 - training stopped before this update/);
    expect(weightsOf(m).flat().every(Number.isFinite)).toBe(true);
    await expect(m.fit(x, y, { optimizer: opt, loss: 'sparseCategoricalCrossentropy', batchSize: 1, shuffle: false, nanGuard: 'throw' })).rejects.toThrow(ArgumentError);
    dispose([x, y]);
    opt.dispose();
    m.dispose();
  });

  it('frozen layers keep their weights; logits with a fromLogits loss train too', async () => {
    const { x, y } = blobs(64, 10);
    seed(10);
    const first = dense({ units: 4, activation: 'tanh', inputShape: [2] });
    const m = sequential([first, dense({ units: 2 })]);
    first.trainable = false;
    expect(m.trainableVariables.length).toBe(2);
    expect(m.countParams().nonTrainable).toBe(12);
    const frozen = first.weights.map((v) => Array.from(v.dataSync()));
    const opt = new Adam({ learningRate: 0.05 });
    const h = await m.fit(x, y, { optimizer: opt, loss: sparseCategoricalCrossentropy({ fromLogits: true }), metrics: [accuracy()], epochs: 20, batchSize: 16, seed: 2 });
    expect(first.weights.map((v) => Array.from(v.dataSync()))).toEqual(frozen);
    expect(h.history.loss[19]).toBeLessThan(h.history.loss[0]);
    expect(h.history.accuracy[19]).toBeGreaterThan(0.85);
    dispose([x, y]);
    opt.dispose();
    m.dispose();
  });

  it('errors name what is missing or wrong', async () => {
    const { x, y } = blobs(8, 5);
    const m = makeModel(5);
    await expect(m.fit(x, y)).rejects.toThrow(/no loss - call model.compile/);
    await expect(m.fit(x, y, { loss: 'mse' })).rejects.toThrow(/no optimizer/);
    const yShort = tensor([0, 1], [2], 'int32');
    await expect(m.fit(x, yShort, { loss: 'mse', optimizer: new SGD() })).rejects.toThrow(/same number of examples/);
    dispose([x, y, yShort]);
    m.dispose();
  });
});

describe('callbacks', () => {
  it('earlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const { x, y } = blobs(64, 6);
    const m = makeModel(6);
    const opt = new SGD({ learningRate: 0.1 });
    let losses: number[] = [];
    let snapshots: number[][][] = [];
    // A fake monitor: 'val_loss' is replaced by a sequence that bottoms out at epoch 1.
    const fake = [5, 1, 2, 3, 4, 5, 6];
    const h = await m.fit(x, y, {
      optimizer: opt,
      loss: 'sparseCategoricalCrossentropy',
      epochs: 7,
      batchSize: 16,
      seed: 1,
      callbacks: [
        {
          onEpochEnd: (e, logs) => {
            logs.score = fake[e];
            snapshots.push(weightsOf(m));
            losses.push(logs.loss);
          },
        },
        earlyStopping({ monitor: 'score', patience: 2, restoreBestWeights: true }),
      ],
    });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(h.stopReason).toMatch(/'score' did not improve for 2 epochs \(best 1 at epoch 1\)/);
    expect(weightsOf(m)).toEqual(snapshots[1]);
    losses = [];
    snapshots = [];
    dispose([x, y]);
    opt.dispose();
    m.dispose();
  });

  it('earlyStopping with a key that is not logged explains why', async () => {
    const { x, y } = blobs(8, 7);
    const m = makeModel(7);
    await expect(m.fit(x, y, { optimizer: new SGD(), loss: 'sparseCategoricalCrossentropy', epochs: 2, callbacks: [earlyStopping()] })).rejects.toThrow(
      /'val_loss' is not in the epoch logs .* pass validationData or validationSplit/,
    );
    dispose([x, y]);
    m.dispose();
  });

  it('modelCheckpoint saves every N epochs, or the best only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'neurite-ckpt-'));
    try {
      const { x, y } = blobs(32, 9);
      const m = makeModel(9);
      const opt = new SGD({ learningRate: 0.1 });
      const score = [3, 1, 2, 0.5];
      await m.fit(x, y, {
        optimizer: opt,
        loss: 'sparseCategoricalCrossentropy',
        epochs: 4,
        seed: 1,
        callbacks: [
          { onEpochEnd: (e, logs) => void (logs.score = score[e]) },
          modelCheckpoint({ directory: join(dir, 'every-{epoch}'), every: 2 }),
          modelCheckpoint({ directory: join(dir, 'best'), monitor: 'score', saveBestOnly: true }),
          { onEpochEnd: async (e) => void (e === 1 && (await rm(join(dir, 'best'), { recursive: true }))) },
        ],
      });
      expect((await readdir(dir)).sort()).toEqual(['best', 'every-2', 'every-4']);
      // 'best' was removed after epoch 2 (index 1) and rewritten only when the score improved again (epoch 4).
      const best = await load(join(dir, 'best'));
      expect(best.parameters().map((v) => Array.from(v.dataSync()))).toEqual(weightsOf(m));
      best.dispose();
      dispose([x, y]);
      opt.dispose();
      m.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('learningRateScheduler and reduceLROnPlateau set the optimizer rate', async () => {
    const { x, y } = blobs(16, 8);
    const m = makeModel(8);
    const opt = new SGD({ learningRate: 0.1 });
    const h = await m.fit(x, y, { optimizer: opt, loss: 'sparseCategoricalCrossentropy', epochs: 3, seed: 1, callbacks: [learningRateScheduler((e) => 0.1 / (e + 1))] });
    expect(h.history.lr.map((v) => +v.toFixed(6))).toEqual([0.1, 0.05, 0.033333]);

    const opt2 = new SGD({ learningRate: 1 });
    const flat = [3, 3, 3, 3, 3, 3];
    const h2 = await m.fit(x, y, {
      optimizer: opt2,
      loss: 'sparseCategoricalCrossentropy',
      epochs: 6,
      seed: 1,
      callbacks: [{ onEpochEnd: (e, logs) => void (logs.plateau = flat[e]) }, reduceLROnPlateau({ monitor: 'plateau', factor: 0.5, patience: 2 })],
    });
    // lr is logged before the callbacks run: reductions after epochs 3 and 5 (index 2 and 4) show one epoch later.
    expect(h2.history.lr).toEqual([1, 1, 1, 0.5, 0.5, 0.25]);
    dispose([x, y]);
    opt.dispose();
    opt2.dispose();
    m.dispose();
  });
});
