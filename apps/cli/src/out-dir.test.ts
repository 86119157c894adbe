/**
 * What `neurite train --out DIR` may touch: only the files of the model it
 * writes. A user's files are kept, a model Neurite did not write is refused
 * (exit 2) unless --force, and a second run aimed at the same directory is
 * refused at once instead of both reporting "model saved".
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, requireBuild, run, start } from './test-support/run.js';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'neurite-out-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TFJS_MODEL = JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] });
const snapshot = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));
const xor = (out: string, ...more: string[]) => ['train', '-m', 'xor', '--epochs', '20', '--backend', 'js', '--json', '--out', out, ...more];

describe('train --out', () => {
  it('refuses a directory holding a TensorFlow.js model (exit 2, nothing touched); --force replaces model.json and keeps the rest', async () => {
    const out = join(dir, 'tfjs');
    mkdirSync(out);
    writeFileSync(join(out, 'model.json'), TFJS_MODEL);
    writeFileSync(join(out, 'group1-shard1of1.bin'), 'tfjs weights');
    writeFileSync(join(out, 'README.md'), 'my model');
    const before = snapshot(out);
    expectUsageError(await run(xor(out)), /--out '.*tfjs' holds a model.json Neurite did not write \(is a TensorFlow.js model\) - choose another --out, or add --force/);
    expect(snapshot(out)).toEqual(before);

    const forced = await run(xor(out, '--force'));
    expect(forced.code, forced.stderr).toBe(0);
    const after = snapshot(out);
    expect(after['README.md']).toBe('my model');
    expect(after['group1-shard1of1.bin']).toBe('tfjs weights');
    expect(JSON.parse(after['model.json']).format).toBe('neurite-layers-model');
    const ev = await run(['evaluate', out, '--json', '--backend', 'js']);
    expect(ev.code, ev.stderr).toBe(0);
  });

  it("keeps the user's files when training into a new directory of theirs and when retraining into a model directory", async () => {
    const out = join(dir, 'mine');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.md'), 'notes');
    writeFileSync(join(out, 'plot.png'), 'png');
    for (const seed of ['1', '2']) {
      const r = await run(xor(out, '--seed', seed));
      expect(r.code, r.stderr).toBe(0);
    }
    const files = readdirSync(out).sort();
    expect(files).toEqual(['model.json', 'notes.md', 'plot.png', expect.stringMatching(/^weights\.[0-9a-z]+\.bin$/)]);
    expect(readFileSync(join(out, 'notes.md'), 'utf8')).toBe('notes');
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).metadata.seed).toBe(2);
  });

  it('a second run aimed at a directory in use is refused at once (exit 2); the first finishes and its model loads', async () => {
    const out = join(dir, 'shared');
    const first = start(['train', '-m', 'xor', '--epochs', '3000', '--backend', 'js', '--json', '--out', out]);
    // The first run takes the directory before it trains; wait until it holds it.
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(out, '.neurite-lock')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const second = await run(xor(out));
    expectUsageError(second, /--out '.*shared': '.*shared' is being written by process \d+ since .* - wait for it to finish, or save elsewhere/);
    const r = await first.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).epochs).toBe(3000);
    const ev = await run(['evaluate', out, '--json', '--backend', 'js']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a run that fails before its first save leaves no directory behind', async () => {
    const out = join(dir, 'never');
    const r = await run(['train', '-d', `csv:${join(dir, 'missing.csv')}`, '--target', 'y', '--backend', 'js', '--out', out]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
