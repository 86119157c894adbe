import { ModelFormatError } from '@neurite/core';
import { DEFAULT_ORDERS } from '../privacy/accountant.js';
import type { StrategyState } from '../strategies/strategy.js';
import type { NamedArray } from '../weights.js';
import type { RunSettings } from './run-settings.js';
import type { RoundRecord } from './server.js';

export const CHECKPOINT_FORMAT = 'neurite-federated-checkpoint';
export const CHECKPOINT_VERSION = 2;

/** Everything the server needs to continue a run after round `round`. */
export interface ServerState {
  round: number;
  seed: number;
  strategy: string;
  population: number;
  params: NamedArray[];
  strategyState: StrategyState;
  /** The DP accountant: RDP per order summed over the `steps` rounds that had DP. */
  dp: { clipNorm: number; rdp: number[]; steps: number } | null;
  history: RoundRecord[];
  /** What the run was started with (see runSettings); null in checkpoints of version 1, which did not record them. */
  settings: RunSettings | null;
}

/** A checkpoint that cannot be used: names the file and the field, shows the value, says what to do. */
export class CheckpointError extends ModelFormatError {
  override name = 'CheckpointError';
  constructor(
    readonly file: string,
    readonly field: string,
    problem: string,
  ) {
    super(`checkpoint ${file}: ${field} ${problem} - the file is damaged or not a federated server checkpoint; delete it (or choose another checkpoint) to start over`);
  }
}

/** JSON has no NaN or Infinity: they are written as these strings (a loss can be NaN, epsilon infinite). */
export const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

export function encodeNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Field checks of one file: each returns the value typed or throws a CheckpointError naming the field. */
class Fields {
  constructor(readonly file: string) {}
  fail(field: string, problem: string): never {
    throw new CheckpointError(this.file, field, problem);
  }
  object(v: unknown, field: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, `is ${show(v)}, expected an object`);
    return v as Record<string, unknown>;
  }
  array(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) this.fail(field, `is ${show(v)}, expected a list`);
    return v;
  }
  string(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, `is ${show(v)}, expected a string`);
    return v;
  }
  number(v: unknown, field: string, o: { min?: number; finite?: boolean } = {}): number {
    const n = typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v;
    if (typeof n !== 'number') this.fail(field, `is ${show(v)}, expected a number`);
    if (o.finite && !Number.isFinite(n)) this.fail(field, `is ${show(v)}, expected a finite number`);
    if (o.min !== undefined && !(n >= o.min)) this.fail(field, `is ${show(v)}, expected a number >= ${o.min}`);
    return n;
  }
  integer(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max)) this.fail(field, `is ${show(v)}, expected an integer in [${min}, ${max}]`);
    return v;
  }
  optionalNumber(v: unknown, field: string): number | undefined {
    return v === undefined ? undefined : this.number(v, field);
  }
}

function parseParams(f: Fields, v: unknown): NamedArray[] {
  return f.array(v, 'params').map((p, k) => {
    const o = f.object(p, `params[${k}]`);
    const name = f.string(o.name, `params[${k}].name`);
    const shape = f.array(o.shape, `params[${k}].shape`).map((d, i) => f.integer(d, `params[${k}].shape[${i}]`, 0, 2 ** 31 - 1));
    const base64 = f.string(o.base64, `params[${k}].base64`);
    if (base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) f.fail(`params[${k}].base64`, 'is not base64');
    const bytes = Buffer.from(base64, 'base64');
    const size = shape.reduce((a, b) => a * b, 1);
    if (bytes.byteLength !== size * 4) f.fail(`params[${k}].base64`, `holds ${bytes.byteLength} bytes, shape [${shape.join(',')}] needs ${size * 4}`);
    const values = new Float32Array(size);
    new Uint8Array(values.buffer).set(bytes);
    return { name, shape, values };
  });
}

function parseStrategyState(f: Fields, v: unknown): StrategyState {
  const o = f.object(v, 'strategyState');
  for (const [k, x] of Object.entries(o)) {
    if (x === null || typeof x === 'string') continue;
    if (Array.isArray(x)) x.forEach((e, i) => f.number(e, `strategyState.${k}[${i}]`, { finite: true }));
    else f.number(x, `strategyState.${k}`);
  }
  return o as StrategyState;
}

function parseDp(f: Fields, v: unknown, round: number): ServerState['dp'] {
  if (v === null) return null;
  const o = f.object(v, 'dp');
  const rdp = f.array(o.rdp, 'dp.rdp').map((r, i) => f.number(r, `dp.rdp[${i}]`, { min: 0 }));
  if (rdp.length !== DEFAULT_ORDERS.length) f.fail('dp.rdp', `has ${rdp.length} orders, expected ${DEFAULT_ORDERS.length}`);
  return { clipNorm: f.number(o.clipNorm, 'dp.clipNorm', { finite: true, min: Number.MIN_VALUE }), rdp, steps: f.integer(o.steps, 'dp.steps', 0, round) };
}

const ids = (f: Fields, v: unknown, field: string) => f.array(v, field).map((x, i) => f.integer(x, `${field}[${i}]`, -(2 ** 31), 2 ** 31));
const reasons = (f: Fields, v: unknown, field: string) =>
  f.array(v, field).map((x, i) => {
    const o = f.object(x, `${field}[${i}]`);
    return { id: f.integer(o.id, `${field}[${i}].id`, -(2 ** 31), 2 ** 31), reason: f.string(o.reason, `${field}[${i}].reason`) };
  });

function parseHistory(f: Fields, v: unknown, round: number): RoundRecord[] {
  const list = f.array(v, 'history');
  if (list.length !== round) f.fail('history', `has ${list.length} rounds, the checkpoint is after round ${round}`);
  return list.map((x, i) => {
    const at = `history[${i}]`;
    const o = f.object(x, at);
    if (o.round !== i + 1) f.fail(`${at}.round`, `is ${show(o.round)}, expected ${i + 1}`);
    const r: RoundRecord = {
      round: i + 1,
      sampled: ids(f, o.sampled, `${at}.sampled`),
      aggregated: f.integer(o.aggregated, `${at}.aggregated`, 0),
      dropped: reasons(f, o.dropped, `${at}.dropped`),
      rejected: reasons(f, o.rejected, `${at}.rejected`),
      attempts: f.integer(o.attempts, `${at}.attempts`, 1),
      trainLoss: f.number(o.trainLoss, `${at}.trainLoss`),
      seconds: f.number(o.seconds, `${at}.seconds`, { min: 0 }),
    };
    for (const k of ['loss', 'accuracy', 'epsilon', 'clipNorm'] as const) {
      const n = f.optionalNumber(o[k], `${at}.${k}`);
      if (n !== undefined) r[k] = n;
    }
    if (o.federated !== undefined) {
      const fe = f.object(o.federated, `${at}.federated`);
      r.federated = { loss: f.number(fe.loss, `${at}.federated.loss`), accuracy: f.number(fe.accuracy, `${at}.federated.accuracy`) };
    }
    return r;
  });
}

function parseSettings(f: Fields, v: unknown): RunSettings {
  const o = f.object(v, 'settings');
  for (const [k, x] of Object.entries(o)) if (!(x === null || ['string', 'number', 'boolean'].includes(typeof x))) f.fail(`settings.${k}`, `is ${show(x)}, expected a string, number, boolean or null`);
  return o as RunSettings;
}

/** The one schema check of a federated server checkpoint: every field, before any of it is used. */
export function parseServerState(file: string, json: unknown): ServerState {
  const f = new Fields(file);
  const o = f.object(json, 'the file');
  if (o.format !== CHECKPOINT_FORMAT) f.fail('format', `is ${show(o.format)}, expected '${CHECKPOINT_FORMAT}'`);
  if (o.version !== 1 && o.version !== CHECKPOINT_VERSION) f.fail('version', `is ${show(o.version)}, this version of @neurite/federated reads 1 and ${CHECKPOINT_VERSION}`);
  const round = f.integer(o.round, 'round', 0);
  return {
    round,
    seed: f.integer(o.seed, 'seed', -(2 ** 53) + 1),
    strategy: f.string(o.strategy, 'strategy'),
    population: f.integer(o.population, 'population', 1),
    params: parseParams(f, o.params),
    strategyState: parseStrategyState(f, o.strategyState),
    dp: parseDp(f, o.dp, round),
    history: parseHistory(f, o.history, round),
    settings: o.version === 1 ? null : parseSettings(f, o.settings),
  };
}
