import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ArgumentError } from '@neurite/core';
import type { StrategyState } from '../strategies/strategy.js';
import type { NamedArray } from '../weights.js';
import type { RoundRecord } from './server.js';

export const CHECKPOINT_FORMAT = 'neurite-federated-checkpoint';

/** Everything the server needs to continue a run after round `round`. */
export interface ServerState {
  round: number;
  seed: number;
  strategy: string;
  population: number;
  params: NamedArray[];
  strategyState: StrategyState;
  dp: { clipNorm: number; rdp: number[]; steps: number } | null;
  history: RoundRecord[];
}

interface Saved extends Omit<ServerState, 'params'> {
  format: string;
  version: 1;
  params: { name: string; shape: number[]; base64: string }[];
}

/** Writes the state through a temporary file and a rename, so a crash never leaves half a checkpoint. */
export async function saveServerState(path: string, state: ServerState): Promise<void> {
  const saved: Saved = {
    format: CHECKPOINT_FORMAT,
    version: 1,
    ...state,
    params: state.params.map((a) => ({ name: a.name, shape: [...a.shape], base64: Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength).toString('base64') })),
  };
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, JSON.stringify(saved));
  await rename(tmp, path);
}

export async function loadServerState(path: string): Promise<ServerState> {
  let saved: Saved;
  try {
    saved = JSON.parse(await readFile(path, 'utf8')) as Saved;
  } catch (e) {
    throw new ArgumentError(`checkpoint ${path} cannot be read (${(e as Error).message}) - delete it to start over`);
  }
  if (saved.format !== CHECKPOINT_FORMAT || saved.version !== 1) throw new ArgumentError(`checkpoint ${path} is not a federated server checkpoint (format ${String(saved.format)}) - point --checkpoint at the directory of a federate run`);
  const params = saved.params.map((p) => {
    const bytes = Buffer.from(p.base64, 'base64');
    const values = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(values.buffer).set(bytes);
    return { name: p.name, shape: p.shape, values };
  });
  return { round: saved.round, seed: saved.seed, strategy: saved.strategy, population: saved.population, params, strategyState: saved.strategyState, dp: saved.dp, history: saved.history };
}
