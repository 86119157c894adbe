import { ArgumentError, Random, type Tensor } from '@neurite/core';
import { positiveInt } from '../inputs.js';
import { weightedLeastSquares } from '../linalg.js';
import type { Explainable } from '../model-fn.js';
import { playGames, type GameOptions, type ShapleyResult } from './setup.js';

export interface LimeOptions extends GameOptions {
  /** Perturbed samples per example (the first is the unperturbed input). Default 1000. */
  samples?: number;
  /**
   * Width sigma of the exponential kernel exp(-d^2 / sigma^2), where d is the
   * distance of a sample from the input in the interpretable space: d =
   * sqrt(players absent / players), from 0 (the input) to 1 (all absent).
   * Default 0.75, which is LIME's tabular default (0.75 sqrt(M) on the
   * unnormalised distance).
   */
  kernelWidth?: number;
  /** Ridge penalty of the surrogate (not on the intercept). Default 1e-3. */
  alpha?: number;
  seed?: number;
}

export interface LimeResult extends ShapleyResult {
  /** The surrogate's intercept per example. */
  intercepts: Float64Array;
  /** Weighted R^2 of the surrogate per example: how well a linear model explains the samples. */
  scores: Float64Array;
}

/**
 * LIME (Ribeiro et al. 2016): a weighted ridge regression of the model's
 * output on binary "player present" indicators, fitted on random
 * perturbations (each player present with probability 1/2, absent ones
 * replaced as in `GameOptions`) weighted by proximity to the input.
 * `playerValues` are the surrogate's coefficients. `baseValues` is v(empty).
 */
export function lime(model: Explainable, x: Tensor, options: LimeOptions = {}): LimeResult {
  const op = 'lime';
  const samples = positiveInt(op, 'samples', options.samples ?? 1000);
  const width = options.kernelWidth ?? 0.75;
  const alpha = options.alpha ?? 1e-3;
  if (!(width > 0)) throw new ArgumentError(`${op}: kernelWidth must be positive, got ${width}`);
  if (!(alpha >= 0)) throw new ArgumentError(`${op}: alpha must be >= 0, got ${alpha}`);
  const random = new Random(options.seed ?? 0);
  const intercepts: number[] = [];
  const scores: number[] = [];
  const result = playGames(op, model, x, options, (game) => {
    const m = game.players.count;
    // Two fixed rows: the empty coalition (for baseValues) and the input itself; then random ones.
    const count = samples + 1;
    const coalitions = new Uint8Array(count * m);
    coalitions.fill(1, m, 2 * m);
    for (let r = 2; r < count; r++) for (let p = 0; p < m; p++) coalitions[r * m + p] = random.next() < 0.5 ? 1 : 0;
    const v = game.values(coalitions, count);
    const rows = count - 1;
    const z = new Float64Array(rows * m);
    const y = new Float64Array(rows);
    const w = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let absent = 0;
      for (let p = 0; p < m; p++) {
        z[r * m + p] = coalitions[(r + 1) * m + p];
        absent += 1 - coalitions[(r + 1) * m + p];
      }
      y[r] = v[r + 1];
      w[r] = Math.exp(-(absent / m) / (width * width));
    }
    // Centre by the weighted means so the intercept is not penalised.
    let wSum = 0;
    for (const wi of w) wSum += wi;
    const zMean = new Float64Array(m);
    let yMean = 0;
    for (let r = 0; r < rows; r++) {
      yMean += (w[r] * y[r]) / wSum;
      for (let p = 0; p < m; p++) zMean[p] += (w[r] * z[r * m + p]) / wSum;
    }
    const zc = new Float64Array(rows * m);
    const yc = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      yc[r] = y[r] - yMean;
      for (let p = 0; p < m; p++) zc[r * m + p] = z[r * m + p] - zMean[p];
    }
    const beta = weightedLeastSquares(zc, yc, w, m, alpha);
    let intercept = yMean;
    for (let p = 0; p < m; p++) intercept -= beta[p] * zMean[p];
    let ssRes = 0;
    let ssTot = 0;
    for (let r = 0; r < rows; r++) {
      let pred = 0;
      for (let p = 0; p < m; p++) pred += beta[p] * zc[r * m + p];
      ssRes += w[r] * (yc[r] - pred) ** 2;
      ssTot += w[r] * yc[r] ** 2;
    }
    intercepts.push(intercept);
    scores.push(ssTot > 0 ? 1 - ssRes / ssTot : 1);
    return { phi: beta, base: v[0], full: v[1] };
  });
  return { ...result, intercepts: Float64Array.from(intercepts), scores: Float64Array.from(scores) };
}
