import { SecAggParticipant } from '../secagg/participant.js';
import type { NamedArray, Weights } from '../weights.js';
import type { Client, EvaluateIns, EvaluateRes, FitIns, FitRes, ParamsFitRes, SecAggReply, SecAggRequest } from './messages.js';
import { failsIn, type Behaviour } from './task.js';

/** Sign-flips and scales the client's change: the attack of the Byzantine-robustness literature. */
function signFlip(global: Weights, local: Weights, scale: number): NamedArray[] {
  return local.map((a, k) => {
    const g = global[k].values;
    const values = new Float32Array(a.values.length);
    for (let i = 0; i < values.length; i++) values[i] = g[i] - scale * (a.values[i] - g[i]);
    return { name: a.name, shape: [...a.shape], values };
  });
}

/** Applies a behaviour that corrupts the answer (not the ones that fail the call). */
export function corrupt(b: Behaviour | undefined, ins: FitIns, res: ParamsFitRes): ParamsFitRes {
  if (!b || b.kind === 'honest') return res;
  if (b.kind === 'signflip') return { ...res, params: signFlip(ins.params, res.params, b.scale) };
  if (!failsIn(b, ins.round)) return res;
  if (b.kind === 'nan') return { ...res, params: res.params.map((a, i) => ({ ...a, values: i === 0 ? a.values.map((v, j) => (j === 0 ? NaN : v)) : a.values })) };
  if (b.kind === 'shape') return { ...res, params: res.params.map((a, i) => (i === 0 ? { ...a, shape: [a.values.length - 1], values: a.values.subarray(1) } : a)) };
  if (b.kind === 'huge') return { ...res, params: res.params.map((a) => ({ ...a, values: a.values.map((v) => v * 1e9) })) };
  return res;
}

/** A client that trains in this thread and answers with its new weights: what the faults wrap. */
export interface TrainingClient extends Client {
  fit(ins: FitIns): Promise<ParamsFitRes>;
}

/**
 * A simulated client that misbehaves as `behaviour` says (see Behaviour):
 * it fails calls ('throw'; 'hang' never answers; 'exit', in this thread,
 * fails as a client that went away) or corrupts its answers. Only the
 * simulation builds these; the server sees one more Client. Under secure
 * aggregation it runs the protocol itself around its faulty training, so a
 * corrupted change is what it masks.
 */
export class FaultyClient implements Client {
  readonly id: number;
  private participant: SecAggParticipant | undefined;

  constructor(
    private readonly inner: TrainingClient,
    readonly behaviour: Behaviour,
  ) {
    this.id = inner.id;
  }

  async fit(ins: FitIns): Promise<FitRes> {
    const b = this.behaviour;
    if (failsIn(b, ins.round)) {
      if (b.kind === 'throw') throw new Error(`client ${this.id}: failed in round ${ins.round} (simulated fault)`);
      if (b.kind === 'hang') return new Promise<FitRes>(() => {});
      if (b.kind === 'exit') throw new Error(`client ${this.id}: went away in round ${ins.round} (simulated fault)`);
    }
    return corrupt(b, ins, await this.inner.fit(ins));
  }

  evaluate(ins: EvaluateIns): Promise<EvaluateRes> {
    return this.inner.evaluate(ins);
  }

  async secAgg(req: SecAggRequest): Promise<SecAggReply> {
    this.participant ??= new SecAggParticipant(this.id);
    return this.participant.handle(req, (ins) => this.fit(ins) as Promise<ParamsFitRes>);
  }

  abandon(): void {
    this.inner.abandon?.();
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

/** The client as its behaviour makes it: itself when honest. */
export function withFaults(client: TrainingClient, behaviour: Behaviour | undefined): Client {
  return !behaviour || behaviour.kind === 'honest' ? client : new FaultyClient(client, behaviour);
}
