import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ArgumentError } from '@neurite/core';
import { MessageSchema } from './gen/flwr/proto/message_pb.js';
import { FlowerProtocolError } from './errors.js';
import type { FlowerArray } from './array.js';
import { errorFromProto, errorToProto, metadataFromProto, metadataToProto, type Message } from './message.js';
import { frameObject, objectId, parseObject, type ObjectTree, type ObjectType, type ParsedObject } from './objects.js';
import { parseJsonOrdered, pythonJsonDumps, type PyJson } from './pyjson.js';
import { configRecordBody, configRecordFromBody, metricRecordBody, metricRecordFromBody } from './record-values.js';
import type { ArrayRecord, FlowerRecord, RecordDict } from './records.js';

/**
 * A Message as Flower 1.42 moves it: a tree of content-addressed objects.
 *
 *   Message ─ RecordDict ─┬ ArrayRecord ─ Array ─ ArrayChunk...
 *                         ├ MetricRecord
 *                         └ ConfigRecord
 *
 * Each parent's head lists its distinct children's ids in first-use order;
 * bodies refer to children by id (RecordDict, ArrayRecord: JSON name -> id) or
 * by index into that list (Array: chunk indices, so repeated chunks are
 * stored once). Records of scalars are protobuf bodies without children.
 */

/** Flower's FLWR_PRIVATE_MAX_ARRAY_CHUNK_SIZE default: an array's .npy bytes are cut into 5 MiB chunks. */
export const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;

export interface DeflatedMessage {
  /** The message with `metadata.messageId` set to its object id. */
  readonly message: Message;
  readonly messageId: string;
  /** Every object once, children before parents (the order to push in). */
  readonly objects: Map<string, Uint8Array>;
  readonly tree: ObjectTree;
}

export interface DeflateOptions {
  /** Bytes per ArrayChunk; only a Flower run with a changed FLWR_PRIVATE_MAX_ARRAY_CHUNK_SIZE needs another. */
  readonly chunkSize?: number;
}

interface Stored {
  readonly id: string;
  readonly tree: ObjectTree;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

class Deflater {
  readonly objects = new Map<string, Uint8Array>();
  constructor(readonly chunkSize: number) {}

  /** Frames and stores one object whose children are already stored. */
  private async put(type: ObjectType, children: readonly Stored[], body: Uint8Array): Promise<Stored> {
    const distinct = [...new Map(children.map((c) => [c.id, c])).values()];
    const content = frameObject(
      type,
      distinct.map((c) => c.id),
      body,
    );
    const id = await objectId(content);
    if (!this.objects.has(id)) this.objects.set(id, content);
    return { id, tree: { objectId: id, children: distinct.map((c) => c.tree) } };
  }

  private async array(name: string, a: FlowerArray): Promise<Stored> {
    if (typeof a?.dtype !== 'string' || typeof a.stype !== 'string' || !(a.data instanceof Uint8Array) || !Array.isArray(a.shape)) {
      throw new ArgumentError(`ArrayRecord: '${name}' is not an array (dtype, shape, stype, data) - build it with arrayFromTyped`);
    }
    const bad = a.shape.find((d) => !Number.isInteger(d) || d < -(2 ** 31) || d >= 2 ** 31);
    if (bad !== undefined) throw new ArgumentError(`ArrayRecord: '${name}' has shape [${a.shape.join(',')}], and ${bad} is not a 32-bit integer - Flower's shapes are int32`);
    const chunks: Stored[] = [];
    for (let start = 0; start < a.data.length; start += this.chunkSize) {
      chunks.push(await this.put('ArrayChunk', [], a.data.subarray(start, Math.min(start + this.chunkSize, a.data.length))));
    }
    const distinct = [...new Set(chunks.map((c) => c.id))];
    const body = new Map<string, PyJson>([
      ['dtype', a.dtype],
      ['shape', [...a.shape]],
      ['stype', a.stype],
      ['arraychunk_ids', chunks.map((c) => distinct.indexOf(c.id))],
    ]);
    return this.put('Array', chunks, encoder.encode(pythonJsonDumps(body)));
  }

  /** A body of name -> child id, in the parent's key order. */
  private refs(keys: Iterable<string>, children: readonly Stored[]): Uint8Array {
    return encoder.encode(pythonJsonDumps(new Map([...keys].map((key, i) => [key, children[i].id]))));
  }

  private async record(name: string, r: FlowerRecord): Promise<Stored> {
    switch (r?.kind) {
      case 'array': {
        const arrays: Stored[] = [];
        for (const [key, a] of r.arrays) arrays.push(await this.array(key, a));
        return this.put('ArrayRecord', arrays, this.refs(r.arrays.keys(), arrays));
      }
      case 'metric':
        return this.put('MetricRecord', [], metricRecordBody(r));
      case 'config':
        return this.put('ConfigRecord', [], configRecordBody(r));
      default:
        throw new ArgumentError(`RecordDict: '${name}' is not a record - build records with arrayRecord, metricRecord or configRecord`);
    }
  }

  private async recordDict(content: RecordDict): Promise<Stored> {
    const records: Stored[] = [];
    for (const [key, r] of content) records.push(await this.record(key, r));
    return this.put('RecordDict', records, this.refs(content.keys(), records));
  }

  async message(m: Message): Promise<Stored> {
    if ((m.content === undefined) === (m.error === undefined)) throw new ArgumentError('deflateMessage: a message carries either content or an error, not both or neither');
    const children = m.content ? [await this.recordDict(m.content)] : [];
    // The id cannot be part of the bytes it is the hash of.
    const body = toBinary(
      MessageSchema,
      create(MessageSchema, {
        metadata: { ...metadataToProto(m.metadata), messageId: '' },
        ...(m.error ? { error: errorToProto(m.error) } : {}),
      }),
    );
    return this.put('Message', children, body);
  }
}

/** Splits a message into Flower's objects, byte for byte as Flower 1.42 does. */
export async function deflateMessage(message: Message, options: DeflateOptions = {}): Promise<DeflatedMessage> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) throw new ArgumentError(`deflateMessage: chunkSize ${chunkSize} is not a positive integer - leave it unset for Flower's 5 MiB`);
  const d = new Deflater(chunkSize);
  const root = await d.message(message);
  const withId = { ...message, metadata: { ...message.metadata, messageId: root.id } } as Message;
  return { message: withId, messageId: root.id, objects: d.objects, tree: root.tree };
}

class Inflater {
  private readonly parsed = new Map<string, ParsedObject>();
  constructor(private readonly objects: ReadonlyMap<string, Uint8Array>) {}

  /** The object `id` after checking it is present, hashes to its id and has one of the expected types. */
  private async get(id: string, types: readonly ObjectType[], parent: string): Promise<ParsedObject> {
    let obj = this.parsed.get(id);
    if (!obj) {
      const content = this.objects.get(id);
      if (!content) throw new FlowerProtocolError(`${parent} refers to object ${id}, which was not received - pull every object of the message's tree`);
      const actual = await objectId(content);
      if (actual !== id) this.fail(id, `its bytes hash to ${actual}`);
      obj = parseObject(content, id);
      this.parsed.set(id, obj);
    }
    if (!types.includes(obj.type)) this.fail(id, `is a ${obj.type} where ${parent} needs a ${types.join(' or ')}`);
    return obj;
  }

  private fail(id: string, why: string): never {
    throw new FlowerProtocolError(`object ${id}: ${why} - the sender's object is corrupt or from an unsupported Flower version`);
  }

  private json(id: string, body: Uint8Array): PyJson {
    let text = '';
    try {
      text = decoder.decode(body);
    } catch {
      this.fail(id, 'body is not UTF-8');
    }
    return parseJsonOrdered(text, `object ${id}`);
  }

  /** A JSON body of name -> child id whose ids are exactly the head's children. */
  private refs(id: string, obj: ParsedObject): Map<string, string> {
    const refs = this.json(id, obj.body);
    if (!(refs instanceof Map) || [...refs.values()].some((v) => typeof v !== 'string')) this.fail(id, 'body is not a JSON object of names to object ids');
    const named = new Set(refs.values() as Iterable<string>);
    if (named.size !== obj.children.length || obj.children.some((c) => !named.has(c))) {
      this.fail(id, `body names objects [${[...named].join(', ')}] but its head lists [${obj.children.join(', ')}]`);
    }
    return refs as Map<string, string>;
  }

  private async array(id: string, parent: string): Promise<FlowerArray> {
    const obj = await this.get(id, ['Array'], parent);
    const meta = this.json(id, obj.body);
    const [dtype, shape, stype, indices] = ['dtype', 'shape', 'stype', 'arraychunk_ids'].map((k) => (meta instanceof Map ? meta.get(k) : undefined));
    if (typeof dtype !== 'string' || typeof stype !== 'string' || !Array.isArray(shape) || !Array.isArray(indices) || !shape.every((d) => typeof d === 'number')) {
      this.fail(id, 'body is not {"dtype", "shape", "stype", "arraychunk_ids"}');
    }
    if (indices.some((i) => typeof i !== 'number' || i < 0 || i >= obj.children.length) || new Set(indices).size !== obj.children.length) {
      this.fail(id, `chunk indices [${indices.join(', ')}] do not use each of its ${obj.children.length} chunks once or more`);
    }
    const parts: Uint8Array[] = [];
    for (const i of indices as number[]) {
      const chunk = await this.get(obj.children[i], ['ArrayChunk'], `Array ${id}`);
      if (chunk.children.length) this.fail(obj.children[i], 'an ArrayChunk has children');
      parts.push(chunk.body);
    }
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      data.set(p, offset);
      offset += p.length;
    }
    return { dtype, shape: shape as number[], stype, data };
  }

  private async record(id: string, parent: string): Promise<FlowerRecord> {
    const obj = await this.get(id, ['ArrayRecord', 'MetricRecord', 'ConfigRecord'], parent);
    if (obj.type !== 'ArrayRecord') {
      if (obj.children.length) this.fail(id, `a ${obj.type} has children`);
      return obj.type === 'MetricRecord' ? metricRecordFromBody(obj.body, `object ${id}`) : configRecordFromBody(obj.body, `object ${id}`);
    }
    const arrays = new Map<string, FlowerArray>();
    for (const [name, childId] of this.refs(id, obj)) arrays.set(name, await this.array(childId, `ArrayRecord ${id}`));
    return { kind: 'array', arrays } satisfies ArrayRecord;
  }

  private async recordDict(id: string, parent: string): Promise<RecordDict> {
    const obj = await this.get(id, ['RecordDict'], parent);
    const out: RecordDict = new Map();
    for (const [name, childId] of this.refs(id, obj)) out.set(name, await this.record(childId, `RecordDict ${id}`));
    return out;
  }

  async message(id: string): Promise<Message> {
    const obj = await this.get(id, ['Message'], 'the message tree');
    let proto;
    try {
      proto = fromBinary(MessageSchema, obj.body);
    } catch (err) {
      return this.fail(id, `body is not a protobuf Message (${(err as Error).message})`);
    }
    if (!proto.metadata) return this.fail(id, 'has no metadata');
    const metadata = { ...metadataFromProto(proto.metadata), messageId: id };
    if (proto.error) {
      if (obj.children.length) this.fail(id, 'carries both an error and content');
      return { metadata, error: errorFromProto(proto.error) };
    }
    if (obj.children.length !== 1) this.fail(id, `has ${obj.children.length} children; a message without an error has exactly one (its RecordDict)`);
    return { metadata, content: await this.recordDict(obj.children[0], `Message ${id}`) };
  }
}

/**
 * Rebuilds a message from its objects (as pulled from a SuperLink), checking
 * every object's hash, type and children; `metadata.messageId` is `messageId`.
 */
export async function inflateMessage(messageId: string, objects: ReadonlyMap<string, Uint8Array>): Promise<Message> {
  return new Inflater(objects).message(messageId);
}
