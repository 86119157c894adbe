import { ArgumentError } from '@neurite/core';
import { planFixedPoint } from '../secagg/bounds.js';
import type { FixedPoint } from '../secagg/fixed-point.js';
import { SecAggServer, type RevealedShares, type SealedShare } from '../secagg/secure-aggregation.js';
import type { FitConfig } from '../strategies/strategy.js';
import { sizeOfWeights, type Weights } from '../weights.js';
import type { Client, SecAggBounds, SecAggReply, SecAggRequest } from './messages.js';
import { PURPOSE, mixSeed } from './seeds.js';
import { TIMED_OUT, withTimeout } from './timeout.js';
import { DEFAULT_MAX_EXAMPLES, DEFAULT_MAX_UPDATE_NORM, type UpdateLimits } from './validate.js';

export interface SecureAggregationOptions {
  /** Shares needed to unmask (default: a majority of the clients that advertised keys, at least 2). */
  threshold?: number;
  /** Fixed-point fraction bits of each client's input (default 24: the mean's rounding error stays below 2^-25). */
  fractionBits?: number;
}

export interface SecureRoundResult {
  /**
   * The sum of the inputs, or null when too few clients finished: sum n_i·(w_i - w),
   * or with client-level DP the sum of the clipped changes.
   */
  sum: Float64Array | null;
  /** sum n_i, or with DP the number of clients in the sum. */
  weight: number;
  /** With DP: how many of those clients needed no clipping. */
  unclipped: number;
  /** Clients whose input is in the sum. */
  included: number[];
  dropped: { id: number; reason: string }[];
  trainLoss: number;
  why?: string;
}

export const DEFAULT_FRACTION_BITS = 24;

/**
 * The bounds every client's input keeps to and the ring they need for
 * `clients` inputs: weighted changes n·(w_i - w) and n without DP (each
 * coordinate within maxExamples·maxUpdateNorm), clipped changes, 1 and 0/1
 * with it (within the clipping norm, plus float rounding of the clip).
 * Throws before any client masks when no supported ring is wide enough.
 */
export function securePlan(o: { clients: number; options: SecureAggregationOptions; limits: UpdateLimits; dpClip?: number }): { fp: FixedPoint; bounds: SecAggBounds } {
  const maxExamples = o.limits.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  const maxUpdateNorm = o.limits.maxUpdateNorm ?? DEFAULT_MAX_UPDATE_NORM;
  if (!(Number.isSafeInteger(maxExamples) && maxExamples >= 1)) throw new ArgumentError(`secure aggregation: limits.maxExamples must be an integer in [1, 2^53), got ${maxExamples} - declare the most examples one client trains on per round`);
  if (!(Number.isFinite(maxUpdateNorm) && maxUpdateNorm > 0)) throw new ArgumentError(`secure aggregation: limits.maxUpdateNorm must be a finite number > 0, got ${maxUpdateNorm}`);
  const bounds = { maxExamples, maxUpdateNorm };
  const fractionBits = o.options.fractionBits ?? DEFAULT_FRACTION_BITS;
  const fp =
    o.dpClip !== undefined
      ? planFixedPoint({ clients: o.clients, maxValue: Math.max(1, o.dpClip * (1 + 2 ** -20)), fractionBits, from: `DP clipping norm ${o.dpClip}` })
      : planFixedPoint({ clients: o.clients, maxValue: maxExamples * Math.max(1, maxUpdateNorm), fractionBits, from: `limits.maxExamples ${maxExamples} × limits.maxUpdateNorm ${maxUpdateNorm}` });
  return { fp, bounds };
}

type Step<K extends SecAggReply['step']> = Extract<SecAggReply, { step: K }>;

/**
 * One round of FedAvg under secure aggregation: four protocol steps with
 * the sampled clients (keys, shares, masked inputs, unmasking), each with
 * the timeout; a client that fails a step is dropped and the protocol
 * carries on with the rest. The server learns only sum n_i·(w_i - w) and
 * sum n_i, never one client's change. With `dpClip` the clients clip their
 * changes and the server learns their sum, the count and how many were
 * unclipped: what DP-FedAvg needs to add its noise.
 */
export async function secureRound(o: {
  clients: readonly Client[];
  round: number;
  global: Weights;
  config: FitConfig;
  seed: number;
  timeoutMs: number;
  options: SecureAggregationOptions;
  /** The server's limits: under secure aggregation they bound what each client may put in the sum. */
  limits: UpdateLimits;
  dpClip?: number;
}): Promise<SecureRoundResult> {
  const dropped: SecureRoundResult['dropped'] = [];
  const call = async <K extends SecAggReply['step']>(cs: readonly Client[], make: (c: Client) => SecAggRequest, step: K) => {
    const answers = await Promise.all(cs.map((c) => withTimeout(c, () => c.secAgg!(make(c)), o.timeoutMs)));
    const ok: [Client, Step<K>][] = [];
    answers.forEach((a, i) => {
      if (a === TIMED_OUT) dropped.push({ id: cs[i].id, reason: `no answer within ${o.timeoutMs} ms (secure aggregation, ${step})` });
      else if (a instanceof Error) dropped.push({ id: cs[i].id, reason: a.message });
      else if (a.step !== step) dropped.push({ id: cs[i].id, reason: `answered step '${a.step}' to '${step}'` });
      else ok.push([cs[i], a as Step<K>]);
    });
    return ok;
  };
  const fail = (why: string): SecureRoundResult => ({ sum: null, weight: 0, unclipped: 0, included: [], dropped, trainLoss: NaN, why });

  const keys = await call(o.clients, () => ({ step: 'advertise', round: o.round }), 'advertise');
  const threshold = o.options.threshold ?? Math.max(2, Math.floor(keys.length / 2) + 1);
  if (keys.length < Math.max(2, threshold)) return fail(`${keys.length} clients advertised keys, ${Math.max(2, threshold)} needed`);
  const publicKeys: [number, bigint][] = keys.map(([c, a]) => [c.id, a.publicKey]);
  const shared = await call(
    keys.map(([c]) => c),
    () => ({ step: 'share', round: o.round, publicKeys, threshold }),
    'share',
  );
  const participants = shared.map(([c]) => c.id);
  const sealed: SealedShare[] = shared.flatMap(([, a]) => a.sealed).filter((s) => participants.includes(s.from) && participants.includes(s.to));
  const { fp, bounds } = securePlan({ clients: participants.length, options: o.options, limits: o.limits, ...(o.dpClip !== undefined ? { dpClip: o.dpClip } : {}) });
  const masked = await call(
    shared.map(([c]) => c),
    (c) => ({
      step: 'mask',
      ins: { round: o.round, params: o.global, config: { ...o.config, seed: mixSeed(o.seed, o.round, c.id, PURPOSE.fit) } },
      sealed: sealed.filter((s) => s.to === c.id),
      participants,
      fractionBits: fp.fractionBits,
      words: fp.words,
      bounds,
      ...(o.dpClip !== undefined ? { dpClip: o.dpClip } : {}),
    }),
    'mask',
  );
  const survivors = masked.map(([c]) => c.id);
  const revealed = await call(
    masked.map(([c]) => c),
    () => ({ step: 'reveal', round: o.round, survivors }),
    'reveal',
  );

  const length = sizeOfWeights(o.global);
  const server = new SecAggServer(threshold, length + (o.dpClip !== undefined ? 2 : 1), fp.words);
  for (const [id, pk] of publicKeys) if (participants.includes(id)) server.publicKeys.set(id, pk);
  for (const [c, a] of masked) server.masked.set(c.id, a.masked);
  let ring: Uint32Array;
  try {
    ring = server.unmask(revealed.map(([, a]) => a.revealed as RevealedShares));
  } catch (e) {
    return fail((e as Error).message);
  }
  const decoded = fp.decode(ring);
  const sum = decoded.subarray(0, length);
  // Each client reports its local loss beside the masked vector; the server weights them by... nothing it may know: a plain mean.
  const losses = masked.map(([, a]) => a.loss);
  return { sum, weight: Math.round(decoded[length]), unclipped: o.dpClip !== undefined ? Math.round(decoded[length + 1]) : 0, included: survivors, dropped, trainLoss: losses.reduce((x, y) => x + y, 0) / losses.length };
}
