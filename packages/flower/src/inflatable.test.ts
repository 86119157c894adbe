import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { arrayToTyped } from './array.js';
import { FlowerProtocolError } from './errors.js';
import { deflateMessage, inflateMessage } from './inflatable.js';
import { messageToPushProto, type Message } from './message.js';
import { toBinary } from '@bufbuild/protobuf';
import { MessageSchema } from './gen/flwr/proto/message_pb.js';
import { frameObject, objectId, postOrder, type ObjectTree } from './objects.js';
import { configRecord, recordDict } from './records.js';
import { arrayValues, messageOf, type ArraySpec, type MessageSpec, type RecordSpec, type ValueSpec } from './testing/message-spec.js';
import { flwrPython, runPython } from './testing/python.js';

const py = flwrPython();
const skipped = py.skip ? ` (skipped: ${py.skip})` : '';
const FLOWER_OBJECTS = readFileSync(new URL('./testing/flower_objects.py', import.meta.url), 'utf8');

interface PyDeflated {
  messageId: string;
  objects: [string, string][];
  tree: ObjectTree;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const meta = (over: Partial<MessageSpec['metadata']> = {}): MessageSpec['metadata'] => ({
  run_id: '18446744073709551615',
  src_node_id: '1',
  dst_node_id: '9223372036854775809',
  reply_to_message_id: '',
  group_id: '3',
  ttl: 43200,
  message_type: 'train',
  created_at: 1765152000.125,
  ...over,
});
const f = (v: number): ValueSpec => ({ t: 'float', v });
const i = (v: bigint): ValueSpec => ({ t: 'int', v: v.toString() });
const w = (shape: number[], seed: number): ArraySpec => ({
  dtype: 'float32',
  shape,
  values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => Math.fround(Math.sin(seed * 100 + k) * 3)),
});

const everyValue: [string, ValueSpec][] = [
  ['lr', f(0.01)],
  ['local-epochs', i(1n)],
  ['negative', i(-(2n ** 63n))],
  ['beyond-int64', i(2n ** 64n - 1n)],
  ['flag', { t: 'bool', v: true }],
  ['off', { t: 'bool', v: false }],
  ['name', { t: 'str', v: 'héllo ✓ 😀 "quoted" \\ \n' }],
  ['blob', { t: 'bytes', v: b64('\u0000\u0001binary') }],
  ['floats', { t: 'list', of: 'float', v: [0.5, -1.25, 1e300] }],
  ['ints', { t: 'list', of: 'int', v: ['-3', '0', '9223372036854775807'] }],
  ['uints', { t: 'list', of: 'int', v: ['1', '18446744073709551615'] }],
  ['bools', { t: 'list', of: 'bool', v: [true, false] }],
  ['strings', { t: 'list', of: 'str', v: ['a', '', 'ü'] }],
  ['blobs', { t: 'list', of: 'bytes', v: [b64('x'), b64('')] }],
  ['empty', { t: 'list', of: 'float', v: [] }],
  ['zero', f(0)],
  ['nan', { t: 'float', v: 'nan' }],
  ['inf', { t: 'float', v: '-inf' }],
];
const everyMetric: [string, ValueSpec][] = [
  ['loss', f(0.6931471805599453)],
  ['num-examples', i(600n)],
  ['big', i(2n ** 63n)],
  ['per-class', { t: 'list', of: 'float', v: [0.1, 0.2] }],
  ['counts', { t: 'list', of: 'int', v: ['5', '-6'] }],
  ['none', { t: 'list', of: 'float', v: [] }],
];
const shared: RecordSpec = { kind: 'config', values: [['same', f(1)]] };

const SPECS: [string, MessageSpec][] = [
  [
    'a train message with weights, config and metrics',
    {
      metadata: meta(),
      content: [
        ['arrays', { kind: 'array', fromList: true, arrays: [['0', w([3, 4], 1)], ['1', w([4], 2)], ['2', w([], 3)]] }],
        ['config', { kind: 'config', values: everyValue }],
        ['metrics', { kind: 'metric', values: everyMetric }],
      ],
    },
  ],
  [
    'keys that JSON objects would reorder or escape, and every dtype',
    {
      metadata: meta({ message_type: 'evaluate', src_task_id: '7', dst_task_id: '18446744073709551615', reply_to_message_id: 'ab'.repeat(32) }),
      content: [
        [
          'modèle "b"\t',
          {
            kind: 'array',
            arrays: [
              ['z', { dtype: 'float64', shape: [2, 2], values: [1.5, -2.25, 3e-300, 4] }],
              ['10', { dtype: 'int32', shape: [3], values: [-1, 0, 2147483647] }],
              ['2', { dtype: 'int64', shape: [2], values: ['-9223372036854775808', '9223372036854775807'] }],
              ['☃', { dtype: 'uint8', shape: [2, 1, 2], values: [0, 1, 254, 255] }],
              ['empty', { dtype: 'float32', shape: [0, 3] }],
            ],
          },
        ],
        ['1', { kind: 'config', values: [] }],
        ['0', { kind: 'array', arrays: [] }],
      ],
    },
  ],
  [
    'repeated arrays and records stored once',
    {
      metadata: meta(),
      content: [
        ['a', { kind: 'array', arrays: [['x', w([5], 4)], ['y', w([5], 4)], ['z', w([5], 5)]] }],
        ['c1', shared],
        ['c2', shared],
      ],
    },
  ],
  ['an empty message', { metadata: meta({ message_type: 'query' }), content: [] }],
  ['an error reply', { metadata: meta({ reply_to_message_id: '0f'.repeat(32) }), error: { code: 2, reason: 'ClientApp raised: ✗ boom' } }],
  ['an error without a reason', { metadata: meta(), error: { code: 0, reason: '' } }],
];

// Small chunks make every array several chunks, some of them repeated.
const SMALL_CHUNKS: [string, MessageSpec][] = [
  [
    'arrays in 64-byte chunks',
    {
      metadata: meta(),
      content: [
        [
          'arrays',
          {
            kind: 'array',
            arrays: [
              ['zeros', { dtype: 'float32', shape: [100], fill: 'zeros' }],
              ['ramp', { dtype: 'float64', shape: [7, 9], fill: 'ramp' }],
              ['tiny', { dtype: 'uint8', shape: [1], values: [7] }],
            ],
          },
        ],
      ],
    },
  ],
];

async function ours(spec: MessageSpec, chunkSize?: number) {
  return deflateMessage(messageOf(spec), chunkSize ? { chunkSize } : {});
}

function pyDeflate(specs: MessageSpec[], env: Record<string, string> = {}): PyDeflated[] {
  return runPython<PyDeflated[]>(py.python!, FLOWER_OBJECTS, { op: 'deflate', specs }, env);
}

async function expectSameObjects(specs: [string, MessageSpec][], chunkSize?: number): Promise<void> {
  const theirs = pyDeflate(
    specs.map(([, s]) => s),
    chunkSize ? { FLWR_PRIVATE_MAX_ARRAY_CHUNK_SIZE: String(chunkSize) } : {},
  );
  for (const [k, [name, spec]] of specs.entries()) {
    const mine = await ours(spec, chunkSize);
    const want = theirs[k];
    expect(mine.messageId, name).toBe(want.messageId);
    expect([...mine.objects.keys()], name).toEqual(want.objects.map(([id]) => id));
    for (const [id, content] of want.objects) expect(Buffer.from(mine.objects.get(id)!).toString('base64'), `${name}: object ${id}`).toBe(content);
    expect(mine.tree, name).toEqual(want.tree);
    expect(mine.message.metadata.messageId).toBe(want.messageId);
  }
}

function npyValues(a: ArraySpec): string[] {
  return Array.from(arrayValues(a) as ArrayLike<number | bigint>, (x) => {
    if (typeof x === 'bigint') return x.toString();
    // Python's str() of a float: integral floats print with '.0'.
    if (a.dtype.startsWith('float')) return Number.isInteger(x) ? `${x}.0` : String(x);
    return String(x);
  });
}

describe.skipIf(py.skip !== undefined)(`Flower's object format against flwr 1.42.0${skipped}`, () => {
  it('deflates each message to the same object ids, bytes, order and tree as Flower', async () => {
    await expectSameObjects(SPECS);
  });

  it('cuts arrays into chunks as Flower does, storing repeated chunks once', async () => {
    await expectSameObjects(SMALL_CHUNKS, 64);
    const mine = await ours(SMALL_CHUNKS[0][1], 64);
    // The zeros array is 128 header bytes + 400 data bytes: 9 chunks, of which the 6 after the header are the same 64 zeros.
    const zeros = [...mine.objects.values()].map((o) => Buffer.from(o).toString('latin1')).find((o) => o.startsWith('Array ') && o.includes('[100]'))!;
    expect(JSON.parse(zeros.slice(zeros.indexOf('\0') + 1)).arraychunk_ids).toEqual([0, 1, 2, 2, 2, 2, 2, 2, 3]);
    expect(zeros.split(' ')[1].split(',')).toHaveLength(4);
  });

  it('uses 5 MiB chunks by default: a 16 MB array matches Flower', async () => {
    await expectSameObjects([
      [
        '16 MB of weights',
        {
          metadata: meta(),
          content: [
            ['big', { kind: 'array', arrays: [['zeros', { dtype: 'float32', shape: [4_000_000], fill: 'zeros' }], ['ramp', { dtype: 'float32', shape: [1000, 2100], fill: 'ramp' }]] }],
          ],
        },
      ],
    ]);
  });

  it("inflates Flower's objects to the message Flower built, Fortran-order arrays included", async () => {
    const fortran: [string, MessageSpec] = [
      'a Fortran-order array',
      { metadata: meta(), content: [['a', { kind: 'array', arrays: [['f', { dtype: 'float64', shape: [2, 3], values: [1, 2, 3, 4, 5, 6], fortran: true }]] }]] },
    ];
    const all = [...SPECS, fortran];
    const theirs = pyDeflate(all.map(([, s]) => s));
    for (const [k, [name, spec]] of all.entries()) {
      const objects = new Map(theirs[k].objects.map(([id, c]) => [id, new Uint8Array(Buffer.from(c, 'base64'))]));
      const got = await inflateMessage(theirs[k].messageId, objects);
      const want = messageOf(spec);
      expect(got.metadata, name).toEqual({ ...want.metadata, messageId: theirs[k].messageId });
      expect(got.error, name).toEqual(want.error);
      if (!want.content) continue;
      expect([...got.content!.keys()], name).toEqual([...want.content.keys()]);
      for (const [key, rec] of want.content) {
        const g = got.content!.get(key)!;
        expect(g.kind, `${name}/${key}`).toBe(rec.kind);
        if (rec.kind === 'array' && g.kind === 'array') {
          expect([...g.arrays.keys()]).toEqual([...rec.arrays.keys()]);
          for (const [ak, a] of rec.arrays) {
            const decoded = arrayToTyped(g.arrays.get(ak)!, ak);
            const expected = arrayToTyped(a, ak);
            expect(decoded.shape, `${name}/${key}/${ak}`).toEqual(expected.shape);
            expect(decoded.data, `${name}/${key}/${ak}`).toEqual(expected.data);
          }
        } else if (rec.kind !== 'array' && g.kind !== 'array') {
          expect(g.values, `${name}/${key}`).toEqual(rec.values);
        }
      }
    }
  });

  it('gives a message the same id when deflated again after inflating', async () => {
    for (const [name, spec] of SPECS) {
      const first = await ours(spec);
      const again = await deflateMessage(await inflateMessage(first.messageId, first.objects));
      expect(again.messageId, name).toBe(first.messageId);
    }
  });

  it('lists a message for PushMessages as a SuperNode does: with its id, content left to the objects', async () => {
    const theirs = runPython<string[]>(py.python!, FLOWER_OBJECTS, { op: 'push', specs: SPECS.map(([, s]) => s) });
    for (const [k, [name, spec]] of SPECS.entries()) {
      const { message } = await ours(spec);
      expect(Buffer.from(toBinary(MessageSchema, messageToPushProto(message))).toString('base64'), name).toBe(theirs[k]);
    }
  });

  it('makes objects Flower inflates to the same message', async () => {
    const mine = await Promise.all(SPECS.map(([, s]) => ours(s)));
    const jobs = mine.map((d) => ({ messageId: d.messageId, objects: [...d.objects].map(([id, c]) => [id, Buffer.from(c).toString('base64')]) }));
    const read = runPython<Record<string, unknown>[]>(py.python!, FLOWER_OBJECTS, { op: 'inflate', jobs });
    for (const [k, [name, spec]] of SPECS.entries()) {
      const r = read[k];
      expect(r.reDeflatedId, name).toBe(mine[k].messageId);
      expect(r.metadata, name).toEqual({ src_task_id: null, dst_task_id: null, ...spec.metadata });
      if (spec.error) {
        expect(r.error, name).toEqual(spec.error);
        continue;
      }
      const content = r.content as [string, Record<string, unknown>][];
      expect(content.map(([key]) => key), name).toEqual(spec.content!.map(([key]) => key));
      for (const [j, [key, rec]] of spec.content!.entries()) {
        const got = content[j][1];
        if (rec.kind === 'array') {
          const arrays = got.arrays as [string, { dtype: string; shape: number[]; values: string[] }][];
          expect(arrays.map(([ak, a]) => [ak, a.dtype, a.shape, a.values]), `${name}/${key}`).toEqual(rec.arrays.map(([ak, a]) => [ak, a.dtype, a.shape, npyValues(a)]));
        } else {
          // Python reads back each value with the type it was sent as (int vs float vs bool), except an empty list.
          const values = (got.values as [string, ValueSpec][]).map(([vk, v]) => [vk, v.t === 'list' && v.v.length === 0 ? { ...v, of: 'float' } : v]);
          const sent = rec.values.map(([vk, v]) => [vk, v.t === 'list' && v.v.length === 0 ? { ...v, of: 'float' } : v.t === 'float' && typeof v.v === 'number' ? { t: 'float', v: v.v } : v]);
          expect(values, `${name}/${key}`).toEqual(sent);
        }
      }
    }
  });
});

describe('inflating damaged objects', () => {
  const message: Message = messageOf(SPECS[0][1]);

  it('rejects an object whose bytes do not hash to its id, naming both', async () => {
    const d = await deflateMessage(message);
    const [victim, content] = [...d.objects].find(([, c]) => Buffer.from(c.subarray(0, 10)).toString().startsWith('ArrayChunk'))!;
    const damaged = new Map(d.objects);
    const copy = content.slice();
    copy[copy.length - 1] ^= 1;
    damaged.set(victim, copy);
    await expect(inflateMessage(d.messageId, damaged)).rejects.toThrow(FlowerProtocolError);
    await expect(inflateMessage(d.messageId, damaged)).rejects.toThrow(new RegExp(`object ${victim}: its bytes hash to ${await objectId(copy)}`));
  });

  it('rejects a message with a missing object, naming it', async () => {
    const d = await deflateMessage(message);
    const ids = [...postOrder(d.tree)];
    const missing = new Map(d.objects);
    missing.delete(ids[0]);
    await expect(inflateMessage(d.messageId, missing)).rejects.toThrow(new RegExp(`refers to object ${ids[0]}, which was not received`));
  });

  it('rejects a record body that names other children than its head', async () => {
    const d = await deflateMessage({ metadata: message.metadata, content: recordDict({ c: configRecord({ a: 1 }) }) });
    const [configId] = [...d.objects.keys()];
    const forged = frameObject('RecordDict', [configId], new TextEncoder().encode(`{"c": "${'0'.repeat(64)}"}`));
    const forgedId = await objectId(forged);
    const msg = frameObject('Message', [forgedId], d.objects.get(d.messageId)!.subarray(d.objects.get(d.messageId)!.indexOf(0) + 1));
    const msgId = await objectId(msg);
    const objects = new Map([...d.objects, [forgedId, forged], [msgId, msg]]);
    await expect(inflateMessage(msgId, objects)).rejects.toThrow(/body names objects \[0{64}\] but its head lists/);
  });

  it('rejects an object of the wrong type where a record belongs', async () => {
    const d = await deflateMessage(message);
    const arrayId = [...d.objects].find(([, c]) => Buffer.from(c.subarray(0, 6)).toString() === 'Array ')![0];
    const forged = frameObject('RecordDict', [arrayId], new TextEncoder().encode(`{"x": "${arrayId}"}`));
    const forgedId = await objectId(forged);
    const msg = frameObject('Message', [forgedId], d.objects.get(d.messageId)!.subarray(d.objects.get(d.messageId)!.indexOf(0) + 1));
    const objects = new Map([...d.objects, [forgedId, forged], [await objectId(msg), msg]]);
    await expect(inflateMessage(await objectId(msg), objects)).rejects.toThrow(/is a Array where RecordDict .* needs a ArrayRecord or MetricRecord or ConfigRecord/);
  });

  it('refuses to deflate values Flower cannot carry', async () => {
    const bad = (v: unknown) => deflateMessage({ metadata: message.metadata, content: recordDict({ c: { kind: 'config', values: new Map([['k', v as never]]) } }) });
    await expect(bad(2n ** 64n)).rejects.toThrow(ArgumentError);
    await expect(bad([1, 'a'])).rejects.toThrow(/lists hold one kind of value/);
    await expect(bad([-1n, 2n ** 63n])).rejects.toThrow(/mixes negative integers/);
    await expect(bad(null)).rejects.toThrow(/'k' is null/);
    await expect(deflateMessage({ metadata: message.metadata } as Message)).rejects.toThrow(/either content or an error/);
  });
});
