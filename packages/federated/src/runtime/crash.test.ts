import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '@neurite/core';
import { killDuring } from '@neurite/core/testing';
import { loadServerState, saveServerState } from './checkpoint.js';
// @ts-expect-error: a plain .mjs helper shared with the child process, untyped
import { crashState } from '../testing/crash-state.mjs';

/** 5 trials in the normal run; NEURITE_CRASH_TRIALS=120 for the long run. */
const TRIALS = Number(process.env.NEURITE_CRASH_TRIALS ?? 5);
const WRITER = fileURLToPath(new URL('../testing/checkpoint-writer.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/runtime/atomic-file.js', import.meta.url));

let dir: string;
beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: the crash suite's child process runs the built package - npm run build -w @neurite/federated`);
  dir = await mkdtemp(join(tmpdir(), 'neurite-crash-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('crash safety of the federated checkpoint', () => {
  it(`kill -9 at a random instant of a write loop never leaves an unloadable checkpoint nor, after the next load, a temporary file (${TRIALS} trials)`, async () => {
    const rng = new Random(2024);
    let unloadable = 0;
    let leftovers = 0;
    let killedMidWrite = 0;
    const problems: string[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const sub = join(dir, `trial-${t}`);
      const path = join(sub, 'server.json');
      await saveServerState(path, crashState(0));
      const lastSaved = (await killDuring({ script: WRITER, args: [path], delayMs: rng.next() * 150, readyLine: 'started' })) ?? 0;
      if ((await readdir(sub)).length > 1) killedMidWrite++;
      try {
        const s = await loadServerState(path);
        // The whole old checkpoint or the whole new one: the last round reported saved, or the one being written.
        const consistent = s.params[0].values.every((v) => v === s.round) && s.history.length === s.round;
        if (!consistent || (s.round !== lastSaved && s.round !== lastSaved + 1)) {
          unloadable++;
          problems.push(`trial ${t}: round ${s.round} loaded after round ${lastSaved} was reported saved${consistent ? '' : ', with mixed contents'}`);
        }
      } catch (e) {
        unloadable++;
        problems.push(`trial ${t}: ${(e as Error).message}`);
      }
      leftovers += (await readdir(sub)).filter((n) => n !== 'server.json').length;
    }
    console.log(`crash suite: ${TRIALS} trials, ${killedMidWrite} killed with a temporary file on disk, ${unloadable} unloadable states, ${leftovers} leftover temporary files after the next load`);
    expect(problems).toEqual([]);
    expect(unloadable).toBe(0);
    expect(leftovers).toBe(0);
  }, 60_000 + TRIALS * 5_000);
});
