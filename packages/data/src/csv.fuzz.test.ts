/**
 * Fuzzing the CSV reader: a valid file damaged by generated edits (characters
 * cut, inserted or replaced: quotes, delimiters, newlines, huge and
 * non-numbers) and arbitrary text must give a table or a DataFormatError,
 * nothing else; and a table that comes back holds only finite float32
 * values with the shape it claims. Bounded by the test's timeout: no hang.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { damageText } from '@neurite/core/testing';
import { parseCsv, parseCsvRecords } from './csv.js';
import { DataFormatError } from './errors.js';

const RUNS = Number(process.env.NEURITE_FUZZ_RUNS ?? 1000);
const outcome = { parsed: 0, refused: 0 };
afterAll(() => console.log(`CSV fuzz: ${outcome.parsed + outcome.refused} cases (${outcome.parsed} parsed, ${outcome.refused} refused)`));

const VALID = 'sepal length,sepal width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n7.0,3.2,versicolor\n"6.4",3.2,versicolor\n6.3,3.3,virginica\n';
const PIECES = [',', '"', '\n', '\r\n', '""', 'NaN', 'Infinity', '-', '1e39', '1e999', '-1e400', '0x10', ' ', '\u0000', '\uFEFF', 'é', '1,2,3,4,5,6', 'species', '__proto__'];

function check(text: string, options: Parameters<typeof parseCsv>[1]): void {
  try {
    const t = parseCsv(text, options);
    outcome.parsed++;
    expect(t.features.length).toBe(t.numRows * t.featureNames.length);
    expect(t.labels.length).toBe(t.numRows);
    expect(t.features.every((v) => Number.isFinite(v))).toBe(true);
    if (t.labels instanceof Float32Array) expect(t.labels.every((v) => Number.isFinite(v))).toBe(true);
  } catch (e) {
    if (!(e instanceof DataFormatError)) throw e;
    outcome.refused++;
  }
}

describe('CSV fuzz', () => {
  const edit = fc.record({ at: fc.nat(), insert: fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 })), remove: fc.nat({ max: 6 }) });
  const options = fc.constantFrom<Parameters<typeof parseCsv>[1]>({}, { target: 'species' }, { target: 0 }, { target: -1, targetType: 'numeric' }, { header: false }, { target: 'species', targetType: 'categorical', classes: ['setosa'] });

  it('a valid file with generated damage', () => {
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), options, (edits, o) => check(damageText(VALID, edits), o)), { numRuns: RUNS, seed: 8 });
  });

  it('arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), options, (text, o) => check(text, o)), { numRuns: RUNS, seed: 9 });
  });

  it('records of arbitrary text: fields or a DataFormatError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseCsvRecords(text);
        } catch (e) {
          if (!(e instanceof DataFormatError)) throw e;
        }
      }),
      { numRuns: RUNS, seed: 10 },
    );
  });
});
