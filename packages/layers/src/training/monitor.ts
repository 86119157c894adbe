import { ArgumentError } from '@neurite/core';
import type { Logs } from './callback.js';

export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * Tracks the best value of one logged quantity. 'auto' maximizes accuracy-like
 * names and minimizes everything else (losses, errors).
 */
export class Monitor {
  readonly higherIsBetter: boolean;
  best: number;

  constructor(
    private readonly owner: string,
    readonly key: string,
    mode: MonitorMode,
    private readonly minDelta: number,
  ) {
    if (!(minDelta >= 0)) throw new ArgumentError(`${owner}: minDelta must be >= 0, got ${minDelta}`);
    this.higherIsBetter = mode === 'max' || (mode === 'auto' && /(acc|accuracy|precision|recall|f1|r2)$/.test(key));
    this.best = this.higherIsBetter ? -Infinity : Infinity;
  }

  /** The monitored value in `logs`; missing is an error naming what is there (a typo, or no validation data). */
  read(logs: Logs): number {
    if (!Object.hasOwn(logs, this.key)) {
      throw new ArgumentError(`${this.owner}: '${this.key}' is not in the epoch logs (${Object.keys(logs).join(', ')}) - pass validationData or validationSplit for val_* keys, or monitor another key`);
    }
    return logs[this.key];
  }

  /** True (and records it) when `value` beats the best by more than minDelta. */
  improved(value: number): boolean {
    const better = this.higherIsBetter ? value > this.best + this.minDelta : value < this.best - this.minDelta;
    if (better || (!Number.isFinite(this.best) && Number.isFinite(value))) {
      this.best = value;
      return true;
    }
    return false;
  }
}
