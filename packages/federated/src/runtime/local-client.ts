import { Random, add, dispose, keep, mul, square, sub, sum, tensor, type Tensor } from '@neurite/core';
import { dense, sequential, sparseCategoricalCrossentropy, getMetric, trainStep, type Model } from '@neurite/layers';
import { sgd, type Optimizer } from '@neurite/optimizers';
import { checkLayout, type NamedArray, type Weights } from '../weights.js';
import { SecAggParticipant } from '../secagg/participant.js';
import type { Client, EvaluateIns, EvaluateRes, FitIns, ParamsFitRes, SecAggReply, SecAggRequest } from './messages.js';
import { withModel } from './model-pool.js';
import { checkSpec, type ClientSpec, type LocalTraining, type ModelSpec } from './task.js';

/** Builds the model of a spec; layer names are fixed so every client and the server agree on weight names. */
export function buildModel(spec: ModelSpec): Model {
  const widths = [...spec.hidden, spec.outputs];
  const layers = widths.map((units, i) =>
    dense({
      name: `fc${i}`,
      units,
      activation: i === widths.length - 1 ? 'softmax' : (spec.activation ?? 'relu'),
      ...(i === 0 ? { inputShape: [spec.inputs] } : {}),
    }),
  );
  return sequential(layers, { name: 'federated_mlp' });
}

/** The model's weights as plain arrays. */
export function readWeights(model: Model): NamedArray[] {
  // dataSync gives a fresh copy the caller may keep (the Backend contract): copying it again was the main cost of a small client's round.
  return model.parameters().map((v) => ({ name: v.name, shape: [...v.shape], values: v.dataSync() as Float32Array }));
}

/** Sets the model's weights from plain arrays (layout checked first). */
export function writeWeights(model: Model, w: Weights): void {
  checkLayout('writeWeights', readLayout(model), w);
  const ts = w.map((a) => tensor(a.values, [...a.shape], 'float32'));
  try {
    model.setWeights(ts);
  } finally {
    dispose(ts);
  }
}

/** The model's layout for checkLayout: names and shapes, with values arrays of the right length that hold nothing (a shared empty buffer would not do: only lengths are read). */
function readLayout(model: Model): Weights {
  return model.parameters().map((v) => ({ name: v.name, shape: [...v.shape], values: lengthOnly(v.size) }));
}

const EMPTY = new Map<number, Float32Array>();
/** A zero-filled array of `n` values, made once per size: checkLayout reads only its length. */
function lengthOnly(n: number): Float32Array {
  let a = EMPTY.get(n);
  if (!a) EMPTY.set(n, (a = new Float32Array(n)));
  return a;
}

/** Initial weights of a model spec, drawn from a seeded generator (the same on every machine and backend). */
export function initialWeights(spec: ModelSpec, seed: number): NamedArray[] {
  const model = buildModel(spec);
  try {
    const rng = new Random(seed);
    // Glorot-uniform kernels and zero biases, drawn here so that the result does not depend on core's global generator.
    return readWeights(model).map((a) => {
      if (a.shape.length !== 2) return { ...a, values: new Float32Array(a.values.length) };
      const limit = Math.sqrt(6 / (a.shape[0] + a.shape[1]));
      const values = new Float32Array(a.values.length);
      for (let i = 0; i < values.length; i++) values[i] = (2 * rng.next() - 1) * limit;
      return { ...a, values };
    });
  } finally {
    model.dispose();
  }
}

function makeOptimizer(t: LocalTraining): Optimizer {
  return t.optimizer === 'momentum' ? sgd({ learningRate: t.learningRate, momentum: 0.9 }) : sgd({ learningRate: t.learningRate });
}

/**
 * The visiting order of one local epoch: seeded, so a client's round is
 * reproducible. One full batch is taken in row order (shuffling it would
 * change only the order of float sums), so one full-batch step is exactly
 * a centralized gradient step.
 */
function epochOrder(n: number, rng: Random, batchSize: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (batchSize >= n) return order;
  return rng.shuffle(order);
}

/**
 * Local training, the client's half of every strategy: start from the
 * global weights, run `epochs` passes of minibatch SGD over the local data
 * (with FedProx's proximal term when mu > 0), return the new weights. Each
 * batch is one `trainStep` of @neurite/layers, the step `model.fit` takes:
 * a batch whose loss is not finite leaves the weights as they were.
 */
export async function trainLocally(model: Model, x: Tensor, y: Tensor, training: LocalTraining, ins: FitIns): Promise<ParamsFitRes> {
  return trainNow(model, x, y, training, ins);
}

/** trainLocally, synchronously: a borrowed model goes back to its pool as soon as this returns. */
function trainNow(model: Model, x: Tensor, y: Tensor, training: LocalTraining, ins: FitIns): ParamsFitRes {
  writeWeights(model, ins.params);
  const mu = ins.config.proximalMu ?? 0;
  const vars = model.trainableVariables;
  const anchors = mu > 0 ? vars.map((v) => keep(tensor(v.dataSync(), [...v.shape], 'float32'))) : [];
  const compiled = { optimizer: makeOptimizer(training), loss: sparseCategoricalCrossentropy(), metrics: [] };
  // FedProx: (mu/2)·||w - w_global||², summed over every trainable weight, differentiated with the loss.
  const penalty = mu > 0 ? () => mul(vars.map((v, i) => sum(square(sub(v, anchors[i])))).reduce((a, b) => add(a, b)), mu / 2) : undefined;
  const n = y.shape[0];
  const rng = new Random(ins.config.seed);
  let lossSum = 0;
  let seen = 0;
  try {
    for (let epoch = 0; epoch < training.epochs; epoch++) {
      const order = epochOrder(n, rng, training.batchSize);
      for (let start = 0; start < n; start += training.batchSize) {
        const idx = order.subarray(start, Math.min(n, start + training.batchSize));
        const value = trainStep(model, x, y, idx, compiled, penalty);
        lossSum += value * idx.length;
        seen += idx.length;
      }
    }
  } finally {
    dispose(anchors);
  }
  return { params: readWeights(model), numExamples: n, metrics: { loss: lossSum / Math.max(1, seen) } };
}

/** Loss and accuracy of the given weights on (x, y). */
export function evaluateWeights(model: Model, x: Tensor, y: Tensor, params: Weights, batchSize = 256): { loss: number; accuracy: number } {
  writeWeights(model, params);
  const logs = model.evaluate(x, y, { loss: 'sparseCategoricalCrossentropy', metrics: [getMetric('accuracy')], batchSize });
  return { loss: logs.loss, accuracy: logs.accuracy };
}

/**
 * One client in this thread: it trains on its own data when asked and
 * answers with weights. It holds no tensors between calls: each call
 * borrows a model from this thread's pool (see model-pool.ts) and makes its
 * data tensors, on whatever backend is active then, and frees them after,
 * so ten thousand clients cost their data, not ten thousand models.
 */
export class LocalClient implements Client {
  readonly id: number;

  constructor(readonly spec: ClientSpec) {
    checkSpec(spec);
    this.id = spec.id;
  }

  /** Runs `f` with a model and this client's data, synchronously, and frees what it made. */
  private withData<T>(f: (model: Model, x: Tensor, y: Tensor) => T): T {
    const { data, model } = this.spec;
    return withModel(model, buildModel, (m) => {
      const x = tensor(data.x, [data.y.length, model.inputs], 'float32');
      const y = tensor(data.y, [data.y.length], 'int32');
      try {
        return f(m, x, y);
      } finally {
        dispose([x, y]);
      }
    });
  }

  async fit(ins: FitIns): Promise<ParamsFitRes> {
    return this.withData((model, x, y) => trainNow(model, x, y, this.spec.training, ins));
  }

  private participant: SecAggParticipant | undefined;

  /** Secure aggregation: trains in the 'mask' step and sends only its masked change. */
  async secAgg(req: SecAggRequest): Promise<SecAggReply> {
    this.participant ??= new SecAggParticipant(this.id);
    return this.participant.handle(req, (ins) => this.fit(ins));
  }

  async evaluate(ins: EvaluateIns): Promise<EvaluateRes> {
    return this.withData((model, x, y) => {
      const { loss, accuracy } = evaluateWeights(model, x, y, ins.params);
      return { loss, numExamples: y.shape[0], metrics: { accuracy } };
    });
  }

  /** Nothing to free: the models belong to the thread's pool. */
  async close(): Promise<void> {}
}
