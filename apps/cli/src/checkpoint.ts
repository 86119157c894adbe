/**
 * A model directory as the CLI writes it: the @neurite/layers format
 * (model.json + its weights file), with what predict and evaluate need to
 * treat inputs as training did (task, class names, scaling) kept in
 * model.json's metadata. Directories of older versions kept that in
 * neurite.json; they still load, and the next save folds it in.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelFormatError } from '@neurite/core';
import { ForeignModelError, ModelLockedError, loadWithMetadata, openModelWriter, type Model, type ModelWriter } from '@neurite/layers';
import { UsageError, describeFsError } from './errors.js';
import { parseModelMeta, type ModelMeta, type ReadMeta } from './model-meta.js';

export type { ModelMeta, ReadMeta } from './model-meta.js';

/** Where directories written before format version 2 kept the metadata. */
export const META_FILE = 'neurite.json';
const MAX_META_BYTES = 1024 * 1024;

/** An --out directory held for the whole run: checkpoints replace the model atomically; nobody else writes there meanwhile. */
export interface CheckpointWriter {
  save(model: Model, meta: ModelMeta): Promise<void>;
  /** Releases the directory; removes it if this run created it and saved nothing into it. */
  close(): Promise<void>;
}

/**
 * Opens `dir` for checkpoints before training starts, so that every reason
 * not to write there is known at once: a model.json Neurite did not write
 * (refused unless `force`), another live process writing there, a path that
 * is a file or cannot be created. Files of the user's in the directory are
 * never touched.
 */
export async function openCheckpointWriter(dir: string, options: { force?: boolean } = {}): Promise<CheckpointWriter> {
  const existed = await exists(dir);
  if (existed && !(await stat(dir)).isDirectory()) throw new UsageError(`--out '${dir}' is a file - give a directory for the model (new, or one that holds a Neurite model or other files)`);
  await recoverInterruptedSwap(dir);
  let writer: ModelWriter;
  try {
    writer = await openModelWriter(dir, { force: options.force });
  } catch (e) {
    if (e instanceof ForeignModelError) throw new UsageError(`--out '${dir}' holds a model.json Neurite did not write (${e.message.replace(/^save: \S+ /, '').replace(/ - .*$/, '')}) - choose another --out, or add --force to replace that model.json (other files are kept)`);
    if (e instanceof ModelLockedError) throw new UsageError(`--out '${dir}': ${e.message.replace(/^save: /, '')}`);
    if ((e as NodeJS.ErrnoException).code !== undefined) throw new UsageError(`cannot save the model to '${dir}': ${describeFsError(e)} - choose a writable --out directory`);
    throw e;
  }
  let saved = false;
  return {
    async save(model, meta) {
      try {
        await writer.save(model, { metadata: { ...meta } });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== undefined) throw new UsageError(`cannot save the model to '${dir}': ${describeFsError(e)} - choose a writable --out directory`);
        throw e;
      }
      saved = true;
      await removeOwnLegacyMeta(dir);
    },
    async close() {
      await writer.close();
      // A run that failed before its first checkpoint leaves no empty directory of its own behind.
      // rmdir removes only an empty directory: whatever else got there stays.
      if (!existed && !saved) await rmdir(dir).catch(() => undefined);
    },
  };
}

/** One atomic save (open, save, close): the model and its metadata, or nothing. */
export async function saveCheckpoint(model: Model, meta: ModelMeta, dir: string, options: { force?: boolean } = {}): Promise<void> {
  const writer = await openCheckpointWriter(dir, options);
  try {
    await writer.save(model, meta);
  } finally {
    await writer.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new UsageError(`cannot use --out '${path}': ${describeFsError(e)}`);
  }
}

/** A neurite.json this CLI wrote (older versions), now superseded by model.json's metadata. */
async function removeOwnLegacyMeta(dir: string): Promise<void> {
  const path = join(dir, META_FILE);
  const text = await readSmallRegularFile(path).catch(() => undefined);
  if (text === undefined) return;
  try {
    if ((JSON.parse(text) as { createdBy?: unknown }).createdBy === 'neurite train') await rm(path, { force: true });
  } catch {
    /* not ours: leave it */
  }
}

/** What versions before 0.2 left when killed mid-swap: `.NAME.partial-PID-N` and `.NAME.old-PID-N` beside the directory. */
const LEGACY_SWAP = /^\.(.+)\.(partial|old)-(\d+)-\d+$/;
const LEGACY_MODEL_FILES = new Set(['model.json', 'weights.bin', META_FILE]);

/**
 * Recovers from a kill during the directory swap of CLI versions before
 * 0.2: if the directory is missing and its previous model sits in an
 * `.old-*` sibling, that model is put back; `.partial-*` and `.old-*`
 * siblings of dead processes that hold only model files are removed.
 */
async function recoverInterruptedSwap(dir: string): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names.sort().reverse()) {
    const m = LEGACY_SWAP.exec(name);
    if (!m || m[1] !== basename(target) || processAlive(Number(m[3]))) continue;
    const path = join(parent, name);
    const entries = await readdir(path).catch(() => undefined);
    if (!entries || !entries.every((e) => LEGACY_MODEL_FILES.has(e))) continue;
    if (m[2] === 'old' && !(await exists(target))) await rename(path, target);
    else await rm(path, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a small regular file without following a symlink or blocking on a FIFO. */
async function readSmallRegularFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new ModelFormatError(`${path} is not a regular file - refusing to read it`);
    if (s.size > MAX_META_BYTES) throw new ModelFormatError(`${path} is ${s.size} bytes, more than the ${MAX_META_BYTES} metadata may take`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Loads a model directory; anything that is not one is a one-line error saying what is expected. */
export async function loadModelDir(dir: string): Promise<{ model: Model; meta: ReadMeta }> {
  let s;
  try {
    s = await stat(dir);
  } catch (e) {
    throw new UsageError(`cannot open model directory '${dir}': ${describeFsError(e)} - give a directory written by neurite train --out`);
  }
  if (!s.isDirectory()) throw new UsageError(`'${dir}' is a file, not a model directory - give a directory written by neurite train --out (model.json and its weights file)`);
  if (!(await readdir(dir)).includes('model.json')) throw new UsageError(`'${dir}' is not a model directory (no model.json) - give a directory written by neurite train --out`);
  const { model, metadata } = await loadWithMetadata(dir);
  try {
    const shape = { inputSize: model.inputShape.reduce((a, b) => a * b, 1), outputUnits: model.outputShape[model.outputShape.length - 1] ?? 1 };
    if (metadata !== undefined) return { model, meta: parseModelMeta(metadata, `${join(dir, 'model.json')} (metadata)`, shape) };
    const legacy = join(dir, META_FILE);
    if (!(await exists(legacy))) return { model, meta: {} };
    let raw: unknown;
    try {
      raw = JSON.parse(await readSmallRegularFile(legacy));
    } catch (e) {
      if (e instanceof ModelFormatError) throw e;
      throw new ModelFormatError(`${legacy} is damaged (${describeFsError(e)}) - retrain, or delete the file`);
    }
    return { model, meta: parseModelMeta(raw, legacy, shape) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
