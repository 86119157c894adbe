import { ArgumentError, Random, dispose, type Tensor } from '@neurite/core';
import { checkBatchSize, type Model } from '../model.js';
import type { Callback, History, Logs, TrainingContext } from './callback.js';
import { checkPair, evaluateWith, rows } from './evaluate.js';
import { singleClassWarning } from './single-class.js';
import { trainStep } from './step.js';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Visit the examples in a new seeded order each epoch (default true). */
  shuffle?: boolean;
  /** Seeds the shuffling and dropout. Same seed, same backend, same initial weights: the same run. */
  seed?: number;
  /** Hold out this fraction of the examples, taken from the end before shuffling (as Keras). */
  validationSplit?: number;
  validationData?: [Tensor, Tensor];
  callbacks?: Callback[];
  /**
   * What to do when a batch's loss is NaN or infinite: 'stop' (default)
   * ends training before that update reaches the weights and records why in
   * `history.stopReason`; 'throw' raises an ArgumentError; false trains on.
   */
  nanGuard?: 'stop' | 'throw' | false;
  /**
   * Where fit's warnings go, one line each (default console.warn). fit warns
   * once when the validation labels all name one class, the sign of rows
   * sorted by class.
   */
  warn?: (message: string) => void;
}

export type { Compiled } from './step.js';
import type { Compiled } from './step.js';

/** Fisher-Yates on core's seeded generator: a new order per epoch, the same for the same seed. */
function epochOrder(n: number, seed: number, epoch: number, shuffle: boolean): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!shuffle) return order;
  return new Random((seed + Math.imul(epoch + 1, 0x9e3779b1)) >>> 0).shuffle(order);
}

/** The training loop behind `model.fit`. */
export async function fit(model: Model, x: Tensor, y: Tensor, compiled: Compiled, options: FitOptions = {}): Promise<History> {
  const { optimizer, loss, metrics } = compiled;
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ArgumentError(`fit: epochs must be an integer >= 0, got ${epochs}`);
  const batchSize = checkBatchSize('fit', options.batchSize ?? 32);
  const nanGuard = options.nanGuard ?? 'stop';
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const callbacks = options.callbacks ?? [];
  const all = checkPair('fit', x, y);
  const split = options.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new ArgumentError(`fit: validationSplit must be in [0, 1), got ${split}`);
  if (split > 0 && options.validationData) throw new ArgumentError('fit: pass validationSplit or validationData, not both');

  // The held-out slice is copied once; the training part is addressed by index, not copied.
  const nVal = Math.floor(all * split);
  const n = all - nVal;
  if (n === 0) throw new ArgumentError(`fit: no training examples left (${all} examples, validationSplit ${split})`);
  const owned: Tensor[] = nVal > 0 ? [rows(x, n, nVal), rows(y, n, nVal)] : [];
  const validation = options.validationData ?? (nVal > 0 ? (owned as [Tensor, Tensor]) : undefined);
  if (validation) checkPair('fit: validationData', validation[0], validation[1]);

  const history: History = { epoch: [], history: {}, seed };
  const steps = Math.ceil(n / batchSize);
  const ctx: TrainingContext = {
    model,
    optimizer,
    epochs,
    steps,
    seed,
    stop(reason) {
      model.stopTraining = true;
      history.stopReason ??= reason;
    },
  };
  model.stopTraining = false;
  model.reseed(seed);
  let lastLogs: Logs = {};
  try {
    if (validation) {
      const warning = singleClassWarning(validation[1], await validation[1].data(), !options.validationData);
      if (warning) (options.warn ?? console.warn)(warning);
    }
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
    for (let epoch = 0; epoch < epochs && !model.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      const order = epochOrder(n, seed, epoch, options.shuffle ?? true);
      for (const m of metrics) m.reset();
      let lossSum = 0;
      let seen = 0;
      for (let b = 0; b < steps && !model.stopTraining; b++) {
        const idx = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
        const value = trainStep(model, x, y, idx, compiled);
        if (!Number.isFinite(value) && nanGuard !== false) {
          const message = `fit: the loss became ${value} at epoch ${epoch + 1}, batch ${b + 1} - training stopped before this update; lower the learning rate, check the data for NaN/Infinity, or use a fromLogits loss`;
          if (nanGuard === 'throw') throw new ArgumentError(message);
          ctx.stop(message);
          break;
        }
        lossSum += value * idx.length;
        seen += idx.length;
        const batchLogs: Logs = { batch: b, size: idx.length, loss: value };
        for (const cb of callbacks) await cb.onBatchEnd?.(b, batchLogs, ctx);
      }
      if (seen === 0) break;
      const logs: Logs = { loss: lossSum / seen };
      for (const m of metrics) logs[m.name] = m.result();
      if (validation) Object.assign(logs, evaluateWith(model, validation[0], validation[1], loss, metrics, batchSize, 'val_'));
      logs.lr = optimizer.currentLearningRate();
      history.epoch.push(epoch);
      for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      lastLogs = logs;
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(lastLogs, ctx);
  } finally {
    dispose(owned);
  }
  return history;
}
