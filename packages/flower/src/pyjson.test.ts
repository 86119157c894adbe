import { describe, expect, it } from 'vitest';
import { FlowerProtocolError } from './errors.js';
import { parseJsonOrdered, pythonJsonDumps } from './pyjson.js';
import { flwrPython, runPython } from './testing/python.js';

const py = flwrPython();
const skipped = py.skip ? ` (skipped: ${py.skip})` : '';

const ascii = String.fromCharCode(...Array.from({ length: 128 }, (_, i) => i));
const KEYS = [ascii, 'é✓😀', '\u2028\u2029\ufeff', '', '10', '2', 'a b'];

describe.skipIf(py.skip !== undefined)(`pythonJsonDumps against Python's json.dumps${skipped}`, () => {
  it('writes the same text for every ASCII character, non-ASCII and astral characters, keys in order', () => {
    const pairs = KEYS.map((k, i) => [k, [k, i, [-i, i * 1000]]] as const);
    const theirs = runPython<string>(py.python!, 'import sys, json; print(json.dumps(json.dumps(dict(json.load(sys.stdin)))))', pairs);
    expect(pythonJsonDumps(new Map(pairs.map(([k, v]) => [k, v])))).toBe(theirs);
  });
});

describe('parseJsonOrdered', () => {
  it('keeps key order, integer-like keys included, and reads what pythonJsonDumps writes', () => {
    const value = new Map<string, string | number[]>([
      ['b', 'x'],
      ['10', [1, -2]],
      ['2', 'y'],
      [ascii, ascii],
    ]);
    const back = parseJsonOrdered(pythonJsonDumps(value), 'test');
    expect(back).toEqual(value);
    expect([...(back as Map<string, unknown>).keys()]).toEqual(['b', '10', '2', ascii]);
  });

  it('rejects what Flower never writes: floats, duplicate keys, literals, trailing text', () => {
    for (const bad of ['{"a": 1.5}', '{"a": "x", "a": "y"}', '{"a": true}', '{"a": "x"} x', '{"a" "x"}', '["a",]', '"unterminated', '[1e3]']) {
      expect(() => parseJsonOrdered(bad, 'object 1'), bad).toThrow(FlowerProtocolError);
    }
    expect(() => parseJsonOrdered('{"a": "x", "a": "y"}', 'object 1')).toThrow(/object 1: body is not valid JSON \(duplicate key "a"/);
  });
});
