/** One client's answer to a training round, flattened for the strategy. */
export interface ClientUpdate {
  readonly clientId: number;
  /** The client's new weights, all values end to end (see `flatten`). */
  readonly params: Float64Array;
  readonly numExamples: number;
}

/** A setting's value, as a Flower ConfigRecord can carry it. */
export type ConfigValue = number | string | boolean;

/** Settings a strategy sends to every client with the weights (FedProx's mu, for one); other keys pass through to the client. */
export interface FitConfig {
  readonly [key: string]: ConfigValue | undefined;
  /** FedProx: weight of the proximal term (mu/2)·||w - w_global||² in the local loss; 0 is plain FedAvg. */
  proximalMu?: number;
}

/** A strategy's mutable state as JSON-able data, so the server can checkpoint it. */
export type StrategyState = Record<string, number | number[] | string | null>;

/**
 * What a rule needs from a round's updates. 'mean': only their
 * example-weighted mean, so the server may hand `aggregate` one update that
 * holds that mean (with weight 1): it folds answers into a running sum as
 * they arrive (a round's memory is one model, whatever the number of
 * clients), and secure aggregation and DP-FedAvg, which release only a
 * mean, can feed it. 'all-updates': each update (median, trimmed mean,
 * Krum, Bulyan), kept until the round ends.
 */
export type Aggregation = 'mean' | 'all-updates';

export const AGGREGATIONS: readonly Aggregation[] = ['mean', 'all-updates'];

/**
 * The server's update rule: from the global weights and the clients'
 * updates of one round to the next global weights. It sees flat float64
 * vectors only, never a tensor or a transport.
 */
export interface Strategy {
  readonly name: string;
  /** See Aggregation. A 'mean' rule must give the same result for the updates as for their weighted mean alone. */
  readonly aggregation: Aggregation;
  fitConfig(round: number): FitConfig;
  /** The next global weights; `global` is not modified. Rounds count from 1. */
  aggregate(global: Float64Array, updates: readonly ClientUpdate[], round: number): Float64Array;
  /** Fewest updates a round needs for this rule to be meaningful (Krum needs n > 2f + 2). */
  minUpdates?(): number;
  state(): StrategyState;
  restore(state: StrategyState): void;
}

/** The example-weighted mean of the clients' weights (FedAvg's rule), accumulated in float64. */
export function weightedMean(updates: readonly ClientUpdate[], length: number): Float64Array {
  const out = new Float64Array(length);
  let total = 0;
  for (const u of updates) total += u.numExamples;
  for (const u of updates) {
    const w = u.numExamples;
    const p = u.params;
    for (let i = 0; i < length; i++) out[i] += w * p[i];
  }
  for (let i = 0; i < length; i++) out[i] /= total;
  return out;
}

/** The plain mean of some vectors. */
export function mean(vectors: readonly Float64Array[], length: number): Float64Array {
  const out = new Float64Array(length);
  for (const v of vectors) for (let i = 0; i < length; i++) out[i] += v[i];
  for (let i = 0; i < length; i++) out[i] /= vectors.length;
  return out;
}
