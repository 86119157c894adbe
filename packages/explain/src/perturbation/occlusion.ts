import { ArgumentError, type Tensor } from '@neurite/core';
import { baselineRows, readRows, type Attribution, type Baseline } from '../inputs.js';
import type { Explainable, Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';
import { targetOf } from './game.js';

export interface OcclusionOptions extends BatchOptions {
  target?: Target;
  /** Window size per feature axis (for an image [H, W, C]: e.g. [4, 4, C]). */
  window: readonly number[];
  /** Step per feature axis, at most the window where the window is shorter than the axis. Default: the window (no overlap). */
  strides?: readonly number[];
  /** What fills the window: a number, one example, or one per example. Default 0. */
  baseline?: Baseline;
}

/**
 * Occlusion (Zeiler and Fergus 2014): slide a window over the input,
 * replace it by the baseline, and give every element the drop in the target
 * output f(x) - f(x occluded), averaged over the windows that cover it. All
 * window positions of an example go into one batched evaluation.
 *
 * Windows start at 0, stride, 2 stride, ... until one reaches the end of the
 * axis; that last one is cut at the edge (as in Captum), so every element is
 * covered by at least one window and none gets a silent 0.
 */
export function occlusion(model: Explainable, x: Tensor, options: OcclusionOptions): Attribution {
  const op = 'occlusion';
  const rows = readRows(op, x);
  const { n, featureSize: d, featureShape } = rows;
  const rank = featureShape.length;
  const window = [...options.window];
  const strides = [...(options.strides ?? window)];
  if (window.length !== rank || strides.length !== rank) {
    throw new ArgumentError(`${op}: window and strides need one entry per feature axis (${rank} for [${featureShape.join(',')}]), got [${window.join(',')}] and [${strides.join(',')}]`);
  }
  window.forEach((w, a) => {
    if (!Number.isInteger(w) || w < 1 || w > featureShape[a]) throw new ArgumentError(`${op}: window[${a}] must be 1..${featureShape[a]}, got ${w}`);
    if (!Number.isInteger(strides[a]) || strides[a] < 1) throw new ArgumentError(`${op}: strides[${a}] must be a positive integer, got ${strides[a]}`);
    if (strides[a] > w && w < featureShape[a]) {
      throw new ArgumentError(`${op}: strides[${a}] = ${strides[a]} is larger than window[${a}] = ${w}, so elements between windows would never be occluded and get 0 - use a stride of at most ${w}`);
    }
  });
  const positionsPerAxis = featureShape.map((s, a) => Math.ceil((s - window[a]) / strides[a]) + 1);
  const positions = positionsPerAxis.reduce((a, b) => a * b, 1);
  const elementStrides = featureShape.map((_, a) => featureShape.slice(a + 1).reduce((p, q) => p * q, 1));
  // The elements each window covers, as flat indices.
  const covered: Int32Array[] = [];
  for (let p = 0; p < positions; p++) {
    const start: number[] = [];
    let rest = p;
    for (let a = rank - 1; a >= 0; a--) {
      start[a] = (rest % positionsPerAxis[a]) * strides[a];
      rest = Math.floor(rest / positionsPerAxis[a]);
    }
    const cells: number[] = [];
    const walk = (a: number, offset: number) => {
      if (a === rank) return void cells.push(offset);
      const end = Math.min(start[a] + window[a], featureShape[a]);
      for (let k = start[a]; k < end; k++) walk(a + 1, offset + k * elementStrides[a]);
    };
    walk(0, 0);
    covered.push(Int32Array.from(cells));
  }
  const base = baselineRows(op, options.baseline, rows);
  const runner = new Runner(op, model, featureShape, options);
  const values = new Float32Array(n * d);
  const counts = new Float32Array(d);
  for (const cells of covered) for (const c of cells) counts[c]++;
  for (let i = 0; i < n; i++) {
    const xi = rows.data.subarray(i * d, (i + 1) * d);
    const data = new Float32Array((positions + 1) * d);
    data.set(xi, 0);
    covered.forEach((cells, p) => {
      const o = (p + 1) * d;
      data.set(xi, o);
      for (const c of cells) data[o + c] = base[i * d + c];
    });
    const f = runner.forward(data, positions + 1, targetOf(op, options.target, i, n));
    covered.forEach((cells, p) => {
      for (const c of cells) values[i * d + c] += f[0] - f[p + 1];
    });
    for (let j = 0; j < d; j++) values[i * d + j] /= counts[j];
  }
  return { shape: [n, ...featureShape], values, modelCalls: runner.calls, evaluations: runner.rows };
}
