import { arrayFromTyped, type FlowerArray } from '../array.js';
import type { Message, Metadata } from '../message.js';
import type { NpyDType, NpyTypedArray } from '../npy.js';
import type { ConfigValue, FlowerRecord, RecordDict } from '../records.js';

/**
 * A message described in JSON, so the same message can be built by our code
 * and by Flower's Python classes (testing/flower_objects.py) and the two
 * sets of objects compared byte for byte.
 */
export type ValueSpec =
  | { t: 'float'; v: number | 'nan' | 'inf' | '-inf' }
  | { t: 'int'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'str'; v: string }
  | { t: 'bytes'; v: string }
  | { t: 'list'; of: 'float' | 'int' | 'bool' | 'str' | 'bytes'; v: (number | string | boolean)[] };

export interface ArraySpec {
  dtype: NpyDType;
  shape: number[];
  /** Explicit values (int64 as strings), or a fill computed the same way on both sides. */
  values?: (number | string)[];
  fill?: 'zeros' | 'ramp';
  /** Python only: store the array in Fortran order (our encoder always writes C order). */
  fortran?: boolean;
}

export type RecordSpec =
  | { kind: 'array'; arrays: [string, ArraySpec][]; fromList?: boolean }
  | { kind: 'metric'; values: [string, ValueSpec][] }
  | { kind: 'config'; values: [string, ValueSpec][] };

export interface MessageSpec {
  metadata: {
    run_id: string;
    src_node_id: string;
    dst_node_id: string;
    reply_to_message_id: string;
    group_id: string;
    ttl: number;
    message_type: string;
    created_at: number;
    src_task_id?: string;
    dst_task_id?: string;
  };
  content?: [string, RecordSpec][];
  error?: { code: number; reason: string };
}

export function arrayValues(a: ArraySpec): NpyTypedArray {
  const n = a.shape.reduce((x, y) => x * y, 1);
  const at = (i: number): number | string => (a.values ? a.values[i] : a.fill === 'ramp' ? (i % 1000) * 0.5 - 100 : 0);
  switch (a.dtype) {
    case 'float32':
      return Float32Array.from({ length: n }, (_, i) => Number(at(i)));
    case 'float64':
      return Float64Array.from({ length: n }, (_, i) => Number(at(i)));
    case 'int32':
      return Int32Array.from({ length: n }, (_, i) => Math.trunc(Number(at(i))));
    case 'int64':
      return BigInt64Array.from({ length: n }, (_, i) => BigInt(typeof at(i) === 'string' ? (at(i) as string) : Math.trunc(Number(at(i)))));
    case 'uint8':
      return Uint8Array.from({ length: n }, (_, i) => Number(at(i)) & 255);
  }
}

function scalar(of: string, v: number | string | boolean): ConfigValue {
  switch (of) {
    case 'float':
      return v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
    case 'int':
      return BigInt(v as string);
    case 'bytes':
      return new Uint8Array(Buffer.from(v as string, 'base64'));
    default:
      return v as boolean | string;
  }
}

export function valueOf(s: ValueSpec): ConfigValue {
  if (s.t === 'list') return s.v.map((x) => scalar(s.of, x)) as ConfigValue;
  return scalar(s.t, s.v);
}

function arrayOf(a: ArraySpec): FlowerArray {
  return arrayFromTyped(arrayValues(a), a.shape);
}

function recordOf(r: RecordSpec): FlowerRecord {
  if (r.kind === 'array') return { kind: 'array', arrays: new Map(r.arrays.map(([k, a]) => [k, arrayOf(a)])) };
  const values = new Map(r.values.map(([k, v]) => [k, valueOf(v)]));
  return r.kind === 'metric' ? { kind: 'metric', values: values as Map<string, never> } : { kind: 'config', values };
}

export function messageOf(spec: MessageSpec): Message {
  const m = spec.metadata;
  const metadata: Metadata = {
    runId: BigInt(m.run_id),
    messageId: '',
    srcNodeId: BigInt(m.src_node_id),
    dstNodeId: BigInt(m.dst_node_id),
    replyToMessageId: m.reply_to_message_id,
    groupId: m.group_id,
    ttl: m.ttl,
    messageType: m.message_type,
    createdAt: m.created_at,
    ...(m.src_task_id === undefined ? {} : { srcTaskId: BigInt(m.src_task_id) }),
    ...(m.dst_task_id === undefined ? {} : { dstTaskId: BigInt(m.dst_task_id) }),
  };
  if (spec.error) return { metadata, error: spec.error };
  const content: RecordDict = new Map((spec.content ?? []).map(([k, r]) => [k, recordOf(r)]));
  return { metadata, content };
}
