// @ts-check
import { Random } from '@neurite/core';

/**
 * One model written once and built in both libraries: Neurite's layers
 * (@neurite/layers, @neurite/optimizers) and tfjs-layers, with the same layers,
 * the same initial weights, the same loss and the same Adam settings, so a
 * model-level case compares the libraries and nothing else.
 */

/**
 * @typedef {{ type: 'dense', units: number, activation: string }
 *   | { type: 'conv2d', filters: number, kernelSize: number, activation: string, padding: 'valid' | 'same' }
 *   | { type: 'maxPool2d', poolSize: number }
 *   | { type: 'flatten' }} LayerSpec
 * @typedef {{ layers: LayerSpec[], inputShape: number[], learningRate: number }} ModelSpec
 */

/**
 * A model as the cases drive it. `step` is one optimizer step on one batch
 * (forward, backward, update; Neurite: `model.fit` on that batch, tfjs:
 * `trainOnBatch`, its leanest step), `epoch` a `fit` pass over all of x.
 * @typedef {{
 *   step(x: unknown, y: unknown): Promise<void>,
 *   epoch(x: unknown, y: unknown, batchSize: number): Promise<void>,
 *   predict(x: unknown, batchSize: number): unknown,
 *   dispose(): void,
 *   model: any,
 * }} TrainableModel
 * `model` is the library's own model object, for what the harness does not wrap
 * (e.g. @neurite/explain's methods take a Neurite model).
 */

/** What both libraries call the loss and the optimizer's epsilon (Keras's defaults, both sides). */
const LOSS = 'categoricalCrossentropy';
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/**
 * Glorot-uniform kernels and zero biases from the shapes alone, seeded, so both
 * libraries start from the same numbers whatever their own initialisers do.
 * Fans as Keras: the receptive field times the input and output channels.
 * @param {number[][]} shapes
 * @param {number} seed
 */
export function initialWeights(shapes, seed) {
  const random = new Random(seed);
  return shapes.map((shape) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length < 2) return data;
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const limit = Math.sqrt(6 / (receptive * (shape[shape.length - 2] + shape[shape.length - 1])));
    for (let i = 0; i < data.length; i++) data[i] = (2 * random.next() - 1) * limit;
    return data;
  });
}

/**
 * Builds `spec` with this contender's library on its backend (activate it first).
 * @param {import('./types.js').Contender} c
 * @param {ModelSpec} spec
 * @param {number} seed of the initial weights
 * @returns {Promise<TrainableModel>}
 */
export async function buildModel(c, spec, seed) {
  return c.kind === 'neurite' ? buildNeurite(c, spec, seed) : buildTfjs(c, spec, seed);
}

/**
 * @param {import('./types.js').Contender} c
 * @param {ModelSpec} spec
 * @param {number} seed
 * @returns {Promise<TrainableModel>}
 */
async function buildNeurite(c, spec, seed) {
  /** @type {any} */
  const L = await import('@neurite/layers');
  const { Adam } = await import('@neurite/optimizers');
  /** @param {string} name */
  const need = (name) => {
    if (typeof L[name] !== 'function') throw new Error(`@neurite/layers has no ${name} layer yet`);
    return L[name];
  };
  const layers = spec.layers.map((s) => {
    switch (s.type) {
      case 'dense':
        return L.dense({ units: s.units, activation: s.activation });
      case 'flatten':
        return L.flatten();
      case 'conv2d':
        return new (need('Conv2D'))({ filters: s.filters, kernelSize: s.kernelSize, activation: s.activation, padding: s.padding });
      case 'maxPool2d':
        return new (need('MaxPool2D'))({ poolSize: s.poolSize });
    }
  });
  const model = L.sequential(layers, { inputShape: spec.inputShape });
  /** @type {any[]} */
  const params = model.parameters();
  const shapes = params.map((v) => [...v.shape]);
  const values = initialWeights(shapes, seed).map((d, i) => c.tensor(d, shapes[i]));
  model.setWeights(values);
  for (const t of values) c.dispose(t);
  model.compile({ optimizer: new Adam({ learningRate: spec.learningRate, ...ADAM }), loss: LOSS });
  return {
    async step(x, y) {
      await model.fit(x, y, { batchSize: /** @type {any} */ (x).shape[0], epochs: 1, shuffle: false });
    },
    async epoch(x, y, batchSize) {
      await model.fit(x, y, { batchSize, epochs: 1, shuffle: false });
    },
    predict: (x, batchSize) => model.predict(x, { batchSize }),
    dispose: () => model.dispose(),
    model,
  };
}

/**
 * @param {import('./types.js').Contender} c
 * @param {ModelSpec} spec
 * @param {number} seed
 * @returns {Promise<TrainableModel>}
 */
async function buildTfjs(c, spec, seed) {
  /** @type {any} */
  const tfl = await import('@tensorflow/tfjs-layers');
  /** @type {any} */
  const tf = c.lib;
  const model = tfl.sequential();
  spec.layers.forEach((s, i) => {
    const first = i === 0 ? { inputShape: spec.inputShape } : {};
    switch (s.type) {
      case 'dense':
        return model.add(tfl.layers.dense({ units: s.units, activation: s.activation, ...first }));
      case 'flatten':
        return model.add(tfl.layers.flatten(first));
      case 'conv2d':
        return model.add(tfl.layers.conv2d({ filters: s.filters, kernelSize: s.kernelSize, activation: s.activation, padding: s.padding, ...first }));
      case 'maxPool2d':
        return model.add(tfl.layers.maxPooling2d({ poolSize: s.poolSize, ...first }));
    }
  });
  /** @type {number[][]} */
  const shapes = model.getWeights().map((/** @type {any} */ w) => [...w.shape]);
  const values = initialWeights(shapes, seed).map((d, i) => tf.tensor(d, shapes[i], 'float32'));
  model.setWeights(values);
  tf.dispose(values);
  model.compile({ optimizer: tf.train.adam(spec.learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon), loss: LOSS });
  return {
    async step(x, y) {
      await model.trainOnBatch(x, y);
    },
    async epoch(x, y, batchSize) {
      await model.fit(x, y, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
    },
    predict: (x, batchSize) => model.predict(x, { batchSize }),
    dispose: () => model.dispose(),
    model,
  };
}

/** @type {Promise<{ x: Float32Array, y: Float32Array, n: number }> | undefined} */
let mnist;

/**
 * The 8,000 training digits of @neurite/data's standard MNIST split with
 * one-hot labels, in one seeded order (the package ships them grouped by
 * digit): every contender trains on the same batches, shuffling excluded
 * from the timing on both sides. Loaded and ordered once per process (a run
 * has one seed).
 * @param {number} seed
 */
export function mnistTrain(seed) {
  mnist ??= (async () => {
    const { loadMnistArrays, MNIST_PIXELS } = await import('@neurite/data');
    const { train } = await loadMnistArrays('standard');
    const n = train.y.length;
    const order = Array.from({ length: n }, (_, i) => i);
    const random = new Random(seed);
    for (let i = n - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const x = new Float32Array(n * MNIST_PIXELS);
    const y = new Float32Array(n * 10);
    order.forEach((from, to) => {
      x.set(train.x.subarray(from * MNIST_PIXELS, (from + 1) * MNIST_PIXELS), to * MNIST_PIXELS);
      y[to * 10 + train.y[from]] = 1;
    });
    return { x, y, n };
  })();
  return mnist;
}
