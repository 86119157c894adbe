import { ShapeError, Tensor } from '@neurite/core';
import { readRows, type Attribution, type Rows } from '../inputs.js';
import type { Explainable, Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';
import { CoalitionGame, playersFrom, targetOf, type Players } from './game.js';

export interface GameOptions extends BatchOptions {
  target?: Target;
  /** What "absent" means: this number, or this example (`[...features]`). Default 0. Ignored when background is given. */
  baseline?: number | Tensor;
  /** Background examples `[B, ...features]`: absent features take each background row's values in turn, averaged. */
  background?: Tensor;
  /** One group id per input element (shape of one example): features of a group enter and leave together. Default: one player per element. */
  featureMask?: Tensor | ArrayLike<number>;
}

export interface ShapleyResult extends Attribution {
  /** Players: feature groups, or input elements without a mask. */
  players: number;
  /** `[N, players]`, row-major; `values` spreads each player's value over its elements. */
  playerValues: Float64Array;
  /** v(empty set) per example: the output with every feature absent (E[f] over a background). */
  baseValues: Float64Array;
  /** v(all players) = f(x) per example. */
  outputs: Float64Array;
}

/** Builds one coalition game per example and collects the per-player values a `solve` returns. */
export function playGames(
  op: string,
  model: Explainable,
  x: Tensor,
  options: GameOptions,
  solve: (game: CoalitionGame, example: number) => { phi: Float64Array; base: number; full: number },
): ShapleyResult {
  const rows = readRows(op, x);
  const { n, featureSize: d } = rows;
  const players = playersFrom(op, options.featureMask, d);
  const { references, count } = referencesOf(op, options, rows);
  const runner = new Runner(op, model, rows.featureShape, options);
  const playerValues = new Float64Array(n * players.count);
  const values = new Float32Array(n * d);
  const baseValues = new Float64Array(n);
  const outputs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const game = new CoalitionGame(runner, rows.data.subarray(i * d, (i + 1) * d), references, count, players, targetOf(op, options.target, i, n));
    const { phi, base, full } = solve(game, i);
    playerValues.set(phi, i * players.count);
    spread(phi, players, values, i * d);
    baseValues[i] = base;
    outputs[i] = full;
  }
  return { shape: [n, ...rows.featureShape], values, modelCalls: runner.calls, evaluations: runner.rows, players: players.count, playerValues, baseValues, outputs };
}

export function referencesOf(op: string, options: GameOptions, rows: Rows): { references: Float32Array; count: number } {
  const d = rows.featureSize;
  if (options.background !== undefined) {
    const bg = readRows(op, options.background);
    if (bg.featureSize !== d) throw new ShapeError(`${op}: background examples have ${bg.featureSize} features, x has ${d} - use examples of the same shape`);
    return { references: bg.data, count: bg.n };
  }
  const b = options.baseline ?? 0;
  if (typeof b === 'number') return { references: new Float32Array(d).fill(b), count: 1 };
  const values = Float32Array.from(b.dataSync());
  if (values.length !== d) throw new ShapeError(`${op}: baseline has ${values.length} values, one example has ${d} - pass one example or a number`);
  return { references: values, count: 1 };
}

/** Each element gets the value of its player. */
export function spread(phi: Float64Array, players: Players, into: Float32Array, offset: number): void {
  for (let j = 0; j < players.groupOf.length; j++) into[offset + j] = phi[players.groupOf[j]];
}
