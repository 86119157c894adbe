import { ArgumentError, ShapeError, dispose, tensor, type Tensor } from '@neurite/core';
import { getLoss, type CompileOptions, type Logs, type LossLike, type MetricLike, type Model } from '@neurite/layers';
import { mixSeed, readWeights } from '@neurite/federated';
import type { ClientApp, ContentMessage } from './client-app.js';
import { proximalLoss } from './proximal.js';
import { metricRecord, recordDict, type ArrayRecord, type ConfigRecord, type FlowerRecord, type MetricValue, type RecordDict } from './records.js';
import { configInteger, readTrainSettings } from './train-config.js';
import { loadArrayRecord, weightsToArrayRecord } from './weights.js';

/** Examples as two tensors sharing the example axis (what `@neurite/data` calls a Dataset). */
export interface ClientDataset {
  readonly x: Tensor;
  readonly y: Tensor;
}

/** The optimizer type layers' fit takes (from @neurite/optimizers). */
export type ClientOptimizer = CompileOptions['optimizer'];

export interface NeuriteClientAppOptions {
  /** The model every client of the run shares the architecture of; its weights are replaced by the server's on every message. */
  readonly model: Model;
  /** This client's training examples. The caller owns the tensors (and disposes them after the run). */
  readonly train: ClientDataset;
  /** Examples for `evaluate`; without them the app does not take `evaluate` messages (the Fleet client answers them with an error naming the types it takes). */
  readonly test?: ClientDataset;
  /**
   * A fresh optimizer for each `train` message, as Flower's clients keep no
   * state between rounds (it is disposed after the message). The server's
   * `lr` replaces its learning rate; without `lr` its own rate is used.
   */
  readonly optimizer: () => ClientOptimizer;
  /** Default sparseCategoricalCrossentropy (integer class labels). */
  readonly loss?: LossLike;
  /** Default ['accuracy'] for the cross-entropy losses, none otherwise. */
  readonly metrics?: readonly MetricLike[];
  /** Seeds the shuffling of each round's local training together with the server round (default 0). */
  readonly seed?: number;
  /** Examples per forward pass in `evaluate` unless the server sends `batch-size` (default 256). */
  readonly evaluateBatchSize?: number;
}

const CLASSIFICATION_LOSSES = new Set(['sparseCategoricalCrossentropy', 'categoricalCrossentropy', 'binaryCrossentropy']);

/** The seed of a round's local training: layers' fit with this seed is what a `train` message runs. */
export function trainingSeed(seed: number, round: number | undefined): number {
  return mixSeed(seed, round ?? 0);
}

/** Flower's example apps name accuracy `acc` ("train_acc", "eval_acc"); other metrics keep their names. */
function metricKey(prefix: 'train' | 'eval', name: string): string {
  return `${prefix}_${name === 'accuracy' ? 'acc' : name}`;
}

function checkDataset(what: string, d: ClientDataset | undefined): number {
  if (!d || typeof d.x?.shape !== 'object' || typeof d.y?.shape !== 'object') throw new ArgumentError(`neuriteClientApp: ${what} must be { x, y } tensors - pass a Dataset from @neurite/data`);
  const n = d.x.shape[0];
  if (d.x.rank === 0 || d.y.rank === 0 || d.y.shape[0] !== n) {
    throw new ShapeError(`neuriteClientApp: ${what} x [${d.x.shape.join(',')}] and y [${d.y.shape.join(',')}] must share the example axis (axis 0)`);
  }
  if (n === 0) throw new ArgumentError(`neuriteClientApp: ${what} has no examples - a client needs at least one`);
  return n;
}

/** The record under `key`, or else the only record of that kind (a ServerApp may name them otherwise). */
function recordOf<K extends FlowerRecord['kind']>(where: string, content: RecordDict, key: string, kind: K, required: boolean): Extract<FlowerRecord, { kind: K }> | undefined {
  const named = content.get(key);
  if (named !== undefined) {
    if (named.kind !== kind) throw new ArgumentError(`${where}: the message's '${key}' is a ${named.kind} record, not a ${kind} record - send the model as ArrayRecord 'arrays' and settings as ConfigRecord 'config'`);
    return named as Extract<FlowerRecord, { kind: K }>;
  }
  const ofKind = [...content].filter(([, r]) => r.kind === kind);
  if (ofKind.length === 1) return ofKind[0][1] as Extract<FlowerRecord, { kind: K }>;
  if (ofKind.length === 0 && !required) return undefined;
  const keys = [...content.keys()].map((k) => `'${k}'`).join(', ') || 'none';
  throw new ArgumentError(`${where}: the message has ${ofKind.length === 0 ? 'no' : ofKind.length} ${kind} records and none named '${key}' (records: ${keys}) - send the model as ArrayRecord '${key}'`);
}

/**
 * Flower's list form keys arrays "0", "1", ... and a Python client reads
 * them back in that order; integer keys in another order are another
 * model's layout, not ours. Other keys (a state_dict's names) are matched by
 * position, as Flower's `to_numpy_ndarrays()` does.
 */
function checkListKeys(where: string, record: ArrayRecord): void {
  const keys = [...record.arrays.keys()];
  if (!keys.every((k) => /^\d+$/.test(k))) return;
  const i = keys.findIndex((k, j) => k !== String(j));
  if (i >= 0) throw new ShapeError(`${where}: array ${i} is keyed '${keys[i]}' but Flower's list keys run '0', '1', ... in order (got [${keys.join(', ')}]) - send ArrayRecord(list_of_ndarrays) in the model's order`);
}

function withPrefix(where: string, f: () => void): void {
  try {
    f();
  } catch (e) {
    if (e instanceof Error && !e.message.startsWith(where)) e.message = `${where}: ${e.message}`;
    throw e;
  }
}

/** The logs' metrics as MetricRecord entries; the example count is an int, as FedAvg expects. */
function metricsOf(prefix: 'train' | 'eval', n: number, logs: Logs, names: readonly string[]): [string, MetricValue][] {
  return [['num-examples', BigInt(n)], [`${prefix}_loss`, logs.loss], ...names.filter((m) => logs[m] !== undefined).map((m): [string, MetricValue] => [metricKey(prefix, m), logs[m]])];
}

/**
 * A Flower ClientApp that trains and evaluates a Neurite model on this
 * client's data, for `connect` (or any code that calls its handlers).
 *
 * - `train`: loads the server's weights (count, shapes and dtypes checked;
 *   a mismatch fails the message naming the first difference), trains with
 *   layers' `fit` for the server's `local-epochs` (default 1) in batches of
 *   `batch-size` (default 32) at rate `lr` (default the optimizer's), with
 *   FedProx's proximal term when `proximal-mu` > 0, and replies
 *   `{ arrays, metrics: { num-examples, train_loss, train_acc } }` with the
 *   server's array keys. Losses are the last epoch's mean (of the local
 *   objective, proximal term included).
 * - `evaluate` (with `test`): loads the weights and replies
 *   `{ metrics: { num-examples, eval_loss, eval_acc } }`.
 *
 * Messages are handled one at a time; every tensor a message makes is freed
 * before its reply.
 */
export function neuriteClientApp(options: NeuriteClientAppOptions): ClientApp {
  const { model } = options;
  if (!model || typeof model.fit !== 'function') throw new ArgumentError('neuriteClientApp: model must be a Model from @neurite/layers');
  if (typeof options.optimizer !== 'function') throw new ArgumentError('neuriteClientApp: optimizer must be a function returning a fresh optimizer, e.g. () => sgd({ learningRate: 0.01 })');
  const nTrain = checkDataset('train', options.train);
  const nTest = options.test === undefined ? 0 : checkDataset('test', options.test);
  const loss = getLoss(options.loss ?? 'sparseCategoricalCrossentropy');
  const metrics = [...(options.metrics ?? (CLASSIFICATION_LOSSES.has(loss.name) ? ['accuracy' as const] : []))];
  const metricNames = metrics.map((m) => (typeof m === 'string' ? m : m.name));
  const seed = options.seed ?? 0;
  const evaluateBatchSize = options.evaluateBatchSize ?? 256;
  if (!Number.isSafeInteger(evaluateBatchSize) || evaluateBatchSize < 1) throw new ArgumentError(`neuriteClientApp: evaluateBatchSize must be an integer >= 1, got ${evaluateBatchSize}`);

  // One model, so one message at a time, whatever the caller does.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (f: () => Promise<RecordDict>): Promise<RecordDict> => {
    const run = queue.then(f);
    queue = run.catch(() => undefined);
    return run;
  };

  function loadServerWeights(where: string, content: RecordDict): ArrayRecord {
    const arrays = recordOf(where, content, 'arrays', 'array', true)!;
    checkListKeys(where, arrays);
    withPrefix(where, () => loadArrayRecord(model, arrays));
    return arrays;
  }

  async function train(message: ContentMessage): Promise<RecordDict> {
    const where = `train (${message.metadata.messageType})`;
    const config: ConfigRecord | undefined = recordOf(where, message.content, 'config', 'config', false);
    const settings = readTrainSettings(where, config);
    const arrays = loadServerWeights(where, message.content);
    const optimizer = options.optimizer();
    if (settings.learningRate !== undefined) optimizer.learningRate = settings.learningRate;
    const variables = model.trainableVariables;
    const mu = settings.proximalMu;
    const anchors = mu > 0 ? variables.map((v) => tensor(v.dataSync(), [...v.shape], v.dtype)) : [];
    let logs: Logs;
    try {
      const history = await model.fit(options.train.x, options.train.y, {
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        seed: trainingSeed(seed, settings.round),
        optimizer,
        loss: mu > 0 ? proximalLoss(loss, variables, anchors, mu) : loss,
        metrics,
        // A diverged round must fail the message, not send NaN weights into the server's mean.
        nanGuard: 'throw',
      });
      logs = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v.at(-1)!]));
    } finally {
      dispose(anchors);
      optimizer.dispose();
    }
    return recordDict({
      arrays: weightsToArrayRecord(readWeights(model), [...arrays.arrays.keys()]),
      metrics: metricRecord(metricsOf('train', nTrain, logs, metricNames)),
    });
  }

  async function evaluate(message: ContentMessage): Promise<RecordDict> {
    const where = `evaluate (${message.metadata.messageType})`;
    const config = recordOf(where, message.content, 'config', 'config', false);
    const batchSize = configInteger(where, config, 'batch-size', evaluateBatchSize);
    loadServerWeights(where, message.content);
    const test = options.test!;
    const logs = model.evaluate(test.x, test.y, { loss, metrics: [...metrics], batchSize });
    return recordDict({ metrics: metricRecord(metricsOf('eval', nTest, logs, metricNames)) });
  }

  return {
    handlers: {
      train: (message) => serial(() => train(message)),
      ...(options.test === undefined ? {} : { evaluate: (message: ContentMessage) => serial(() => evaluate(message)) }),
    },
  };
}
