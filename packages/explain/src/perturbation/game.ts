import { ArgumentError, ShapeError, Tensor } from '@neurite/core';
import type { Runner } from '../runner.js';

/** Players of a coalition game: which player (feature group) each input element belongs to. */
export interface Players {
  /** For each input element, its player index 0..count-1. */
  groupOf: Int32Array;
  count: number;
}

/**
 * Feature groups from a mask with one group id per input element (ids need
 * not be contiguous; they are renumbered in order of first appearance), or
 * one player per element when no mask is given.
 */
export function playersFrom(op: string, featureMask: Tensor | ArrayLike<number> | undefined, d: number): Players {
  const groupOf = new Int32Array(d);
  if (featureMask === undefined) {
    for (let j = 0; j < d; j++) groupOf[j] = j;
    return { groupOf, count: d };
  }
  const ids = featureMask instanceof Tensor ? featureMask.dataSync() : featureMask;
  if (ids.length !== d) throw new ShapeError(`${op}: featureMask has ${ids.length} entries, one per input feature (${d}) is needed`);
  const renumber = new Map<number, number>();
  for (let j = 0; j < d; j++) {
    const id = ids[j];
    if (!Number.isInteger(id)) throw new ArgumentError(`${op}: featureMask entries must be integer group ids, got ${id}`);
    if (!renumber.has(id)) renumber.set(id, renumber.size);
    groupOf[j] = renumber.get(id)!;
  }
  return { groupOf, count: renumber.size };
}

/**
 * The value of coalitions for one example: v(S) is the mean, over the
 * references, of the model's target output on x with the players outside S
 * replaced by the reference's values. With one reference (a baseline) it is
 * plain replacement; with a background set it is the interventional
 * expectation SHAP uses, so v(empty) is E[f] over the background.
 */
export class CoalitionGame {
  constructor(
    private readonly runner: Runner,
    private readonly x: Float32Array,
    private readonly references: Float32Array,
    private readonly referenceCount: number,
    readonly players: Players,
    private readonly target: number | undefined,
  ) {}

  /** v(S) for `count` coalitions given as a flat 0/1 array of count x players. All are evaluated in batched calls. */
  values(coalitions: Uint8Array, count: number): Float64Array {
    const d = this.x.length;
    const m = this.players.count;
    const r = this.referenceCount;
    const data = new Float32Array(count * r * d);
    const { groupOf } = this.players;
    for (let s = 0; s < count; s++) {
      for (let k = 0; k < r; k++) {
        const o = (s * r + k) * d;
        for (let j = 0; j < d; j++) data[o + j] = coalitions[s * m + groupOf[j]] ? this.x[j] : this.references[k * d + j];
      }
    }
    const f = this.runner.forward(data, count * r, this.target);
    const out = new Float64Array(count);
    for (let s = 0; s < count; s++) {
      let acc = 0;
      for (let k = 0; k < r; k++) acc += f[s * r + k];
      out[s] = acc / r;
    }
    return out;
  }
}

/** The target of example i as a number (perturbation methods explain one example at a time). */
export function targetOf(op: string, target: number | readonly number[] | undefined, i: number, n: number): number | undefined {
  if (target === undefined || typeof target === 'number') return target;
  if (target.length !== n) throw new ShapeError(`${op}: ${target.length} targets for ${n} examples - give one per example, or one number for all`);
  return target[i];
}
