import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { configRecord, metricRecord, recordNumber } from './records.js';
import { configRecordBody, configRecordFromBody, metricRecordBody, metricRecordFromBody } from './record-values.js';

describe('records', () => {
  it('keep floats as numbers and integers as bigints through their bodies, in key order', () => {
    const config = configRecord([
      ['z', 1],
      ['10', 1n],
      ['big', 2n ** 64n - 1n],
      ['s', 'x'],
      ['b', false],
      ['raw', new Uint8Array([1])],
      ['l', [true]],
    ]);
    const back = configRecordFromBody(configRecordBody(config));
    expect(back).toEqual(config);
    expect([...back.values.keys()]).toEqual(['z', '10', 'big', 's', 'b', 'raw', 'l']);
    const metrics = metricRecord({ loss: 0.5, n: 3n, l: [1n, -1n] });
    expect(metricRecordFromBody(metricRecordBody(metrics))).toEqual(metrics);
  });

  it('refuse values Flower cannot carry, naming the key and value', () => {
    expect(() => metricRecord({ ok: true as never })).toThrow(ArgumentError);
    expect(() => metricRecord({ ok: true as never })).toThrow(/'ok' is true \(boolean\) - use number, bigint/);
    expect(() => configRecord({ big: 2n ** 64n })).toThrow(/outside the 64-bit range/);
    expect(() => configRecord({ l: [1, 1n] as never })).toThrow(/lists hold one kind of value/);
    expect(() => configRecord({ o: {} as never })).toThrow(/'o' is \[object Object\]/);
  });

  it('read numbers whether they came as floats or integers', () => {
    const r = configRecord({ lr: 0.1, epochs: 2n, name: 'x', huge: 2n ** 60n });
    expect(recordNumber(r, 'lr')).toBe(0.1);
    expect(recordNumber(r, 'epochs')).toBe(2);
    expect(() => recordNumber(r, 'name')).toThrow(/'name' is "x", not a number/);
    expect(() => recordNumber(r, 'missing')).toThrow(/'missing' is missing, not a number - keys: lr, epochs, name, huge/);
    expect(() => recordNumber(r, 'huge')).toThrow(/beyond what a JS number holds exactly/);
  });

  it('reject a record value with no kind set', () => {
    // A ConfigRecord item whose value oneof is empty: key "k" (field 1), an empty value message (field 2).
    const body = new Uint8Array([0x0a, 0x05, 0x0a, 0x01, 0x6b, 0x12, 0x00]);
    expect(() => configRecordFromBody(body)).toThrow(/'k' has no value/);
  });
});
