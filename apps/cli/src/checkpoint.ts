/**
 * A model directory as the CLI writes it: the @neurite/layers format
 * (model.json + weights.bin) plus neurite.json, what predict and evaluate
 * need to treat inputs as training did (task, class names, scaling).
 */
import { open, readFile, readdir, rename, rm, stat, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ScalerJSON } from '@neurite/data';
import { load, save, type Model } from '@neurite/layers';
import type { Task } from './datasets.js';
import { UsageError, describeFsError } from './errors.js';

export const META_FILE = 'neurite.json';

export interface ModelMeta {
  createdBy: string;
  task: Task;
  dataset: string;
  model: string;
  seed: number;
  limit?: number;
  classes?: string[];
  featureNames?: string[];
  targetName?: string;
  scaler?: ScalerJSON;
  /** Epochs fully trained into these weights. */
  epochs: number;
  /** True when training was stopped by Ctrl-C (the weights are those after the last finished batch). */
  interrupted: boolean;
}

/**
 * Checks an --out directory before training: it may be missing, empty, or a
 * model directory (replaced); anything else is refused rather than overwritten.
 */
export async function checkOutDir(dir: string): Promise<void> {
  let s;
  try {
    s = await stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`cannot use --out '${dir}': ${describeFsError(e)}`);
  }
  if (!s.isDirectory()) throw new UsageError(`--out '${dir}' is a file - give a directory for the model (new, empty, or a model directory to replace)`);
  const entries = await readdir(dir);
  if (entries.length > 0 && !entries.includes('model.json')) {
    throw new UsageError(`--out '${dir}' is a non-empty directory without a model - give a new or empty directory, or a model directory to replace`);
  }
}

let saves = 0;

async function writeSynced(path: string, text: string): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Saves into a hidden sibling directory, then swaps it in with renames: the
 * directory always holds a whole model (the previous one or the new one),
 * never a mix or a half-written file.
 */
export async function saveCheckpoint(model: Model, meta: ModelMeta, dir: string): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tag = `${process.pid}-${saves++}`;
  const staging = join(parent, `.${basename(target)}.partial-${tag}`);
  const old = join(parent, `.${basename(target)}.old-${tag}`);
  await rm(staging, { recursive: true, force: true });
  try {
    await save(model, staging);
    await writeSynced(join(staging, META_FILE), `${JSON.stringify(meta, null, 1)}\n`);
    let moved = false;
    try {
      await rename(target, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await rename(staging, target);
    if (moved) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Loads a model directory; anything that is not one is a one-line error saying what is expected. */
export async function loadModelDir(dir: string): Promise<{ model: Model; meta: Partial<ModelMeta> }> {
  let s;
  try {
    s = await stat(dir);
  } catch (e) {
    throw new UsageError(`cannot open model directory '${dir}': ${describeFsError(e)} - give a directory written by neurite train --out`);
  }
  if (!s.isDirectory()) throw new UsageError(`'${dir}' is a file, not a model directory - give a directory written by neurite train --out (model.json, weights.bin)`);
  const entries = await readdir(dir);
  if (!entries.includes('model.json') || !entries.includes('weights.bin')) {
    throw new UsageError(`'${dir}' is not a model directory (no ${entries.includes('model.json') ? 'weights.bin' : 'model.json'}) - give a directory written by neurite train --out`);
  }
  let meta: Partial<ModelMeta> = {};
  if (entries.includes(META_FILE)) {
    try {
      meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as Partial<ModelMeta>;
    } catch (e) {
      throw new UsageError(`'${join(dir, META_FILE)}' is damaged (${(e as Error).message}) - retrain or delete the file`);
    }
  }
  const model = await load(dir);
  return { model, meta };
}
