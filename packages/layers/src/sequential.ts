import { ArgumentError } from '@neurite/core';
import { Layer } from './layer.js';
import { Model } from './model.js';
import { input } from './symbolic.js';

/**
 * A chain of layers. The input feature shape comes from `options.inputShape`
 * or from the first layer's `inputShape`; every later shape is inferred, and
 * a layer that does not fit its input is a ShapeError naming it, at once.
 */
export function sequential(layers: readonly Layer[], options: { inputShape?: number[]; name?: string } = {}): Model {
  if (!Array.isArray(layers) || layers.length === 0 || !layers.every((l) => l instanceof Layer)) {
    throw new ArgumentError('sequential: expected a non-empty list of layers');
  }
  const shape = options.inputShape ?? layers[0].inputShape;
  if (shape === undefined) {
    throw new ArgumentError(`sequential: the input shape is unknown - pass sequential([...], { inputShape: [784] }) or dense({ inputShape: [784], ... }) as the first layer`);
  }
  const x = input({ shape, name: 'input' });
  let y = x;
  for (const l of layers) y = l.apply(y);
  return new Model({ inputs: x, outputs: y, name: options.name ?? 'sequential', kind: 'sequential' });
}
