// Memory over a training run: the MNIST MLP 784-128-10 (relu, softmax), Adam 1e-3,
// batch 64, 10 epochs on the 8,000-example standard train split. After every epoch it
// records live tensors and bytes (core's memory()), the wasm heap (backend-wasm), and
// the process RSS after a forced full garbage collection.
//   node packages/layers/examples/memory-check.mjs [--backend js|wasm] [--epochs 10] [--train-limit 8000] [--json]
// Needs the built packages (npm run build). It restarts itself with --expose-gc when
// started without it: without a forced collection, RSS mostly measures how much garbage
// V8 has not collected yet.
import { spawnSync } from 'node:child_process';
import * as nt from '@neurite/core';
import { Adam } from '@neurite/optimizers';
import { loadMnist } from '@neurite/data';
import { dense, sequential } from '@neurite/layers';
import { backendArg, isMain, seededSubset, useBackend } from './setup.mjs';

/** Two full collections a tick apart (the second frees what finalizers of the first released), then the numbers. */
async function settle() {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 0));
  globalThis.gc();
  const backendInfo = nt.getBackend().memoryInfo?.();
  const { numTensors, numBytes } = nt.memory();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { numTensors, numBytes, heapBytes: backendInfo?.heapBytes ?? null, rss, heapUsed, external, arrayBuffers };
}

/**
 * Trains and measures. `trainLimit` takes a seeded sample of the training split
 * (quick runs); measurements are per epoch, 0-based, taken at the end of the epoch.
 * @returns {Promise<{ backend: string, examples: number, epochs: object[], before: object, after: object }>}
 */
export async function measureTrainingMemory({ backend = 'js', epochs = 10, trainLimit, seed = 42 } = {}) {
  if (typeof globalThis.gc !== 'function') throw new Error('measureTrainingMemory needs node --expose-gc');
  await useBackend(backend);
  const { train, test } = await loadMnist({ split: 'standard' });
  nt.dispose(test);
  const { x, y } = seededSubset(train, trainLimit, seed);
  nt.seed(seed);
  const model = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], { name: 'mnist-mlp' });
  const optimizer = new Adam({ learningRate: 1e-3 });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const examples = x.shape[0];
  const before = await settle();
  const perEpoch = [];
  try {
    await model.fit(x, y, {
      epochs,
      batchSize: 64,
      seed,
      callbacks: [{ onEpochEnd: async (epoch, logs) => void perEpoch.push({ epoch, loss: logs.loss, accuracy: logs.accuracy, ...(await settle()) }) }],
    });
  } finally {
    nt.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
  return { backend, examples, epochs: perEpoch, before, after: await settle() };
}

const mib = (b) => (b / 2 ** 20).toFixed(1);

/** Growth of `key` from the 2nd to the last epoch, in percent. */
export function growthPercent(epochs, key, from = 1) {
  const a = epochs[from][key];
  const b = epochs[epochs.length - 1][key];
  return (100 * (b - a)) / a;
}

if (isMain(import.meta.url)) {
  if (typeof globalThis.gc !== 'function') {
    const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const r = await measureTrainingMemory({ backend: backendArg(), epochs: arg('--epochs') ?? 10, trainLimit: arg('--train-limit') });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(r));
  } else {
    console.log(`backend ${r.backend}, ${r.examples} examples, batch 64, Adam 1e-3; after a forced GC at the end of each epoch:`);
    console.log('epoch   loss    acc   tensors  tensor MiB  wasm heap MiB  RSS MiB  JS heap MiB  external MiB');
    for (const e of r.epochs) {
      console.log(
        `${String(e.epoch + 1).padStart(5)}  ${e.loss.toFixed(4)}  ${e.accuracy.toFixed(3)}  ${String(e.numTensors).padStart(7)}  ${mib(e.numBytes).padStart(10)}  ${(e.heapBytes === null ? '-' : mib(e.heapBytes)).padStart(13)}  ${mib(e.rss).padStart(7)}  ${mib(e.heapUsed).padStart(11)}  ${mib(e.external).padStart(12)}`,
      );
    }
    const counts = new Set(r.epochs.map((e) => e.numTensors));
    console.log(`live tensors at the end of every epoch: ${[...counts].join(', ')} (${counts.size === 1 ? 'constant' : 'NOT constant'}); before fit ${r.before.numTensors}, after dispose ${r.after.numTensors}`);
    if (r.epochs.length >= 2) {
      console.log(`RSS from epoch 2 to epoch ${r.epochs.length}: ${growthPercent(r.epochs, 'rss').toFixed(2)}% (${mib(r.epochs[1].rss)} -> ${mib(r.epochs[r.epochs.length - 1].rss)} MiB)`);
      if (r.epochs[0].heapBytes !== null) console.log(`wasm heap from epoch 1 to epoch ${r.epochs.length}: ${mib(r.epochs[0].heapBytes)} -> ${mib(r.epochs[r.epochs.length - 1].heapBytes)} MiB`);
    }
  }
}
