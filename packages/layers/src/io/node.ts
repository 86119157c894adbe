/**
 * Saving to and loading from a directory. With tfjs-import-node.ts (re-exported
 * below), the only module that touches the file system: it imports node:fs
 * when first called, so bundling the package for a browser never pulls it in
 * unless save/load are used.
 */
import { ModelFormatError } from '@neurite/core';
import type { Model } from '../model.js';
import { fromArtifacts, LIMITS, toArtifacts } from './artifacts.js';
import { MAX_MODEL_JSON_BYTES, parseModelJson } from './parse-json.js';

type Fs = typeof import('node:fs/promises');

async function nodeModules(): Promise<{ fs: Fs; join: (...p: string[]) => string }> {
  const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { fs, join: path.join };
}

/** Writes `bytes` to `dir/name` via a temporary file in the same directory, flushed to disk before the rename. */
async function writeDurable(fs: Fs, join: (...p: string[]) => string, dir: string, name: string, bytes: Uint8Array | string, tag: string): Promise<void> {
  const tmp = join(dir, `.${name}.${tag}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, join(dir, name));
}

/**
 * Saves `model` as `dir/model.json` and `dir/weights.bin` (FORMAT.md),
 * creating the directory. Each file is written to a temporary name, fsynced
 * and renamed over the old one, weights first: a crash leaves either the
 * old model or the new one, or at worst new weights beside the old
 * model.json, which the checksum in model.json rejects at load time. Never
 * a half-written file.
 */
export async function save(model: Model, dir: string): Promise<void> {
  const { fs, join } = await nodeModules();
  const { modelJson, weights } = toArtifacts(model);
  await fs.mkdir(dir, { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await writeDurable(fs, join, dir, 'weights.bin', new Uint8Array(weights), tag);
    await writeDurable(fs, join, dir, 'model.json', `${JSON.stringify(modelJson, null, 1)}\n`, tag);
  } finally {
    await fs.rm(join(dir, `.weights.bin.${tag}.tmp`), { force: true });
    await fs.rm(join(dir, `.model.json.${tag}.tmp`), { force: true });
  }
  // Persist the renames themselves (the directory entries); not every platform can open a directory for this.
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* Windows: directories cannot be fsynced; the renames are still atomic. */
  }
}

/**
 * Loads a model saved by `save`. File sizes are checked before reading
 * (an absurd weights.bin is refused without allocating it); everything else
 * is validated by `fromArtifacts`. Problems are ModelFormatErrors naming
 * the file.
 */
export async function load(dir: string): Promise<Model> {
  const { fs, join } = await nodeModules();
  const jsonPath = join(dir, 'model.json');
  const binPath = join(dir, 'weights.bin');
  const size = async (p: string): Promise<number> => {
    try {
      return (await fs.stat(p)).size;
    } catch (e) {
      throw new ModelFormatError(`load: cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) - is '${dir}' a directory written by save()?`);
    }
  };
  const jsonSize = await size(jsonPath);
  const binSize = await size(binPath);
  if (jsonSize > MAX_MODEL_JSON_BYTES) throw new ModelFormatError(`load: ${jsonPath} is ${jsonSize} bytes, more than the ${MAX_MODEL_JSON_BYTES} a topology may take`);
  if (binSize > LIMITS.weightsBytes) throw new ModelFormatError(`load: ${binPath} is ${binSize} bytes, more than the ${LIMITS.weightsBytes} allowed`);
  const text = await fs.readFile(jsonPath, 'utf8');
  // Compare sizes before reading the weights: a wrong or huge weights.bin is refused without loading it.
  const root = parseModelJson(text);
  const manifest = root !== null && typeof root === 'object' && !Array.isArray(root) && Object.hasOwn(root, 'weights') ? root.weights : undefined;
  const expected = manifest !== null && typeof manifest === 'object' && !Array.isArray(manifest) && Object.hasOwn(manifest, 'byteLength') ? manifest.byteLength : undefined;
  if (typeof expected === 'number' && expected !== binSize) {
    throw new ModelFormatError(`load: ${binPath} has ${binSize} bytes but model.json describes ${expected} - ${binSize < expected ? 'the file is truncated' : 'wrong or damaged file'}`);
  }
  const bytes = await fs.readFile(binPath);
  const weights = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return fromArtifacts({ modelJson: text, weights });
}

export { loadTfjsModel } from './tfjs-import-node.js';
