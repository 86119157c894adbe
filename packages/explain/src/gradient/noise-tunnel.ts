import { ArgumentError, Random, tensor, type Tensor } from '@neurite/core';
import { readRows, positiveInt, type Attribution } from '../inputs.js';
import { repeatTarget, type Target } from '../model-fn.js';

/** How the attributions of the noisy copies are combined. */
export type NoiseTunnelKind = 'smoothGrad' | 'smoothGradSquared' | 'varGrad';

export interface NoiseTunnelOptions {
  target?: Target;
  /** Noisy copies per example. Default 25. */
  samples?: number;
  /**
   * Standard deviation of the Gaussian noise, in input units. Default: 15% of
   * each example's value range (max - min), the level Smilkov et al. 2017 found
   * to give sharp maps.
   */
  stdev?: number;
  /** 'smoothGrad' (mean), 'smoothGradSquared' (mean of squares) or 'varGrad' (variance). Default 'smoothGrad'. */
  kind?: NoiseTunnelKind;
  seed?: number;
}

/**
 * The attribution method a noise tunnel wraps: given a batch and the target
 * for each of its rows, its attributions (saliency, integrated gradients...).
 */
export type AttributionMethod = (x: Tensor, target: Target) => Attribution;

/**
 * Noise tunnel (SmoothGrad, Smilkov et al. 2017; VarGrad, Adebayo et al.
 * 2018): runs `method` once on a batch of `samples` noisy copies of every
 * example and combines each example's attributions.
 */
export function noiseTunnel(method: AttributionMethod, x: Tensor, options: NoiseTunnelOptions = {}): Attribution {
  const op = 'noiseTunnel';
  const rows = readRows(op, x);
  const { n, featureSize: d, data } = rows;
  const s = positiveInt(op, 'samples', options.samples ?? 25);
  const kind = options.kind ?? 'smoothGrad';
  if (!['smoothGrad', 'smoothGradSquared', 'varGrad'].includes(kind)) throw new ArgumentError(`${op}: unknown kind '${kind}' - smoothGrad, smoothGradSquared or varGrad`);
  if (options.stdev !== undefined && !(options.stdev >= 0)) throw new ArgumentError(`${op}: stdev must be >= 0, got ${options.stdev}`);
  const random = new Random(options.seed ?? 0);
  const noisy = new Float32Array(n * s * d);
  for (let i = 0; i < n; i++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = 0; j < d; j++) {
      lo = Math.min(lo, data[i * d + j]);
      hi = Math.max(hi, data[i * d + j]);
    }
    const sigma = options.stdev ?? 0.15 * (hi - lo);
    for (let k = 0; k < s; k++) {
      const o = (i * s + k) * d;
      for (let j = 0; j < d; j++) noisy[o + j] = data[i * d + j] + sigma * random.normal();
    }
  }
  const batch = tensor(noisy, [n * s, ...rows.featureShape]);
  let inner: Attribution;
  try {
    inner = method(batch, repeatTarget(options.target, n, s));
  } finally {
    batch.dispose();
  }
  const values = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let sum = 0;
      let sumSq = 0;
      for (let k = 0; k < s; k++) {
        const a = inner.values[(i * s + k) * d + j];
        sum += a;
        sumSq += a * a;
      }
      const mean = sum / s;
      values[i * d + j] = kind === 'smoothGrad' ? mean : kind === 'smoothGradSquared' ? sumSq / s : Math.max(0, sumSq / s - mean * mean);
    }
  }
  return { shape: [n, ...rows.featureShape], values, modelCalls: inner.modelCalls, evaluations: inner.evaluations };
}
