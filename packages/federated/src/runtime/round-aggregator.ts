import { ArgumentError } from '@neurite/core';
import { clipInPlace, type ClientLevelDp, type DpRoundReport } from '../privacy/dp-fedavg.js';
import { AGGREGATIONS, type ClientUpdate, type Strategy } from '../strategies/strategy.js';
import type { FitRes } from './messages.js';

/** The flat float64 weights a valid answer stands for: its params, or the global weights plus its update. */
export function answerInto(out: Float64Array, global: Float64Array, res: FitRes): Float64Array {
  const parts = res.update ?? res.params;
  let at = 0;
  for (const a of parts) {
    const v = a.values;
    if (res.update) for (let i = 0; i < v.length; i++) out[at + i] = global[at + i] + v[i];
    else out.set(v, at);
    at += v.length;
  }
  return out;
}

/**
 * One round's answers folded as they arrive (after validation), then turned
 * into the next global weights. A 'mean' strategy gets a running float64 sum
 * of n·w (with DP: of the clipped changes): the round holds one model-sized
 * sum and one scratch vector, however many clients answer. An
 * 'all-updates' strategy keeps each answer, as it must.
 */
export class RoundAggregator {
  private readonly scratch: Float64Array;
  private readonly sum: Float64Array | null;
  private readonly updates: ClientUpdate[] = [];
  private weight = 0;
  private unclipped = 0;
  private lossSum = 0;
  /** Answers folded in. */
  count = 0;

  constructor(
    private readonly strategy: Strategy,
    private readonly global: Float64Array,
    private readonly dp: ClientLevelDp | null,
  ) {
    checkAggregation(strategy);
    this.scratch = new Float64Array(global.length);
    this.sum = strategy.aggregation === 'mean' ? new Float64Array(global.length) : null;
  }

  add(id: number, res: FitRes): void {
    const n = res.numExamples;
    const { sum, global } = this;
    this.count++;
    this.weight += n;
    this.lossSum += (res.metrics.loss ?? NaN) * n;
    if (sum && !this.dp && res.params) {
      // The common case, straight from the float32 arrays: n·w is exact in float64, as in weightedMean.
      let at = 0;
      for (const a of res.params) {
        foldScaled(sum, at, a.values, n);
        at += a.values.length;
      }
      return;
    }
    const w = answerInto(this.scratch, global, res);
    if (!sum) {
      this.updates.push({ clientId: id, params: w.slice(), numExamples: n });
    } else if (this.dp) {
      for (let i = 0; i < w.length; i++) w[i] -= global[i];
      if (clipInPlace(w, this.dp.clipNorm)) this.unclipped++;
      for (let i = 0; i < w.length; i++) sum[i] += w[i];
    } else {
      for (let i = 0; i < w.length; i++) sum[i] += n * w[i];
    }
  }

  /** Example-weighted mean of the clients' reported training losses. */
  trainLoss(): number {
    return this.lossSum / this.weight;
  }

  /** The next global weights (and with DP this round's report); call once. */
  finish(round: number, dpRound: { sampled: number; population: number; seed: number }): { next: Float64Array; report?: DpRoundReport } {
    const { sum, global, strategy } = this;
    if (!sum) return { next: strategy.aggregate(global, this.updates, round) };
    if (this.dp) {
      const { update, report } = this.dp.privatizeSum(global, sum, { ...dpRound, contributions: this.count, unclipped: this.unclipped });
      return { next: strategy.aggregate(global, [update], round), report };
    }
    if (this.count === 0) return { next: strategy.aggregate(global, [], round) };
    // The mean, divided as weightedMean divides, handed over as one update of weight 1: n·w/n is exact.
    for (let i = 0; i < sum.length; i++) sum[i] /= this.weight;
    return { next: strategy.aggregate(global, [{ clientId: -1, params: sum, numExamples: 1 }], round) };
  }
}

/** sum[at..] += n·v, four lanes a step: this loop and validation are most of a small client's cost to the server. */
function foldScaled(sum: Float64Array, at: number, v: Float32Array, n: number): void {
  const s = sum.subarray(at, at + v.length);
  const len = v.length;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s[i] += n * v[i];
    s[i + 1] += n * v[i + 1];
    s[i + 2] += n * v[i + 2];
    s[i + 3] += n * v[i + 3];
  }
  for (; i < len; i++) s[i] += n * v[i];
}

/** A strategy (a user's own, too) must say what it aggregates from; a missing or unknown value is refused, not guessed. */
export function checkAggregation(strategy: Strategy): void {
  if (!AGGREGATIONS.includes(strategy.aggregation)) {
    throw new ArgumentError(
      `strategy '${strategy.name}' has aggregation ${JSON.stringify(strategy.aggregation)}, expected one of ${AGGREGATIONS.map((a) => `'${a}'`).join(', ')} - set aggregation: 'mean' if it needs only the example-weighted mean of the updates, 'all-updates' otherwise`,
    );
  }
}
