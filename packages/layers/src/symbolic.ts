import { checkFeatureShape } from './feature-shape.js';
import type { Layer } from './layer.js';

let nextInputId = 0;

/**
 * A placeholder for a batch in the functional API: its feature shape, the
 * layer that produces it (none for a model input) and that layer's inputs.
 * Models walk these links to find their layers in execution order.
 */
export class SymbolicTensor {
  readonly shape: readonly number[];

  constructor(
    shape: readonly number[],
    readonly layer: Layer | null,
    readonly inbound: readonly SymbolicTensor[],
    readonly inputName?: string,
  ) {
    this.shape = Object.freeze([...shape]);
  }
}

/** A model input with `shape` per example (no batch axis): `input({ shape: [784] })`. */
export function input(options: { shape: number[]; name?: string }): SymbolicTensor {
  return new SymbolicTensor(checkFeatureShape('input', options.shape), null, [], options.name ?? `input_${++nextInputId}`);
}
