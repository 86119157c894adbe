import { ArgumentError, ShapeError } from '@neurite/core';
import type { ConfigReader } from '../config.js';

/**
 * What the sliding-window layers (Conv2D and the pooling layers) share:
 * images are [height, width, channels] per example (channels last, as in
 * TensorFlow), window sizes, strides and dilations are [h, w] pairs, and
 * padding is 'valid' or 'same'.
 */
export type WindowPadding = 'valid' | 'same';

/** Bound on window sizes, strides and dilations read from a file (keeps shapes sane before any allocation). */
const MAX_WINDOW = 2 ** 16;

/** A positive integer or an [h, w] pair of them, as [h, w]. */
export function pairOption(where: string, key: string, value: unknown, fallback?: readonly [number, number]): [number, number] {
  if (value === undefined && fallback === undefined) throw new ArgumentError(`${where}: ${key} is required - e.g. ${key}: 3 or [3, 3]`);
  const pair = value === undefined ? fallback : typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_WINDOW)) {
    throw new ArgumentError(`${where}: ${key} must be an integer in [1, ${MAX_WINDOW}] or an [h, w] pair of them, got ${JSON.stringify(value)?.slice(0, 80)} - e.g. ${key}: 3 or [3, 3]`);
  }
  return [pair[0], pair[1]];
}

export function paddingOption(where: string, value: unknown): WindowPadding {
  if (value === undefined) return 'valid';
  if (value !== 'valid' && value !== 'same') throw new ArgumentError(`${where}: padding must be 'valid' or 'same', got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value;
}

/** An [h, w] pair from a saved config. */
export function readPair(r: ConfigReader, key: string): [number, number] {
  const v = r.ints(key, { min: 1, max: MAX_WINDOW, maxLength: 2 });
  if (v.length !== 2) throw new ArgumentError(`'${key}' must be an [h, w] pair, got ${JSON.stringify(v)}`);
  return [v[0], v[1]];
}

/** The input feature shape must be an image: [height, width, channels]. */
export function expectImage(layer: string, shape: readonly number[]): void {
  if (shape.length !== 3) {
    throw new ShapeError(
      `${layer}: expected images [batch, height, width, channels], got [batch, ${shape.join(', ')}]`.replace(', ]', ']') +
        ' - reshape flat inputs first, e.g. reshape({ targetShape: [28, 28, 1] }) for MNIST rows of 784',
    );
  }
}

/** The same check on a batch in `call`, for layers used outside a model. */
export function expectImageBatch(layer: string, shape: readonly number[]): void {
  if (shape.length !== 4) {
    throw new ShapeError(`${layer}: expected a rank-4 batch [batch, height, width, channels], got [${shape}] - reshape it, or call the layer through a model`);
  }
}

/**
 * Runs one of core's shape functions on [1, ...featureShape] and returns the
 * feature shape of its result; its ShapeError is reported under the layer's
 * name (core names its own function, which the user did not call).
 */
export function featureShapeVia(layer: string, featureShape: readonly number[], shapeOf: (batchShape: number[]) => number[]): number[] {
  try {
    return shapeOf([1, ...featureShape]).slice(1);
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`${layer}: input [batch, ${featureShape.join(', ')}]: ${e.message.replace(/^\w+: /, '').replace(/ \(x \[[^\]]*\]\)/, '')}`);
    throw e;
  }
}
