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
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random, dispose, tensor } from '@neurite/core';
import { killDuring } from '@neurite/core/testing';
import { dense } from '../layers/dense.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { loadWithMetadata, save } from './node.js';

const TRIALS = Number(process.env.NEURITE_CRASH_TRIALS ?? 12);
const script = fileURLToPath(new URL('../testing/save-loop.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

let dir: string;
beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: the crash suite's child process runs the built package - npm run build -w @neurite/layers`);
  await useJs();
  dir = await mkdtemp(join(tmpdir(), 'neurite-crash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('save under kill -9', () => {
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
      const reported = await killDuring({ script, args: [target, String(next)], delayMs: rng.next() * 40 });
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
