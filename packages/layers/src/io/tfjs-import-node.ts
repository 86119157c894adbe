/**
 * Reading a TensorFlow.js layers model from disk: model.json and the weight
 * files its weightsManifest names, relative to it. node:fs is imported on
 * first call, as in node.ts, so bundlers never pull it in otherwise.
 */
import { ModelFormatError } from '@neurite/core';
import type { Json } from '../config.js';
import type { Model } from '../model.js';
import { LIMITS } from './artifacts.js';
import type { LoadOptions } from './format.js';
import { MAX_MODEL_JSON_BYTES, parseModelJson } from './parse-json.js';
import { fromTfjsArtifacts, readTfjsWeightSpecs } from './tfjs-import.js';

const fail = (message: string): never => {
  throw new ModelFormatError(`loadTfjsModel: ${message}`);
};

const isObj = (v: Json | undefined): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
const get = (o: { [k: string]: Json }, key: string): Json | undefined => (Object.hasOwn(o, key) ? o[key] : undefined);

/**
 * Loads a model saved by tfjs-layers' `model.save('file://dir')` or made by
 * `tensorflowjs_converter --input_format keras`: `path` is the model.json
 * (or the directory holding it; a `file://` prefix is accepted). Weight
 * paths must stay inside that directory, and their total size must match
 * the manifest before any is read. See `fromTfjsArtifacts` for what is
 * supported and checked.
 */
export async function loadTfjsModel(path: string, options: LoadOptions = {}): Promise<Model> {
  if (typeof path !== 'string' || path.length === 0) fail(`expected the path of a model.json, got ${String(path)}`);
  const [fs, p, safe] = await Promise.all([import('node:fs/promises'), import('node:path'), import('./safe-read.js')]);
  let jsonPath = path.startsWith('file://') ? path.slice('file://'.length) : path;
  try {
    if ((await fs.stat(jsonPath)).isDirectory()) jsonPath = p.join(jsonPath, 'model.json');
  } catch (e) {
    fail(`cannot read ${jsonPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // Everything is read relative to the real directory of model.json, and must stay inside it.
  const dir = await safe.realDirectory(p.dirname(jsonPath), 'loadTfjsModel');
  const jsonName = p.basename(jsonPath);
  let root: Json;
  try {
    root = parseModelJson(new TextDecoder().decode(await safe.readInside(dir, jsonName, { maxBytes: MAX_MODEL_JSON_BYTES, what: 'model.json' }, 'loadTfjsModel')));
  } catch (e) {
    throw e instanceof ModelFormatError && !e.message.startsWith('loadTfjsModel') ? new ModelFormatError(`loadTfjsModel: ${jsonPath}: ${e.message}`) : e;
  }
  if (!isObj(root)) return fail(`${jsonPath} is not a JSON object`);
  const format = get(root, 'format');
  if (format === 'graph-model') fail(`${jsonPath} is a tfjs graph model - only layers models (format 'layers-model') can be imported`);
  if (format !== undefined && format !== 'layers-model') fail(`${jsonPath}: format ${JSON.stringify(format)?.slice(0, 40)} is not 'layers-model'`);
  if (get(root, 'modelTopology') === undefined) fail(`${jsonPath} has no 'modelTopology' - is it a tfjs layers model.json?`);
  const manifest = get(root, 'weightsManifest');
  if (!Array.isArray(manifest) || manifest.length > 4096) return fail(`${jsonPath}: 'weightsManifest' must be a list of { paths, weights } groups`);

  const files: string[] = [];
  const weightSpecs: Json[] = [];
  manifest.forEach((g, i) => {
    if (!isObj(g)) return fail(`${jsonPath}: weightsManifest[${i}] must be an object`);
    const paths = get(g, 'paths');
    const weights = get(g, 'weights');
    if (!Array.isArray(paths) || !Array.isArray(weights)) return fail(`${jsonPath}: weightsManifest[${i}] needs 'paths' and 'weights' lists`);
    for (const rel of paths) {
      if (typeof rel !== 'string' || rel.length === 0 || rel.length > 1024) return fail(`${jsonPath}: weightsManifest[${i}].paths holds ${JSON.stringify(rel)?.slice(0, 60)}, not a file name`);
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rel)) return fail(`${jsonPath}: weight file '${rel.slice(0, 80)}' is a URL - download the files next to model.json first`);
      files.push(rel);
    }
    weightSpecs.push(...weights);
  });
  if (weightSpecs.length > LIMITS.weights) fail(`${jsonPath} lists ${weightSpecs.length} weights, more than the ${LIMITS.weights} allowed`);

  // Sizes first: a missing, truncated, absurd or out-of-directory file is refused before anything is read.
  let expected: number;
  try {
    expected = readTfjsWeightSpecs(weightSpecs).byteLength;
  } catch (e) {
    throw e instanceof ModelFormatError ? new ModelFormatError(`loadTfjsModel: ${jsonPath}: ${e.message.replace(/^tfjs import: /, '')}`) : e;
  }
  const sizes: number[] = [];
  for (const f of files) sizes.push(await safe.sizeInside(dir, f, 'loadTfjsModel'));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== expected) {
    const list = files.map((f, i) => `${p.basename(f)} ${sizes[i]} bytes`).join(', ');
    fail(`the weight files (${list || 'none'}) hold ${total} bytes but ${p.basename(jsonPath)} describes ${expected} - ${total < expected ? 'a file is truncated or missing' : 'wrong or damaged files'}`);
  }
  const weightData: ArrayBuffer[] = [];
  for (let i = 0; i < files.length; i++) {
    const bytes = await safe.readInside(dir, files[i], { maxBytes: expected, exactBytes: sizes[i], what: 'weight file' }, 'loadTfjsModel');
    weightData.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  return fromTfjsArtifacts({ modelTopology: get(root, 'modelTopology'), weightSpecs, weightData }, options);
}
