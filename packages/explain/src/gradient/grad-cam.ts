import { ShapeError, grad, sum, tensor, tidy, type Tensor } from '@neurite/core';
import type { Model } from '@neurite/layers';
import { readRows } from '../inputs.js';
import { cutAt } from '../layer-output.js';
import { selectTarget, type Target } from '../model-fn.js';
import { sliceTarget, Runner, type BatchOptions } from '../runner.js';

export interface GradCamOptions extends BatchOptions {
  /** The layer whose output `[N, H, W, C]` (NHWC) is weighted: usually the last convolution. */
  layer: string;
  target?: Target;
  /** Keep only positive evidence (the paper's ReLU). Default true. */
  relu?: boolean;
}

export interface GradCamResult {
  /** `[N, H, W]`: the class activation map at the layer's resolution (see `upsample` to overlay it on the input). */
  shape: [number, number, number];
  values: Float32Array;
  modelCalls: number;
  evaluations: number;
}

/**
 * Grad-CAM (Selvaraju et al. 2017): each channel of the chosen layer's
 * output A is weighted by the spatial mean of d(target)/dA over that
 * channel, and the weighted channels are summed (then ReLU). Works with any
 * layer whose output is `[N, H, W, C]`: a convolution, a pooling layer, or a
 * Reshape to an image.
 */
export function gradCam(model: Model, x: Tensor, options: GradCamOptions): GradCamResult {
  const op = 'gradCam';
  const cut = cutAt(op, model, options.layer);
  if (cut.shape.length !== 3) {
    throw new ShapeError(`${op}: layer '${options.layer}' outputs [N,${cut.shape.join(',')}], not [N,H,W,C] - pick a convolution or another layer with an image-shaped output`);
  }
  const [h, w, c] = cut.shape;
  const rows = readRows(op, x);
  const runner = new Runner(op, model, rows.featureShape, options);
  const values = new Float32Array(rows.n * h * w);
  const relu = options.relu ?? true;
  for (let start = 0; start < rows.n; start += runner.rowsPerCall) {
    const n = Math.min(runner.rowsPerCall, rows.n - start);
    const t = sliceTarget(options.target, start, n);
    const [a, g] = tidy(() => {
      const xb = tensor(rows.data.subarray(start * rows.featureSize, (start + n) * rows.featureSize), [n, ...rows.featureShape]);
      const act = cut.inner(xb);
      const da = grad((ai: Tensor) => sum(selectTarget(op, cut.outer(xb, ai), t)))(act);
      return [act.dataSync(), da.dataSync()] as const;
    });
    runner.calls++;
    runner.rows += n;
    const hw = h * w;
    for (let i = 0; i < n; i++) {
      const weights = new Float64Array(c);
      for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) weights[k] += g[(i * hw + p) * c + k] / hw;
      for (let p = 0; p < hw; p++) {
        let s = 0;
        for (let k = 0; k < c; k++) s += weights[k] * a[(i * hw + p) * c + k];
        values[(start + i) * hw + p] = relu ? Math.max(0, s) : s;
      }
    }
  }
  return { shape: [rows.n, h, w], values, modelCalls: runner.calls, evaluations: runner.rows };
}

/** Bilinear resize of `n` maps of h x w to outH x outW (align-corners), to overlay a map on its input. */
export function upsample(values: Float32Array, n: number, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(n * outH * outW);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < outH; y++) {
      const sy = outH === 1 ? 0 : (y * (h - 1)) / (outH - 1);
      const y0 = Math.floor(sy);
      const y1 = Math.min(h - 1, y0 + 1);
      const fy = sy - y0;
      for (let x = 0; x < outW; x++) {
        const sx = outW === 1 ? 0 : (x * (w - 1)) / (outW - 1);
        const x0 = Math.floor(sx);
        const x1 = Math.min(w - 1, x0 + 1);
        const fx = sx - x0;
        const at = (yy: number, xx: number) => values[i * h * w + yy * w + xx];
        out[i * outH * outW + y * outW + x] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x1)) + fy * ((1 - fx) * at(y1, x0) + fx * at(y1, x1));
      }
    }
  }
  return out;
}
