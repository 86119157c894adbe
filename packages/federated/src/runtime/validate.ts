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
  for (let k = 0; k < global.length; k++) sq += isUpdate ? squaredNorm(parts[k].values) : squaredDistance(parts[k].values, global[k].values);
  // A NaN or an infinity anywhere makes the sum non-finite (float32 values squared cannot overflow a float64 sum of this size): only then look for it.
  if (!Number.isFinite(sq)) {
    for (let k = 0; k < global.length; k++) {
      const i = parts[k].values.findIndex((v) => !Number.isFinite(v));
      if (i >= 0) return `${isUpdate ? 'update of ' : ''}weight '${global[k].name}' holds ${parts[k].values[i]} at index ${i}`;
    }
  }
  const norm = Math.sqrt(sq);
  if (!(norm <= max)) return `the update's norm ${norm.toExponential(3)} exceeds the limit ${max}`;
  return null;
}

// Four partial sums a step (independent additions pipeline); the order of a float64 sum changes only its last bits.
function squaredDistance(p: Float32Array, g: Float32Array): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  const len = p.length;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const d0 = p[i] - g[i];
    const d1 = p[i + 1] - g[i + 1];
    const d2 = p[i + 2] - g[i + 2];
    const d3 = p[i + 3] - g[i + 3];
    a += d0 * d0;
    b += d1 * d1;
    c += d2 * d2;
    e += d3 * d3;
  }
  for (; i < len; i++) {
    const d = p[i] - g[i];
    a += d * d;
  }
  return a + b + c + e;
}

function squaredNorm(p: Float32Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i] * p[i];
  return s;
}
