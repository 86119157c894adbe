import { ArgumentError, dispose, keep, tensor, type Tensor } from '@neurite/core';
import type { Model } from '@neurite/layers';
import type { Weights } from '../weights.js';
import { withFaults } from './faulty-client.js';
import { LocalClient, buildModel, evaluateWeights, initialWeights } from './local-client.js';
import type { Client } from './messages.js';
import { runFederated, type FederatedResult, type ServerOptions } from './server.js';
import type { Behaviour, ClientData, ClientSpec, LocalTraining, ModelSpec } from './task.js';
import { WorkerPool } from './worker-pool.js';
import type { BackendSpec } from './worker-protocol.js';
import { mixSeed } from './seeds.js';
import type { RunSettings } from './run-settings.js';

export interface SimulationOptions extends Omit<ServerOptions, 'clients' | 'initialParams' | 'evaluate'> {
  model: ModelSpec;
  /** All training examples; `partition` says which rows each client owns. */
  train: ClientData;
  /** Held-out examples for centralized evaluation after every round. */
  test?: ClientData;
  /** One list of row indices per client (see partition() in @neurite/data). */
  partition: readonly Int32Array[];
  training: LocalTraining;
  /** 0 (default): clients in this thread; n >= 1: spread over n worker threads. */
  workers?: number;
  /** The backend every worker starts (required when workers >= 1). */
  backend?: BackendSpec;
  /** Misbehaving clients by id. */
  behaviours?: Readonly<Record<number, Behaviour>>;
  initialParams?: Weights;
}

/** Row `idx` of a row-major array with `width` values per row, copied out. */
function gatherRows(data: ClientData, idx: Int32Array, width: number): ClientData {
  const x = new Float32Array(idx.length * width);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(data.x.subarray(r * width, (r + 1) * width), i * width);
    y[i] = data.y[r];
  });
  return { x, y };
}

/** Clients in this thread, each with its faults (see FaultyClient). */
function inThread(specs: readonly ClientSpec[]): Client[] {
  return specs.map((s) => withFaults(new LocalClient(s), s.behaviour));
}

/**
 * Clients in this thread are asked one at a time (they could not run at
 * once anyway, and their answers are folded in client order, as before
 * streaming); a pool gets enough calls to keep every worker busy while the
 * answers of the others are folded.
 */
function defaultConcurrency(workers: number): number {
  return workers > 0 ? 4 * workers : 1;
}

/** One ClientSpec per partition entry. */
export function clientSpecs(options: Pick<SimulationOptions, 'model' | 'train' | 'partition' | 'training' | 'behaviours'>): ClientSpec[] {
  return options.partition.map((idx, id) => ({
    id,
    model: options.model,
    data: gatherRows(options.train, idx, options.model.inputs),
    training: options.training,
    ...(options.behaviours?.[id] ? { behaviour: options.behaviours[id] } : {}),
  }));
}

/** Centralized evaluation on the test set, with one model on this thread's active backend. */
export function centralEvaluator(spec: ModelSpec, test: ClientData): { evaluate(params: Weights): { loss: number; accuracy: number }; dispose(): void } {
  let model: Model | undefined;
  let x: Tensor | undefined;
  let y: Tensor | undefined;
  return {
    evaluate(params) {
      model ??= buildModel(spec);
      x ??= keep(tensor(test.x, [test.y.length, spec.inputs], 'float32'));
      y ??= keep(tensor(test.y, [test.y.length], 'int32'));
      return evaluateWeights(model, x, y, params);
    },
    dispose() {
      model?.dispose();
      if (x && y) dispose([x, y]);
    },
  };
}

/** FNV-1a over every row index of every client and the labels they hold: equal for the same data split, different for any other. */
function partitionDigest(partition: readonly Int32Array[], labels: Int32Array): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h = Math.imul(h ^ (v & 0xffff), 0x01000193);
    h = Math.imul(h ^ (v >>> 16), 0x01000193);
  };
  for (const p of partition) {
    mix(p.length);
    for (const r of p) {
      mix(r);
      mix(labels[r]);
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** What a checkpoint of a simulation records beyond the server's settings: the model, the local training, the data split. */
function simulationSettings(o: SimulationOptions): RunSettings {
  return {
    model: JSON.stringify(o.model),
    training: JSON.stringify(o.training),
    partition: `${o.partition.length} clients, ${o.partition.reduce((n, p) => n + p.length, 0)} rows, digest ${partitionDigest(o.partition, o.train.y)}`,
    behaviours: JSON.stringify(o.behaviours ?? {}),
  };
}

/**
 * A whole federated run on one machine: clients in this thread or on worker
 * threads, each with its own rows of `train`, a server with the given
 * strategy, and centralized evaluation on `test` after every round. The
 * caller has set the backend of this thread (used for evaluation and for
 * in-thread clients).
 */
export async function simulate(options: SimulationOptions): Promise<FederatedResult & { seconds: number }> {
  const workers = options.workers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw new ArgumentError(`simulate: workers must be an integer >= 0, got ${workers}`);
  if (workers > 0 && !options.backend) throw new ArgumentError('simulate: worker threads need options.backend (which backend each worker starts)');
  const specs = clientSpecs(options);
  const pool = workers > 0 ? new WorkerPool(specs, { workers, backend: options.backend! }) : null;
  const clients: Client[] = pool ? pool.clients : inThread(specs);
  const evaluator = options.test ? centralEvaluator(options.model, options.test) : null;
  const t0 = performance.now();
  try {
    const result = await runFederated({
      ...options,
      // Each client reports its own rows: the largest partition is a true bound, and a tight one sizes the secure-aggregation ring.
      limits: { ...options.limits, maxExamples: options.limits?.maxExamples ?? Math.max(1, ...options.partition.map((p) => p.length)) },
      ...(options.checkpoint ? { checkpoint: { ...options.checkpoint, settings: { ...simulationSettings(options), ...options.checkpoint.settings } } } : {}),
      clients,
      concurrency: options.concurrency ?? defaultConcurrency(workers),
      initialParams: options.initialParams ?? initialWeights(options.model, options.seed),
      ...(evaluator ? { evaluate: (p: Weights) => evaluator.evaluate(p) } : {}),
    });
    return { ...result, seconds: (performance.now() - t0) / 1000 };
  } finally {
    evaluator?.dispose();
    if (pool) await pool.close();
    else await Promise.all(clients.map((c) => c.close?.()));
  }
}

export interface TimeSimulationOptions extends Omit<SimulationOptions, 'workers' | 'test' | 'checkpoint' | 'evaluate'> {
  workers: number;
  backend: BackendSpec;
  /** Untimed rounds before the timed ones, on each side (default 1). */
  warmupRounds?: number;
}

/**
 * Times the same simulation with the clients in this thread and on
 * `workers` threads and returns both throughputs (client examples trained
 * per second) and their ratio: what the bench suite reports. Each side first
 * runs `warmupRounds` untimed rounds, which start the workers, send them
 * their clients' data, build the clients' models and let the JIT compile
 * (once per thread), then times `rounds` rounds with the same clients, as a
 * long-lived simulation runs. The strategy starts from the same state on
 * both sides. No evaluation runs.
 */
export async function timeSimulation(options: TimeSimulationOptions): Promise<{ inProcess: number; workers: number; speedup: number }> {
  const warmup = options.warmupRounds ?? 1;
  if (!Number.isInteger(warmup) || warmup < 0) throw new ArgumentError(`timeSimulation: warmupRounds must be an integer >= 0, got ${warmup}`);
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new ArgumentError(`timeSimulation: workers must be an integer >= 1, got ${options.workers}`);
  const examples = options.partition.reduce((n, p) => n + p.length, 0) * options.training.epochs * options.rounds;
  const strategyState = options.strategy.state();
  const secondsOf = async (workers: number): Promise<number> => {
    const specs = clientSpecs(options);
    const pool = workers > 0 ? new WorkerPool(specs, { workers, backend: options.backend }) : null;
    const clients: Client[] = pool ? pool.clients : inThread(specs);
    options.strategy.restore(strategyState);
    try {
      const warm = await runFederated({ ...options, clients, concurrency: options.concurrency ?? defaultConcurrency(workers), initialParams: options.initialParams ?? initialWeights(options.model, options.seed), rounds: warmup });
      const t0 = performance.now();
      // Another seed, so the timed rounds draw other shuffles than the warm-up's.
      await runFederated({ ...options, clients, concurrency: options.concurrency ?? defaultConcurrency(workers), initialParams: warm.params, seed: mixSeed(options.seed, warmup) });
      return (performance.now() - t0) / 1000;
    } finally {
      if (pool) await pool.close();
      else await Promise.all(clients.map((c) => c.close?.()));
    }
  };
  const a = examples / (await secondsOf(0));
  const b = examples / (await secondsOf(options.workers));
  return { inProcess: a, workers: b, speedup: b / a };
}
