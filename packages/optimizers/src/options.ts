import { ArgumentError } from '@neurite/core';

/**
 * Hyperparameter checks shared by the optimizers, schedules and clipping.
 * They run at construction so a typo fails where it was written, not a
 * thousand steps into training; each message names the owner and the option.
 */

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${typeof value} ${JSON.stringify(value)}`;
}

export function finiteNumber(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ArgumentError(`${owner}: option '${option}' must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** value >= 0 */
export function nonNegative(owner: string, option: string, value: unknown): number {
  const v = finiteNumber(owner, option, value);
  if (v < 0) throw new ArgumentError(`${owner}: option '${option}' must be >= 0, got ${v} - drop the minus sign?`);
  return v;
}

/** value > 0 */
export function positive(owner: string, option: string, value: unknown): number {
  const v = finiteNumber(owner, option, value);
  if (v <= 0) throw new ArgumentError(`${owner}: option '${option}' must be > 0, got ${v}`);
  return v;
}

/** A decay rate in [0, 1): 1 would never forget the first value, and the bias corrections divide by 1 - beta^t. */
export function unitInterval(owner: string, option: string, value: unknown): number {
  const v = finiteNumber(owner, option, value);
  if (v < 0 || v >= 1) throw new ArgumentError(`${owner}: option '${option}' must be in [0, 1), got ${v} - typical values are 0.9 to 0.999`);
  return v;
}

/** A whole number of steps, >= min. */
export function integer(owner: string, option: string, value: unknown, min: number): number {
  const v = finiteNumber(owner, option, value);
  if (!Number.isInteger(v) || v < min) throw new ArgumentError(`${owner}: option '${option}' must be an integer >= ${min}, got ${v}`);
  return v;
}
