/**
 * Crash safety of `train --out`: a child process holds a model directory as
 * train does and checkpoints into it in a loop; it is killed with SIGKILL at
 * a random moment, again and again. After every kill the directory loads
 * (through the same loader as evaluate and predict) as the whole model and
 * metadata of one checkpoint, the last that returned or the one in flight;
 * the user's file beside it is untouched; after the next run's checkpoint no
 * lock, temporary file or orphaned weights are left.
 *
 * NEURITE_CRASH_TRIALS sets the number of kills (the long mode: 120).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random, setBackend } from '@neurite/core';
import { killDuring } from '@neurite/core/testing';
import { register } from '@neurite/backend-js';
import { dense, sequential } from '@neurite/layers';
import { loadModelDir, saveCheckpoint } from './checkpoint.js';
import { requireBuild } from './test-support/run.js';

const TRIALS = Number(process.env.NEURITE_CRASH_TRIALS ?? 12);
const script = fileURLToPath(new URL('./test-support/checkpoint-loop.mjs', import.meta.url));

let dir: string;
beforeAll(async () => {
  requireBuild();
  register();
  await setBackend('js');
  dir = await mkdtemp(join(tmpdir(), 'neurite-out-crash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function checkpointOnDisk(target: string): Promise<number> {
  const { model, meta } = await loadModelDir(target);
  const values = new Set(model.parameters().flatMap((v) => Array.from(v.dataSync())));
  model.dispose();
  // Weights and metadata of one checkpoint: every weight is its number, and so is the seed it recorded.
  expect([...values]).toEqual([meta.seed]);
  return meta.seed!;
}

describe('train --out under kill -9', () => {
  it(`${TRIALS} kills at random points: every state loads as one whole checkpoint; no leftovers after the next run`, { timeout: 60_000 + TRIALS * 3_000 }, async () => {
    const rng = new Random(11);
    const target = join(dir, 'model');
    let next = 0;
    let onDisk: number | undefined;
    let unloadable = 0;
    let killedMidSave = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const reported = await killDuring({ script, args: [target, String(next)], delayMs: rng.next() * 40 });
      // The run holds its lock throughout; files beyond the lock and the model mean the kill came mid-write.
      if ((await readdir(target)).some((f) => f.startsWith('.neurite-tmp') || (/^weights\./.test(f) && !readFileSync(join(target, 'model.json'), 'utf8').includes(f)))) killedMidSave++;
      if (trial === 0) await writeFile(join(target, 'README.md'), 'about this model\n');
      if (reported === undefined && onDisk === undefined && !existsSync(join(target, 'model.json'))) {
        next += 1; // killed before the very first checkpoint committed: there is no model yet, and none is expected
        continue;
      }
      let n: number;
      try {
        n = await checkpointOnDisk(target);
      } catch (e) {
        unloadable++;
        throw e;
      }
      // The last checkpoint that returned, or the one in flight (its "saved" line may not have been printed).
      expect(reported === undefined ? [onDisk, next] : [reported, reported + 1]).toContain(n);
      onDisk = n;
      next = Math.max(n, reported ?? 0) + 2;
    }
    const stale = (await readdir(target)).filter((f) => f !== 'README.md' && f !== 'model.json' && !/^weights\.[0-9a-z]+\.bin$/.test(f));

    // The next run recovers: one checkpoint, then nothing but the model and the user's file.
    const model = sequential([dense({ units: 2, inputShape: [3], activation: 'softmax' })]);
    await saveCheckpoint(model, { createdBy: 'neurite train', task: 'multiclass', dataset: 'mnist', model: 'mlp', seed: 0, epochs: 1, interrupted: false }, target);
    model.dispose();
    const files = (await readdir(target)).sort();
    expect(files).toEqual(['README.md', 'model.json', expect.stringMatching(/^weights\.[0-9a-z]+\.bin$/)]);
    expect(await readFile(join(target, 'README.md'), 'utf8')).toBe('about this model\n');
    console.log(`train --out crash suite: ${TRIALS} kills, ${killedMidSave} in the middle of writing a checkpoint, ${unloadable} unloadable states, ${stale.length} stale files before the next run, 0 after it`);
    expect(unloadable).toBe(0);
  });
});
