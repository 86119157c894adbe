import { FixedPoint } from '../secagg/fixed-point.js';
import { SecAggServer, type RevealedShares, type SealedShare } from '../secagg/secure-aggregation.js';
import type { FitConfig } from '../strategies/strategy.js';
import { sizeOfWeights, type Weights } from '../weights.js';
import type { ClientProxy, SecAggReply, SecAggRequest } from './messages.js';
import { PURPOSE, mixSeed } from './seeds.js';
import { TIMED_OUT, withTimeout } from './timeout.js';

export interface SecureAggregationOptions {
  /** Shares needed to unmask (default: a majority of the clients that advertised keys, at least 2). */
  threshold?: number;
  /** Fixed-point fraction bits of the weighted changes n·(w_i - w) (default 12: sums up to ±2^19 exactly). */
  fractionBits?: number;
}

export interface SecureRoundResult {
  /** The example-weighted mean change, or null when too few clients finished. */
  meanDelta: Float64Array | null;
  /** Clients whose input is in the sum. */
  included: number[];
  dropped: { id: number; reason: string }[];
  trainLoss: number;
  why?: string;
}

type Step<K extends SecAggReply['step']> = Extract<SecAggReply, { step: K }>;

/**
 * One round of FedAvg under secure aggregation: four protocol steps with
 * the sampled clients (keys, shares, masked inputs, unmasking), each with
 * the timeout; a client that fails a step is dropped and the protocol
 * carries on with the rest. The server learns only sum n_i·(w_i - w) and
 * sum n_i, never one client's change.
 */
export async function secureRound(o: {
  clients: readonly ClientProxy[];
  round: number;
  global: Weights;
  config: FitConfig;
  seed: number;
  timeoutMs: number;
  options: SecureAggregationOptions;
}): Promise<SecureRoundResult> {
  const dropped: SecureRoundResult['dropped'] = [];
  const call = async <K extends SecAggReply['step']>(cs: readonly ClientProxy[], make: (c: ClientProxy) => SecAggRequest, step: K) => {
    const answers = await Promise.all(cs.map((c) => withTimeout(c, () => c.secAgg!(make(c)), o.timeoutMs)));
    const ok: [ClientProxy, Step<K>][] = [];
    answers.forEach((a, i) => {
      if (a === TIMED_OUT) dropped.push({ id: cs[i].id, reason: `no answer within ${o.timeoutMs} ms (secure aggregation, ${step})` });
      else if (a instanceof Error) dropped.push({ id: cs[i].id, reason: a.message });
      else if (a.step !== step) dropped.push({ id: cs[i].id, reason: `answered step '${a.step}' to '${step}'` });
      else ok.push([cs[i], a as Step<K>]);
    });
    return ok;
  };
  const fail = (why: string): SecureRoundResult => ({ meanDelta: null, included: [], dropped, trainLoss: NaN, why });

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
  const fractionBits = o.options.fractionBits ?? 12;
  const masked = await call(
    shared.map(([c]) => c),
    (c) => ({
      step: 'mask',
      ins: { round: o.round, params: o.global, config: { ...o.config, seed: mixSeed(o.seed, o.round, c.id, PURPOSE.fit) } },
      sealed: sealed.filter((s) => s.to === c.id),
      participants,
      fractionBits,
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
  const server = new SecAggServer(threshold, length + 1);
  for (const [id, pk] of publicKeys) if (participants.includes(id)) server.publicKeys.set(id, pk);
  for (const [c, a] of masked) server.masked.set(c.id, a.masked);
  let ring: Uint32Array;
  try {
    ring = server.unmask(revealed.map(([, a]) => a.revealed as RevealedShares));
  } catch (e) {
    return fail((e as Error).message);
  }
  const count = ring[length];
  const sum = new FixedPoint(fractionBits).decode(ring.subarray(0, length));
  const meanDelta = sum.map((v) => v / count);
  // Each client reports its local loss beside the masked vector; the server weights them by... nothing it may know: a plain mean.
  const losses = masked.map(([, a]) => a.loss);
  return { meanDelta, included: survivors, dropped, trainLoss: losses.reduce((x, y) => x + y, 0) / losses.length };
}
