import { tensor, tidy } from '@neurite/core';
import type { ModelFunction } from '../model-fn.js';

/** All outputs of the model for rows in JS memory, `perCall` rows at a time. */
export function predictRows(fn: ModelFunction, data: Float32Array, n: number, featureShape: readonly number[], perCall: number): { values: Float32Array; outputsPerExample: number; calls: number } {
  const d = featureShape.reduce((a, b) => a * b, 1);
  let values = new Float32Array(0);
  let k = 1;
  let calls = 0;
  for (let start = 0; start < n; start += perCall) {
    const c = Math.min(perCall, n - start);
    const out = tidy(() => {
      const y = fn(tensor(data.subarray(start * d, (start + c) * d), [c, ...featureShape]));
      return { shape: y.shape, data: y.dataSync() };
    });
    calls++;
    if (start === 0) {
      k = out.shape.slice(1).reduce((a, b) => a * b, 1);
      values = new Float32Array(n * k);
    }
    values.set(out.data, start * k);
  }
  return { values, outputsPerExample: k, calls };
}
