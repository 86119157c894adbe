import { ArgumentError, ModelFormatError, NeuriteError, isDType, tensor } from '@neurite/core';
import type { Config, Json } from '../config.js';
import { checkName, type Layer } from '../layer.js';
import { MergeLayer } from '../layers/merge.js';
import { LAYER_TYPE_NAMES, layerFromConfig } from '../layers/registry.js';
import { Model } from '../model.js';
import { SymbolicTensor, input } from '../symbolic.js';
import { crc32 } from './crc32.js';
import { BYTES_PER_ELEMENT, FORMAT_NAME, FORMAT_VERSION, MAX_METADATA_BYTES, PRODUCER, READABLE_FORMAT_VERSIONS, WEIGHTS_FILE_PATTERN, decodeWeight, encodeWeights, type LoadOptions, type ModelArtifacts, type ModelJson, type WeightEntry } from './format.js';
import { parseModelJson } from './parse-json.js';

/** Bounds that make a hostile file fail fast instead of allocating or looping. */
export const LIMITS = Object.freeze({ layers: 4096, nodes: 4096, weights: 65536, weightsBytes: 2 ** 32 });

export interface ToArtifactsOptions {
  /** Kept in model.json's `metadata` (JSON, at most 1 MiB): what the application needs besides the weights. */
  metadata?: { [key: string]: unknown };
  /** The weights file name model.json refers to (default `weights.bin`; `save` names one per save). */
  weightsFile?: string;
}

/** The model as model.json content plus the weights file's bytes. */
export function toArtifacts(model: Model, options: ToArtifactsOptions = {}): { modelJson: ModelJson; weights: ArrayBuffer } {
  const { bytes, manifest } = encodeWeights(model.parameters());
  if (options.weightsFile !== undefined) {
    if (!WEIGHTS_FILE_PATTERN.test(options.weightsFile)) throw new ArgumentError(`toArtifacts: weightsFile '${options.weightsFile}' must be weights.bin or weights.<id>.bin (id: 1-40 of 0-9a-z)`);
    manifest.file = options.weightsFile;
  }
  const modelJson: ModelJson = { format: FORMAT_NAME, formatVersion: FORMAT_VERSION, producer: PRODUCER, topology: model.topology(), weights: manifest };
  if (options.metadata !== undefined) modelJson.metadata = checkMetadata(options.metadata, 'toArtifacts');
  return { modelJson, weights: bytes.buffer as ArrayBuffer };
}

/** Metadata must survive a JSON round trip unchanged and stay small. */
function checkMetadata(metadata: unknown, who: string): { [key: string]: unknown } {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new ArgumentError(`${who}: metadata must be a plain object, got ${Array.isArray(metadata) ? 'a list' : typeof metadata}`);
  let text: string;
  try {
    text = JSON.stringify(metadata);
  } catch (e) {
    throw new ArgumentError(`${who}: metadata cannot be written as JSON (${(e as Error).message})`);
  }
  if (text.length > MAX_METADATA_BYTES) throw new ArgumentError(`${who}: metadata is ${text.length} characters of JSON, more than the ${MAX_METADATA_BYTES} allowed - keep data out of it`);
  return JSON.parse(text) as { [key: string]: unknown };
}

const fail = (message: string): never => {
  throw new ModelFormatError(`load: ${message}`);
};

function obj(v: Json | undefined, where: string): Config {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return fail(`${where} must be an object`);
  return v;
}

function arr(v: Json | undefined, where: string, max: number): Json[] {
  if (!Array.isArray(v)) return fail(`${where} must be a list`);
  if (v.length > max) return fail(`${where} has ${v.length} entries, more than the ${max} allowed`);
  return v;
}

function str(v: Json | undefined, where: string): string {
  if (typeof v !== 'string' || v.length > 256) return fail(`${where} must be a string of at most 256 characters`);
  return v;
}

function int(v: Json | undefined, where: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) return fail(`${where} must be an integer in [0, ${max}], got ${JSON.stringify(v)?.slice(0, 40)}`);
  return v;
}

const field = (o: Config, key: string): Json | undefined => (Object.hasOwn(o, key) ? o[key] : undefined);

function onlyKeys(o: Config, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${where} has an unknown field '${k.slice(0, 40)}'`);
}

/** Errors raised while rebuilding layers (bad configs, shapes) become format errors naming the layer. */
function asFormatError<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    if (e instanceof NeuriteError || e instanceof ArgumentError) throw new ModelFormatError(`load: ${where}: ${(e as Error).message}`);
    throw e;
  }
}

/**
 * Rebuilds a model from model.json and weights.bin, validating everything
 * before allocating a single weight: format and version, every field of the
 * topology, layer types and configs, the graph's connections and shapes, and
 * the weight manifest against both the topology and the weights' byte length
 * and checksum. Any problem is a ModelFormatError that names it.
 */
export function fromArtifacts(artifacts: ModelArtifacts, options: LoadOptions = {}): Model {
  return readArtifacts(artifacts, options).model;
}

/** `fromArtifacts`, also returning model.json's validated `metadata` (undefined when it has none). */
export function readArtifacts(artifacts: ModelArtifacts, options: LoadOptions = {}): { model: Model; metadata: Config | undefined } {
  if (artifacts === null || typeof artifacts !== 'object') fail('expected { modelJson, weights }');
  const raw = artifacts.modelJson;
  // An object from the caller goes through the same hardened parse as text from a file.
  const root = obj(parseModelJson(typeof raw === 'string' ? raw : safeStringify(raw)), 'model.json');
  if (!(artifacts.weights instanceof ArrayBuffer)) fail(`weights must be an ArrayBuffer (the bytes of weights.bin), got ${Object.prototype.toString.call(artifacts.weights)}`);
  const weights = artifacts.weights;

  if (field(root, 'format') !== FORMAT_NAME) fail(`model.json: 'format' must be '${FORMAT_NAME}', got ${JSON.stringify(field(root, 'format'))?.slice(0, 60) ?? 'nothing'} - is this a Neurite model?`);
  const version = field(root, 'formatVersion');
  if (version === undefined) fail("model.json has no 'formatVersion'");
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail(`model.json: 'formatVersion' must be a positive integer, got ${JSON.stringify(version)?.slice(0, 40)}`);
  if (!READABLE_FORMAT_VERSIONS.includes(version as number)) fail(`model.json has formatVersion ${version}, this reader knows versions ${READABLE_FORMAT_VERSIONS.join(' and ')} - ${(version as number) > FORMAT_VERSION ? 'upgrade @neurite/layers' : 'the file is from an unsupported pre-release'}`);
  onlyKeys(root, version === 1 ? ['format', 'formatVersion', 'producer', 'topology', 'weights'] : ['format', 'formatVersion', 'producer', 'topology', 'weights', 'metadata'], 'model.json');
  const metadataField = field(root, 'metadata');
  const metadata = metadataField === undefined ? undefined : obj(metadataField, "model.json 'metadata'");
  if (metadata !== undefined && JSON.stringify(metadata).length > MAX_METADATA_BYTES) fail(`model.json 'metadata' is larger than the ${MAX_METADATA_BYTES} characters allowed`);

  const topo = obj(field(root, 'topology'), "model.json 'topology'");
  onlyKeys(topo, ['name', 'kind', 'input', 'layers', 'nodes', 'output'], "'topology'");
  const name = str(field(topo, 'name') ?? 'model', "'topology.name'");
  const kind = field(topo, 'kind') ?? 'functional';
  if (kind !== 'sequential' && kind !== 'functional') fail(`'topology.kind' must be 'sequential' or 'functional', got ${JSON.stringify(kind)?.slice(0, 40)}`);

  const inputSpec = obj(field(topo, 'input'), "'topology.input'");
  onlyKeys(inputSpec, ['name', 'shape'], "'topology.input'");
  const inputName = str(field(inputSpec, 'name'), "'topology.input.name'");
  const x = asFormatError('topology.input', () => input({ shape: field(inputSpec, 'shape') as number[], name: checkName('input', inputName) }));

  // Layers: known types only, configs read field by field.
  const layers = new Map<string, Layer>();
  const layerEntries = arr(field(topo, 'layers'), "'topology.layers'", LIMITS.layers);
  layerEntries.forEach((entry, i) => {
    const e = obj(entry, `'topology.layers[${i}]'`);
    onlyKeys(e, ['className', 'name', 'config', 'trainable'], `'topology.layers[${i}]'`);
    const className = str(field(e, 'className'), `'topology.layers[${i}].className'`);
    const layerName = str(field(e, 'name'), `'topology.layers[${i}].name'`);
    const make = layerFromConfig(className);
    if (!make) fail(`layer '${layerName}' has unknown type '${className}' - this version reads ${LAYER_TYPE_NAMES.join(', ')}`);
    if (layers.has(layerName)) fail(`two layers are named '${layerName}'`);
    const layer = asFormatError(`layer '${layerName}'`, () => make!(checkName('layer', layerName), obj(field(e, 'config') ?? {}, `'topology.layers[${i}].config'`)));
    const trainable = field(e, 'trainable');
    if (trainable !== undefined && typeof trainable !== 'boolean') fail(`'topology.layers[${i}].trainable' must be true or false`);
    if (trainable === false) layer.trainable = false;
    layers.set(layerName, layer);
  });

  // Nodes: each consumes the input or an earlier node, so the graph cannot have cycles.
  const tensors = new Map<string, SymbolicTensor>([[inputName, x]]);
  const calls = new Map<Layer, number>();
  const firstInput = new Map<Layer, readonly number[]>();
  const nodeEntries = arr(field(topo, 'nodes'), "'topology.nodes'", LIMITS.nodes);
  if (nodeEntries.length === 0) fail("'topology.nodes' is empty - a model has at least one layer");
  nodeEntries.forEach((entry, i) => {
    const e = obj(entry, `'topology.nodes[${i}]'`);
    onlyKeys(e, ['layer', 'inputs'], `'topology.nodes[${i}]'`);
    const layerName = str(field(e, 'layer'), `'topology.nodes[${i}].layer'`);
    const from = arr(field(e, 'inputs'), `'topology.nodes[${i}].inputs'`, 64).map((f, k) => str(f, `'topology.nodes[${i}].inputs[${k}]'`));
    const layer = layers.get(layerName) ?? fail(`'topology.nodes[${i}]' calls layer '${layerName}', which is not in 'topology.layers'`);
    const inTensors = from.map((f) => tensors.get(f) ?? fail(`'topology.nodes[${i}]' reads '${f}', which is neither the input nor an earlier node`));
    const out = asFormatError(`layer '${layerName}'`, () => (layer instanceof MergeLayer ? layer.apply(inTensors) : inTensors.length === 1 ? layer.apply(inTensors[0]) : fail(`'topology.nodes[${i}]' gives ${inTensors.length} inputs to '${layerName}', which takes one`)));
    const k = calls.get(layer) ?? 0;
    calls.set(layer, k + 1);
    if (!firstInput.has(layer)) firstInput.set(layer, inTensors[0].shape);
    tensors.set(`${layerName}#${k}`, out);
  });
  for (const [layerName, l] of layers) if (!calls.has(l)) fail(`layer '${layerName}' is never called in 'topology.nodes'`);
  const outName = str(field(topo, 'output'), "'topology.output'");
  const y = tensors.get(outName) ?? fail(`'topology.output' names '${outName}', which is not a node`);

  // The manifest must describe exactly the weights this topology needs, laid end to end in the buffer.
  const expected = [...firstInput].flatMap(([l, shape]) => asFormatError(`layer '${l.name}'`, () => l.weightSpecs(shape)).map((s) => ({ name: `${l.name}/${s.name}`, shape: s.shape })));
  const entries = readManifest(obj(field(root, 'weights'), "model.json 'weights'"), weights, version as number);
  if (entries.length !== expected.length) fail(`the topology needs ${expected.length} weight tensors but the manifest lists ${entries.length}`);
  const byName = new Map<string, WeightEntry>();
  entries.forEach((e, i) => {
    const want = expected[i];
    if (e.name !== want.name) fail(`weight ${i} is '${e.name}' in the manifest but the topology expects '${want.name}'`);
    if (e.shape.join(',') !== want.shape.join(',')) fail(`weight '${e.name}' has shape [${e.shape}] in the manifest but the topology needs [${want.shape}]`);
    if (e.dtype !== 'float32') fail(`weight '${e.name}' is ${e.dtype}; layer weights are float32`);
    if (!options.allowNonFinite) refuseNonFinite(weights, e);
    byName.set(e.name, e);
  });

  const model = asFormatError('building the model', () =>
    new Model({
      inputs: x,
      outputs: y,
      name,
      kind: kind as 'sequential' | 'functional',
      weightValues: () => (_spec, fullName) => {
        const e = byName.get(fullName)!;
        return tensor(decodeWeight(weights, e), e.shape, e.dtype);
      },
    }),
  );
  return { model, metadata };
}

/** A NaN or infinite weight makes every prediction NaN: refuse it unless the caller asked for it. */
function refuseNonFinite(buffer: ArrayBuffer, e: WeightEntry): void {
  const values = decodeWeight(buffer, e);
  let first = -1;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count > 0) {
    fail(`weight '${e.name}' holds ${values[first]} at index ${first}${count > 1 ? ` (${count} non-finite values in all)` : ''} - the model diverged in training or the file is damaged; pass { allowNonFinite: true } to load it anyway`);
  }
}

/** Reads and checks the weight manifest against the buffer: contiguous entries, exact sizes, matching checksum. */
function readManifest(m: Config, buffer: ArrayBuffer, version: number): WeightEntry[] {
  const bufferBytes = buffer.byteLength;
  onlyKeys(m, ['file', 'byteLength', 'crc32', 'tensors'], "'weights'");
  const file = field(m, 'file');
  if (version === 1 && file !== 'weights.bin') fail("'weights.file' must be 'weights.bin' in a version-1 model.json");
  if (typeof file !== 'string' || !WEIGHTS_FILE_PATTERN.test(file)) fail(`'weights.file' must be weights.bin or weights.<id>.bin, got ${JSON.stringify(file)?.slice(0, 60)}`);
  const byteLength = int(field(m, 'byteLength'), "'weights.byteLength'", LIMITS.weightsBytes);
  if (bufferBytes < byteLength) fail(`${file as string} is truncated: ${bufferBytes} bytes, the manifest needs ${byteLength}`);
  if (bufferBytes > byteLength) fail(`${file as string} has ${bufferBytes} bytes, ${bufferBytes - byteLength} more than the manifest describes - wrong file?`);
  const list = arr(field(m, 'tensors'), "'weights.tensors'", LIMITS.weights);
  let offset = 0;
  const names = new Set<string>();
  const entries = list.map((raw, i) => {
    const where = `'weights.tensors[${i}]'`;
    const e = obj(raw, where);
    onlyKeys(e, ['name', 'shape', 'dtype', 'byteOffset', 'byteLength'], where);
    const name = str(field(e, 'name'), `${where}.name`);
    if (names.has(name)) fail(`weight '${name}' is listed twice`);
    names.add(name);
    const dtype = field(e, 'dtype');
    if (!isDType(dtype)) fail(`weight '${name}' has unknown dtype ${JSON.stringify(dtype)?.slice(0, 40)}`);
    const shape = arr(field(e, 'shape'), `${where}.shape`, 8).map((d, k) => int(d, `${where}.shape[${k}]`, 2 ** 31 - 1));
    const elements = shape.reduce((a, b) => a * b, 1);
    const bytes = elements * BYTES_PER_ELEMENT[dtype as keyof typeof BYTES_PER_ELEMENT];
    const byteOffset = int(field(e, 'byteOffset'), `${where}.byteOffset`, LIMITS.weightsBytes);
    const len = int(field(e, 'byteLength'), `${where}.byteLength`, LIMITS.weightsBytes);
    if (len !== bytes) fail(`weight '${name}': byteLength ${len} does not match shape [${shape}] ${String(dtype)} (${bytes} bytes)`);
    if (byteOffset !== offset) fail(`weight '${name}' starts at byte ${byteOffset}, expected ${offset} (entries are stored back to back in order)`);
    offset += len;
    if (offset > byteLength) fail(`weight '${name}' ends at byte ${offset}, past the ${byteLength} bytes of weights.bin`);
    return { name, shape, dtype: dtype as WeightEntry['dtype'], byteOffset, byteLength: len };
  });
  if (offset !== byteLength) fail(`the weights listed take ${offset} bytes but 'weights.byteLength' is ${byteLength}`);
  const want = int(field(m, 'crc32'), "'weights.crc32'", 2 ** 32 - 1);
  const got = crc32(new Uint8Array(buffer));
  if (got !== want) fail(`${file as string} does not match model.json (CRC-32 ${got} instead of ${want}) - the file is damaged or from another save`);
  return entries;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? fail('modelJson is not JSON-serializable');
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    return fail(`modelJson cannot be serialized: ${(e as Error).message}`);
  }
}
