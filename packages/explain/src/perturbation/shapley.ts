import { ArgumentError, Random, type Tensor } from '@neurite/core';
import { positiveInt } from '../inputs.js';
import type { Explainable } from '../model-fn.js';
import { weightedLeastSquares } from '../linalg.js';
import { playGames, type GameOptions, type ShapleyResult } from './setup.js';

export type { GameOptions, ShapleyResult } from './setup.js';

/** Most players exact enumeration accepts: 2^12 = 4096 coalitions per example. */
export const MAX_EXACT_PLAYERS = 12;

function bits(mask: number, m: number, into: Uint8Array, offset: number): void {
  for (let p = 0; p < m; p++) into[offset + p] = (mask >> p) & 1;
}

/**
 * Exact Shapley values by enumerating all 2^M coalitions of the M players
 * (feature groups), one batched evaluation per example:
 * phi_i = sum over S not containing i of |S|! (M - |S| - 1)! / M! (v(S + i) - v(S)).
 */
export function exactShapley(model: Explainable, x: Tensor, options: GameOptions = {}): ShapleyResult {
  const op = 'exactShapley';
  return playGames(op, model, x, options, (game) => {
    const m = game.players.count;
    if (m > MAX_EXACT_PLAYERS) throw new ArgumentError(`${op}: ${m} players need 2^${m} coalitions; enumeration stops at ${MAX_EXACT_PLAYERS} - group features with featureMask, or use kernelShap or shapleySampling`);
    const count = 2 ** m;
    const coalitions = new Uint8Array(count * m);
    for (let s = 0; s < count; s++) bits(s, m, coalitions, s * m);
    const v = game.values(coalitions, count);
    const weight = shapleyWeights(m);
    const phi = new Float64Array(m);
    for (let s = 0; s < count; s++) {
      const size = popcount(s);
      for (let i = 0; i < m; i++) {
        if (s & (1 << i)) continue;
        phi[i] += weight[size] * (v[s | (1 << i)] - v[s]);
      }
    }
    return { phi, base: v[0], full: v[count - 1] };
  });
}

/** |S|! (M - |S| - 1)! / M! for |S| = 0..M-1. */
function shapleyWeights(m: number): Float64Array {
  const w = new Float64Array(m);
  for (let s = 0; s < m; s++) {
    // 1 / (M * C(M-1, s)), computed without factorials.
    let c = 1;
    for (let k = 1; k <= s; k++) c = (c * (m - 1 - s + k)) / k;
    w[s] = 1 / (m * c);
  }
  return w;
}

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

export interface ShapleySamplingOptions extends GameOptions {
  /** Random permutations of the players. Default 100. */
  permutations?: number;
  /** Also walk each permutation reversed (antithetic sampling, lower variance). Default true. */
  antithetic?: boolean;
  seed?: number;
}

/**
 * Shapley value sampling (Castro et al. 2009): the mean, over random
 * orderings of the players, of each player's marginal contribution when it
 * joins those before it. Unbiased; all M + 1 prefixes of every permutation
 * go into one batched evaluation. Efficiency holds exactly for every sample.
 */
export function shapleySampling(model: Explainable, x: Tensor, options: ShapleySamplingOptions = {}): ShapleyResult {
  const op = 'shapleySampling';
  const perms = positiveInt(op, 'permutations', options.permutations ?? 100);
  const random = new Random(options.seed ?? 0);
  return playGames(op, model, x, options, (game) => {
    const m = game.players.count;
    const orders: Int32Array[] = [];
    for (let p = 0; p < perms; p++) {
      const order = random.shuffle(Int32Array.from({ length: m }, (_, i) => i));
      orders.push(order);
      if (options.antithetic ?? true) orders.push(order.slice().reverse());
    }
    const count = orders.length * (m + 1);
    const coalitions = new Uint8Array(count * m);
    orders.forEach((order, p) => {
      for (let k = 1; k <= m; k++) {
        const o = (p * (m + 1) + k) * m;
        coalitions.set(coalitions.subarray(o - m, o), o);
        coalitions[o + order[k - 1]] = 1;
      }
    });
    const v = game.values(coalitions, count);
    const phi = new Float64Array(m);
    orders.forEach((order, p) => {
      for (let k = 1; k <= m; k++) phi[order[k - 1]] += (v[p * (m + 1) + k] - v[p * (m + 1) + k - 1]) / orders.length;
    });
    return { phi, base: v[0], full: v[m] };
  });
}

export interface KernelShapOptions extends GameOptions {
  /**
   * Coalitions to evaluate besides the empty and full ones. When all
   * 2^M - 2 fit, they are enumerated and the result is exact; otherwise this
   * many are sampled from the Shapley kernel. Default 2048.
   */
  samples?: number;
  seed?: number;
}

export interface KernelShapResult extends ShapleyResult {
  /** True when every coalition was evaluated (the values are the exact Shapley values). */
  exact: boolean;
}

/**
 * KernelSHAP (Lundberg and Lee 2017): Shapley values as the weighted least
 * squares fit of v(S) - v(empty) by sum over S of phi_i, with the Shapley
 * kernel weight (M - 1) / (C(M, |S|) |S| (M - |S|)) and the efficiency
 * constraint sum(phi) = v(all) - v(empty) = f(x) - E[f] enforced exactly (by
 * eliminating the last player). With every coalition this is the exact
 * Shapley value. Sampled coalitions are drawn with probability proportional
 * to their kernel weight (sizes by total weight, then uniform subsets, each
 * with its complement) and then weighted equally.
 */
export function kernelShap(model: Explainable, x: Tensor, options: KernelShapOptions = {}): KernelShapResult {
  const op = 'kernelShap';
  const samples = positiveInt(op, 'samples', options.samples ?? 2048);
  const random = new Random(options.seed ?? 0);
  let exact = true;
  const result = playGames(op, model, x, options, (game) => {
    const m = game.players.count;
    const inner = m <= 30 ? 2 ** m - 2 : Infinity;
    const all = inner <= samples;
    exact &&= all;
    const count = (all ? inner : samples + (samples % 2)) + 2;
    const coalitions = new Uint8Array(count * m);
    const weights = new Float64Array(count);
    // Row 0: empty, row 1: full; then the coalitions of the regression.
    coalitions.fill(1, m, 2 * m);
    if (all) {
      for (let s = 1; s <= inner; s++) {
        bits(s, m, coalitions, (s + 1) * m);
        weights[s + 1] = kernelWeight(m, popcount(s));
      }
    } else {
      const sizeWeights = Array.from({ length: m - 1 }, (_, k) => (m - 1) / ((k + 1) * (m - k - 1)));
      const total = sizeWeights.reduce((a, b) => a + b, 0);
      for (let r = 2; r < count; r += 2) {
        let u = random.next() * total;
        let size = 1;
        while (size < m - 1 && u >= sizeWeights[size - 1]) u -= sizeWeights[size++ - 1];
        const order = Int32Array.from({ length: m }, (_, i) => i);
        for (let i = 0; i < size; i++) {
          const j = i + random.int(m - i);
          [order[i], order[j]] = [order[j], order[i]];
          coalitions[r * m + order[i]] = 1;
        }
        for (let p = 0; p < m; p++) coalitions[(r + 1) * m + p] = 1 - coalitions[r * m + p];
        weights[r] = 1;
        weights[r + 1] = 1;
      }
    }
    const v = game.values(coalitions, count);
    const base = v[0];
    const full = v[1];
    const total = full - base;
    const phi = new Float64Array(m);
    if (m === 1) {
      phi[0] = total;
      return { phi, base, full };
    }
    // y - z_last * total = sum_{i < last} phi_i (z_i - z_last).
    const k = m - 1;
    const rowsUsed = count - 2;
    const z = new Float64Array(rowsUsed * k);
    const y = new Float64Array(rowsUsed);
    const w = weights.subarray(2);
    for (let r = 0; r < rowsUsed; r++) {
      const o = (r + 2) * m;
      const last = coalitions[o + m - 1];
      for (let i = 0; i < k; i++) z[r * k + i] = coalitions[o + i] - last;
      y[r] = v[r + 2] - base - last * total;
    }
    const beta = weightedLeastSquares(z, y, w, k);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      phi[i] = beta[i];
      sum += beta[i];
    }
    phi[k] = total - sum;
    return { phi, base, full };
  });
  return { ...result, exact };
}

/** The Shapley kernel weight of a coalition of `s` of `m` players (0 < s < m). */
export function kernelWeight(m: number, s: number): number {
  let c = 1;
  for (let k = 1; k <= s; k++) c = (c * (m - s + k)) / k;
  return (m - 1) / (c * s * (m - s));
}
