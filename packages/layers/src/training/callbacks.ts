import { ArgumentError, dispose, type Tensor } from '@neurite/core';
import type { Callback, Logs, TrainingContext } from './callback.js';
import { Monitor, type MonitorMode } from './monitor.js';

export interface EarlyStoppingOptions {
  monitor?: string;
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
  /** Epochs without improvement before stopping. */
  patience?: number;
  mode?: MonitorMode;
  /** At the end, put back the weights of the best epoch (kept as copies meanwhile). */
  restoreBestWeights?: boolean;
}

/** Stops when the monitored quantity (default val_loss) has not improved for `patience` epochs in a row (Keras's rule). */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const patience = options.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0) throw new ArgumentError(`earlyStopping: patience must be an integer >= 0, got ${patience}`);
  let monitor: Monitor;
  let wait = 0;
  let best: Tensor[] | null = null;
  let bestEpoch = -1;
  return {
    onTrainBegin() {
      monitor = new Monitor('earlyStopping', options.monitor ?? 'val_loss', options.mode ?? 'auto', options.minDelta ?? 0);
      wait = 0;
      bestEpoch = -1;
    },
    onEpochEnd(epoch, logs, ctx) {
      if (monitor.improved(monitor.read(logs))) {
        wait = 0;
        bestEpoch = epoch;
        if (options.restoreBestWeights) {
          dispose(best);
          best = ctx.model.getWeights();
        }
        return;
      }
      if (++wait >= patience) ctx.stop(`earlyStopping: '${monitor.key}' did not improve for ${wait} epochs (best ${monitor.best} at epoch ${bestEpoch})`);
    },
    onTrainEnd(_logs, ctx) {
      if (best) {
        ctx.model.setWeights(best);
        dispose(best);
        best = null;
      }
    },
  };
}

export interface ModelCheckpointOptions {
  /** Where to save; `{epoch}` is replaced by the 1-based epoch number (a directory per epoch). */
  directory: string;
  monitor?: string;
  mode?: MonitorMode;
  /** Save only when the monitored quantity improved (into the same directory, replacing the previous best). */
  saveBestOnly?: boolean;
  /** Save every N epochs (when not saveBestOnly). Default 1. */
  every?: number;
}

/**
 * Saves the model with `save()` (Node only: the file-system module is loaded
 * on first use, so the rest of the package stays browser-safe).
 */
export function modelCheckpoint(options: ModelCheckpointOptions): Callback {
  const every = options.every ?? 1;
  if (typeof options.directory !== 'string' || options.directory.length === 0) throw new ArgumentError('modelCheckpoint: directory is required');
  if (!Number.isInteger(every) || every < 1) throw new ArgumentError(`modelCheckpoint: every must be an integer >= 1, got ${every}`);
  let monitor: Monitor;
  return {
    onTrainBegin() {
      monitor = new Monitor('modelCheckpoint', options.monitor ?? 'val_loss', options.mode ?? 'auto', 0);
    },
    async onEpochEnd(epoch, logs, ctx) {
      const due = options.saveBestOnly ? monitor.improved(monitor.read(logs)) : (epoch + 1) % every === 0;
      if (!due) return;
      const { save } = await import('../io/node.js');
      await save(ctx.model, options.directory.replaceAll('{epoch}', String(epoch + 1)));
    },
  };
}

/** Sets the learning rate at the start of each epoch from `schedule(epoch, currentLr)`. */
export function learningRateScheduler(schedule: (epoch: number, lr: number) => number): Callback {
  return {
    onEpochBegin(epoch, ctx) {
      const lr = schedule(epoch, ctx.optimizer.currentLearningRate());
      if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw new ArgumentError(`learningRateScheduler: the schedule returned ${lr} for epoch ${epoch} - return a finite number >= 0`);
      ctx.optimizer.learningRate = lr;
    },
  };
}

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  mode?: MonitorMode;
  /** New lr = lr * factor, in (0, 1). */
  factor?: number;
  patience?: number;
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. */
  cooldown?: number;
  minLr?: number;
}

/** Multiplies the learning rate by `factor` when the monitored quantity stalls for `patience` epochs. */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): Callback {
  const { factor = 0.1, patience = 10, cooldown = 0, minLr = 0 } = options;
  if (!(factor > 0 && factor < 1)) throw new ArgumentError(`reduceLROnPlateau: factor must be in (0, 1), got ${factor}`);
  let monitor: Monitor;
  let wait = 0;
  let cooling = 0;
  return {
    onTrainBegin(ctx) {
      if (typeof ctx.optimizer.learningRate !== 'number') {
        throw new ArgumentError('reduceLROnPlateau: the optimizer follows a schedule - give it a constant learningRate to reduce');
      }
      monitor = new Monitor('reduceLROnPlateau', options.monitor ?? 'val_loss', options.mode ?? 'auto', options.minDelta ?? 1e-4);
      wait = 0;
      cooling = 0;
    },
    onEpochEnd(_epoch, logs, ctx) {
      const improved = monitor.improved(monitor.read(logs));
      if (cooling > 0) {
        cooling--;
        wait = 0;
      }
      if (improved) {
        wait = 0;
        return;
      }
      if (cooling === 0 && ++wait >= patience) {
        const lr = ctx.optimizer.currentLearningRate();
        ctx.optimizer.learningRate = Math.max(minLr, lr * factor);
        cooling = cooldown;
        wait = 0;
      }
    },
  };
}

/** Prints one line per epoch (and nothing per batch) with `print` (default console.log). */
export function printProgress(print: (line: string) => void = console.log): Callback {
  let start = 0;
  return {
    onEpochBegin() {
      start = performance.now();
    },
    onEpochEnd(epoch, logs: Logs, ctx: TrainingContext) {
      const seconds = (performance.now() - start) / 1000;
      const parts = Object.entries(logs).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toPrecision(4)}`);
      print(`epoch ${epoch + 1}/${ctx.epochs} (${seconds.toFixed(1)} s): ${parts.join(', ')}`);
    },
  };
}
