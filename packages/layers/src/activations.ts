import { ArgumentError, elu, gelu, identity, leakyRelu, relu, selu, sigmoid, softmax, tanh, type Tensor } from '@neurite/core';

export type ActivationName = 'linear' | 'relu' | 'leakyRelu' | 'elu' | 'selu' | 'gelu' | 'sigmoid' | 'tanh' | 'softmax';

/**
 * The logits under each softmax activation's output, so that a cross-entropy
 * loss on those probabilities can run as one fused, exact
 * softmaxCrossEntropyWithLogits instead of softmax, clip, log, multiply and
 * sum (what Keras does for a softmax output, too). Weak: an entry goes with
 * its probabilities.
 */
const softmaxInputs = new WeakMap<Tensor, Tensor>();

/** The logits `probabilities` came from, when a softmax activation made them and the logits are still alive. */
export function logitsOf(probabilities: Tensor): Tensor | undefined {
  const z = softmaxInputs.get(probabilities);
  return z && !z.isDisposed ? z : undefined;
}

/** Activation functions by name; `alpha` is leakyRelu's slope. Softmax is over the last axis. */
const table: Record<ActivationName, (x: Tensor, alpha: number) => Tensor> = {
  // identity, not x itself: a layer's output must be a new handle the caller can dispose.
  linear: (x) => identity(x),
  relu: (x) => relu(x),
  leakyRelu: (x, alpha) => leakyRelu(x, alpha),
  elu: (x) => elu(x),
  selu: (x) => selu(x),
  gelu: (x) => gelu(x),
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => tanh(x),
  softmax: (x) => {
    const p = softmax(x, -1);
    softmaxInputs.set(p, x);
    return p;
  },
};

export const ACTIVATIONS = Object.freeze(Object.keys(table)) as readonly ActivationName[];

export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && Object.hasOwn(table, name);
}

export function checkActivation(where: string, name: unknown): ActivationName {
  if (!isActivationName(name)) throw new ArgumentError(`${where}: unknown activation '${String(name)}' - one of ${ACTIVATIONS.join(', ')}`);
  return name;
}

export function activate(name: ActivationName, x: Tensor, alpha = 0.2): Tensor {
  return table[name](x, alpha);
}
