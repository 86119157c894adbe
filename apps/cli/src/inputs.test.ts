import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { parseInputs } from './inputs.js';

describe('parseInputs', () => {
  it('refuses a CSV value whose magnitude overflows float32, naming line and column', () => {
    // 2^128 is past the largest float32, (2 - 2^-23) * 2^127, which is still accepted.
    const max = (2 - 2 ** -23) * 2 ** 127;
    expect(parseInputs(`a,b\n1,${max}\n`, 'in.csv').rows).toEqual([[1, max]]);
    for (const big of ['1e39', '-1e39', String(2 ** 128)]) {
      const run = () => parseInputs(`a,b\n1,2\n3,${big}\n`, 'in.csv');
      expect(run).toThrow(UsageError);
      expect(run).toThrow(`in.csv: line 3, column 'b': ${big} overflows float32`);
    }
  });

  it('refuses JSON numbers that overflow float32', () => {
    expect(() => parseInputs('[[1, 1e39]]', 'in.json')).toThrow(/row 0 is not a list of finite float32 numbers/);
  });
});
