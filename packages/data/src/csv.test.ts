import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset } from './arrays.js';
import { loadCsv, parseCsv, parseCsvRecords } from './csv.js';
import { DataFormatError } from './errors.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

/** The error thrown by fn, to check its class, message and line together. */
function errorOf(fn: () => unknown): DataFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFormatError);
    return e as DataFormatError;
  }
  throw new Error('expected an error');
}

describe('parseCsvRecords', () => {
  it('handles quotes, doubled quotes, delimiters and line breaks inside quotes, CRLF and blank lines', () => {
    const text = 'a,b\r\n"x,1","say ""hi"""\r\n\r\n"two\nlines",3\n';
    const records = parseCsvRecords(text);
    expect(records).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x,1', 'say "hi"'], line: 2 },
      { fields: ['two\nlines', '3'], line: 4 },
    ]);
  });

  it('reports an unclosed quote and text after a closing quote with their lines', () => {
    expect(errorOf(() => parseCsvRecords('a,b\n1,"oops\n2,3\n')).message).toBe(
      'loadCsv: line 2: a quoted field is never closed - add the closing "',
    );
    const e = errorOf(() => parseCsvRecords('a,b\n1,2\n"x"y,3\n'));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/line 3: text after a closing quote/);
  });
});

const IRIS_LIKE = ['sepal,petal,"species"', '5.1,1.4,setosa', '7.0,4.7,versicolor', '6.3,6.0,virginica', '4.9,1.4,setosa', ''].join('\n');

describe('parseCsv', () => {
  it('maps a categorical target to sorted class indices and returns the mapping', () => {
    const t = parseCsv(IRIS_LIKE, { target: 'species' });
    expect(t.featureNames).toEqual(['sepal', 'petal']);
    expect(t.targetName).toBe('species');
    expect(t.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(t.labels)).toEqual([0, 1, 2, 0]);
    expect(t.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(t.features)).toEqual([5.1, 1.4, 7.0, 4.7, 6.3, 6.0, 4.9, 1.4].map(Math.fround));
  });

  it('selects the target by index, keeps a numeric target as float32 and reads other delimiters', () => {
    const t = parseCsv('y;x1;x2\n1.5;2;3\n-2e1;4;5\n', { target: 0, delimiter: ';' });
    expect(t.labels).toBeInstanceOf(Float32Array);
    expect(Array.from(t.labels)).toEqual([1.5, -20]);
    expect(t.featureNames).toEqual(['x1', 'x2']);
    const last = parseCsv('1,2,0\n3,4,1\n', { header: false, target: -1 });
    expect(last.featureNames).toEqual(['column 0', 'column 1']);
    expect(Array.from(last.labels)).toEqual([0, 1]);
  });

  it('orders numeric class names numerically and accepts given classes', () => {
    const t = parseCsv('x,c\n1,10\n2,2\n3,10\n', { targetType: 'categorical' });
    expect(t.classes).toEqual(['2', '10']);
    expect(Array.from(t.labels)).toEqual([1, 0, 1]);
    const test = parseCsv('sepal,petal,species\n5,1,virginica\n', { target: 'species', classes: ['setosa', 'versicolor', 'virginica'] });
    expect(Array.from(test.labels)).toEqual([2]);
    expect(errorOf(() => parseCsv('x,c\n1,a\n2,b\n', { classes: ['a'] })).message).toBe(
      `loadCsv: line 3, target column 'c': "b" is not one of the given classes (a)`,
    );
  });

  it('names the line of a row with the wrong number of fields', () => {
    const e = errorOf(() => parseCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n'));
    expect(e.line).toBe(3);
    expect(e.message).toBe(`loadCsv: line 3 has 2 fields but the header has 3 - check for a missing value or an unquoted ","`);
  });

  it('counts physical lines, past blank lines and quoted line breaks', () => {
    const e = errorOf(() => parseCsv('a,b,c\n"multi\nline",2,3\n\n1,2,3,4\n'));
    expect(e.line).toBe(5);
  });

  it('names the line and column of a value that is not a number', () => {
    const e = errorOf(() => parseCsv('height,weight,label\n1.5,60,a\n1.7,abc,b\n'));
    expect(e.line).toBe(3);
    expect(e.message).toBe(`loadCsv: line 3, column 'weight': "abc" is not a number - fix or remove the row, or drop the column`);
    expect(errorOf(() => parseCsv('x,y\n,1\n')).message).toMatch(/line 2, column 'x': "" is not a number/);
    expect(errorOf(() => parseCsv('x,y\n0x10,1\n')).message).toMatch(/"0x10" is not a number/);
    expect(errorOf(() => parseCsv('x,y\n1,a\n', { targetType: 'numeric' })).message).toMatch(
      /line 2, target column 'y': "a" is not a number/,
    );
  });

  it('names the line and column of a value whose magnitude overflows float32', () => {
    // The largest finite float32 is (2 - 2^-23) * 2^127; anything that rounds past it becomes Infinity.
    const max = (2 - 2 ** -23) * 2 ** 127;
    const e = errorOf(() => parseCsv('a,b,y\n1,2,0\n3,1e999,1\n'));
    expect([e.line, e.column]).toEqual([3, 'b']);
    expect(e.message).toBe(`loadCsv: line 3, column 'b': 1e999 overflows float32 (largest magnitude 3.4028235e+38) - fix the value, or rescale the column (e.g. to other units)`);
    for (const big of ['1e39', '-1e39', '3.5e38', String(2 ** 128)]) {
      expect(errorOf(() => parseCsv(`a,y\n${big},0\n`)).message).toMatch(/line 2, column 'a': .* overflows float32/);
    }
    expect(parseCsv(`a,y\n${max},0\n-${max},1\n`).features).toEqual(Float32Array.of(max, -max));
    const target = errorOf(() => parseCsv('a,price\n1,2\n2,1e39\n'));
    expect([target.line, target.column]).toEqual([3, 'price']);
    expect(target.message).toMatch(/^loadCsv: line 3, target column 'price': 1e39 overflows float32/);
    expect(errorOf(() => parseCsv('a,y\n1,1e39\n', { targetType: 'numeric' })).message).toMatch(/target column 'y': 1e39 overflows/);
  });

  it('refuses NaN and infinity spelled out, naming line and column', () => {
    for (const text of ['NaN', 'nan', 'Infinity', '-Infinity', 'inf', '-inf']) {
      const e = errorOf(() => parseCsv(`a,b,y\n1,2,0\n1,${text},1\n`));
      expect([e.line, e.column]).toEqual([3, 'b']);
      expect(e.message).toContain(`column 'b': ${JSON.stringify(text)} is not a number`);
    }
    expect(errorOf(() => parseCsv('a,y\n1,NaN\n', { targetType: 'numeric' })).message).toMatch(/target column 'y': "NaN" is not a number/);
  });

  it('explains an empty file, a header without rows and a missing target column', () => {
    expect(errorOf(() => parseCsv('')).message).toBe('loadCsv: the file is empty - expected a header line and rows of values');
    expect(errorOf(() => parseCsv('\n\n')).message).toMatch(/the file is empty/);
    expect(errorOf(() => parseCsv('a,b\n')).message).toBe('loadCsv: the file has a header (line 1) but no rows of values');
    expect(errorOf(() => parseCsv(IRIS_LIKE, { target: 'class' })).message).toBe(
      `loadCsv: no column named 'class' - the columns are: sepal, petal, species`,
    );
    expect(errorOf(() => parseCsv(IRIS_LIKE, { target: 3 })).message).toMatch(/target column 3 does not exist - the file has 3 columns/);
    expect(errorOf(() => parseCsv('1,2\n', { header: false, target: 'y' })).message).toMatch(/header is false/);
  });
});

describe('loadCsv', () => {
  it('reads a file into tensors and reads inline text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'neurite-data-'));
    try {
      const file = join(dir, 'iris.csv');
      await writeFile(file, IRIS_LIKE);
      const before = memory().numTensors;
      const ds = await loadCsv(file, { target: 'species' });
      expect(ds.x.shape).toEqual([4, 2]);
      expect(ds.y.dtype).toBe('int32');
      expect(ds.classes).toEqual(['setosa', 'versicolor', 'virginica']);
      disposeDataset(ds);
      const inline = await loadCsv('a,b\n1,2.5\n3,4.5\n');
      expect(Array.from(inline.y.dataSync())).toEqual([2.5, 4.5]);
      disposeDataset(inline);
      expect(memory().numTensors).toBe(before);
      await expect(loadCsv(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
