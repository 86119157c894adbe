/**
 * Saving to and loading from a directory. With tfjs-import-node.ts (re-exported
 * below), the only module that touches the file system: node:fs and the
 * modules that use it are imported when first called, so bundling the
 * package for a browser never pulls them in unless save/load are used.
 */
import { ArgumentError, ModelFormatError } from '@neurite/core';
import type { Config } from '../config.js';
import type { Model } from '../model.js';
import { LIMITS, readArtifacts, toArtifacts } from './artifacts.js';
import { ForeignModelError, ModelLockedError } from './errors.js';
import { FORMAT_NAME, WEIGHTS_FILE_PATTERN, type LoadOptions } from './format.js';
import { MAX_MODEL_JSON_BYTES, parseModelJson } from './parse-json.js';

const MODEL_JSON = 'model.json';

async function nodeModules() {
  const [fs, path, lock, safe] = await Promise.all([import('node:fs/promises'), import('node:path'), import('./dir-lock.js'), import('./safe-read.js')]);
  return { fs, join: path.join, lock, safe };
}

export interface SaveOptions {
  /** Kept in model.json (JSON, at most 1 MiB) and returned by `loadWithMetadata`. */
  metadata?: { [key: string]: unknown };
  /** Replace a model.json that Neurite did not write (a TensorFlow.js model, a symlink). Off by default. */
  force?: boolean;
}

export interface SaveResult {
  /** The weights file model.json now names. */
  weightsFile: string;
  /** What the save replaced: nothing, a Neurite model, or (with `force`) a model.json Neurite did not write. */
  replaced: 'nothing' | 'neurite-model' | 'foreign-model';
  /** Files of an earlier save that died midway, removed by this one. */
  recovered: string[];
}

type Current = { kind: 'nothing' } | { kind: 'neurite-model'; weightsFile?: string } | { kind: 'foreign-model'; why: string };

/** What `dir/model.json` is now: absent, one of ours (and the weights file it uses), or someone else's. */
async function inspectCurrent(fs: typeof import('node:fs/promises'), path: string): Promise<Current> {
  let s;
  try {
    s = await fs.lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'nothing' };
    throw e;
  }
  if (s.isSymbolicLink()) return { kind: 'foreign-model', why: 'is a symbolic link' };
  if (!s.isFile()) return { kind: 'foreign-model', why: 'is not a regular file' };
  if (s.size > MAX_MODEL_JSON_BYTES) return { kind: 'foreign-model', why: `is ${s.size} bytes, too large for a Neurite model` };
  let root: unknown;
  try {
    root = parseModelJson(await fs.readFile(path, 'utf8'));
  } catch {
    return { kind: 'foreign-model', why: 'is not JSON Neurite can read' };
  }
  const r = (root ?? {}) as Config;
  if (typeof r !== 'object' || Array.isArray(r) || r.format !== FORMAT_NAME) {
    return { kind: 'foreign-model', why: typeof r === 'object' && r !== null && !Array.isArray(r) && 'modelTopology' in r ? 'is a TensorFlow.js model' : 'was not written by Neurite' };
  }
  const w = r.weights as Config | undefined;
  const file = w !== null && typeof w === 'object' && !Array.isArray(w) ? w.file : undefined;
  return { kind: 'neurite-model', weightsFile: typeof file === 'string' && WEIGHTS_FILE_PATTERN.test(file) ? file : undefined };
}

/** Temporary files of version-1 saves (`.weights.bin.<pid>-<time>-<random>.tmp`) whose writer is gone. */
const V1_TEMP = /^\.(weights\.bin|model\.json)\.(\d+)-[0-9a-z]+-[0-9a-z]+\.tmp$/;

/**
 * A model directory held for writing: the lock is taken when it opens and
 * kept until `close`, so a long training run that checkpoints every epoch
 * owns its directory from the start (a second run aimed at it is refused at
 * once, not after an hour, and never alternates saves with the first).
 */
export interface ModelWriter {
  readonly dir: string;
  /** Files of an earlier writer that died midway, removed when this one opened. */
  readonly recovered: string[];
  /** Saves `model` atomically (see `save`). */
  save(model: Model, options?: Pick<SaveOptions, 'metadata'>): Promise<SaveResult>;
  /** Releases the directory. Further saves throw. */
  close(): Promise<void>;
}

/**
 * Opens `dir` (created if missing) for saving: takes its lock and checks
 * that model.json, if present, is a Neurite model. Throws ModelLockedError
 * when another live process writes there, ForeignModelError when model.json
 * is not Neurite's (unless `force`).
 */
export async function openModelWriter(dir: string, options: Pick<SaveOptions, 'force'> = {}): Promise<ModelWriter> {
  if (typeof dir !== 'string' || dir.length === 0) throw new ArgumentError(`save: expected a directory path, got ${String(dir)}`);
  const { fs, join, lock } = await nodeModules();
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw new ArgumentError(`save: cannot create the directory '${dir}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) - give a directory path you can write`);
  }
  if (!(await fs.stat(dir)).isDirectory()) throw new ArgumentError(`save: '${dir}' is a file - give a directory for the model`);
  const modelPath = join(dir, MODEL_JSON);
  const refuseForeign = async () => {
    const current = await inspectCurrent(fs, modelPath);
    if (current.kind === 'foreign-model' && !options.force) {
      throw new ForeignModelError(`save: ${modelPath} ${current.why} - Neurite does not replace a model it did not write; save elsewhere, or pass { force: true } (neurite train --force) to replace it`);
    }
    return current;
  };
  // Before the lock: refusing a foreign model must not leave even a lock file behind.
  await refuseForeign();
  const usedByCurrent = async (name: string) => {
    const now = await inspectCurrent(fs, modelPath);
    return now.kind === 'neurite-model' && now.weightsFile === name;
  };
  const held = await lock.lockDirectory(dir, [], usedByCurrent, 'save');
  let closed = false;
  try {
    await removeDeadV1Temps(fs, join, lock.processAlive, dir);
  } catch (e) {
    await held.release();
    throw e;
  }

  return {
    dir,
    recovered: held.recovered,
    async save(model, saveOptions = {}) {
      if (closed) throw new ArgumentError(`save: the writer of '${dir}' is closed - open a new one`);
      const id = lock.randomToken();
      const weightsFile = `weights.${id}.bin`;
      const jsonTemp = `.neurite-tmp.${id}.${MODEL_JSON}`;
      // Everything that can fail without the disk fails before the disk is touched.
      const { modelJson, weights } = toArtifacts(model, { weightsFile, ...(saveOptions.metadata !== undefined ? { metadata: saveOptions.metadata } : {}) });
      const current = await refuseForeign();
      const oldWeights = current.kind === 'neurite-model' && current.weightsFile !== undefined ? current.weightsFile : undefined;
      await held.record(oldWeights === undefined ? [weightsFile, jsonTemp] : [weightsFile, jsonTemp, oldWeights]);
      let committed = false;
      try {
        await writeNew(fs, join(dir, weightsFile), new Uint8Array(weights));
        await writeNew(fs, join(dir, jsonTemp), `${JSON.stringify(modelJson, null, 1)}\n`);
        if (!(await held.held())) throw new ModelLockedError(`save: another process took over the lock of '${dir}' while this save was writing - nothing was replaced; save again`);
        await fs.rename(join(dir, jsonTemp), modelPath);
        committed = true;
        await syncDirectory(fs, dir);
        if (oldWeights !== undefined) await fs.rm(join(dir, oldWeights), { force: true });
      } finally {
        if (!committed) {
          await fs.rm(join(dir, weightsFile), { force: true });
          await fs.rm(join(dir, jsonTemp), { force: true });
        }
      }
      return { weightsFile, replaced: current.kind, recovered: held.recovered };
    },
    async close() {
      if (closed) return;
      closed = true;
      await held.release();
    },
  };
}

/**
 * Saves `model` in `dir` (created if missing) as `model.json` and a weights
 * file named for this save, `weights.<id>.bin` (FORMAT.md). At every instant
 * the directory holds the whole previous model or the whole new one: the
 * weights and model.json are written to new names and fsynced, then one
 * rename of model.json switches from the old model to the new, the directory
 * is fsynced, and only then is the old weights file removed.
 *
 * Save touches only files it wrote itself: the two above and the lock file
 * `.neurite-lock`, which also records what this save may leave if it dies,
 * so the next save removes exactly that. Other files in the directory (a
 * README, plots) are never touched. It refuses, with ForeignModelError, to
 * replace a model.json that Neurite did not write unless `force` is set, and
 * with ModelLockedError to write while another live process saves there.
 */
export async function save(model: Model, dir: string, options: SaveOptions = {}): Promise<SaveResult> {
  const writer = await openModelWriter(dir, options);
  try {
    return await writer.save(model, options);
  } finally {
    await writer.close();
  }
}

/** Creates `path` (never replacing a file), writes it whole and flushes it to disk. */
async function writeNew(fs: typeof import('node:fs/promises'), path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await fs.open(path, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Persists the directory entries themselves (the rename); not every platform can open a directory for this. */
async function syncDirectory(fs: typeof import('node:fs/promises'), dir: string): Promise<void> {
  let d;
  try {
    d = await fs.open(dir, 'r');
  } catch {
    return; // Windows: directories cannot be opened; the rename is still atomic.
  }
  try {
    await d.sync();
  } catch {
    /* some file systems refuse fsync on a directory */
  } finally {
    await d.close();
  }
}

async function removeDeadV1Temps(fs: typeof import('node:fs/promises'), join: (...p: string[]) => string, processAlive: (pid: number) => boolean, dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    const m = V1_TEMP.exec(name);
    if (m && Number(m[2]) !== process.pid && !processAlive(Number(m[2]))) await fs.rm(join(dir, name), { force: true });
  }
}

/**
 * Loads a model saved by `save`, with its metadata. The directory is read
 * as untrusted: model.json and the weights file it names must be regular
 * files inside the directory's real path (symlinks leading out, FIFOs and
 * devices are refused), with sizes checked before reading (the weights file
 * must have exactly the size the manifest declares); everything else is
 * validated by `fromArtifacts`, including weights that are NaN or infinite
 * (refused unless `allowNonFinite`). Problems are ModelFormatErrors naming
 * the file. Load never writes.
 */
export async function loadWithMetadata(dir: string, options: LoadOptions = {}): Promise<{ model: Model; metadata: Config | undefined }> {
  if (typeof dir !== 'string' || dir.length === 0) throw new ArgumentError(`load: expected a directory path, got ${String(dir)}`);
  const { safe } = await nodeModules();
  const root = await safe.realDirectory(dir, 'load');
  const readJson = async () => new TextDecoder().decode(await safe.readInside(root, MODEL_JSON, { maxBytes: MAX_MODEL_JSON_BYTES, what: 'model.json' }, 'load'));
  let text = await readJson();
  // A save that commits between reading model.json and its weights removes the old weights: read the new pair once more.
  for (let attempt = 0; ; attempt++) {
    const { file, byteLength } = declaredWeights(text);
    try {
      const bytes = file === undefined ? new Uint8Array(0) : await safe.readInside(root, file, { maxBytes: LIMITS.weightsBytes, exactBytes: byteLength, what: 'weights file' }, 'load');
      const weights = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return readArtifacts({ modelJson: text, weights }, options);
    } catch (e) {
      if (!(e instanceof ModelFormatError) || attempt > 0) throw e;
      const again = await readJson();
      if (again === text) throw e;
      text = again;
    }
  }
}

/** Loads a model saved by `save` (see `loadWithMetadata` for what is checked). */
export async function load(dir: string, options: LoadOptions = {}): Promise<Model> {
  return (await loadWithMetadata(dir, options)).model;
}

/** The weights file and size model.json declares, when it declares them plainly (fromArtifacts checks the rest). */
function declaredWeights(text: string): { file?: string; byteLength?: number } {
  const root = parseModelJson(text) as Config;
  const w = root !== null && typeof root === 'object' && !Array.isArray(root) && Object.hasOwn(root, 'weights') ? (root.weights as Config) : undefined;
  if (w === null || typeof w !== 'object' || Array.isArray(w)) return {};
  const file = Object.hasOwn(w, 'file') && typeof w.file === 'string' && WEIGHTS_FILE_PATTERN.test(w.file) ? w.file : undefined;
  const byteLength = Object.hasOwn(w, 'byteLength') && typeof w.byteLength === 'number' && Number.isInteger(w.byteLength) && w.byteLength >= 0 ? w.byteLength : undefined;
  return { file, byteLength };
}

export { loadTfjsModel } from './tfjs-import-node.js';
export { ForeignModelError, ModelLockedError } from './errors.js';
