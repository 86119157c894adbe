import { ArgumentError } from '@neurite/core';
import type { FlowerArray } from './array.js';

/**
 * Flower's records, as ordered Maps (key order is part of a record's bytes).
 *
 * Python tells integers from floats and Flower keeps the difference on the
 * wire (sint64/uint64 vs double), while a JS number cannot: so here integers
 * are `bigint` and floats are `number`. A server's `"local-epochs": 1` arrives
 * as `1n`; send `5n` where Flower expects an int (e.g. "num-examples"), as
 * Python's `int` would be. `recordNumber` reads either as a number.
 */
export type MetricValue = number | bigint | readonly number[] | readonly bigint[];
export type ConfigValue = MetricValue | boolean | string | Uint8Array | readonly boolean[] | readonly string[] | readonly Uint8Array[];

export interface ArrayRecord {
  readonly kind: 'array';
  readonly arrays: Map<string, FlowerArray>;
}

export interface MetricRecord {
  readonly kind: 'metric';
  readonly values: Map<string, MetricValue>;
}

export interface ConfigRecord {
  readonly kind: 'config';
  readonly values: Map<string, ConfigValue>;
}

export type FlowerRecord = ArrayRecord | MetricRecord | ConfigRecord;

/** A message's content: named records, in order. */
export type RecordDict = Map<string, FlowerRecord>;

type Entries<V> = Iterable<readonly [string, V]> | { readonly [key: string]: V };

function toMap<V>(entries: Entries<V> | undefined): Map<string, V> {
  if (entries === undefined) return new Map();
  if (Symbol.iterator in entries) return new Map(entries as Iterable<readonly [string, V]>);
  return new Map(Object.entries(entries));
}

export function arrayRecord(entries?: Entries<FlowerArray>): ArrayRecord {
  return { kind: 'array', arrays: toMap(entries) };
}

export function metricRecord(entries?: Entries<MetricValue>): MetricRecord {
  const record: MetricRecord = { kind: 'metric', values: toMap(entries) };
  for (const [k, v] of record.values) checkMetricValue('metricRecord', k, v);
  return record;
}

export function configRecord(entries?: Entries<ConfigValue>): ConfigRecord {
  const record: ConfigRecord = { kind: 'config', values: toMap(entries) };
  for (const [k, v] of record.values) checkConfigValue('configRecord', k, v);
  return record;
}

export function recordDict(entries?: Entries<FlowerRecord>): RecordDict {
  return toMap(entries);
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v)) return `[${v.slice(0, 3).map(describe).join(', ')}${v.length > 3 ? ', ...' : ''}]`;
  return typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v);
}

function checkInt(where: string, key: string, v: bigint): void {
  if (v < INT64_MIN || v > UINT64_MAX) throw new ArgumentError(`${where}: '${key}' is ${v}n, outside the 64-bit range Flower carries [-2^63, 2^64-1] - store it as a float or a string`);
}

function kindOf(v: unknown): string | undefined {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'bigint') return 'bigint';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  return undefined;
}

function checkValue(where: string, key: string, v: unknown, allowed: readonly string[]): void {
  if (typeof key !== 'string') throw new ArgumentError(`${where}: key ${describe(key)} is not a string - records are keyed by strings`);
  const hint = `use ${allowed.join(', ')} or a list of one of them`;
  if (Array.isArray(v)) {
    const kinds = new Set(v.map(kindOf));
    if (kinds.size > 1 || kinds.has(undefined) || (v.length > 0 && !allowed.includes(kindOf(v[0])!))) {
      throw new ArgumentError(`${where}: '${key}' is the list ${describe(v)} - lists hold one kind of value; ${hint}`);
    }
    if (kinds.has('bigint')) {
      for (const x of v as bigint[]) checkInt(where, key, x);
      if ((v as bigint[]).some((x) => x < 0n) && (v as bigint[]).some((x) => x >= 2n ** 63n)) {
        throw new ArgumentError(`${where}: '${key}' mixes negative integers with integers above 2^63-1, which no Flower integer list holds - split the list`);
      }
    }
    return;
  }
  const kind = kindOf(v);
  if (kind === undefined || !allowed.includes(kind)) throw new ArgumentError(`${where}: '${key}' is ${describe(v)} (${v === null ? 'null' : typeof v}) - ${hint}`);
  if (typeof v === 'bigint') checkInt(where, key, v);
}

export function checkMetricValue(where: string, key: string, v: unknown): asserts v is MetricValue {
  checkValue(where, key, v, ['number', 'bigint']);
}

export function checkConfigValue(where: string, key: string, v: unknown): asserts v is ConfigValue {
  checkValue(where, key, v, ['number', 'bigint', 'boolean', 'string', 'bytes']);
}

/** A scalar numeric entry as a JS number, whether it came as a float or an integer. */
export function recordNumber(record: MetricRecord | ConfigRecord, key: string): number {
  const v = record.values.get(key);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new ArgumentError(`recordNumber: '${key}' is ${v}n, beyond what a JS number holds exactly - read it as a bigint from record.values`);
    }
    return Number(v);
  }
  throw new ArgumentError(`recordNumber: '${key}' is ${v === undefined ? 'missing' : describe(v)}, not a number - keys: ${[...record.values.keys()].join(', ') || '(none)'}`);
}
