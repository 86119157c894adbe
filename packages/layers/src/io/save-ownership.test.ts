/**
 * What `save` may touch: only files it wrote itself. A user's files beside
 * the model survive every save; a model.json Neurite did not write is not
 * replaced without `force`; a second writer is refused, not silently lost.
 */
import { mkdtemp, readFile, readdir, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, dispose, tensor } from '@neurite/core';
import { dense } from '../layers/dense.js';
import type { Model } from '../model.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { toArtifacts } from './artifacts.js';
import { ForeignModelError, ModelLockedError } from './errors.js';
import { load, loadWithMetadata, openModelWriter, save } from './node.js';

let dir: string;
let n = 0;
const fresh = async () => {
  const d = join(dir, `case-${n++}`);
  await mkdir(d);
  return d;
};
beforeAll(async () => {
  await useJs();
  dir = await mkdtemp(join(tmpdir(), 'neurite-save-ownership-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function modelFilledWith(v: number): Model {
  const m = sequential([dense({ units: 3, inputShape: [2] })]);
  const values = m.parameters().map((p) => tensor(new Float32Array(p.size).fill(v), p.shape));
  m.setWeights(values);
  dispose(values);
  return m;
}

const firstWeight = async (d: string) => {
  const m = await load(d);
  const v = m.parameters()[0].dataSync()[0];
  m.dispose();
  return v;
};

/** A TensorFlow.js layers model as tfjs writes it: model.json plus a weight shard. */
const TFJS_MODEL_JSON = JSON.stringify({ format: 'layers-model', modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] });

describe('save touches only its own files', () => {
  it("keeps a user's files through the first save and every re-save", async () => {
    const d = await fresh();
    await writeFile(join(d, 'README.md'), 'notes');
    await writeFile(join(d, 'plot.png'), 'png bytes');
    await writeFile(join(d, 'weights.bin'), 'a file of the user that happens to have this name');
    const m = modelFilledWith(1);
    const first = await save(m, d);
    expect(first.replaced).toBe('nothing');
    m.setWeights([tensor(new Float32Array(6).fill(2), [2, 3]), tensor(new Float32Array(3).fill(2), [3])]);
    const second = await save(m, d);
    expect(second.replaced).toBe('neurite-model');
    m.dispose();
    expect((await readdir(d)).sort()).toEqual(['README.md', 'model.json', 'plot.png', second.weightsFile, 'weights.bin'].sort());
    expect(await readFile(join(d, 'README.md'), 'utf8')).toBe('notes');
    expect(await readFile(join(d, 'weights.bin'), 'utf8')).toMatch(/user/);
    expect(await firstWeight(d)).toBe(2);
  });

  it('refuses to replace a TensorFlow.js model.json, changing nothing; force replaces model.json only', async () => {
    const d = await fresh();
    await writeFile(join(d, 'model.json'), TFJS_MODEL_JSON);
    await writeFile(join(d, 'group1-shard1of1.bin'), 'tfjs weights');
    const m = modelFilledWith(3);
    await expect(save(m, d)).rejects.toThrow(ForeignModelError);
    await expect(save(m, d)).rejects.toThrow(/model.json is a TensorFlow.js model - Neurite does not replace a model it did not write.*force/);
    expect((await readdir(d)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(await readFile(join(d, 'model.json'), 'utf8')).toBe(TFJS_MODEL_JSON);

    const forced = await save(m, d, { force: true });
    m.dispose();
    expect(forced.replaced).toBe('foreign-model');
    expect((await readdir(d)).sort()).toEqual(['group1-shard1of1.bin', 'model.json', forced.weightsFile].sort());
    expect(await firstWeight(d)).toBe(3);
  });

  it('refuses a model.json that is a symlink or not JSON (it may be a file of the user)', async () => {
    const d = await fresh();
    await writeFile(join(dir, 'elsewhere.json'), '{"mine": true}');
    await symlink(join(dir, 'elsewhere.json'), join(d, 'model.json'));
    const m = modelFilledWith(1);
    await expect(save(m, d)).rejects.toThrow(/is a symbolic link/);
    const e = await fresh();
    await writeFile(join(e, 'model.json'), 'not json at all');
    await expect(save(m, e)).rejects.toThrow(/is not JSON Neurite can read/);
    m.dispose();
    expect(await readFile(join(dir, 'elsewhere.json'), 'utf8')).toBe('{"mine": true}');
    expect(await readFile(join(e, 'model.json'), 'utf8')).toBe('not json at all');
  });

  it('re-saving a version-1 directory (model.json + weights.bin) replaces its weights.bin and keeps the rest', async () => {
    const d = await fresh();
    const m = modelFilledWith(4);
    const { modelJson, weights } = toArtifacts(m);
    await writeFile(join(d, 'model.json'), JSON.stringify({ ...modelJson, formatVersion: 1 }));
    await writeFile(join(d, 'weights.bin'), new Uint8Array(weights));
    await writeFile(join(d, 'notes.txt'), 'keep');
    expect(await firstWeight(d)).toBe(4);
    const r = await save(m, d);
    m.dispose();
    expect((await readdir(d)).sort()).toEqual(['model.json', 'notes.txt', r.weightsFile].sort());
  });

  it('keeps metadata with the model', async () => {
    const d = await fresh();
    const m = modelFilledWith(1);
    await save(m, d, { metadata: { task: 'binary', classes: ['no', 'yes'] } });
    m.dispose();
    const { model, metadata } = await loadWithMetadata(d);
    model.dispose();
    expect(metadata).toEqual({ task: 'binary', classes: ['no', 'yes'] });
  });
});

describe('one writer at a time', () => {
  it('two saves at once: one wins, the other gets ModelLockedError, and the directory holds the winner', async () => {
    const d = await fresh();
    const a = modelFilledWith(5);
    const b = modelFilledWith(6);
    const results = await Promise.allSettled([save(a, d), save(b, d)]);
    dispose([...a.parameters(), ...b.parameters()]);
    const won = results.findIndex((r) => r.status === 'fulfilled');
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    expect(won).toBeGreaterThanOrEqual(0);
    expect(lost?.reason).toBeInstanceOf(ModelLockedError);
    expect(String(lost?.reason.message)).toMatch(/is being written by process \d+ since .* - wait for it to finish, or save elsewhere/);
    expect(await firstWeight(d)).toBe(won === 0 ? 5 : 6);
    expect((await readdir(d)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a writer holds the directory from open to close: a second writer is refused even between its saves', async () => {
    const d = await fresh();
    const m = modelFilledWith(1);
    const writer = await openModelWriter(d);
    await writer.save(m);
    await expect(openModelWriter(d)).rejects.toThrow(ModelLockedError);
    await expect(save(m, d)).rejects.toThrow(ModelLockedError);
    await writer.save(m, { metadata: { epoch: 2 } });
    await writer.close();
    await expect(writer.save(m)).rejects.toThrow(/is closed/);
    const r = await save(m, d);
    m.dispose();
    expect((await readdir(d)).sort()).toEqual(['model.json', r.weightsFile].sort());
  });

  it('twenty saves back to back never fail and leave one weights file', async () => {
    const d = await fresh();
    const m = modelFilledWith(0);
    for (let i = 0; i < 20; i++) await save(m, d);
    m.dispose();
    const files = await readdir(d);
    expect(files).toHaveLength(2);
  });

  it("a live writer's lock is respected; a dead writer's lock is taken over and exactly its files removed", async () => {
    const d = await fresh();
    const m = modelFilledWith(7);
    const live = { pid: process.pid, host: hostname(), token: 'live', started: 'earlier', creates: [] };
    await writeFile(join(d, '.neurite-lock'), JSON.stringify(live));
    await expect(save(m, d)).rejects.toThrow(ModelLockedError);
    expect(await readdir(d)).toEqual(['.neurite-lock']);

    // A writer that died mid-save: its lock lists its weights and temp file; a user file of a similar name is not listed.
    await rm(join(d, '.neurite-lock'));
    const dead = { pid: 2 ** 22 + 12345, host: hostname(), token: 'dead', started: 'earlier', creates: ['weights.deadbeef01.bin', '.neurite-tmp.deadbeef01.model.json'] };
    await writeFile(join(d, '.neurite-lock'), JSON.stringify(dead));
    await writeFile(join(d, 'weights.deadbeef01.bin'), 'half');
    await writeFile(join(d, '.neurite-tmp.deadbeef01.model.json'), '{');
    await writeFile(join(d, 'weights.userfile.bin'), 'the user made this');
    const r = await save(m, d);
    m.dispose();
    expect(r.recovered.sort()).toEqual(['.neurite-tmp.deadbeef01.model.json', 'weights.deadbeef01.bin']);
    expect((await readdir(d)).sort()).toEqual(['model.json', r.weightsFile, 'weights.userfile.bin'].sort());
  });

  it('a lock of another host is never judged stale', async () => {
    const d = await fresh();
    await writeFile(join(d, '.neurite-lock'), JSON.stringify({ pid: 1, host: 'another-host', token: 't', started: 'earlier', creates: [] }));
    const m = modelFilledWith(1);
    await expect(save(m, d)).rejects.toThrow(/process 1 on another-host/);
    m.dispose();
  });
});

describe('load refuses weights that are not numbers', () => {
  it('NaN or Infinity with a valid checksum: ModelFormatError naming the weight, unless allowNonFinite', async () => {
    const d = await fresh();
    const m = modelFilledWith(1);
    const values = m.getWeights();
    const w = new Float32Array(6).fill(1);
    w[4] = NaN;
    w[5] = Infinity;
    m.setWeights([tensor(w, [2, 3]), values[1]]);
    dispose(values);
    await save(m, d);
    m.dispose();
    const err = await load(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(/weight 'dense_\d+\/kernel' holds NaN at index 4 \(2 non-finite values in all\).*allowNonFinite/);
    const allowed = await load(d, { allowNonFinite: true });
    expect(Number.isNaN(allowed.parameters()[0].dataSync()[4])).toBe(true);
    allowed.dispose();
  });
});

