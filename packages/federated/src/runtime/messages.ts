import type { RevealedShares, SealedShare } from '../secagg/secure-aggregation.js';
import type { ConfigValue, FitConfig } from '../strategies/strategy.js';
import type { Weights } from '../weights.js';

/** What the server sends a client for one round of training. */
export interface FitIns {
  round: number;
  params: Weights;
  /** The strategy's settings plus a seed for this client's shuffling in this round. */
  config: FitConfig & { seed: number };
}

/** A client's answer to FitIns, with its new weights. */
export interface ParamsFitRes {
  params: Weights;
  update?: undefined;
  /** Examples it trained on: its weight in a mean. */
  numExamples: number;
  /** `loss`, the mean local training loss, is averaged into the round's record. */
  metrics: Record<string, number>;
}

/** A client's answer to FitIns, with its change w_i - w instead (what some transports send). */
export interface UpdateFitRes {
  update: Weights;
  params?: undefined;
  numExamples: number;
  metrics: Record<string, number>;
}

/** A client's answer to FitIns: its new weights or its change, never both. */
export type FitRes = ParamsFitRes | UpdateFitRes;

export interface EvaluateIns {
  round: number;
  params: Weights;
  /** Settings for the evaluation, if the server has any (a Flower ConfigRecord, say). */
  config?: Record<string, ConfigValue>;
}

export interface EvaluateRes {
  loss: number;
  numExamples: number;
  metrics: Record<string, number>;
}

/**
 * A client, as the server knows it: an id and two questions. `fit`: train
 * from these weights with this config, answer with the new weights (or the
 * change), how many examples it trained on, and metrics. `evaluate`: the
 * loss of these weights on your data, with the example count and metrics.
 * Whether it runs in this thread (LocalClient), in a worker thread
 * (WorkerClient), or across a network (a Flower SuperNode) is its own
 * business; the server loop and the strategies talk to this interface only.
 */
export interface Client {
  readonly id: number;
  fit(ins: FitIns): Promise<FitRes>;
  evaluate(ins: EvaluateIns): Promise<EvaluateRes>;
  /** Called when the server gives up on a pending call (timeout): free whatever it holds (a worker stuck in a loop is terminated). */
  abandon?(): void;
  close?(): Promise<void>;
  /** One step of secure aggregation; clients without it cannot join a securely aggregated run. */
  secAgg?(req: SecAggRequest): Promise<SecAggReply>;
}

/** @deprecated The former name of Client; the same interface. */
export type ClientProxy = Client;

/**
 * The client's side of secure aggregation, one message per protocol step
 * (Bonawitz et al. 2017). Only public keys, sealed shares, masked vectors
 * and the shares needed for unmasking cross the transport.
 */
export type SecAggRequest =
  | { step: 'advertise'; round: number }
  | { step: 'share'; round: number; publicKeys: [number, bigint][]; threshold: number }
  /**
   * Train, then send the masked change. With `dpClip` (client-level DP) the
   * change is clipped to that L2 norm and sent unweighted, followed by 1 and
   * by 1 if it needed no clipping (0 otherwise); without, n·(w_i - w) then n.
   * All in fixed point with `fractionBits` in a ring of `words` 32-bit words,
   * which the server chose so that the sum fits when every client keeps to
   * `bounds`; a client outside them refuses to mask (and is dropped) rather
   * than wrap the sum.
   */
  | { step: 'mask'; ins: FitIns; sealed: SealedShare[]; participants: number[]; fractionBits: number; words: number; bounds: SecAggBounds; dpClip?: number }
  | { step: 'reveal'; round: number; survivors: number[] };

/** What each client promises about its masked input, so that the server can size the ring. */
export interface SecAggBounds {
  /** Largest example count n of one client in one round. */
  maxExamples: number;
  /** Largest L2 norm of one client's change ||w_i - w|| (without DP; with DP the clipping norm bounds it). */
  maxUpdateNorm: number;
}

export type SecAggReply =
  | { step: 'advertise'; publicKey: bigint }
  | { step: 'share'; sealed: SealedShare[] }
  /** masked: the input described at the 'mask' request, in fixed point and masked in the ring; loss is reported in the clear. */
  | { step: 'mask'; masked: Uint32Array; loss: number }
  | { step: 'reveal'; revealed: RevealedShares };
