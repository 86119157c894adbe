/** Test support (not shipped): small networks with weights known in JS, and a float64 reference of them. */
import { Random, tensor } from '@neurite/core';
import { dense, input, model, sequential, type ActivationName, type Model } from '@neurite/layers';

export interface Mlp {
  /** Weight matrices [in][out] and biases per layer. */
  weights: number[][][];
  biases: number[][];
  activations: ActivationName[];
}

export function randomMlp(sizes: number[], activations: ActivationName[], seed: number, scale = 1): Mlp {
  const r = new Random(seed);
  const weights: number[][][] = [];
  const biases: number[][] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const s = scale / Math.sqrt(sizes[l]);
    weights.push(Array.from({ length: sizes[l] }, () => Array.from({ length: sizes[l + 1] }, () => r.normal() * s)));
    biases.push(Array.from({ length: sizes[l + 1] }, () => r.normal() * 0.3));
  }
  return { weights, biases, activations };
}

/** The MLP as a layers model: Dense layers with the given activations (fused where Dense fuses them). */
export function toModel(net: Mlp): Model {
  const m = sequential(
    net.weights.map((w, l) => dense({ units: w[0].length, activation: net.activations[l], ...(l === 0 ? { inputShape: [w.length] } : {}) })),
  );
  const values = net.weights.flatMap((w, l) => [tensor(w), tensor(net.biases[l])]);
  m.setWeights(values);
  values.forEach((t) => t.dispose());
  return m;
}

const ACT: Record<string, (z: number) => number> = {
  linear: (z) => z,
  relu: (z) => Math.max(0, z),
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
};

/** Float64 forward pass; `pre` collects the pre-activations of every layer. */
export function forward64(net: Mlp, x: readonly number[], pre?: number[][]): number[] {
  let h = [...x];
  net.weights.forEach((w, l) => {
    const z = net.biases[l].map((b, o) => b + h.reduce((s, hi, i) => s + hi * w[i][o], 0));
    pre?.push(z);
    h = z.map(ACT[net.activations[l]]);
  });
  return h;
}

/** Central finite differences of output `k` in float64. */
export function finiteDifferences(net: Mlp, x: readonly number[], k: number, h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] += h;
    down[i] -= h;
    return (forward64(net, up)[k] - forward64(net, down)[k]) / (2 * h);
  });
}

/** The exact gradient of output k of a ReLU/linear MLP at x, in float64 (backprop by hand). */
export function reluGradient(net: Mlp, x: readonly number[], k: number): number[] {
  const pre: number[][] = [];
  forward64(net, x, pre);
  let g: number[] = net.biases[net.biases.length - 1].map((_, o) => (o === k ? 1 : 0));
  for (let l = net.weights.length - 1; l >= 0; l--) {
    const act = net.activations[l];
    const dz = g.map((gi, o) => (act === 'relu' ? (pre[l][o] > 0 ? gi : 0) : gi));
    g = net.weights[l].map((row) => row.reduce((s, w, o) => s + w * dz[o], 0));
  }
  return g;
}

/**
 * Exact integrated gradients of a ReLU MLP: along x(a) = b + a (x - b) the
 * network is linear between the points where some pre-activation crosses
 * zero. Those points are found by bisection on a fine grid of sign changes
 * (each pre-activation is piecewise linear in a), and the gradient is
 * constant on each piece, so the integral is a finite sum.
 */
export function exactReluIg(net: Mlp, x: readonly number[], b: readonly number[], k: number): number[] {
  const at = (a: number) => b.map((bi, i) => bi + a * (x[i] - bi));
  const signs = (a: number) => {
    const pre: number[][] = [];
    forward64(net, at(a), pre);
    return pre.flat().map((z) => z > 0);
  };
  const breaks = [0];
  const grid = 4096;
  for (let s = 0; s < grid; s++) {
    let lo = s / grid;
    let hi = (s + 1) / grid;
    const a0 = signs(lo).join();
    if (a0 === signs(hi).join()) continue;
    for (let it = 0; it < 60; it++) {
      const mid = (lo + hi) / 2;
      if (signs(mid).join() === a0) lo = mid;
      else hi = mid;
    }
    breaks.push((lo + hi) / 2);
  }
  breaks.push(1);
  const total = x.map(() => 0);
  for (let s = 0; s + 1 < breaks.length; s++) {
    const g = reluGradient(net, at((breaks[s] + breaks[s + 1]) / 2), k);
    g.forEach((gi, i) => (total[i] += (breaks[s + 1] - breaks[s]) * gi));
  }
  return total.map((t, i) => t * (x[i] - b[i]));
}

/** A model whose middle Dense layer is applied twice (shared weights): DeepLIFT must handle each call. */
export function reusedLayerModel(seed: number): Model {
  const r = new Random(seed);
  const inp = input({ shape: [4] });
  const shared = dense({ units: 4, activation: 'tanh', name: 'shared' });
  const first = dense({ units: 4, activation: 'sigmoid', name: 'first' });
  const head = dense({ units: 2, name: 'head' });
  const m = model({ inputs: inp, outputs: head.apply(shared.apply(shared.apply(first.apply(inp)))) });
  const values = m.getWeights().map((w) => {
    const t = tensor(Array.from({ length: w.size }, () => r.normal()), w.shape);
    w.dispose();
    return t;
  });
  m.setWeights(values);
  values.forEach((t) => t.dispose());
  return m;
}
