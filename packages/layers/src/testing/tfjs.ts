/**
 * The peer: @tensorflow/tfjs-core on its cpu backend. Test support only
 * (devDependencies); not shipped.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs registers its backend by side-effect import; that is its API, not ours.
import '@tensorflow/tfjs-backend-cpu';
// The tfjs-core package entry leaves gradients out; the peer differentiates, so register them.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

export { tf };

export async function startTf(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
}
