import { layoutMismatch, type Weights } from '../weights.js';
import type { FitRes } from './messages.js';

export const DEFAULT_MAX_UPDATE_NORM = 1e6;
export const DEFAULT_MAX_EXAMPLES = 2 ** 24;

export interface UpdateLimits {
  /** Largest accepted L2 norm of a client's change ||w_i - w|| (default 1e6). */
  maxUpdateNorm?: number;
  /**
   * Most examples one client may report for a round (default 2^24): its
   * FedAvg weight. Under secure aggregation it also sizes the ring.
   */
  maxExamples?: number;
}

/**
 * Why a client's answer must not be aggregated, or null when it is sound:
 * wrong layout (names, shapes, sizes), a non-finite value, a bad example
 * count, or a change of absurd norm. Checked before any strategy sees it.
 * An answer may carry its new weights (`params`) or its change (`update`).
 */
export function rejectionReason(global: Weights, res: FitRes, limits: UpdateLimits = {}): string | null {
  if (res === null || typeof res !== 'object') return 'the answer is not an object';
  const maxExamples = limits.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  // A weight of 1e308 is an integer too: without the upper bound one answer would outweigh every other (or overflow the sum).
  if (!(Number.isSafeInteger(res.numExamples) && res.numExamples > 0 && res.numExamples <= maxExamples)) return `numExamples is ${String(res.numExamples)}, expected an integer in [1, ${maxExamples}] (limits.maxExamples)`;
  const isUpdate = res.update !== undefined;
  if (isUpdate && res.params !== undefined) return 'the answer has both params and update - send one of them';
  const parts = isUpdate ? res.update : res.params;
  const layout = layoutMismatch(global, parts);
  if (layout) return `${isUpdate ? 'update: ' : ''}${layout}`;
  const max = limits.maxUpdateNorm ?? DEFAULT_MAX_UPDATE_NORM;
  let sq = 0;
  for (let k = 0; k < global.length; k++) {
    const g = global[k].values;
    const p = parts[k].values;
    for (let i = 0; i < p.length; i++) {
      if (!Number.isFinite(p[i])) return `${isUpdate ? 'update of ' : ''}weight '${global[k].name}' holds ${p[i]} at index ${i}`;
      const d = isUpdate ? p[i] : p[i] - g[i];
      sq += d * d;
    }
  }
  const norm = Math.sqrt(sq);
  if (!(norm <= max)) return `the update's norm ${norm.toExponential(3)} exceeds the limit ${max}`;
  return null;
}
