import { ArgumentError, DTypeError, ShapeError } from '@neurite/core';
import type { Model } from '@neurite/layers';
import { readWeights, writeWeights, type NamedArray, type Weights } from '@neurite/federated';
import { arrayFromTyped, arrayToTyped } from './array.js';
import { arrayRecord, type ArrayRecord } from './records.js';

/**
 * A model's weights as an ArrayRecord and back.
 *
 * Flower's `ArrayRecord(list_of_ndarrays)` keys arrays "0", "1", ... in list
 * order, and Flower's strategies average replies key by key, so every client
 * of a run must use the same keys: by default ours are Flower's list keys,
 * and `keys` lets a client answer with the keys the server sent (a PyTorch
 * ServerApp's state_dict names, for example). Arrays are matched to the
 * model's weights by position, as Python's `to_numpy_ndarrays()` does.
 */

/** Flower's keys for a list of n arrays. */
export function listKeys(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

export function weightsToArrayRecord(weights: Weights, keys: readonly string[] = listKeys(weights.length)): ArrayRecord {
  if (keys.length !== weights.length) {
    throw new ArgumentError(`weightsToArrayRecord: ${weights.length} weights but ${keys.length} keys - pass one key per weight (or none for Flower's "0", "1", ...)`);
  }
  if (new Set(keys).size !== keys.length) throw new ArgumentError(`weightsToArrayRecord: keys [${keys.join(', ')}] repeat a key - each array needs its own`);
  return arrayRecord(weights.map((w, i) => [keys[i], arrayFromTyped(w.values, w.shape)] as const));
}

/**
 * The record's arrays as weights shaped like `like` (names from `like`),
 * float64 arrays rounded to float32 as the model holds them.
 */
export function arrayRecordToWeights(record: ArrayRecord, like: Weights): NamedArray[] {
  const entries = [...record.arrays];
  if (entries.length !== like.length) {
    throw new ShapeError(
      `arrayRecordToWeights: the record has ${entries.length} arrays [${entries.map(([k]) => k).join(', ')}] but the model has ${like.length} weights [${like.map((w) => w.name).join(', ')}] - the server's model is not this model`,
    );
  }
  return entries.map(([key, array], i) => {
    const w = like[i];
    const { dtype, shape, data } = arrayToTyped(array, `array '${key}'`);
    if (shape.length !== w.shape.length || shape.some((d, j) => d !== w.shape[j])) {
      throw new ShapeError(`arrayRecordToWeights: array '${key}' is [${shape.join(',')}] but weight ${i} '${w.name}' is [${w.shape.join(',')}] - the server's model is not this model`);
    }
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new DTypeError(`arrayRecordToWeights: array '${key}' is ${dtype} but weight ${i} '${w.name}' is float32 - send float32 or float64 weights`);
    }
    return { name: w.name, shape: [...w.shape], values: dtype === 'float32' ? (data as Float32Array) : Float32Array.from(data as Float64Array) };
  });
}

/** The model's weights (in `parameters()` order) as an ArrayRecord. */
export function modelToArrayRecord(model: Model, keys?: readonly string[]): ArrayRecord {
  return weightsToArrayRecord(readWeights(model), keys);
}

/** Sets the model's weights from an ArrayRecord (count, shapes and dtypes checked first). */
export function loadArrayRecord(model: Model, record: ArrayRecord): void {
  writeWeights(model, arrayRecordToWeights(record, readWeights(model)));
}
