import { randomBytes } from 'node:crypto';
import { ArgumentError } from '@neurite/core';
import type { FitRes, SecAggReply, SecAggRequest } from '../runtime/messages.js';
import { clipInPlace } from '../privacy/dp-fedavg.js';
import { l2 } from '../weights.js';
import { FixedPoint } from './fixed-point.js';
import { SecAggClient } from './secure-aggregation.js';

const cryptoBytes = (n: number) => new Uint8Array(randomBytes(n));

type MaskRequest = Extract<SecAggRequest, { step: 'mask' }>;

/**
 * A client's protocol state across the four steps of one round. `train`
 * runs local training when the masked input is due; the weighted change
 * n·(w_i - w) is encoded in fixed point, followed by the example count n,
 * and the whole vector masked (with client-level DP: the clipped change,
 * 1, and whether it was unclipped). Fresh keys every round.
 */
export class SecAggParticipant {
  private session: { round: number; client: SecAggClient } | undefined;

  constructor(readonly id: number) {}

  async handle(req: SecAggRequest, train: (ins: MaskRequest['ins']) => Promise<FitRes>): Promise<SecAggReply> {
    if (req.step === 'advertise') {
      this.session = { round: req.round, client: new SecAggClient(this.id, cryptoBytes) };
      return { step: 'advertise', publicKey: this.session.client.publicKey };
    }
    const round = req.step === 'mask' ? req.ins.round : req.round;
    const s = this.session;
    if (!s || s.round !== round) throw new ArgumentError(`secure aggregation: client ${this.id} got step '${req.step}' of round ${round} without its keys - the server must start each round with 'advertise'`);
    if (req.step === 'share') return { step: 'share', sealed: s.client.shareKeys(new Map(req.publicKeys), req.threshold) };
    if (req.step === 'mask') {
      const res = await train(req.ins);
      const input = this.input(req, res);
      return { step: 'mask', masked: s.client.maskedInput(req.sealed, input, req.participants, req.words), loss: res.metrics.loss ?? NaN };
    }
    return { step: 'reveal', revealed: s.client.reveal(new Set(req.survivors)) };
  }

  /**
   * The vector to mask, checked against the bounds the server sized the
   * ring for: the server cannot check an input it never sees, so the
   * client refuses to send one that could wrap the sum.
   */
  private input(req: MaskRequest, res: FitRes): Uint32Array {
    const n = res.numExamples;
    const { maxExamples, maxUpdateNorm } = req.bounds;
    if (!(Number.isSafeInteger(n) && n > 0 && n <= maxExamples)) throw new ArgumentError(`secure aggregation: client ${this.id} trained on ${n} examples, the round allows an integer in [1, ${maxExamples}] - raise secureAggregation.maxExamples`);
    const length = req.ins.params.reduce((k, a) => k + a.values.length, 0);
    const change = new Float64Array(length);
    let at = 0;
    // An answer with its change (update) is masked as it is; one with new weights, less the global ones.
    const parts = res.update ?? res.params;
    req.ins.params.forEach((g, k) => {
      const p = parts[k]?.values;
      if (!p || p.length !== g.values.length) throw new ArgumentError(`secure aggregation: client ${this.id}'s weight ${k} does not fit the model`);
      for (let i = 0; i < p.length; i++) change[at + i] = res.update ? p[i] : p[i] - g.values[i];
      at += p.length;
    });
    const norm = l2(change);
    if (!Number.isFinite(norm)) throw new ArgumentError(`secure aggregation: client ${this.id}'s update holds a non-finite value - it cannot be summed`);
    const fp = new FixedPoint(req.fractionBits, req.words);
    if (req.dpClip !== undefined) {
      // Client-level DP: the server never sees this change, so the client clips it itself.
      const unclipped = clipInPlace(change, req.dpClip);
      return fp.encode(append(change, 1, unclipped ? 1 : 0));
    }
    if (!(norm <= maxUpdateNorm)) throw new ArgumentError(`secure aggregation: client ${this.id}'s update has norm ${norm.toExponential(3)}, the round allows ${maxUpdateNorm} - raise limits.maxUpdateNorm`);
    for (let i = 0; i < length; i++) change[i] *= n;
    return fp.encode(append(change, n));
  }
}

function append(v: Float64Array, ...tail: number[]): Float64Array {
  const out = new Float64Array(v.length + tail.length);
  out.set(v);
  out.set(tail, v.length);
  return out;
}
