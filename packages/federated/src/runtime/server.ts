import { ArgumentError, NeuriteError, Random } from '@neurite/core';
import { ClientLevelDp, type DpOptions } from '../privacy/dp-fedavg.js';
import type { Strategy } from '../strategies/strategy.js';
import { checkLayout, cloneWeights, flatten, unflatten, type NamedArray, type Weights } from '../weights.js';
import { askEach } from './ask.js';
import { fileCheckpointer } from './checkpoint.js';
import type { Checkpointer } from './checkpointer.js';
import { DP_KEYS, serverSettings, settingsDifferences, type RunSettings } from './run-settings.js';
import type { Client } from './messages.js';
import { RoundAggregator, checkAggregation } from './round-aggregator.js';
import { PURPOSE, mixSeed } from './seeds.js';
import { securePlan, secureRound, type SecureAggregationOptions } from './secure-round.js';
import { TIMED_OUT } from './timeout.js';
import { rejectionReason, type UpdateLimits } from './validate.js';

/** A round that could not gather enough answers, even after its retries. */
export class FederatedRoundError extends NeuriteError {
  override name = 'FederatedRoundError';
}

export interface EvalMetrics {
  loss: number;
  accuracy: number;
}

/** What happened in one round; the server's history is a list of these. */
export interface RoundRecord {
  round: number;
  /** Clients asked in the attempt that succeeded. */
  sampled: number[];
  /** How many answers were aggregated. */
  aggregated: number;
  /** Clients that threw, timed out or died, with why. */
  dropped: { id: number; reason: string }[];
  /** Answers refused by validation (bad shapes, NaN, absurd norms), with why. */
  rejected: { id: number; reason: string }[];
  /** 1 unless the round had to be retried. */
  attempts: number;
  /** Example-weighted mean of the clients' local training losses. */
  trainLoss: number;
  /** Centralized evaluation of the new global model, when an evaluate function was given. */
  loss?: number;
  accuracy?: number;
  /** Federated evaluation on the clients' own data, in evaluation rounds. */
  federated?: EvalMetrics;
  /** With differential privacy: epsilon spent so far (at the run's delta) and this round's clipping norm. */
  epsilon?: number;
  clipNorm?: number;
  seconds: number;
}

export interface ServerOptions {
  clients: readonly Client[];
  strategy: Strategy;
  initialParams: Weights;
  rounds: number;
  seed: number;
  /** Fraction of the clients asked each round (default 1). */
  fractionFit?: number;
  /** A round needs at least this many valid answers (default 1; never fewer than the strategy needs); otherwise it is retried. Not with Poisson sampling (privacy.sampling). */
  minFitClients?: number;
  /** A client that has not answered after this many milliseconds (from when it was asked) is dropped for the round (default 120000). */
  timeoutMs?: number;
  /**
   * Most calls in flight at once (default 16). Answers are folded as they
   * arrive, so with a 'mean' strategy a round holds about this many answers
   * at a time, whatever the number of clients. Raise it for clients that
   * wait on a network; 1 asks clients in this thread one after another.
   */
  concurrency?: number;
  /** Extra attempts of a round that got too few answers (default 2), each with a fresh sample. */
  maxRetries?: number;
  /** Centralized evaluation of the global model after every round. */
  evaluate?: (params: Weights, round: number) => EvalMetrics | Promise<EvalMetrics>;
  /** Federated evaluation: every `every` rounds, ask a fraction of the clients to evaluate on their data. */
  federatedEvaluation?: { every: number; fraction?: number };
  privacy?: DpOptions;
  /**
   * Aggregate under secure aggregation: the server learns only the weighted
   * sum of the changes. Works with FedAvg, FedProx and the FedOpt rules (they
   * need only the mean); every client must implement `secAgg`. Updates cannot
   * be validated one by one (the server never sees them): a client whose
   * change does not fit the fixed-point range fails its step and is dropped.
   * With `privacy` too, each client clips its own change and the server adds
   * the noise to the sum it unmasks (the same DP-FedAvg, accounted the same).
   */
  secureAggregation?: SecureAggregationOptions;
  limits?: UpdateLimits;
  /**
   * Save the server's state to `store` after every round (or to the file
   * `path`: fileCheckpointer(path)); with resume, continue from it when it
   * holds a state. A checkpoint records the run's settings
   * (the server's own, see serverSettings, plus `settings` from the caller:
   * data, local training, ...); resuming with any of them changed is refused
   * with the list of differences, unless `force`. Forced past a DP change,
   * the accountant stays truthful: rounds that ran without DP have no
   * privacy guarantee, so epsilon is infinite for the whole run from then on.
   */
  checkpoint?: ({ store: Checkpointer; path?: undefined } | { path: string; store?: undefined }) & { resume?: boolean; force?: boolean; settings?: RunSettings };
  onRound?: (record: RoundRecord) => void;
  /** Dropped clients, rejected updates and retries, one line each. */
  log?: (line: string) => void;
}

export interface FederatedResult {
  params: NamedArray[];
  history: RoundRecord[];
  /** The round the run started from (0, or the checkpoint's round when resumed). */
  resumedFrom: number;
}

/** Poisson sampling: each client joins with probability `q`, independently (seeded); sorted by id, possibly empty. */
export function poissonSample(ids: readonly number[], q: number, seed: number): number[] {
  const rng = new Random(seed);
  return ids.filter(() => rng.next() < q).sort((a, b) => a - b);
}

/** Which clients a round asks: `k` of them in a seeded order, sorted by id. */
export function sampleClients(ids: readonly number[], k: number, seed: number): number[] {
  return new Random(seed).shuffle([...ids]).slice(0, k).sort((a, b) => a - b);
}

/**
 * Runs federated training: each round samples clients, sends them the
 * global weights, waits for their answers (dropping those that fail or
 * time out, rejecting malformed ones), and lets the strategy form the next
 * global weights. The server knows clients only as Client objects.
 */
export async function runFederated(options: ServerOptions): Promise<FederatedResult> {
  const { clients, strategy, rounds, seed } = options;
  if (clients.length === 0) throw new ArgumentError('runFederated: no clients - pass at least one Client');
  if (!Number.isInteger(rounds) || rounds < 0) throw new ArgumentError(`runFederated: rounds must be an integer >= 0, got ${rounds}`);
  const fraction = options.fractionFit ?? 1;
  if (!(fraction > 0 && fraction <= 1)) throw new ArgumentError(`runFederated: fractionFit must be in (0, 1], got ${fraction}`);
  const minFit = Math.max(options.minFitClients ?? 1, strategy.minUpdates?.() ?? 1);
  if (minFit > clients.length) throw new ArgumentError(`runFederated: ${strategy.name} needs ${minFit} answers per round but there are only ${clients.length} clients - add clients or lower the tolerance`);
  const perRound = Math.min(clients.length, Math.max(minFit, Math.round(fraction * clients.length)));
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRetries = options.maxRetries ?? 2;
  const log = options.log ?? (() => {});
  const dp = options.privacy ? new ClientLevelDp(options.privacy) : null;
  const poisson = dp?.sampling === 'poisson';
  const secure = options.secureAggregation;
  const limits = options.limits ?? {};
  const concurrency = options.concurrency ?? 16;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new ArgumentError(`runFederated: concurrency must be an integer >= 1, got ${concurrency}`);
  checkAggregation(strategy);
  if (dp && strategy.aggregation !== 'mean') throw new ArgumentError(`runFederated: DP-FedAvg releases only a noised mean, which ${strategy.name} cannot use (its aggregation is '${strategy.aggregation}') - use a strategy with aggregation 'mean' (fedavg, fedprox, fedadagrad, fedadam, fedyogi)`);
  if (secure) {
    if (strategy.aggregation !== 'mean') throw new ArgumentError(`runFederated: secure aggregation gives the server only a mean, which ${strategy.name} cannot use (its aggregation is '${strategy.aggregation}') - use a strategy with aggregation 'mean' (fedavg, fedprox, fedadagrad, fedadam, fedyogi)`);
    const missing = clients.find((c) => typeof c.secAgg !== 'function');
    if (missing) throw new ArgumentError(`runFederated: client ${missing.id} cannot take part in secure aggregation (no secAgg method)`);
    // Sized for every client at once (a round never has more): bounds too wide for any ring fail here, before round 1.
    securePlan({ clients: clients.length, options: secure, limits, ...(dp ? { dpClip: dp.clipNorm } : {}) });
  }
  const ids = clients.map((c) => c.id);
  const byId = new Map(clients.map((c) => [c.id, c]));

  let params = cloneWeights(options.initialParams);
  let history: RoundRecord[] = [];
  let start = 0;
  const ckpt = options.checkpoint;
  const settings: RunSettings = {
    ...serverSettings({ strategy: strategy.name, population: clients.length, seed, fractionFit: fraction, minFitClients: minFit, maxRetries, privacy: options.privacy, secureAggregation: secure, limits }),
    ...ckpt?.settings,
  };
  if (ckpt && !ckpt.store === (typeof ckpt.path !== 'string')) throw new ArgumentError('runFederated: checkpoint needs a store or a path, not both and not neither - pass checkpoint: { store } (a Checkpointer) or { path }');
  const store = ckpt ? (ckpt.store ?? fileCheckpointer(ckpt.path!)) : null;
  const where = store?.where;
  const saved = ckpt?.resume ? await store!.load() : null;
  if (ckpt && saved) {
    const s = saved;
    // Checkpoints of version 1 recorded only these three.
    const differences = settingsDifferences(s.settings ?? { strategy: s.strategy, population: s.population, seed: s.seed }, settings, s.settings ? undefined : ['strategy', 'population', 'seed']);
    if (differences.length > 0) {
      if (!ckpt.force) throw new ArgumentError(`checkpoint ${where} is from a run with other settings (${differences.join('; ')}) - resume with the same settings, force the resume, or start over with another checkpoint`);
      log(`resuming ${where} with changed settings (forced): ${differences.join('; ')}`);
    }
    checkLayout(`checkpoint ${where}`, params, s.params);
    params = s.params;
    strategy.restore(s.strategyState);
    if (dp) {
      const sameDp = DP_KEYS.every((k) => Object.is(s.settings?.[k] ?? null, settings[k]));
      if (s.dp) dp.restore(sameDp ? s.dp : { ...s.dp, clipNorm: dp.clipNorm });
      // A round without DP released its update unclipped and unnoised: no epsilon bounds it, and none bounds the run.
      const unprotected = s.round - (s.dp?.steps ?? 0);
      if (unprotected > 0) {
        dp.accountant.step(1, 0, unprotected);
        log(`${unprotected} of the ${s.round} rounds in ${where} ran without differential privacy: the run has no privacy guarantee, epsilon is infinite`);
      }
    }
    history = s.history;
    start = s.round;
    log(`resumed from ${where} after round ${start}`);
  }

  for (let round = start + 1; round <= rounds; round++) {
    const t0 = performance.now();
    const global = params;
    const flatGlobal = flatten(global);
    const config = strategy.fitConfig(round);
    let aggregator = new RoundAggregator(strategy, flatGlobal, dp);
    let secureResult: { sum: Float64Array; weight: number; unclipped: number; count: number; trainLoss: number } | null = null;
    let dropped: RoundRecord['dropped'] = [];
    let rejected: RoundRecord['rejected'] = [];
    let sampled: number[] = [];
    let attempt = 0;
    const aggregated = () => (secureResult ? secureResult.count : aggregator.count);
    for (; attempt <= maxRetries; attempt++) {
      sampled = poisson ? poissonSample(ids, fraction, mixSeed(seed, round, attempt, PURPOSE.sample)) : sampleClients(ids, perRound, mixSeed(seed, round, attempt, PURPOSE.sample));
      dropped = [];
      rejected = [];
      if (secure) {
        const r = await secureRound({ clients: sampled.map((id) => byId.get(id)!), round, global, config, seed, timeoutMs, options: secure, limits, ...(dp ? { dpClip: dp.clipNorm } : {}) });
        dropped = r.dropped;
        for (const d of dropped) log(`round ${round}: client ${d.id} dropped: ${d.reason}`);
        if (r.sum && r.included.length >= minFit) {
          secureResult = { sum: r.sum, weight: r.weight, unclipped: r.unclipped, count: r.included.length, trainLoss: r.trainLoss };
          break;
        }
        log(`round ${round}: secure aggregation failed (${r.why ?? `${r.included.length} inputs, ${minFit} needed`})${poisson ? ' - the round goes on with no client update' : attempt < maxRetries ? ' - retrying the round' : ''}`);
        if (poisson) break;
        continue;
      }
      // Each answer is checked and folded into the round's aggregate as soon as it arrives, then dropped:
      // with a 'mean' strategy nothing of it outlives that (see RoundAggregator).
      aggregator = new RoundAggregator(strategy, flatGlobal, dp);
      const fold = aggregator;
      await askEach(
        sampled.map((id) => byId.get(id)!),
        concurrency,
        timeoutMs,
        (c) => c.fit({ round, params: global, config: { ...config, seed: mixSeed(seed, round, c.id, PURPOSE.fit) } }),
        (c, a) => {
          if (a === TIMED_OUT) return void dropped.push({ id: c.id, reason: `no answer within ${timeoutMs} ms` });
          if (a instanceof Error) return void dropped.push({ id: c.id, reason: a.message });
          const why = rejectionReason(global, a, limits);
          if (why) return void rejected.push({ id: c.id, reason: why });
          fold.add(c.id, a);
        },
      );
      // In client order, whatever order the answers came in.
      dropped.sort((a, b) => a.id - b.id);
      rejected.sort((a, b) => a.id - b.id);
      for (const d of dropped) log(`round ${round}: client ${d.id} dropped: ${d.reason}`);
      for (const r of rejected) log(`round ${round}: update of client ${r.id} rejected: ${r.reason}`);
      // A Poisson-sampled round is never re-drawn (that would change the sampling the accountant assumes).
      if (fold.count >= minFit || poisson) break;
      log(`round ${round}: ${fold.count} valid answers, ${minFit} needed${attempt < maxRetries ? ' - retrying the round' : ''}`);
    }
    if (aggregated() < minFit && !poisson) {
      throw new FederatedRoundError(`round ${round}: only ${aggregated()} of ${sampled.length} clients gave a valid update after ${maxRetries + 1} attempts, ${minFit} needed - check the clients (see the log), raise the timeout or lower minFitClients`);
    }

    let next: Float64Array;
    const record: Partial<RoundRecord> = {};
    const dpRound = { sampled: poisson ? fraction * clients.length : sampled.length, population: clients.length, seed: mixSeed(seed, round, 0, PURPOSE.noise) };
    if (secureResult && dp) {
      // The clients clipped their own changes; the server noises the sum it unmasked.
      const { sum, weight, unclipped } = secureResult;
      const { update, report } = dp.privatizeSum(flatGlobal, sum, { ...dpRound, contributions: weight, unclipped });
      next = strategy.aggregate(flatGlobal, [update], round);
      record.epsilon = report.epsilon;
      record.clipNorm = report.clipNorm;
    } else if (secureResult) {
      const { sum, weight } = secureResult;
      next = strategy.aggregate(flatGlobal, [{ clientId: -1, params: flatGlobal.map((g, i) => g + sum[i] / weight), numExamples: 1 }], round);
    } else {
      const { next: n, report } = aggregator.finish(round, dpRound);
      next = n;
      if (report) {
        record.epsilon = report.epsilon;
        record.clipNorm = report.clipNorm;
      }
    }
    params = unflatten(global, next);

    if (options.evaluate) Object.assign(record, await options.evaluate(params, round));
    const fe = options.federatedEvaluation;
    if (fe && fe.every > 0 && round % fe.every === 0) record.federated = await federatedEvaluate(clients, params, round, fe.fraction ?? 1, seed, timeoutMs, concurrency, log);
    const full: RoundRecord = {
      round,
      sampled,
      aggregated: aggregated(),
      dropped,
      rejected,
      attempts: attempt + 1,
      trainLoss: secureResult ? secureResult.trainLoss : aggregator.trainLoss(),
      ...record,
      seconds: (performance.now() - t0) / 1000,
    };
    history = [...history, full];
    if (store) {
      await store.save({
        round,
        seed,
        strategy: strategy.name,
        population: clients.length,
        params,
        strategyState: strategy.state(),
        dp: dp ? dp.state() : null,
        history,
        settings,
      });
    }
    options.onRound?.(full);
  }
  return { params, history, resumedFrom: start };
}

/** Example-weighted loss and accuracy of the global model on a sample of the clients' own data. */
async function federatedEvaluate(clients: readonly Client[], params: Weights, round: number, fraction: number, seed: number, timeoutMs: number, concurrency: number, log: (l: string) => void): Promise<EvalMetrics> {
  const k = Math.max(1, Math.round(fraction * clients.length));
  const byId = new Map(clients.map((c) => [c.id, c]));
  const chosen = sampleClients(clients.map((c) => c.id), k, mixSeed(seed, round, 0, PURPOSE.evaluate)).map((id) => byId.get(id)!);
  let loss = 0;
  let acc = 0;
  let n = 0;
  await askEach(chosen, concurrency, timeoutMs, (c) => c.evaluate({ round, params }), (c, a) => {
    if (a === TIMED_OUT || a instanceof Error) return log(`round ${round}: client ${c.id} did not evaluate: ${a === TIMED_OUT ? 'timeout' : a.message}`);
    loss += a.loss * a.numExamples;
    acc += (a.metrics.accuracy ?? NaN) * a.numExamples;
    n += a.numExamples;
  });
  return { loss: loss / n, accuracy: acc / n };
}
