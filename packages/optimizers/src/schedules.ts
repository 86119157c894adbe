import { ArgumentError } from '@neurite/core';
import type { Schedule } from './optimizer.js';
import { finiteNumber, integer, nonNegative, positive } from './options.js';

/**
 * Learning-rate schedules: pure functions of the step number (0 for the
 * first update), so a resumed run that restores `iterations` gets the same
 * rates. Pass one as `learningRate`.
 */

function checkStep(owner: string, step: number): void {
  if (!Number.isInteger(step) || step < 0) throw new ArgumentError(`${owner}: step must be an integer >= 0, got ${step}`);
}

/**
 * Step decay: `initial * factor^floor(step / every)`.
 * e.g. { initial: 0.1, factor: 0.5, every: 10 }: 0.1 for steps 0-9, 0.05 for 10-19, ...
 */
export function stepDecay(options: { initial: number; factor: number; every: number }): Schedule {
  const initial = nonNegative('stepDecay', 'initial', options.initial);
  const factor = nonNegative('stepDecay', 'factor', options.factor);
  const every = integer('stepDecay', 'every', options.every, 1);
  return (step) => {
    checkStep('stepDecay', step);
    return initial * factor ** Math.floor(step / every);
  };
}

/**
 * Exponential decay: `initial * rate^(step / decaySteps)`, with the exponent
 * floored when `staircase` (TensorFlow's exponential_decay).
 */
export function exponentialDecay(options: { initial: number; rate: number; decaySteps: number; staircase?: boolean }): Schedule {
  const initial = nonNegative('exponentialDecay', 'initial', options.initial);
  const rate = nonNegative('exponentialDecay', 'rate', options.rate);
  const decaySteps = positive('exponentialDecay', 'decaySteps', options.decaySteps);
  const staircase = options.staircase ?? false;
  return (step) => {
    checkStep('exponentialDecay', step);
    const p = step / decaySteps;
    return initial * rate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * Linear warm-up from `initial` (default 0) at step 0 to `peak` at step
 * `warmupSteps`: `initial + (peak - initial) * step / warmupSteps`. After that,
 * `then(step - warmupSteps)` when given (e.g. a decay that starts at peak),
 * otherwise `peak`. Warm-up keeps early, badly-scaled adaptive updates small
 * (Goyal et al. 2017). With initial 0, step 0 makes no update, as in Keras.
 */
export function linearWarmup(options: { peak: number; warmupSteps: number; initial?: number; then?: Schedule }): Schedule {
  const peak = nonNegative('linearWarmup', 'peak', options.peak);
  const warmupSteps = integer('linearWarmup', 'warmupSteps', options.warmupSteps, 1);
  const initial = nonNegative('linearWarmup', 'initial', options.initial ?? 0);
  const then = options.then;
  return (step) => {
    checkStep('linearWarmup', step);
    if (step < warmupSteps) return initial + ((peak - initial) * step) / warmupSteps;
    return then ? then(step - warmupSteps) : peak;
  };
}

/**
 * Cosine decay with optional linear warm-up (Loshchilov & Hutter 2017,
 * without restarts; Keras's CosineDecay):
 *
 *     step < warmupSteps:  initial + (peak - initial) * step / warmupSteps
 *     otherwise, s = min(step - warmupSteps, decaySteps):
 *                          final + (peak - final) * (1 + cos(pi * s / decaySteps)) / 2
 *
 * It reaches `final` (default 0) after warmupSteps + decaySteps and stays there.
 */
export function cosineDecay(options: { peak: number; decaySteps: number; warmupSteps?: number; initial?: number; final?: number }): Schedule {
  const peak = nonNegative('cosineDecay', 'peak', options.peak);
  const decaySteps = integer('cosineDecay', 'decaySteps', options.decaySteps, 1);
  const warmupSteps = integer('cosineDecay', 'warmupSteps', options.warmupSteps ?? 0, 0);
  const initial = nonNegative('cosineDecay', 'initial', options.initial ?? 0);
  const final = nonNegative('cosineDecay', 'final', options.final ?? 0);
  return (step) => {
    checkStep('cosineDecay', step);
    if (step < warmupSteps) return initial + ((peak - initial) * step) / warmupSteps;
    const s = Math.min(step - warmupSteps, decaySteps);
    return final + ((peak - final) * (1 + Math.cos((Math.PI * s) / decaySteps))) / 2;
  };
}

/**
 * One-cycle (Smith & Topin 2018), in PyTorch's two-phase OneCycleLR form:
 * from maxLr / divFactor up to maxLr over the first pctStart of totalSteps,
 * then down to maxLr / (divFactor * finalDivFactor) at step totalSteps - 1,
 * annealing by cosine (default) or linearly:
 *
 *     up:    phase ends at step u = pctStart * totalSteps - 1, p = step / u
 *     down:  p = (step - u) / (totalSteps - 1 - u)
 *     cos:   lr = end + (start - end) * (1 + cos(pi * p)) / 2
 *     linear: lr = start + (end - start) * p
 *
 * Steps past the end hold the final rate (PyTorch raises instead).
 */
export function oneCycle(options: {
  maxLr: number;
  totalSteps: number;
  pctStart?: number;
  divFactor?: number;
  finalDivFactor?: number;
  anneal?: 'cos' | 'linear';
}): Schedule {
  const maxLr = nonNegative('oneCycle', 'maxLr', options.maxLr);
  const totalSteps = integer('oneCycle', 'totalSteps', options.totalSteps, 2);
  const pctStart = finiteNumber('oneCycle', 'pctStart', options.pctStart ?? 0.3);
  const divFactor = positive('oneCycle', 'divFactor', options.divFactor ?? 25);
  const finalDivFactor = positive('oneCycle', 'finalDivFactor', options.finalDivFactor ?? 1e4);
  const anneal = options.anneal ?? 'cos';
  if (anneal !== 'cos' && anneal !== 'linear') throw new ArgumentError(`oneCycle: option 'anneal' must be 'cos' or 'linear', got ${JSON.stringify(anneal)}`);
  const upEnd = pctStart * totalSteps - 1;
  const downEnd = totalSteps - 1;
  if (!(upEnd > 0 && upEnd < downEnd)) {
    throw new ArgumentError(`oneCycle: option 'pctStart' ${pctStart} leaves no room for both phases over ${totalSteps} steps - use a value in (1/totalSteps, 1)`);
  }
  const initial = maxLr / divFactor;
  const minLr = initial / finalDivFactor;
  const interpolate = (start: number, end: number, p: number) =>
    anneal === 'cos' ? end + ((start - end) * (1 + Math.cos(Math.PI * p))) / 2 : start + (end - start) * p;
  return (step) => {
    checkStep('oneCycle', step);
    if (step <= upEnd) return interpolate(initial, maxLr, step / upEnd);
    return interpolate(maxLr, minLr, Math.min(1, (step - upEnd) / (downEnd - upEnd)));
  };
}
