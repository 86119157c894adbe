import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '@neurite/core';
import { RdpAccountant } from '../privacy/accountant.js';
import { FedAvg } from '../strategies/fedavg.js';
import type { Weights } from '../weights.js';
import { CheckpointError, loadServerState, saveServerState } from './checkpoint.js';
import type { Client } from './messages.js';
import { runFederated, type ServerOptions } from './server.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'neurite-fed-ckpt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const weights = (values: ArrayLike<number>): Weights => [{ name: 'w', shape: [values.length], values: Float32Array.from(values) }];

/** Four clients that each move every weight by id + 1: no backend, instant rounds. */
const clients = (): Client[] =>
  [0, 1, 2, 3].map((id) => ({
    id,
    fit: async (ins) => ({ params: weights(ins.params[0].values.map((v) => v + id + 1)), numExamples: 10, metrics: { loss: 1 } }),
    evaluate: async () => ({ loss: 0, numExamples: 1, metrics: {} }),
  }));

function run(rounds: number, path: string, extra: Partial<ServerOptions> & { resume?: boolean; force?: boolean; settings?: Record<string, number> } = {}) {
  const { resume, force, settings, ...rest } = extra;
  const lines: string[] = [];
  const result = runFederated({
    clients: clients(),
    strategy: new FedAvg(),
    rounds,
    seed: 7,
    initialParams: weights([0, 0, 0]),
    fractionFit: 0.5,
    checkpoint: { path, ...(resume ? { resume } : {}), ...(force ? { force } : {}), ...(settings ? { settings } : {}) },
    log: (l) => lines.push(l),
    ...rest,
  });
  return { result, lines };
}

const dp = (noiseMultiplier: number) => ({ privacy: { clipNorm: 10, noiseMultiplier } });

describe('--resume refuses changed settings', () => {
  it('lists every difference (the server\'s and the caller\'s) and runs on only when forced', async () => {
    const path = join(dir, 'settings.json');
    await run(2, path, { settings: { lr: 0.1, limit: 300 } }).result;
    const changed = run(4, path, { resume: true, settings: { lr: 0.05, limit: 300 }, ...dp(1.1) });
    await expect(changed.result).rejects.toThrow(/from a run with other settings \(dp\.adaptive: none -> false; dp\.clipNorm: none -> 10; dp\.delta: none -> 0\.00001; dp\.noiseMultiplier: none -> 1\.1; dp\.sampling: none -> fixed; lr: 0\.1 -> 0\.05\) - resume with the same settings, force/);
    const same = run(3, path, { resume: true, settings: { lr: 0.1, limit: 300 } });
    expect((await same.result).resumedFrom).toBe(2);
    const forced = run(4, path, { resume: true, force: true, settings: { lr: 0.05, limit: 300 } });
    expect((await forced.result).resumedFrom).toBe(3);
    expect(forced.lines.join('\n')).toMatch(/changed settings \(forced\): lr: 0\.1 -> 0\.05/);
  });
});

describe('epsilon after a resume stays truthful', () => {
  it('DP added on a forced resume: the rounds without DP make epsilon infinite for the whole run, also after the next resume', async () => {
    const path = join(dir, 'dp-added.json');
    await run(2, path).result;
    const forced = run(4, path, { resume: true, force: true, ...dp(1.1) });
    const r = await forced.result;
    expect(r.history.slice(2).map((h) => h.epsilon)).toEqual([Infinity, Infinity]);
    expect(forced.lines.join('\n')).toMatch(/2 of the 2 rounds .* ran without differential privacy: the run has no privacy guarantee, epsilon is infinite/);
    // The same DP from the first round gives a finite epsilon: the infinity comes from the unprotected rounds alone.
    const fromStart = await run(4, join(dir, 'dp-from-start.json'), dp(1.1)).result;
    expect(Number.isFinite(fromStart.history[3].epsilon)).toBe(true);
    // The checkpoint keeps the infinity (JSON has none: it is written as a string and read back).
    const again = await run(5, path, { resume: true, ...dp(1.1) }).result;
    expect(again.history[4].epsilon).toBe(Infinity);
    expect((await loadServerState(path)).dp!.rdp.every((v) => v === Infinity)).toBe(true);
  });

  it('noise changed on a forced resume: epsilon composes the rounds at their own noise', async () => {
    const path = join(dir, 'dp-changed.json');
    await run(2, path, dp(1.5)).result;
    const r = await run(4, path, { resume: true, force: true, ...dp(0.8) }).result;
    // Independently: 2 clients of 4 a round, two steps at sigma 1.5 then two at 0.8.
    const acc = new RdpAccountant();
    acc.step(0.5, 1.5, 2);
    acc.step(0.5, 0.8, 2);
    expect(r.history[3].epsilon).toBeCloseTo(acc.epsilon(1e-5), 10);
  });
});

let valid: string | undefined;
/** A valid checkpoint's JSON, to damage (a fresh copy each time). */
async function validJson(): Promise<Record<string, unknown>> {
  if (valid === undefined) {
    const path = join(dir, 'valid.json');
    await run(2, path, dp(1)).result;
    valid = await readFile(path, 'utf8');
  }
  return JSON.parse(valid);
}

describe('damaged checkpoints', () => {
  const cases: [string, (j: Record<string, unknown>) => void, RegExp][] = [
    ['round -5', (j) => (j.round = -5), /: round is -5, expected an integer in \[0, /],
    ['round "x"', (j) => (j.round = 'x'), /: round is "x", expected an integer/],
    ['params not a list', (j) => (j.params = 'w'), /: params is "w", expected a list/],
    ['history {}', (j) => (j.history = {}), /: history is \{\}, expected a list/],
    ['history of another round', (j) => Object.assign(j, { round: 1, dp: null }), /: history has 2 rounds, the checkpoint is after round 1/],
    ['a weight of the wrong size', (j) => ((j.params as { base64: string }[])[0].base64 = 'AAAA'), /: params\[0\]\.base64 holds 3 bytes, shape \[3\] needs 12/],
    ['more DP steps than rounds', (j) => ((j.dp as { steps: number }).steps = 3), /: dp\.steps is 3, expected an integer in \[0, 2\]/],
    ['another format', (j) => (j.format = 'neurite-model'), /: format is "neurite-model", expected 'neurite-federated-checkpoint'/],
  ];
  for (const [what, damage, message] of cases) {
    it(`${what}: a CheckpointError naming the file and the field`, async () => {
      const j = await validJson();
      damage(j);
      const path = join(dir, 'damaged.json');
      await writeFile(path, JSON.stringify(j));
      const error = await loadServerState(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointError);
      expect(error).toBeInstanceOf(ModelFormatError);
      expect((error as Error).message).toContain(`checkpoint ${path}: `);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/ - the file is damaged .*delete it/);
      // A resume stops on it too, before any round.
      await expect(run(3, path, { resume: true, ...dp(1) }).result).rejects.toThrow(CheckpointError);
    });
  }

  it('every field damaged in turn, random damage and truncations: each gives a CheckpointError or a sound state, never a raw error', async () => {
    const good = await validJson();
    const text = JSON.stringify(good);
    const path = join(dir, 'fuzzed.json');
    /** Every path to a value in the JSON tree. */
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]) => {
      paths.push(at);
      if (!v || typeof v !== 'object') return;
      // Of a long list (the 151 RDP orders), the first two entries and the last stand for the rest.
      const entries = Object.entries(v).filter((_, i, all) => !Array.isArray(v) || i < 2 || i === all.length - 1);
      for (const [k, x] of entries) walk(x, [...at, Array.isArray(v) ? Number(k) : k]);
    };
    walk(good, []);
    const special = [null, true, -5, -1, 0, 1e308, 'x', 'NaN', '', 'AAAA', 'AAAAAAAAAAAAAAAA', {}, []];
    const anyJson = fc.oneof(fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.constantFrom(...special));
    /** Writes `damaged`; loading it must give a CheckpointError or exactly what the file says. */
    const check = async (damaged: string) => {
      await writeFile(path, damaged);
      try {
        const s = await loadServerState(path);
        // What loads is what the file says, whole: nothing dropped, padded or renumbered on the way.
        const j = JSON.parse(damaged);
        expect(s.round).toBe(j.round);
        expect(s.history.map((h) => h.round)).toEqual(j.history.map((h: { round: unknown }) => h.round));
        expect(s.history).toHaveLength(s.round);
        s.params.forEach((p, k) => {
          expect(p.values.length).toBe(p.shape.reduce((a, b) => a * b, 1));
          expect(Buffer.from(p.values.buffer).toString('base64')).toBe(j.params[k].base64);
        });
        if (s.dp) expect(s.dp.steps).toBeLessThanOrEqual(s.round);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(CheckpointError);
      }
    };
    const replaced = (at: (string | number)[], value: unknown) => {
      const j = structuredClone(good);
      let o = j as Record<string | number, unknown>;
      for (const k of at.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
      if (value === undefined) delete o[at.at(-1)!];
      else o[at.at(-1)!] = value;
      return JSON.stringify(j);
    };
    // Every field, deleted or set to each special value; then random values and truncations.
    for (const at of paths.filter((p) => p.length > 0)) for (const v of [undefined, ...special]) await check(replaced(at, v));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.record({ at: fc.constantFrom(...paths.filter((p) => p.length > 0)), value: anyJson }), fc.integer({ min: 0, max: text.length - 1 })), async (damage) => {
        await check(typeof damage === 'number' ? text.slice(0, damage) : replaced(damage.at, damage.value));
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('atomic checkpoint files', () => {
  it('the next save and the next load remove temporary files of dead writers, and keep those of live ones', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    const path = join(sub, 'server.json');
    await run(1, path).result;
    const state = await loadServerState(path);
    // pid 999999999 is above any pid_max, so its writer is dead; the parent of this process is alive.
    const dead = 'server.json.999999999.0a1b.tmp';
    const live = `server.json.${process.ppid}.0a1b.tmp`;
    await writeFile(join(sub, dead), '{"half');
    await writeFile(join(sub, live), '{"half');
    await saveServerState(path, state);
    expect((await readdir(sub)).sort()).toEqual([live, 'server.json'].sort());
    await writeFile(join(sub, dead), '{"half');
    await loadServerState(path);
    expect((await readdir(sub)).sort()).toEqual([live, 'server.json'].sort());
  });
});
