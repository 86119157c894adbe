/** Test support: a tiny separable data set for the runtime tests. Not shipped (tsconfig excludes src/testing). */
import type { ClientData, ModelSpec } from '../runtime/task.js';

/** The model the runtime tests train on `blobs`. */
export const BLOBS_MODEL: ModelSpec = { kind: 'mlp', inputs: 4, hidden: [6], outputs: 3 };

/** Three noisy clusters in 4-D, `n` examples, the same for the same seed. */
export function blobs(n: number, seed: number): ClientData {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === y[i] ? 2 : 0) + 0.5 * rand();
  }
  return { x, y };
}
