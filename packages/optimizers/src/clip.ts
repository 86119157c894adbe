import { add, cast, clip, div, maximum, mul, scalar, sqrt, square, sum, type Tensor } from '@neurite/core';
import { positive } from './options.js';

/**
 * Gradient clipping. Each function returns new tensors (call it inside
 * `tidy`) and never reads values back: the scale factors stay tensors, so
 * clipping costs no synchronisation with the backend.
 */

/** Each element limited to [-clipValue, clipValue]. Changes the direction of the gradient; norm clipping does not. */
export function clipByValue(grads: readonly Tensor[], clipValue: number): Tensor[] {
  positive('clipByValue', 'clipValue', clipValue);
  return grads.map((g) => clip(g, -clipValue, clipValue));
}

/** sqrt(sum(g^2)) as a rank-0 tensor. */
export function l2Norm(g: Tensor): Tensor {
  return sqrt(sum(square(g)));
}

/**
 * g * maxNorm / max(||g||, maxNorm): unchanged when its L2 norm is at most
 * maxNorm, otherwise rescaled to norm maxNorm (TensorFlow's clip_by_norm).
 */
export function clipByNorm(g: Tensor, maxNorm: number): Tensor {
  positive('clipByNorm', 'maxNorm', maxNorm);
  const norm = l2Norm(g);
  return mul(g, div(maxNorm, maximum(norm, maxNorm)));
}

/** sqrt(sum over tensors of sum(g^2)): the norm of all gradients seen as one vector. */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  // float64 when any gradient is float64 (add promotes), so mixed lists are summed at the wider precision.
  let total: Tensor = scalar(0);
  for (const g of grads) total = add(total, sum(square(g)));
  return sqrt(total);
}

/**
 * Scales every gradient by clipNorm / max(globalNorm, clipNorm) (TensorFlow's
 * clip_by_global_norm; Pascanu et al. 2013): the update keeps its direction
 * and its length is at most clipNorm. Also returns the global norm before
 * clipping (worth logging: spikes show instability). A non-finite norm gives
 * non-finite gradients, as in TensorFlow, so a NaN guard sees the problem.
 */
export function clipByGlobalNorm(grads: readonly Tensor[], clipNorm: number): { grads: Tensor[]; norm: Tensor } {
  positive('clipByGlobalNorm', 'clipNorm', clipNorm);
  const norm = globalNorm(grads);
  const scale = div(clipNorm, maximum(norm, clipNorm));
  return { grads: grads.map((g) => mul(g, scale.dtype === g.dtype ? scale : cast(scale, g.dtype))), norm };
}
