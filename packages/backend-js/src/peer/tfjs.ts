/**
 * The peer: @tensorflow/tfjs-core on its cpu backend, and the conversions
 * between its tensors and Neurite's. Test support only (devDependencies).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs registers by side-effect import; that is its API, not ours. The cpu backend and its kernels:
import '@tensorflow/tfjs-backend-cpu';
// Gradients and tensor methods are not registered by tfjs-core's Node bundle (the
// @tensorflow/tfjs union package pulls these two modules in). They are ES modules that
// vitest transforms: a second copy of tfjs-core's op modules, registering into the same
// global engine and registries, which costs about 5 s of import per run. The tensor
// methods are needed by tfjs's own prod gradient (x.reshape).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import { listBackends, setBackend, type Tensor } from '@neurite/core';
import { register } from '../index.js';

export { tf };

/**
 * Neurite on backend-js and tfjs on 'cpu', both active. `enableProdMode` is
 * tfjs's documented switch for its console hints (the tfjs-node advert on the
 * first tensor); in 4.22 it changes nothing else.
 */
export async function startPeers(): Promise<void> {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
  tf.enableProdMode();
  await tf.setBackend('cpu');
}

/** The same values as a tfjs tensor. tfjs has no float64: only float32 and int32 are compared. */
export function toTf(t: Tensor): tf.Tensor {
  if (t.dtype === 'float64') throw new Error('toTf: tfjs has no float64 - compare float32 tensors');
  return tf.tensor(t.dataSync(), [...t.shape], t.dtype);
}

/** tfjs returns a tensor or a list of them; so may our side. */
export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
