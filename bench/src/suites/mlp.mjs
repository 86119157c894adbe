// @ts-check
import { lean } from '../budgets.mjs';
import { buildModel, mnistTrain } from '../models.mjs';

/**
 * The MNIST MLP of issue #4: 784-128-10, relu then softmax, categorical
 * cross-entropy, Adam lr 1e-3, batch 64, on @neurite/data's 8,000 training
 * digits. Neurite trains it with @neurite/layers (`sequential`, `dense`,
 * `fit`), the peers with tfjs-layers (`tf.sequential`, `trainOnBatch`, `fit`)
 * on tfjs-backend-cpu and tfjs-backend-wasm: same layers, same initial weights,
 * same batches in the same order.
 * @type {import('../models.mjs').ModelSpec}
 */
export const MLP = {
  inputShape: [784],
  layers: [
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  learningRate: 1e-3,
};

const BATCH = 64;
const PIXELS = 784;
const CLASSES = 10;

/**
 * Rows [0, n) of the seeded training set as tensors of this contender.
 * @param {import('../types.js').Contender} c
 * @param {number} n
 * @param {number} seed
 * @param {number[]} featureShape
 */
export async function trainRows(c, n, seed, featureShape = [PIXELS]) {
  const data = await mnistTrain(seed);
  const x = c.tensor(data.x.subarray(0, n * PIXELS), [n, ...featureShape]);
  const y = c.tensor(data.y.subarray(0, n * CLASSES), [n, CLASSES]);
  return { x, y };
}

/**
 * The agreement output of a training-step case: the model's predictions on
 * `x` before and after one step on (x, y), read back as arrays.
 * @param {import('../types.js').Contender} c
 * @param {import('../models.mjs').TrainableModel} model
 * @param {unknown} x
 * @param {unknown} y
 * @param {number} batch
 */
export async function predictionsAroundStep(c, model, x, y, batch) {
  const read = () => {
    const p = model.predict(x, batch);
    const out = c.read(p);
    c.dispose(p);
    return out;
  };
  const before = read();
  await model.step(x, y);
  return [before, read()];
}

/**
 * One training step on a batch of 64, timed again and again (training goes
 * on, as in fit). The agreement check compares the predictions on that batch
 * before and after the first step: on the MLP the step moves them by 0.37
 * (max |after - before| / max |before|, seed 1), three orders of magnitude
 * above the 2e-4 tolerance, so a step that updates nothing or wrongly disagrees.
 * @param {import('../models.mjs').ModelSpec} spec
 * @param {number[]} featureShape
 * @returns {NonNullable<import('../types.js').Case['prepare']>}
 */
export function stepCase(spec, featureShape) {
  return async (c, { seed }) => {
    const model = await buildModel(c, spec, seed);
    const { x, y } = await trainRows(c, BATCH, seed, featureShape);
    const output = await predictionsAroundStep(c, model, x, y, BATCH);
    return {
      output,
      async run() {
        await model.step(x, y);
      },
      dispose() {
        model.dispose();
        c.dispose(x);
        c.dispose(y);
      },
    };
  };
}

/** @type {import('../types.js').Suite} */
export default {
  name: 'mlp',
  unit: 'samples/s',
  cases: /** @type {import('../types.js').Case[]} */ ([
    {
      id: 'step-64',
      label: 'train step, batch 64',
      work: BATCH,
      tolerance: 2e-4,
      prepare: stepCase(MLP, [PIXELS]),
    },
    {
      // A full pass over the 8,000 digits, 125 steps of 64: the samples/s a user sees from fit.
      // Seconds per call on the slow contenders (tfjs-cpu ~12 s), so full runs only, three
      // calls each after the agreement epoch (which doubles as warm-up).
      id: 'epoch-8000',
      label: 'epoch, 8,000 samples, batch 64',
      work: 8000,
      // After 125 Adam steps the predictions were within 3e-6 of tfjs-cpu's (seed 1): rounding
      // differences can grow over the steps, hence more room than for one step.
      tolerance: 1e-4,
      fullOnly: true,
      budget: { full: { rounds: 3, iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 } },
      async prepare(c, { seed }) {
        const model = await buildModel(c, MLP, seed);
        const { x, y } = await trainRows(c, 8000, seed);
        const probe = c.tensor((await mnistTrain(seed)).x.subarray(0, BATCH * PIXELS), [BATCH, PIXELS]);
        await model.epoch(x, y, BATCH);
        const p = model.predict(probe, BATCH);
        const output = c.read(p);
        c.dispose(p);
        return {
          output,
          async run() {
            await model.epoch(x, y, BATCH);
          },
          dispose() {
            model.dispose();
            for (const t of [x, y, probe]) c.dispose(t);
          },
        };
      },
    },
    {
      id: 'predict-1000',
      label: 'predict 1,000 samples (one batch)',
      work: 1000,
      tolerance: 1e-5,
      // tfjs-cpu: ~0.5-1.7 s a call; it computes the reference once in the gate, and full runs
      // take two calls a round instead of five.
      untimedShort: ['tfjs-cpu'],
      budget: { full: { iterations: 2 } },
      async prepare(c, { seed }) {
        const model = await buildModel(c, MLP, seed);
        const { x, y } = await trainRows(c, 1000, seed);
        c.dispose(y);
        const p = model.predict(x, 1000);
        const output = c.read(p);
        c.dispose(p);
        return {
          output,
          run: () => c.dispose(model.predict(x, 1000)),
          dispose() {
            model.dispose();
            c.dispose(x);
          },
        };
      },
    },
  ]).map(lean),
};
