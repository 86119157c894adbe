import { ArgumentError } from '@neurite/core';

/** The model every client trains, described as data so a worker thread can build it. */
export interface ModelSpec {
  kind: 'mlp';
  inputs: number;
  /** Hidden layer widths, e.g. [128]. */
  hidden: number[];
  outputs: number;
  activation?: 'relu' | 'tanh' | 'sigmoid';
}

/** How a client trains locally in each round. */
export interface LocalTraining {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** 'sgd' (default) or 'momentum' (SGD with momentum 0.9); a fresh optimizer each round. */
  optimizer?: 'sgd' | 'momentum';
}

/** One client's private examples: row-major features and integer class labels. */
export interface ClientData {
  x: Float32Array;
  y: Int32Array;
}

/**
 * How a simulated client misbehaves, for robustness experiments and fault
 * tests. 'signflip' sends w - scale·(w_local - w) (a Byzantine client);
 * 'throw', 'hang' and 'exit' fail in the listed rounds (all rounds when
 * omitted): an exception, a call that never answers, and in a worker the
 * thread ending mid-round; 'nan' and 'shape' send malformed weights.
 */
export type Behaviour =
  | { kind: 'honest' }
  | { kind: 'signflip'; scale: number }
  | { kind: 'throw' | 'hang' | 'exit' | 'nan' | 'shape' | 'huge'; rounds?: number[] };

/** Everything a client needs, as structured-cloneable data. */
export interface ClientSpec {
  id: number;
  model: ModelSpec;
  data: ClientData;
  training: LocalTraining;
  behaviour?: Behaviour;
}

export function checkSpec(spec: ClientSpec): void {
  const { model, data, training } = spec;
  if (data.x.length !== data.y.length * model.inputs) {
    throw new ArgumentError(`client ${spec.id}: ${data.x.length} feature values for ${data.y.length} examples of ${model.inputs} features - the data does not fit the model`);
  }
  if (data.y.length === 0) throw new ArgumentError(`client ${spec.id}: no examples - every client needs at least one`);
  if (!Number.isInteger(training.epochs) || training.epochs < 1) throw new ArgumentError(`client ${spec.id}: local epochs must be an integer >= 1, got ${training.epochs}`);
  if (!Number.isInteger(training.batchSize) || training.batchSize < 1) throw new ArgumentError(`client ${spec.id}: batch size must be an integer >= 1, got ${training.batchSize}`);
  if (!(training.learningRate > 0)) throw new ArgumentError(`client ${spec.id}: learning rate must be > 0, got ${training.learningRate}`);
}

/** Whether a faulty behaviour applies in this round. */
export function failsIn(b: Behaviour | undefined, round: number): boolean {
  if (!b || b.kind === 'honest' || b.kind === 'signflip') return false;
  return b.rounds === undefined || b.rounds.includes(round);
}
