import { create } from '@bufbuild/protobuf';
import { ObjectTreeSchema, type ObjectTree as ProtoObjectTree } from './gen/flwr/proto/message_pb.js';
import { FlowerProtocolError } from './errors.js';

/**
 * Flower's object framing: `<type> <child ids, comma-separated> <body length>`
 * in UTF-8, one zero byte, then the body. An object's id is the lowercase hex
 * SHA-256 of all of it, so equal content is stored and sent once.
 */
export const OBJECT_TYPES = ['Message', 'RecordDict', 'ArrayRecord', 'MetricRecord', 'ConfigRecord', 'Array', 'ArrayChunk'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

export interface ParsedObject {
  readonly type: ObjectType;
  readonly children: readonly string[];
  readonly body: Uint8Array;
}

/** An object and its children's trees, as the Fleet API's ObjectTree describes a message. */
export interface ObjectTree {
  readonly objectId: string;
  readonly children: readonly ObjectTree[];
}

const ID = /^[0-9a-f]{64}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/** Uses WebCrypto (in Node 20 and every browser) so large arrays hash at native speed. */
export async function objectId(content: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', content));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function frameObject(type: ObjectType, children: readonly string[], body: Uint8Array): Uint8Array {
  const head = encoder.encode(`${type} ${children.join(',')} ${body.length}`);
  const out = new Uint8Array(head.length + 1 + body.length);
  out.set(head, 0);
  out[head.length] = 0;
  out.set(body, head.length + 1);
  return out;
}

/** Splits an object into head values and body, with the checks Flower's SuperLink applies to what it stores. */
export function parseObject(content: Uint8Array, id = '(unnamed object)'): ParsedObject {
  const fail = (why: string): never => {
    throw new FlowerProtocolError(`object ${id}: ${why} - the sender's object is corrupt or from an unsupported Flower version`);
  };
  const split = content.indexOf(0);
  if (split < 0) fail('no zero byte between head and body');
  let head = '';
  try {
    head = decoder.decode(content.subarray(0, split));
  } catch {
    fail('head is not UTF-8');
  }
  const parts = head.split(' ');
  if (parts.length !== 3) fail(`head ${JSON.stringify(head.slice(0, 100))} does not have three space-separated values`);
  const [type, childList, length] = parts;
  if (!(OBJECT_TYPES as readonly string[]).includes(type)) fail(`type '${type.slice(0, 40)}' is not one of ${OBJECT_TYPES.join(', ')}`);
  const children = childList === '' ? [] : childList.split(',');
  const badChild = children.find((c) => !ID.test(c));
  if (badChild !== undefined) fail(`child id '${badChild.slice(0, 80)}' is not a SHA-256 hex digest`);
  const body = content.subarray(split + 1);
  if (!/^\d+$/.test(length) || Number(length) !== body.length) fail(`head says the body has ${length} bytes but it has ${body.length}`);
  return { type: type as ObjectType, children, body };
}

/** The tree's ids children first, root last: the order Flower pulls and pushes in. */
export function* postOrder(tree: ObjectTree): Generator<string> {
  for (const child of tree.children) yield* postOrder(child);
  yield tree.objectId;
}

/** The Fleet API's ObjectTree message for a tree, and back. */
export function treeToProto(tree: ObjectTree): ProtoObjectTree {
  return create(ObjectTreeSchema, { objectId: tree.objectId, children: tree.children.map(treeToProto) });
}

export function treeFromProto(tree: ProtoObjectTree): ObjectTree {
  if (!ID.test(tree.objectId)) throw new FlowerProtocolError(`object tree: '${tree.objectId.slice(0, 80)}' is not an object id - the SuperLink sent a corrupt tree`);
  return { objectId: tree.objectId, children: tree.children.map(treeFromProto) };
}
