import type { Optimizer } from '@neurite/optimizers';
import type { Model } from '../model.js';

/** Numbers reported after a batch or an epoch: `loss`, metric names, `val_*`, `lr`. */
export type Logs = Record<string, number>;

/** What callbacks see of the run in progress. */
export interface TrainingContext {
  readonly model: Model;
  readonly optimizer: Optimizer;
  readonly epochs: number;
  /** Batches per epoch. */
  readonly steps: number;
  /** The seed this run shuffles and drops out with (drawn at random when fit got none: pass it back to repeat the run). */
  readonly seed: number;
  /** Ends training after the current batch; `reason` goes into the history. */
  stop(reason: string): void;
}

/**
 * Hooks into `fit`. Every method is optional and may be async (a checkpoint
 * writing files); fit awaits each in turn. This interface is also the
 * progress-event API: pass `{ onBatchEnd: (batch, logs) => ... }`.
 */
export interface Callback {
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainingContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, ctx: TrainingContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainingContext): void | Promise<void>;
  onTrainEnd?(logs: Logs, ctx: TrainingContext): void | Promise<void>;
}

/** Per-epoch logs of a `fit` run. */
export interface History {
  /** Epoch indices that ran (0-based). */
  epoch: number[];
  /** Each logged quantity, one value per epoch: `history.loss`, `history.val_accuracy`, ... */
  history: Record<string, number[]>;
  /** Why training ended before `epochs` (early stopping, NaN guard), if it did. */
  stopReason?: string;
  /** The seed used (given or drawn). */
  seed: number;
}
