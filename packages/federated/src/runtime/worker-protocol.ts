import type { EvaluateIns, EvaluateRes, FitIns, FitRes, SecAggReply, SecAggRequest } from './messages.js';
import type { ClientSpec } from './task.js';
import type { Weights } from '../weights.js';

/**
 * How a worker thread starts a backend: a module to import and the name of
 * its factory export, e.g. `{ module: '@neurite/backend-js', factory:
 * 'createJsBackend', name: 'js' }`. Only names cross the thread boundary, so
 * this package never depends on a backend.
 */
export interface BackendSpec {
  /** A specifier or file URL the worker can import. */
  module: string;
  factory: string;
  /** The name to register the backend under in the worker. */
  name: string;
  /** Passed to the factory. */
  options?: unknown;
}

export interface WorkerInit {
  backend: BackendSpec;
  /** Every client of the pool (any worker may train any of them), their data in shared memory. */
  clients: ClientSpec[];
}

/**
 * What the pool sends a worker. Fit and evaluate name the version of the
 * weights to start from; the worker was sent that version (once) in a
 * 'weights' message before it.
 */
export type WorkerRequest =
  | { kind: 'weights'; version: number; params: Weights }
  | { id: number; kind: 'fit'; clientId: number; ins: Omit<FitIns, 'params'>; weights: number }
  | { id: number; kind: 'evaluate'; clientId: number; ins: Omit<EvaluateIns, 'params'>; weights: number }
  | { id: number; kind: 'secagg'; clientId: number; req: SecAggRequest };

export type WorkerReply =
  | { kind: 'ready' }
  | { kind: 'init-failed'; message: string }
  | { id: number; kind: 'ok'; result: FitRes | EvaluateRes | SecAggReply }
  | { id: number; kind: 'failed'; message: string };

/** The ArrayBuffers under some weights, to transfer instead of copy. */
export function buffersOf(ws: { values: Float32Array }[]): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const a of ws) seen.add(a.values.buffer as ArrayBuffer);
  return [...seen];
}
