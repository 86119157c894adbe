/**
 * Loading a model directory that came from someone else: nothing outside it
 * is read (symlinks are resolved to real paths), only regular files are
 * opened (a FIFO must not hang the loader, a device must not be read), and
 * sizes are checked before reading. Both our format and TF.js imports.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '@neurite/core';
import { dense } from '../layers/dense.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { load, save } from './node.js';
import { loadTfjsModel } from './tfjs-import-node.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  await useJs();
  dir = await mkdtemp(join(tmpdir(), 'neurite-untrusted-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A saved model, and the name of its weights file. */
async function savedModel(): Promise<{ d: string; weightsFile: string }> {
  const d = join(dir, `m${n++}`);
  const m = sequential([dense({ units: 2, inputShape: [3] })]);
  const { weightsFile } = await save(m, d);
  m.dispose();
  return { d, weightsFile };
}

const refused = async (p: Promise<unknown>, message: RegExp) => {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ModelFormatError);
  expect((e as Error).message).toMatch(message);
};

describe('load reads only regular files inside the model directory', () => {
  it('a weights file that is a symlink to a file outside is refused, not read', async () => {
    const { d, weightsFile } = await savedModel();
    const outside = join(dir, `secret-${n}.bin`);
    await rename(join(d, weightsFile), outside);
    await symlink(outside, join(d, weightsFile));
    await refused(load(d), /is a link to .*outside the model directory - refusing to read it/);
  });

  it('a model.json that is a symlink to /dev/zero is refused without reading it', async () => {
    const { d } = await savedModel();
    await rm(join(d, 'model.json'));
    await symlink('/dev/zero', join(d, 'model.json'));
    await refused(load(d), /outside the model directory/);
  });

  it('a model.json that is a FIFO is refused at once instead of hanging', { timeout: 10_000 }, async () => {
    const { d } = await savedModel();
    await rm(join(d, 'model.json'));
    execFileSync('mkfifo', [join(d, 'model.json')]);
    await refused(load(d), /model.json is a FIFO, not a regular file/);
  });

  it('a model.json that is a directory is refused', async () => {
    const { d } = await savedModel();
    await rm(join(d, 'model.json'));
    await mkdir(join(d, 'model.json'));
    await refused(load(d), /is a directory, not a regular file/);
  });

  it('the directory itself may be a symlink (the user chose it); its files are judged from its real path', async () => {
    const { d } = await savedModel();
    const alias = join(dir, `alias-${n}`);
    await symlink(d, alias);
    const m = await load(alias);
    expect(m.outputShape).toEqual([2]);
    m.dispose();
  });
});

describe('loadTfjsModel reads only regular files inside the model directory', () => {
  async function tfjsDir(paths: string[]): Promise<string> {
    const d = join(dir, `tfjs${n++}`);
    await mkdir(d);
    const modelTopology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 1, activation: 'linear', use_bias: false, batch_input_shape: [null, 2] } }] } };
    await writeFile(join(d, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology, weightsManifest: [{ paths, weights: [{ name: 'd/kernel', shape: [2, 1], dtype: 'float32' }] }] }));
    return d;
  }

  it('loads the plain case (the control for the cases below)', async () => {
    const d = await tfjsDir(['w.bin']);
    await writeFile(join(d, 'w.bin'), new Uint8Array(new Float32Array([1, 2]).buffer));
    const m = await loadTfjsModel(d);
    expect(Array.from(m.parameters()[0].dataSync())).toEqual([1, 2]);
    m.dispose();
  });

  it('a weight file that is a symlink out of the directory is refused', async () => {
    const d = await tfjsDir(['w.bin']);
    const outside = join(dir, `outside-${n}.bin`);
    await writeFile(outside, new Uint8Array(new Float32Array([7, 7]).buffer));
    await symlink(outside, join(d, 'w.bin'));
    await refused(loadTfjsModel(d), /is a link to .*outside the model directory/);
  });

  it('a weight file under a symlinked folder pointing elsewhere is refused', async () => {
    const d = await tfjsDir(['sub/w.bin']);
    const elsewhere = join(dir, `elsewhere-${n}`);
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'w.bin'), new Uint8Array(new Float32Array([7, 7]).buffer));
    await symlink(elsewhere, join(d, 'sub'));
    await refused(loadTfjsModel(d), /is a link to .*outside the model directory/);
  });

  it('a weight file that is a FIFO is refused at once', { timeout: 10_000 }, async () => {
    const d = await tfjsDir(['w.bin']);
    execFileSync('mkfifo', [join(d, 'w.bin')]);
    await refused(loadTfjsModel(d), /is not a regular file/);
    expect(await readdir(d)).toContain('w.bin');
  });
});
