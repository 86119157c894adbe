/**
 * Crash safety of `save`: a child process saves into one directory in a
 * loop and is killed with SIGKILL at a random moment, again and again. After
 * every kill the directory must load, as the whole model of the last save
 * that returned or of the one in flight, never a mix, a half-written file or
 * nothing; a user's file beside the model is never touched; and the next
 * save leaves no temporary file, orphaned weights or lock behind.
 *
 * NEURITE_CRASH_TRIALS sets the number of kills (the long mode: 120); the
 * default keeps `npm test` quick. The child runs the built packages, which
 * `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random, dispose, tensor } from '@neurite/core';
import { dense } from '../layers/dense.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { loadWithMetadata, save } from './node.js';

const TRIALS = Number(process.env.NEURITE_CRASH_TRIALS ?? 12);
const script = fileURLToPath(new URL('../testing/save-loop.mjs', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)));

let dir: string;
beforeAll(async () => {
  await useJs();
  dir = await mkdtemp(join(tmpdir(), 'neurite-crash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the save loop from `first` and kills it `delayMs` after it is ready; resolves with the last save it reported, or undefined. */
function killDuringSaves(target: string, first: number, delayMs: number): Promise<number | undefined> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script, target, String(first)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n') && !child.killed) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`the save loop exited by itself (code ${code}): ${err.slice(0, 500)}`));
      const saved = [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
      done(saved.at(-1));
    });
  });
}

describe.skipIf(!built)('save under kill -9 (skipped only when dist/ is not built: npm test builds it first)', () => {
  it(`${TRIALS} kills at random points: every state loads as a whole model, and no leftovers after the next save`, { timeout: 60_000 + TRIALS * 3_000 }, async () => {
    const rng = new Random(7);
    const target = join(dir, 'model');
    const model = sequential([dense({ units: 64, inputShape: [784] }), dense({ units: 10 })]);
    const zeros = model.parameters().map((v) => tensor(new Float32Array(v.size), v.shape));
    model.setWeights(zeros);
    dispose(zeros);
    await save(model, target, { metadata: { n: 0 } });
    model.dispose();
    const readme = 'my notes about this model\n';
    await writeFile(join(target, 'README.md'), readme);

    let next = 1;
    let onDisk = 0;
    let unloadable = 0;
    let killedMidSave = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const reported = await killDuringSaves(target, next, rng.next() * 40);
      if (existsSync(join(target, '.neurite-lock'))) killedMidSave++;
      let n: number;
      try {
        const { model: back, metadata } = await loadWithMetadata(target);
        const values = new Set(back.parameters().flatMap((v) => Array.from(v.dataSync())));
        back.dispose();
        n = metadata?.n as number;
        // A whole model: every weight is the number of the save recorded in its own metadata.
        expect([...values]).toEqual([n]);
        // The last save that returned (or the model from before, if none did), or the one in flight when the kill came.
        const before = reported ?? onDisk;
        expect([before, reported === undefined ? next : before + 1]).toContain(n);
      } catch (e) {
        unloadable++;
        throw e;
      }
      onDisk = n;
      next = Math.max(n, reported ?? 0) + 2;
    }
    const leftBeforeSave = (await readdir(target)).filter((f) => f !== 'README.md' && f !== 'model.json' && !/^weights\.[0-9a-z]+\.bin$/.test(f));

    const last = sequential([dense({ units: 3, inputShape: [2] })]);
    const result = await save(last, target);
    last.dispose();
    const files = (await readdir(target)).sort();
    expect(files).toEqual(['README.md', 'model.json', result.weightsFile]);
    expect(await readFile(join(target, 'README.md'), 'utf8')).toBe(readme);
    console.log(`save crash suite: ${TRIALS} kills, ${killedMidSave} inside a save (lock held), ${unloadable} unloadable states, ${leftBeforeSave.length} stale files before the next save (${[...new Set(leftBeforeSave.map((f) => f.replace(/[0-9a-z]{10,}/g, '*')))].join(', ') || 'none'}), 0 after it`);
    expect(unloadable).toBe(0);
  });
});
