import { ArgumentError, type Tensor } from '@neurite/core';
import type { CallContext, Model, SymbolicTensor } from '@neurite/layers';

/** Eval mode: no dropout, running statistics, nothing assigned. */
const EVAL: CallContext = { training: false, nextSeed: () => 0, update: () => undefined };

/**
 * A model cut at the output of one layer: `inner(x)` is that layer's output
 * (the activations A), `outer(x, a)` runs the rest of the model from A (with
 * the other intermediate values recomputed from x), so gradients can be
 * taken with respect to A. A layer applied at several places is cut at its
 * first use.
 */
export interface ModelCut {
  inner(x: Tensor): Tensor;
  outer(x: Tensor, a: Tensor): Tensor;
  /** The cut layer's output shape, without the batch axis. */
  shape: readonly number[];
}

/** Cuts `model` at the output of `layerName` (see ModelCut); for Grad-CAM-like tools and logits of a softmax model. */
export function splitModel(model: Model, layerName: string): ModelCut {
  return cutAt('splitModel', model, layerName);
}

export function cutAt(op: string, model: Model, layerName: string): ModelCut {
  const index = model.nodes.findIndex((n) => n.layer.name === layerName);
  if (index < 0) throw new ArgumentError(`${op}: the model has no layer '${layerName}' - one of ${model.layers.map((l) => l.name).join(', ')}`);
  const cut = model.nodes[index].output;
  const run = (x: Tensor, replace?: Tensor): Tensor => {
    const values = new Map<SymbolicTensor, Tensor>([[model.input, x]]);
    for (let i = 0; i < model.nodes.length; i++) {
      const node = model.nodes[i];
      if (i === index && replace !== undefined) {
        values.set(node.output, replace);
        continue;
      }
      values.set(node.output, node.layer.callNode(node.inputs.map((s) => values.get(s)!), EVAL));
      if (i === index && replace === undefined) return values.get(cut)!;
    }
    return values.get(model.output)!;
  };
  return { inner: (x) => run(x), outer: (x, a) => run(x, a), shape: cut.shape };
}
