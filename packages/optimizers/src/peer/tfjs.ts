/**
 * The peer: @tensorflow/tfjs-core's optimizers on its cpu backend. Test
 * support only (devDependencies); see backend-js/src/peer/tfjs.ts for why the
 * imports look like this.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs registers its backend by side-effect import; that is its API, not ours.
import '@tensorflow/tfjs-backend-cpu';
import type { Problem } from './harness.js';

export { tf };

export async function startTf(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
}

let uid = 0;

/** Parameter values after each step with a tfjs optimizer (float32: tfjs has no float64). */
export function runTf(opt: tf.Optimizer, problem: Problem): number[][][] {
  const vars = problem.params.map((p) => tf.variable(tf.tensor1d(p), true, `tfparam${uid++}`));
  const history: number[][][] = [];
  for (const stepGrads of problem.grads) {
    tf.tidy(() => opt.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor1d(stepGrads[i])]))));
    history.push(vars.map((v) => Array.from(v.dataSync())));
  }
  vars.forEach((v) => v.dispose());
  opt.dispose();
  return history;
}
