import { ArgumentError } from '@neurite/core';
import type { ConfigRecord, ConfigValue } from './records.js';

/**
 * The training settings a Flower ServerApp sends in its ConfigRecord, read
 * the way a Python ClientApp would read `msg.content["config"]`: integers
 * may come as Python ints (bigint here) or floats with an integral value,
 * rates as either. A key of the wrong kind or out of range is an error that
 * names it, so the server's operator sees the mistake in the failed reply
 * instead of a client training with a default nobody chose.
 */
export interface TrainSettings {
  /** `server-round`, when the server sends it (Flower's strategies do). */
  readonly round: number | undefined;
  /** `local-epochs`, default 1. */
  readonly epochs: number;
  /** `batch-size`, default 32. */
  readonly batchSize: number;
  /** `lr`; undefined keeps the optimizer's own rate. */
  readonly learningRate: number | undefined;
  /** `proximal-mu`, FedProx's mu; 0 (the default) trains plain FedAvg. */
  readonly proximalMu: number;
}

export const TRAIN_DEFAULTS = { epochs: 1, batchSize: 32 } as const;

function shown(v: ConfigValue): string {
  if (typeof v === 'bigint') return `${v} (int)`;
  if (typeof v === 'string') return `${JSON.stringify(v)} (str)`;
  if (typeof v === 'number') return `${v} (float)`;
  if (typeof v === 'boolean') return `${v} (bool)`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return `a list of ${v.length}`;
}

function numeric(where: string, key: string, v: ConfigValue, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ArgumentError(`${where}: config '${key}' is ${v}, too large for ${what}`);
    return Number(v);
  }
  throw new ArgumentError(`${where}: config '${key}' is ${shown(v)}, not a number - the ServerApp must send ${what}`);
}

/** A positive integer setting (an int, or a float with an integral value as Python's 2.0). */
export function configInteger(where: string, config: ConfigRecord | undefined, key: string, fallback: number, min = 1): number {
  const v = config?.values.get(key);
  if (v === undefined) return fallback;
  const n = numeric(where, key, v, `an integer >= ${min}`);
  if (!Number.isSafeInteger(n) || n < min) throw new ArgumentError(`${where}: config '${key}' is ${shown(v)} - the ServerApp must send an integer >= ${min}`);
  return n;
}

/** A finite rate: > 0 when `positive`, else >= 0. */
export function configRate(where: string, config: ConfigRecord | undefined, key: string, positive: boolean): number | undefined {
  const v = config?.values.get(key);
  if (v === undefined) return undefined;
  const what = positive ? 'a finite number > 0' : 'a finite number >= 0';
  const n = numeric(where, key, v, what);
  if (!Number.isFinite(n) || (positive ? !(n > 0) : !(n >= 0))) throw new ArgumentError(`${where}: config '${key}' is ${shown(v)} - the ServerApp must send ${what}`);
  return n;
}

export function readTrainSettings(where: string, config: ConfigRecord | undefined): TrainSettings {
  return {
    round: config?.values.has('server-round') ? configInteger(where, config, 'server-round', 0, 0) : undefined,
    epochs: configInteger(where, config, 'local-epochs', TRAIN_DEFAULTS.epochs),
    batchSize: configInteger(where, config, 'batch-size', TRAIN_DEFAULTS.batchSize),
    learningRate: configRate(where, config, 'lr', true),
    proximalMu: configRate(where, config, 'proximal-mu', false) ?? 0,
  };
}
