import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowerProtocolError } from './errors.js';
import { frameObject, objectId, parseObject, postOrder, treeFromProto, treeToProto } from './objects.js';

const enc = (s: string) => new TextEncoder().encode(s);
const ID = 'a'.repeat(64);

describe('object framing', () => {
  it('is "<type> <children> <length>", a zero byte, the body; the id is its SHA-256', async () => {
    const o = frameObject('Array', [ID, 'b'.repeat(64)], enc('{}'));
    expect(Buffer.from(o).toString('latin1')).toBe(`Array ${ID},${'b'.repeat(64)} 2\0{}`);
    expect(await objectId(o)).toBe(createHash('sha256').update(o).digest('hex'));
    expect(parseObject(o)).toEqual({ type: 'Array', children: [ID, 'b'.repeat(64)], body: enc('{}') });
    expect(parseObject(frameObject('ArrayChunk', [], new Uint8Array([0, 1, 0])))).toEqual({ type: 'ArrayChunk', children: [], body: new Uint8Array([0, 1, 0]) });
  });

  it('names what is wrong with a malformed object', () => {
    const cases: [string, RegExp][] = [
      ['Array  2{}', /no zero byte/],
      ['Array 2\0{}', /three space-separated values/],
      ['Pickle  2\0{}', /type 'Pickle' is not one of/],
      [`Array ${ID.slice(1)} 2\0{}`, /is not a SHA-256 hex digest/],
      ['Array  3\0{}', /head says the body has 3 bytes but it has 2/],
      ['Array  x\0{}', /head says the body has x bytes/],
    ];
    for (const [text, why] of cases) {
      expect(() => parseObject(enc(text), 'X'), text).toThrow(FlowerProtocolError);
      expect(() => parseObject(enc(text), 'X'), text).toThrow(why);
    }
  });
});

describe('object trees', () => {
  const tree = { objectId: 'd'.repeat(64), children: [{ objectId: 'c'.repeat(64), children: [{ objectId: 'a'.repeat(64), children: [] }, { objectId: 'b'.repeat(64), children: [] }] }] };

  it('are walked children first, as Flower pulls and pushes', () => {
    expect([...postOrder(tree)]).toEqual(['a', 'b', 'c', 'd'].map((c) => c.repeat(64)));
  });

  it('convert to and from the Fleet API message, refusing ids that are not ids', () => {
    expect(treeFromProto(treeToProto(tree))).toEqual(tree);
    expect(() => treeFromProto(treeToProto({ objectId: 'nope', children: [] }))).toThrow(/'nope' is not an object id/);
  });
});
