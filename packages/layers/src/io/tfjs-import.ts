/**
 * Import of TensorFlow.js layers models (what `model.save()` in tfjs-layers
 * writes, and what `tensorflowjs_converter` makes of a Keras model): the
 * Keras topology is translated into a Neurite topology and a Neurite
 * weights buffer, which then go through `fromArtifacts`, so an imported
 * model is checked exactly like one of ours (layer configs, graph, shapes,
 * weight manifest). This file only reads and checks what is tfjs-specific.
 */
import { ModelFormatError } from '@neurite/core';
import type { Config, Json } from '../config.js';
import { checkName } from '../layer.js';
import type { Model } from '../model.js';
import { fromArtifacts, LIMITS } from './artifacts.js';
import { crc32 } from './crc32.js';
import { FORMAT_NAME, FORMAT_VERSION, type LoadOptions, type ModelJson, type WeightEntry } from './format.js';
import { parseModelJson } from './parse-json.js';

/** The in-memory form of a tfjs layers model, as `tf.io.withSaveHandler` hands it over. */
export interface TfjsArtifacts {
  /** `modelTopology` of model.json (an object, or its JSON text). */
  modelTopology: unknown;
  /** Every weight, in the order of the bytes: the `weights` of all weightsManifest groups, concatenated. */
  weightSpecs: unknown;
  /** The weight bytes: one buffer, or the shards in manifest order. */
  weightData: ArrayBuffer | readonly ArrayBuffer[];
}

const fail = (message: string): never => {
  throw new ModelFormatError(`tfjs import: ${message}`);
};

/** Keras class names (as tfjs-layers serializes them) this importer understands, with the Neurite type each becomes. */
const CLASS_NAMES: Readonly<Record<string, string>> = {
  InputLayer: 'input',
  Dense: 'Dense',
  Flatten: 'Flatten',
  Reshape: 'Reshape',
  Dropout: 'Dropout',
  BatchNormalization: 'BatchNormalization',
  LayerNormalization: 'LayerNormalization',
  Embedding: 'Embedding',
  Activation: 'Activation',
  Add: 'Add',
  Concatenate: 'Concatenate',
  Conv2D: 'Conv2D',
  MaxPooling2D: 'MaxPool2D',
  MaxPool2D: 'MaxPool2D',
  AveragePooling2D: 'AvgPool2D',
  AvgPool2D: 'AvgPool2D',
  GlobalAveragePooling2D: 'GlobalAveragePooling2D',
  GlobalMaxPooling2D: 'GlobalMaxPooling2D',
};

export const TFJS_LAYER_CLASSES: readonly string[] = Object.keys(CLASS_NAMES);

/** Keras activation names with a Neurite equivalent (tfjs's 'gelu' is the exact erf form, as ours; 'gelu_new' is not). */
const ACTIVATION_NAMES: Readonly<Record<string, string>> = {
  linear: 'linear',
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
};

// ---------------------------------------------------------------- reading JSON

const has = (o: Config, key: string): boolean => Object.hasOwn(o, key);
const get = (o: Config, key: string): Json | undefined => (has(o, key) ? o[key] : undefined);
const isObj = (v: Json | undefined): v is Config => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown): string => JSON.stringify(v)?.slice(0, 60) ?? 'nothing';

function obj(v: Json | undefined, where: string): Config {
  return isObj(v) ? v : fail(`${where} must be an object, got ${show(v)}`);
}

function list(v: Json | undefined, where: string, max: number): Json[] {
  if (!Array.isArray(v)) return fail(`${where} must be a list, got ${show(v)}`);
  if (v.length > max) return fail(`${where} has ${v.length} entries, more than the ${max} allowed`);
  return v;
}

function text(v: Json | undefined, where: string): string {
  return typeof v === 'string' && v.length <= 256 ? v : fail(`${where} must be a string of at most 256 characters, got ${show(v)}`);
}

/** JSON text or a caller's object, through the same hardened parse (bounded, prototype-free objects). */
function hardened(v: unknown, where: string): Json {
  let s: string | undefined;
  try {
    s = typeof v === 'string' ? v : JSON.stringify(v);
  } catch (e) {
    fail(`${where} cannot be serialized: ${(e as Error).message}`);
  }
  if (s === undefined) return fail(`${where} is missing`);
  try {
    return parseModelJson(s);
  } catch (e) {
    return fail((e as Error).message.replace(/^model\.json/, where));
  }
}

/**
 * A Keras layer config read key by key: each key is mapped, checked against
 * the value that makes it a no-op, or ignored when it cannot matter for a
 * model whose weights come from the file (initializers). Keys nobody read
 * are an error, as in our own format: a feature we would silently drop is
 * refused instead.
 */
class KerasConfig {
  private readonly seen = new Set<string>(['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'batch_size', 'input_shape', 'input_dtype']);

  constructor(
    readonly where: string,
    private readonly config: Config,
  ) {}

  value(key: string): Json | undefined {
    this.seen.add(key);
    return get(this.config, key);
  }

  /** Present only with `allowed` (or absent/null). */
  only(key: string, allowed: readonly Json[], why: string): void {
    const v = this.value(key);
    if (v !== undefined && v !== null && !allowed.includes(v)) fail(`${this.where}: '${key}' ${show(v)} is not supported - ${why}`);
  }

  /** Must be absent or null (constraints, activity regularizers: features we do not have). */
  none(key: string, what: string): void {
    const v = this.value(key);
    if (v !== undefined && v !== null) fail(`${this.where}: '${key}' is set (${show(v)}) but Neurite has no ${what} - remove it before saving`);
  }

  /** Initializers only matter before training: the weights come from the file. */
  ignore(...keys: string[]): void {
    for (const k of keys) this.seen.add(k);
  }

  copy(out: Config, key: string, as: string): void {
    const v = this.value(key);
    if (v !== undefined && v !== null) out[as] = v;
  }

  activation(out: Config, key = 'activation'): void {
    const v = this.value(key);
    if (v === undefined || v === null) return;
    const name = typeof v === 'string' && Object.hasOwn(ACTIVATION_NAMES, v) ? ACTIVATION_NAMES[v] : undefined;
    if (name === undefined) fail(`${this.where}: activation ${show(v)} is not supported - supported: ${Object.keys(ACTIVATION_NAMES).join(', ')}`);
    out.activation = name!;
  }

  /** Keras's L1L2 (tfjs: { class_name: 'L1L2', config: { l1, l2 } }) as our { l1, l2 }. */
  regularizer(out: Config, key: string, as: string): void {
    const v = this.value(key);
    if (v === undefined || v === null) return;
    const spec = obj(v, `${this.where}: '${key}'`);
    const kind = get(spec, 'class_name');
    const c = obj(get(spec, 'config') ?? {}, `${this.where}: '${key}.config'`);
    if (kind !== 'L1L2' && kind !== 'L1' && kind !== 'L2') fail(`${this.where}: regularizer ${show(kind)} is not supported - L1L2, L1 or L2`);
    const reg: Config = {};
    for (const k of ['l1', 'l2']) {
      const n = get(c, k);
      if (n === undefined || n === null) continue;
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) fail(`${this.where}: '${key}.config.${k}' must be a finite number >= 0`);
      reg[k] = n;
    }
    out[as] = reg;
  }

  /** An [h, w] pair from Keras's int or list. */
  pair(out: Config, key: string, as: string): void {
    const v = this.value(key);
    if (v === undefined || v === null) return;
    out[as] = typeof v === 'number' ? [v, v] : v;
  }

  /** channels_last only: Neurite's images are [height, width, channels]. */
  dataFormat(): void {
    this.only('data_format', ['channels_last'], 'Neurite layers take channels-last images [height, width, channels]');
  }

  done(): void {
    for (const k of Object.keys(this.config)) if (!this.seen.has(k)) fail(`${this.where}: unsupported config field '${k.slice(0, 40)}'`);
  }
}

// ---------------------------------------------------------------- layers

/** One imported layer: Neurite type and config, its weights as [Neurite name, Keras name] in the layer's order, and checks that need the input shape. */
interface Translated {
  className: string;
  config: Config;
  weights: [string, string][];
  /** Keras axis the layer normalizes; must be the last axis (checked once shapes are known). */
  lastAxis?: number;
}

/** Keras's normalization axis (int or one-entry list); -1, or a positive index checked against the rank later. */
function normalizationAxis(c: KerasConfig): number {
  let v = c.value('axis');
  if (Array.isArray(v) && v.length === 1) v = v[0];
  if (v === undefined || v === null) return -1;
  if (typeof v !== 'number' || !Number.isInteger(v) || v === 0 || v < -1 || v > 8) fail(`${c.where}: axis ${show(v)} is not supported - Neurite normalizes the last axis only`);
  return v as number;
}

/** What Dense and Conv2D share after their own keys (as KernelBias does on our side): initializers, regularizers, constraints, the weights. */
function kernelBiasTail(c: KerasConfig, config: Config, weights: [string, string][]): void {
  c.ignore('kernel_initializer', 'bias_initializer');
  c.regularizer(config, 'kernel_regularizer', 'kernelRegularizer');
  c.regularizer(config, 'bias_regularizer', 'biasRegularizer');
  c.none('activity_regularizer', 'activity regularization');
  c.none('kernel_constraint', 'weight constraints');
  c.none('bias_constraint', 'weight constraints');
  weights.push(['kernel', 'kernel']);
  if (config.useBias !== false) weights.push(['bias', 'bias']);
}

function translateLayer(kerasClass: string, c: KerasConfig): Translated {
  const config: Config = {};
  const weights: [string, string][] = [];
  let lastAxis: number | undefined;
  switch (kerasClass) {
    case 'Dense':
      c.copy(config, 'units', 'units');
      c.activation(config);
      c.copy(config, 'use_bias', 'useBias');
      kernelBiasTail(c, config, weights);
      break;
    case 'Conv2D':
      c.copy(config, 'filters', 'filters');
      c.pair(config, 'kernel_size', 'kernelSize');
      c.pair(config, 'strides', 'strides');
      c.copy(config, 'padding', 'padding');
      c.pair(config, 'dilation_rate', 'dilationRate');
      c.activation(config);
      c.copy(config, 'use_bias', 'useBias');
      c.dataFormat();
      c.only('groups', [1], 'grouped convolutions are not implemented');
      kernelBiasTail(c, config, weights);
      break;
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D':
      c.pair(config, 'pool_size', 'poolSize');
      c.pair(config, 'strides', 'strides');
      c.copy(config, 'padding', 'padding');
      c.dataFormat();
      break;
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      c.dataFormat();
      c.only('keepdims', [false], 'global pooling returns [channels]');
      break;
    case 'Flatten':
      c.dataFormat();
      break;
    case 'Reshape': {
      const t = c.value('target_shape');
      // tfjs writes an inferred axis as null; ours is -1.
      if (t !== undefined) config.targetShape = Array.isArray(t) ? t.map((d) => (d === null ? -1 : d)) : t;
      break;
    }
    case 'Dropout':
      c.copy(config, 'rate', 'rate');
      c.copy(config, 'seed', 'seed');
      c.none('noise_shape', 'dropout noise shapes');
      break;
    case 'BatchNormalization':
      lastAxis = normalizationAxis(c);
      c.copy(config, 'momentum', 'momentum');
      c.copy(config, 'epsilon', 'epsilon');
      c.copy(config, 'center', 'center');
      c.copy(config, 'scale', 'scale');
      c.ignore('beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer');
      c.none('beta_regularizer', 'regularizers on normalization weights');
      c.none('gamma_regularizer', 'regularizers on normalization weights');
      c.none('beta_constraint', 'weight constraints');
      c.none('gamma_constraint', 'weight constraints');
      c.only('renorm', [false], 'batch renormalization is not implemented');
      c.only('synchronized', [false], 'there is one device');
      if (config.scale !== false) weights.push(['gamma', 'gamma']);
      if (config.center !== false) weights.push(['beta', 'beta']);
      weights.push(['movingMean', 'moving_mean'], ['movingVariance', 'moving_variance']);
      break;
    case 'LayerNormalization':
      lastAxis = normalizationAxis(c);
      c.copy(config, 'epsilon', 'epsilon');
      c.copy(config, 'center', 'center');
      c.copy(config, 'scale', 'scale');
      c.ignore('beta_initializer', 'gamma_initializer');
      c.none('beta_regularizer', 'regularizers on normalization weights');
      c.none('gamma_regularizer', 'regularizers on normalization weights');
      c.none('beta_constraint', 'weight constraints');
      c.none('gamma_constraint', 'weight constraints');
      if (config.scale !== false) weights.push(['gamma', 'gamma']);
      if (config.center !== false) weights.push(['beta', 'beta']);
      break;
    case 'Embedding':
      c.copy(config, 'input_dim', 'inputDim');
      c.copy(config, 'output_dim', 'outputDim');
      c.ignore('embeddings_initializer', 'input_length');
      c.regularizer(config, 'embeddings_regularizer', 'embeddingsRegularizer');
      c.none('activity_regularizer', 'activity regularization');
      c.none('embeddings_constraint', 'weight constraints');
      c.only('mask_zero', [false], 'Neurite has no masking');
      c.only('sparse', [false], 'Neurite has no sparse tensors');
      weights.push(['embeddings', 'embeddings']);
      break;
    case 'Activation':
      c.activation(config);
      if (!has(config, 'activation')) fail(`${c.where}: 'activation' is missing`);
      break;
    case 'Add':
      break;
    case 'Concatenate': {
      const axis = c.value('axis');
      // Keras counts the batch axis; ours does not.
      if (axis !== undefined && axis !== null) {
        if (typeof axis !== 'number' || !Number.isInteger(axis) || axis === 0) fail(`${c.where}: axis ${show(axis)} is not supported - concatenate along a feature axis`);
        config.axis = (axis as number) > 0 ? (axis as number) - 1 : axis;
      }
      break;
    }
  }
  c.done();
  return { className: CLASS_NAMES[kerasClass], config, weights, lastAxis };
}

/** Class name, layer name and config of one entry of a Keras `layers` list. */
function layerEntry(raw: Json, where: string): { kerasClass: string; name: string; config: Config; raw: Config } {
  const e = obj(raw, where);
  const kerasClass = text(get(e, 'class_name'), `${where}.class_name`);
  const config = obj(get(e, 'config') ?? {}, `${where}.config`);
  const name = text(get(e, 'name') ?? get(config, 'name'), `${where}: the layer's name`);
  if (!Object.hasOwn(CLASS_NAMES, kerasClass)) {
    fail(`layer '${name.slice(0, 60)}' has class ${kerasClass.slice(0, 60)}, which Neurite cannot import - supported: ${TFJS_LAYER_CLASSES.join(', ')}`);
  }
  try {
    checkName('layer', name);
  } catch (e) {
    fail(`${where}: ${(e as Error).message}`);
  }
  const dtype = get(config, 'dtype');
  const dtypeName = isObj(dtype) ? get(obj(get(dtype, 'config') ?? {}, `${where}.dtype.config`), 'name') : dtype;
  if (dtypeName !== undefined && dtypeName !== null && dtypeName !== 'float32' && !(kerasClass === 'InputLayer' && dtypeName === 'int32')) {
    fail(`layer '${name}' computes in ${show(dtypeName)} - Neurite layers compute in float32`);
  }
  const trainable = get(config, 'trainable');
  if (trainable !== undefined && typeof trainable !== 'boolean') fail(`layer '${name}': 'trainable' must be true or false`);
  return { kerasClass, name, config, raw: e };
}

/** A feature shape from Keras's batch shape [null, ...dims]. */
function featureShape(config: Config, where: string): number[] | undefined {
  const v = get(config, 'batch_input_shape') ?? get(config, 'batch_shape');
  if (v === undefined || v === null) return undefined;
  const dims = list(v, `${where}: batch_input_shape`, 9);
  if (dims.length < 2) fail(`${where}: batch_input_shape ${show(dims)} has no feature axes`);
  const shape = dims.slice(1);
  if (!shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 2 ** 31 - 1)) {
    fail(`${where}: input shape ${show(dims)} has an unknown or invalid size - Neurite models need every feature dimension fixed`);
  }
  return shape as number[];
}

// ---------------------------------------------------------------- topology

interface Graph {
  name: string;
  kind: 'sequential' | 'functional';
  inputName: string;
  inputShape: number[];
  layers: { name: string; t: Translated; trainable: boolean }[];
  /** Calls in execution order; `inputs` name the model input or `<layer>#<k>`. */
  nodes: { layer: string; inputs: string[] }[];
  output: string;
}

function translateTopology(raw: Json): Graph {
  let root = obj(raw, 'modelTopology');
  // model.json's modelTopology sometimes wraps the model under 'model_config' (Keras h5 converted).
  if (!has(root, 'class_name') && isObj(get(root, 'model_config'))) root = obj(get(root, 'model_config'), 'modelTopology.model_config');
  const kind = get(root, 'class_name');
  if (kind === 'Sequential') return sequentialGraph(get(root, 'config'));
  if (kind === 'Model' || kind === 'Functional') return functionalGraph(obj(get(root, 'config'), 'modelTopology.config'));
  return fail(`modelTopology.class_name is ${show(kind)} - expected 'Sequential', 'Model' or 'Functional' (a tfjs layers model; graph models from the converter are not supported)`);
}

function sequentialGraph(config: Json | undefined): Graph {
  // tfjs-layers writes { name, layers }; Keras 2.0-2.1 wrote the list itself.
  const c = Array.isArray(config) ? { layers: config } : obj(config, 'modelTopology.config');
  const name = text(get(c, 'name') ?? 'sequential', 'modelTopology.config.name');
  const entries = list(get(c, 'layers'), 'modelTopology.config.layers', LIMITS.layers).map((e, i) => layerEntry(e, `modelTopology.config.layers[${i}]`));
  let inputShape: number[] | undefined;
  const layers: Graph['layers'] = [];
  entries.forEach((e, i) => {
    if (e.kerasClass === 'InputLayer') {
      if (i !== 0) fail(`layer '${e.name}': an InputLayer can only come first in a Sequential model`);
      inputShape = featureShape(e.config, `layer '${e.name}'`) ?? fail(`layer '${e.name}' has no batch_input_shape`);
      return;
    }
    if (i === 0) inputShape = featureShape(e.config, `layer '${e.name}'`);
    if (layers.some((l) => l.name === e.name)) fail(`two layers are named '${e.name}'`);
    layers.push({ name: e.name, t: translateLayer(e.kerasClass, new KerasConfig(`${e.kerasClass} '${e.name}'`, e.config)), trainable: get(e.config, 'trainable') !== false });
  });
  if (layers.length === 0) fail('the Sequential model has no layers');
  if (inputShape === undefined) fail(`the first layer '${entries[0].name}' has no batch_input_shape - the model was saved before it was built; build it with an inputShape and save again`);
  const inputName = 'input';
  const nodes = layers.map((l, i) => ({ layer: l.name, inputs: [i === 0 ? inputName : `${layers[i - 1].name}#0`] }));
  return { name: checkedName(name), kind: 'sequential', inputName, inputShape: inputShape!, layers, nodes, output: `${layers[layers.length - 1].name}#0` };
}

/** A model name our format accepts (tfjs names models freely): unsupported characters become '_'. */
function checkedName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 128);
  return cleaned.length > 0 ? cleaned : 'model';
}

/** A Keras reference [layerName, nodeIndex, tensorIndex, kwargs?] as 'layer@node'. */
function reference(v: Json, where: string, withKwargs: boolean): { layer: string; node: number } {
  const r = list(v, where, 4);
  if (r.length < 3 || (!withKwargs && r.length > 3)) fail(`${where} must be [layer, node, tensor${withKwargs ? ', kwargs' : ''}], got ${show(r)}`);
  const layer = text(r[0], `${where}[0]`);
  const node = r[1];
  if (typeof node !== 'number' || !Number.isInteger(node) || node < 0 || node > LIMITS.nodes) fail(`${where}: node index ${show(node)} is invalid`);
  if (r[2] !== 0) fail(`${where}: tensor index ${show(r[2])} - Neurite layers have one output`);
  if (r.length === 4 && !(isObj(r[3]) && Object.keys(r[3]).length === 0)) fail(`${where}: call arguments ${show(r[3])} are not supported`);
  return { layer, node: node as number };
}

function functionalGraph(c: Config): Graph {
  const name = text(get(c, 'name') ?? 'model', 'modelTopology.config.name');
  const ins = list(get(c, 'input_layers'), 'modelTopology.config.input_layers', 64);
  const outs = list(get(c, 'output_layers'), 'modelTopology.config.output_layers', 64);
  if (ins.length !== 1) fail(`the model has ${ins.length} inputs - Neurite models take exactly one`);
  if (outs.length !== 1) fail(`the model has ${outs.length} outputs - Neurite models have exactly one`);
  const input = reference(ins[0], 'modelTopology.config.input_layers[0]', false);
  const output = reference(outs[0], 'modelTopology.config.output_layers[0]', false);

  const entries = list(get(c, 'layers'), 'modelTopology.config.layers', LIMITS.layers).map((e, i) => ({ ...layerEntry(e, `modelTopology.config.layers[${i}]`), i }));
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) fail(`two layers are named '${e.name}'`);
    names.add(e.name);
  }
  const inputEntry = entries.find((e) => e.name === input.layer) ?? fail(`input_layers names '${input.layer}', which is not in the layers list`);
  if (inputEntry.kerasClass !== 'InputLayer' || input.node !== 0) fail(`the model input '${input.layer}' must be an InputLayer`);
  const inputShape = featureShape(inputEntry.config, `InputLayer '${inputEntry.name}'`) ?? fail(`InputLayer '${inputEntry.name}' has no batch_input_shape`);

  // Every call of every layer, then emitted in an order where inputs come first (a shared layer's
  // later call may be listed before the layers that feed it).
  const produced = new Map<string, string>([[`${inputEntry.name}@0`, inputEntry.name]]);
  const pending: { layer: string; node: number; refs: { layer: string; node: number }[] }[] = [];
  const layers: Graph['layers'] = [];
  let totalCalls = 0;
  for (const e of entries) {
    const where = `modelTopology.config.layers[${e.i}].inbound_nodes`;
    const calls = list(get(e.raw, 'inbound_nodes') ?? [], where, LIMITS.nodes);
    if (e.kerasClass === 'InputLayer') {
      if (e !== inputEntry) fail(`InputLayer '${e.name}' is a second model input - Neurite models take exactly one`);
      if (calls.length !== 0) fail(`InputLayer '${e.name}' has inbound nodes`);
      continue;
    }
    totalCalls += calls.length;
    if (totalCalls > LIMITS.nodes) fail(`the model has more than ${LIMITS.nodes} layer calls`);
    calls.forEach((call, k) => {
      // Keras 3 writes { args, kwargs } objects here instead of reference lists.
      if (!Array.isArray(call)) fail(`${where}[${k}] is not a list of [layer, node, tensor, kwargs] references - files from Keras 3 are not supported`);
      const refs = list(call, `${where}[${k}]`, 64).map((r, j) => reference(r, `${where}[${k}][${j}]`, true));
      if (refs.length === 0) fail(`${where}[${k}] has no inputs`);
      pending.push({ layer: e.name, node: k, refs });
    });
    layers.push({ name: e.name, t: translateLayer(e.kerasClass, new KerasConfig(`${e.kerasClass} '${e.name}'`, e.config)), trainable: get(e.config, 'trainable') !== false });
  }
  const nodes: Graph['nodes'] = [];
  const callCount = new Map<string, number>();
  while (pending.length > 0) {
    const ready = pending.findIndex((p) => p.refs.every((r) => produced.has(`${r.layer}@${r.node}`)));
    if (ready < 0) {
      const p = pending[0];
      const missing = p.refs.find((r) => !produced.has(`${r.layer}@${r.node}`))!;
      fail(`layer '${p.layer}' reads node ${missing.node} of '${missing.layer}', which no layer produces (or the graph has a cycle)`);
    }
    const [p] = pending.splice(ready, 1);
    const k = callCount.get(p.layer) ?? 0;
    callCount.set(p.layer, k + 1);
    nodes.push({ layer: p.layer, inputs: p.refs.map((r) => produced.get(`${r.layer}@${r.node}`)!) });
    produced.set(`${p.layer}@${p.node}`, `${p.layer}#${k}`);
  }
  const out = produced.get(`${output.layer}@${output.node}`) ?? fail(`output_layers names node ${output.node} of '${output.layer}', which does not exist`);
  if (out === inputEntry.name) fail('the model output is its input - there are no layers');
  return { name: checkedName(name), kind: 'functional', inputName: inputEntry.name, inputShape, layers, nodes, output: out };
}

// ---------------------------------------------------------------- weights

interface TfjsWeight {
  name: string;
  shape: number[];
  dtype: string;
  byteOffset: number;
  byteLength: number;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale: number; min: number };
}

const ELEMENT_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

/**
 * Reads tfjs weight specs and lays them out in the byte stream (entries back
 * to back, shards concatenated). The total, returned as `byteLength`, must
 * equal the weight bytes given; node's loader compares it with the file
 * sizes before reading them.
 */
export function readTfjsWeightSpecs(raw: unknown): { weights: TfjsWeight[]; byteLength: number } {
  const specs = list(hardened(raw, 'weightSpecs'), 'weightSpecs', LIMITS.weights);
  let offset = 0;
  const seen = new Set<string>();
  const weights = specs.map((s, i): TfjsWeight => {
    const where = `weightSpecs[${i}]`;
    const e = obj(s, where);
    const name = text(get(e, 'name'), `${where}.name`);
    if (seen.has(name)) fail(`weight '${name}' is listed twice`);
    seen.add(name);
    const shape = list(get(e, 'shape'), `${where}.shape`, 8).map((d) => (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 2 ** 31 - 1 ? d : fail(`weight '${name}': shape ${show(get(e, 'shape'))} must be integers >= 0`)));
    const elements = shape.reduce((a, b) => a * b, 1);
    const dtype = text(get(e, 'dtype') ?? 'float32', `${where}.dtype`);
    if (!Object.hasOwn(ELEMENT_BYTES, dtype)) fail(`weight '${name}' has dtype ${show(dtype)} - tfjs weights are float32, int32, bool or complex64${dtype === 'string' ? ' (string weights are not supported)' : ''}`);
    let bytesPer = ELEMENT_BYTES[dtype];
    let quantization: TfjsWeight['quantization'];
    const q = get(e, 'quantization');
    if (q !== undefined && q !== null) {
      const qo = obj(q, `${where}.quantization`);
      const qd = get(qo, 'dtype');
      if (typeof qd !== 'string' || !Object.hasOwn(QUANTIZED_BYTES, qd)) fail(`weight '${name}' is quantized as ${show(qd)} - supported: uint8, uint16 (affine) and float16`);
      if (dtype !== 'float32') fail(`weight '${name}' is a quantized ${dtype} - only float32 weights can be dequantized`);
      const scale = get(qo, 'scale') ?? 1;
      const min = get(qo, 'min') ?? 0;
      if (qd !== 'float16' && (typeof scale !== 'number' || !Number.isFinite(scale) || typeof min !== 'number' || !Number.isFinite(min))) fail(`weight '${name}': quantization scale and min must be finite numbers`);
      quantization = { dtype: qd as 'uint8' | 'uint16' | 'float16', scale: scale as number, min: min as number };
      bytesPer = QUANTIZED_BYTES[qd as string];
    }
    const byteLength = elements * bytesPer;
    const w: TfjsWeight = { name, shape, dtype, byteOffset: offset, byteLength, quantization };
    offset += byteLength;
    if (offset > LIMITS.weightsBytes) fail(`the weights take more than the ${LIMITS.weightsBytes} bytes allowed`);
    return w;
  });
  return { weights, byteLength: offset };
}

function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** One weight's values as little-endian float32 bytes (dequantized when stored quantized). */
function float32Bytes(data: Uint8Array, w: TfjsWeight): Uint8Array {
  const bytes = data.subarray(w.byteOffset, w.byteOffset + w.byteLength);
  if (!w.quantization) return bytes;
  const n = w.shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(n * 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const outView = new DataView(out.buffer);
  const { dtype, scale, min } = w.quantization;
  for (let i = 0; i < n; i++) {
    const v = dtype === 'uint8' ? bytes[i] * scale + min : dtype === 'uint16' ? view.getUint16(2 * i, true) * scale + min : float16ToFloat32(view.getUint16(2 * i, true));
    outView.setFloat32(4 * i, v, true);
  }
  return out;
}

function joinWeightData(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (!Array.isArray(data) || data.length > 4096 || !data.every((b) => b instanceof ArrayBuffer)) {
    return fail(`weightData must be an ArrayBuffer or a list of them (the weight files' bytes), got ${Object.prototype.toString.call(data)}`);
  }
  const total = data.reduce((n: number, b: ArrayBuffer) => n + b.byteLength, 0);
  if (total > LIMITS.weightsBytes) fail(`the weight data is ${total} bytes, more than the ${LIMITS.weightsBytes} allowed`);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of data as ArrayBuffer[]) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------- import

/**
 * A Neurite model from a tfjs layers model in memory: `modelTopology`, the
 * weight specs (all manifest groups' `weights`, in order) and the weight
 * bytes. Works anywhere (browsers, bundlers); `loadTfjsModel` reads the
 * files in Node. Everything is validated before a weight is allocated, and
 * any problem is a ModelFormatError naming it: an unsupported layer class
 * (with the supported list), config field or activation, missing, extra or
 * mis-shaped weights, truncated or oversized weight data, malformed JSON.
 * Keras's weight layout is ours (Dense kernels [in, out], Conv2D kernels
 * [kh, kw, in, out]), so predictions match tfjs's.
 */
export function fromTfjsArtifacts(artifacts: TfjsArtifacts, options: LoadOptions = {}): Model {
  if (artifacts === null || typeof artifacts !== 'object') fail('expected { modelTopology, weightSpecs, weightData }');
  const graph = translateTopology(hardened(artifacts.modelTopology, 'modelTopology'));
  const { weights: specs, byteLength } = readTfjsWeightSpecs(artifacts.weightSpecs);
  const data = joinWeightData(artifacts.weightData);
  if (data.byteLength < byteLength) fail(`the weight data is truncated: ${data.byteLength} bytes, the weight specs need ${byteLength}`);
  if (data.byteLength > byteLength) fail(`the weight data has ${data.byteLength} bytes, ${data.byteLength - byteLength} more than the weight specs describe - wrong or mismatched weight files?`);

  // Our manifest lists weights in first-call order of the layers, each layer's in its own order.
  const byName = new Map(specs.map((w) => [w.name, w]));
  const used = new Set<string>();
  const order: string[] = [];
  for (const n of graph.nodes) if (!order.includes(n.layer)) order.push(n.layer);
  const layerByName = new Map(graph.layers.map((l) => [l.name, l]));
  const picked: { name: string; w: TfjsWeight }[] = [];
  for (const layerName of order) {
    for (const [ours, keras] of layerByName.get(layerName)!.t.weights) {
      const key = `${layerName}/${keras}`;
      const w = byName.get(key) ?? byName.get(`${key}:0`) ?? fail(`layer '${layerName}' needs weight '${key}', which is not in the weight specs`);
      if (w.dtype !== 'float32') fail(`weight '${w.name}' is ${w.dtype}; layer weights are float32`);
      used.add(w.name);
      picked.push({ name: `${layerName}/${ours}`, w });
    }
  }
  const extra = specs.find((w) => !used.has(w.name));
  if (extra) fail(`weight '${extra.name}' belongs to no layer of the model${extra.name.includes('/') ? '' : ' (optimizer state? save without includeOptimizer)'}`);

  const tensors: WeightEntry[] = [];
  const parts = picked.map(({ name, w }) => {
    const bytes = float32Bytes(data, w);
    const offset = tensors.length === 0 ? 0 : tensors[tensors.length - 1].byteOffset + tensors[tensors.length - 1].byteLength;
    tensors.push({ name, shape: w.shape, dtype: 'float32', byteOffset: offset, byteLength: bytes.byteLength });
    return bytes;
  });
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const buffer = new Uint8Array(total);
  parts.reduce((at, p) => (buffer.set(p, at), at + p.byteLength), 0);

  const modelJson: ModelJson = {
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    producer: 'tfjs import',
    topology: {
      name: graph.name,
      kind: graph.kind,
      input: { name: graph.inputName, shape: graph.inputShape },
      layers: graph.layers.map((l) => ({ className: l.t.className, name: l.name, config: l.t.config, ...(l.trainable ? {} : { trainable: false }) })),
      nodes: graph.nodes,
      output: graph.output,
    },
    weights: { file: 'weights.bin', byteLength: total, crc32: crc32(buffer), tensors },
  };
  let model: Model;
  try {
    model = fromArtifacts({ modelJson, weights: buffer.buffer }, options);
  } catch (e) {
    // Our loader's checks, reported in the terms of the imported file.
    if (e instanceof ModelFormatError) throw new ModelFormatError(`tfjs import: ${e.message.replace(/^load: /, '').replace(' in the manifest ', ' in the weight specs ')}`);
    throw e;
  }
  for (const n of model.nodes) {
    const axis = layerByName.get(n.layer.name)?.t.lastAxis;
    // Keras counts the batch axis: the last axis of a rank-r feature shape is r.
    if (axis !== undefined && axis !== -1 && axis !== n.inputs[0].shape.length) {
      model.dispose();
      fail(`${n.layer.className} '${n.layer.name}' normalizes axis ${axis} of inputs [batch, ${n.inputs[0].shape}] - Neurite normalizes the last axis only`);
    }
  }
  return model;
}
