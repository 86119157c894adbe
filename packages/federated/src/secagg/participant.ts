import { randomBytes } from 'node:crypto';
import { ArgumentError } from '@neurite/core';
import type { FitRes, SecAggReply, SecAggRequest } from '../runtime/messages.js';
import { clipInPlace } from '../privacy/dp-fedavg.js';
import { FixedPoint } from './fixed-point.js';
import { SecAggClient } from './secure-aggregation.js';

const cryptoBytes = (n: number) => new Uint8Array(randomBytes(n));

/**
 * A client's protocol state across the four steps of one round. `train`
 * runs local training when the masked input is due; the weighted change
 * n·(w_i - w) is encoded in fixed point, the example count n appended as
 * a plain ring integer, and the whole vector masked (with client-level DP:
 * the clipped change, 1, and whether it was unclipped). Fresh keys every round.
 */
export class SecAggParticipant {
  private session: { round: number; client: SecAggClient } | undefined;

  constructor(readonly id: number) {}

  async handle(req: SecAggRequest, train: (ins: Extract<SecAggRequest, { step: 'mask' }>['ins']) => Promise<FitRes>): Promise<SecAggReply> {
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
      const fp = new FixedPoint(req.fractionBits);
      const n = res.numExamples;
      const length = req.ins.params.reduce((k, a) => k + a.values.length, 0);
      const change = new Float64Array(length);
      let at = 0;
      req.ins.params.forEach((g, k) => {
        const p = res.params[k].values;
        if (!p || p.length !== g.values.length) throw new ArgumentError(`secure aggregation: client ${this.id}'s weight ${k} does not fit the model`);
        for (let i = 0; i < p.length; i++) change[at + i] = p[i] - g.values[i];
        at += p.length;
      });
      let input: Uint32Array;
      if (req.dpClip !== undefined) {
        // Client-level DP: the server never sees this change, so the client clips it itself.
        const unclipped = clipInPlace(change, req.dpClip);
        input = new Uint32Array(length + 2);
        input.set(fp.encode(change));
        input[length] = 1;
        input[length + 1] = unclipped ? 1 : 0;
      } else {
        for (let i = 0; i < length; i++) change[i] *= n;
        input = new Uint32Array(length + 1);
        input.set(fp.encode(change));
        input[length] = n;
      }
      return { step: 'mask', masked: s.client.maskedInput(req.sealed, input, req.participants), loss: res.metrics.loss ?? NaN };
    }
    return { step: 'reveal', revealed: s.client.reveal(new Set(req.survivors)) };
  }
}
