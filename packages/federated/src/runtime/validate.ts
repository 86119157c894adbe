import { layoutMismatch, type Weights } from '../weights.js';
import type { FitRes } from './messages.js';

export interface UpdateLimits {
  /** Largest accepted L2 norm of a client's change ||w_i - w|| (default 1e6). */
  maxUpdateNorm?: number;
}

/**
 * Why a client's answer must not be aggregated, or null when it is sound:
 * wrong layout (names, shapes, sizes), a non-finite value, a bad example
 * count, or a change of absurd norm. Checked before any strategy sees it.
 */
export function rejectionReason(global: Weights, res: FitRes, limits: UpdateLimits = {}): string | null {
  if (res === null || typeof res !== 'object') return 'the answer is not an object';
  if (!(Number.isInteger(res.numExamples) && res.numExamples > 0)) return `numExamples is ${String(res.numExamples)}, expected an integer > 0`;
  const layout = layoutMismatch(global, res.params);
  if (layout) return layout;
  const max = limits.maxUpdateNorm ?? 1e6;
  let sq = 0;
  for (let k = 0; k < global.length; k++) {
    const g = global[k].values;
    const p = res.params[k].values;
    for (let i = 0; i < p.length; i++) {
      if (!Number.isFinite(p[i])) return `weight '${global[k].name}' holds ${p[i]} at index ${i}`;
      const d = p[i] - g[i];
      sq += d * d;
    }
  }
  const norm = Math.sqrt(sq);
  if (!(norm <= max)) return `the update's norm ${norm.toExponential(3)} exceeds the limit ${max}`;
  return null;
}
