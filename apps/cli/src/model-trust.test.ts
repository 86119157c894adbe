/**
 * A saved model directory is input like any other: damaged or hostile
 * metadata, non-finite weights, inputs that overflow float32 and outputs that
 * are not numbers all end in one line and exit 2, never a raw TypeError or a
 * "NaN" prediction with exit 0; and a model never makes the CLI read a data
 * file the user did not name.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, requireBuild, run } from './test-support/run.js';

let dir: string;
let iris: string;
beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'neurite-trust-'));
  iris = join(dir, 'iris');
  const r = await run(['train', '-d', 'iris', '--epochs', '30', '--backend', 'js', '--json', '--out', iris]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let copies = 0;
/** A copy of the iris model with model.json edited. */
function edited(edit: (json: Record<string, any>) => void): string {
  const d = join(dir, `copy-${copies++}`);
  cpSync(iris, d, { recursive: true });
  const json = JSON.parse(readFileSync(join(d, 'model.json'), 'utf8'));
  edit(json);
  writeFileSync(join(d, 'model.json'), JSON.stringify(json));
  return d;
}

const row = '5.1,3.5,1.4,0.2';

describe('metadata goes through one schema check', () => {
  const cases: [string, (j: Record<string, any>) => void, RegExp][] = [
    ['metadata null', (j) => (j.metadata = null), /model.json 'metadata' must be an object/],
    ['task unknown', (j) => (j.metadata.task = 'ranking'), /model.json \(metadata\): 'task' must be one of binary, multiclass, regression, got "ranking"/],
    ['task that does not fit the model', (j) => (j.metadata.task = 'binary'), /'task' is binary but the model has 3 outputs/],
    ['featureNames of the wrong type', (j) => (j.metadata.featureNames = 'sepal'), /'featureNames' must be a list of strings/],
    ['featureNames of the wrong length', (j) => (j.metadata.featureNames = ['a']), /'featureNames' has 1 names but the model has 4/],
    ['classes of the wrong length', (j) => (j.metadata.classes = ['a', 'b']), /'classes' has 2 names but the model has 3/],
    ['a scaler of the wrong width', (j) => (j.metadata.scaler.mean = [0, 0]), /'scaler.mean' must be a list of 4 numbers/],
    ['a scaler that divides by zero', (j) => (j.metadata.scaler.std[1] = 0), /'scaler.std\[1\]' must be a finite number > 0, got 0/],
    ['a seed that is not an integer', (j) => (j.metadata.seed = 'x'), /'seed' must be an integer/],
  ];
  for (const [label, edit, message] of cases) {
    it(`${label}: predict exits 2 naming the file and the field`, async () => {
      expectUsageError(await run(['predict', edited(edit), '--backend', 'js'], { input: row }), message);
    });
  }

  it('an old neurite.json is read through the same check', async () => {
    const d = edited((j) => delete j.metadata);
    writeFileSync(join(d, 'neurite.json'), 'null');
    expectUsageError(await run(['predict', d, '--backend', 'js'], { input: row }), /neurite.json: '\(top level\)' must be an object, got null/);
  });

  it('the control: the unedited model predicts', async () => {
    const r = await run(['predict', iris, '--backend', 'js'], { input: row });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^setosa\t0\.\d{4}$/m);
  });
});

describe('numbers that are not numbers', () => {
  it('NaN weights with a valid checksum: the model is refused on load', async () => {
    const d = edited(() => undefined);
    const weightsFile = readdirSync(d).find((f) => f.endsWith('.bin'))!;
    const json = JSON.parse(readFileSync(join(d, 'model.json'), 'utf8'));
    const bytes = readFileSync(join(d, weightsFile));
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(0, NaN, true);
    writeFileSync(join(d, weightsFile), bytes);
    const { crc32 } = await import('@neurite/layers');
    json.weights.crc32 = crc32(new Uint8Array(bytes));
    writeFileSync(join(d, 'model.json'), JSON.stringify(json));
    expectUsageError(await run(['predict', d, '--backend', 'js'], { input: row }), /weight '.*kernel' holds NaN at index 0/);
  });

  it('an input value beyond float32 is refused with its line and column (CSV) or row and position (JSON)', async () => {
    expectUsageError(await run(['predict', iris, '--backend', 'js'], { input: `${row}\n1e300,1,1,1\n` }), /line 2, column 1: 1e300 overflows float32/);
    expectUsageError(await run(['predict', iris, '--backend', 'js'], { input: '[[1, 1, 1e300, 1]]' }), /row 0 is not a list of finite float32 numbers/);
  });

  it('outputs that are not numbers are refused, naming the rows, and nothing is printed', async () => {
    // Finite in float32, but the first layer's sums overflow: the softmax of Infinity is NaN.
    const big = '3e38,3e38,3e38,3e38';
    expectUsageError(await run(['predict', iris, '--backend', 'js'], { input: `${row}\n${big}\n` }), /the model's output is not a number \(NaN or infinite\) for row 2 - .*nothing was printed/);
  });
});

describe('a model never names the data the CLI reads', () => {
  it('evaluate on a model whose metadata names a CSV file does not read it, and says how to name it', async () => {
    const secret = join(dir, 'creds.csv');
    writeFileSync(join(secret), 'user,password\nroot,hunter2-SECRET\n');
    const d = edited((j) => (j.metadata.dataset = `csv:${secret}`));
    const r = await run(['evaluate', d, '--backend', 'js']);
    expectUsageError(r, /was trained on csv:.*creds\.csv; Neurite reads data files only when you name them - pass --dataset/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
