/**
 * Importing real TensorFlow.js layers models: each is built and briefly
 * trained with @tensorflow/tfjs-layers on tfjs's cpu backend, saved to
 * model.json + weights.bin as `model.save('file://dir')` lays them out, loaded
 * with loadTfjsModel, and must predict what tfjs predicts (within 1e-5) on
 * backend-js and backend-wasm. Then the files are damaged in every way we can
 * think of: each must give a ModelFormatError that says what is wrong.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelFormatError, Random, listBackends, setBackend, tensor, type Tensor } from '@neurite/core';
import { register as registerWasm } from '@neurite/backend-wasm';
import { useJs } from '../testing/backend.js';
import { startTf, tf } from '../testing/tfjs.js';
import { fromTfjsArtifacts } from './tfjs-import.js';
import { loadTfjsModel } from './tfjs-import-node.js';

type J = null | boolean | number | string | J[] | { [k: string]: J };
interface Saved {
  modelJson: { [k: string]: J };
  weights: ArrayBuffer;
}

let root: string;
let dirCount = 0;

beforeAll(async () => {
  await startTf();
  root = await mkdtemp(join(tmpdir(), 'neurite-tfjs-import-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** model.json and the weight bytes of a tfjs model, laid out as tfjs-node's file:// handler writes them. */
async function saveTfjs(model: tfl.LayersModel): Promise<Saved> {
  let saved: Saved | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weights = tf.io.CompositeArrayBuffer.join(a.weightData!);
      saved = {
        modelJson: {
          modelTopology: a.modelTopology as J,
          format: a.format ?? 'layers-model',
          generatedBy: a.generatedBy ?? null,
          convertedBy: a.convertedBy ?? null,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs as unknown as J }],
        },
        weights,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** Writes model.json and the weight files into a new directory; returns the model.json path. */
async function writeFiles(modelJson: unknown, files: Record<string, ArrayBuffer | Uint8Array>): Promise<string> {
  const dir = join(root, `m${++dirCount}`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'model.json');
  await writeFile(path, typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  return path;
}

async function writeSaved(s: Saved): Promise<string> {
  return writeFiles(s.modelJson, { 'weights.bin': s.weights });
}

function randomInputs(shape: number[], seed: number, integersBelow?: number): Float32Array {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => (integersBelow ? rng.int(integersBelow) : rng.normal()));
}

async function trainBriefly(model: tfl.LayersModel, x: Float32Array, xShape: number[], classes: number): Promise<void> {
  const labels = Float32Array.from({ length: xShape[0] * classes }, (_, i) => (i % classes === Math.floor(i / classes) % classes ? 1 : 0));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor(x, xShape);
  const ys = tf.tensor(labels, [xShape[0], classes]);
  await model.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0 });
  tf.dispose([xs, ys]);
}

function tfPredict(model: tfl.LayersModel, x: Float32Array, shape: number[]): Float32Array {
  const xs = tf.tensor(x, shape);
  const y = model.predict(xs) as ReturnType<typeof tf.tensor>;
  const out = y.dataSync() as Float32Array;
  tf.dispose([xs, y]);
  return out;
}

/** Registers backend-wasm once; null when it is active, else why it would not start. */
async function useWasm(): Promise<string | null> {
  try {
    if (!(await listBackends()).some((b) => b.name === 'wasm')) registerWasm();
    await setBackend('wasm');
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

// Probed once at collection: the wasm comparisons need the built .wasm (npm test builds it first).
const wasmRefused = await useWasm();

/** A model trained in tfjs and written to disk, with inputs and tfjs's predictions for them. */
interface Fixture {
  path: string;
  x: Float32Array;
  shape: number[];
  expected: Float32Array;
}

/** Loads the fixture's files on `backend` and compares the predictions with tfjs's. */
async function expectSamePredictions(f: Fixture, backend: 'js' | 'wasm'): Promise<void> {
  if (backend === 'js') await useJs();
  else expect(await useWasm()).toBeNull();
  try {
    const model = await loadTfjsModel(f.path);
    const xs: Tensor = tensor(f.x, f.shape);
    const y = model.predict(xs);
    const got = y.dataSync();
    expect(y.shape[0]).toBe(f.shape[0]);
    expect(got.length).toBe(f.expected.length);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - f.expected[i]));
    expect(worst, `${backend}: largest difference from tfjs`).toBeLessThan(1e-5);
    xs.dispose();
    y.dispose();
    model.dispose();
  } finally {
    await useJs();
  }
}

/** Trains (briefly, when `train`) and saves a tfjs model, then records its predictions on fresh inputs. */
async function fixture(m: tfl.LayersModel, shape: number[], opts: { train?: number; seed: number; integersBelow?: number; files?: (s: Saved) => Promise<string> }): Promise<Fixture> {
  if (opts.train !== undefined) await trainBriefly(m, randomInputs([32, ...shape], opts.seed, opts.integersBelow), [32, ...shape], opts.train);
  const x = randomInputs([12, ...shape], opts.seed + 1, opts.integersBelow);
  const s = await saveTfjs(m);
  const path = opts.files ? await opts.files(s) : await writeSaved(s);
  const f = { path, x, shape: [12, ...shape], expected: tfPredict(m, x, [12, ...shape]) };
  m.dispose();
  return f;
}

const L = tfl.layers;

/** Each case builds its tfjs model on first use; both backends then load the same files. */
const CASES: { name: string; make: () => Promise<Fixture> }[] = [
  {
    name: 'an MLP with BatchNormalization, Dropout and LayerNormalization (Sequential)',
    make: () =>
      fixture(
        tfl.sequential({
          layers: [
            L.dense({ units: 16, activation: 'relu', inputShape: [8] }),
            L.batchNormalization(),
            L.dropout({ rate: 0.2 }),
            L.dense({ units: 12, activation: 'tanh' }),
            L.layerNormalization(),
            L.dense({ units: 8, activation: 'elu', useBias: false }),
            L.activation({ activation: 'selu' }),
            L.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
        [8],
        { train: 3, seed: 1 },
      ),
  },
  {
    name: 'a functional model with Concatenate, Add and a layer called twice',
    make: () => {
      const input = tfl.input({ shape: [6] });
      const a = L.dense({ units: 5, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
      const b = L.dense({ units: 5, activation: 'sigmoid' }).apply(input) as tfl.SymbolicTensor;
      const shared = L.dense({ units: 5, activation: 'gelu' });
      const sa = shared.apply(a) as tfl.SymbolicTensor;
      const sb = shared.apply(b) as tfl.SymbolicTensor;
      const sum = L.add().apply([sa, sb]) as tfl.SymbolicTensor;
      const cat = L.concatenate({ axis: 1 }).apply([a, sum, sb]) as tfl.SymbolicTensor;
      const out = L.dense({ units: 4, activation: 'softmax' }).apply(cat) as tfl.SymbolicTensor;
      return fixture(tfl.model({ inputs: input, outputs: out }), [6], { train: 4, seed: 3 });
    },
  },
  {
    name: 'an Embedding model (indices in, Reshape, Dense out)',
    make: () =>
      fixture(
        tfl.sequential({ layers: [L.embedding({ inputDim: 20, outputDim: 4, inputShape: [5] }), L.reshape({ targetShape: [20] }), L.dense({ units: 6, activation: 'relu' }), L.dense({ units: 2, activation: 'softmax' })] }),
        [5],
        { train: 2, seed: 5, integersBelow: 20 },
      ),
  },
  {
    name: 'a small CNN: Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D',
    make: () =>
      fixture(
        tfl.sequential({
          layers: [
            L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 2] }),
            L.maxPooling2d({ poolSize: 2 }),
            L.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
            L.conv2d({ filters: 6, kernelSize: [2, 3], activation: 'tanh' }),
            L.globalAveragePooling2d({}),
            L.dense({ units: 3, activation: 'softmax' }),
          ],
        }),
        [8, 8, 2],
        { train: 3, seed: 7 },
      ),
  },
  {
    name: 'a functional CNN with strides, GlobalMaxPooling2D and Flatten into Dense',
    make: () => {
      const input = tfl.input({ shape: [9, 9, 1] });
      const c = L.conv2d({ filters: 3, kernelSize: 3, strides: 2, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
      const g = L.globalMaxPooling2d({}).apply(c) as tfl.SymbolicTensor;
      const f = L.flatten().apply(c) as tfl.SymbolicTensor;
      const out = L.dense({ units: 2 }).apply(L.concatenate().apply([g, f]) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
      return fixture(tfl.model({ inputs: input, outputs: out }), [9, 9, 1], { train: 2, seed: 9 });
    },
  },
  {
    name: 'weights sharded over several files, as the converter writes them',
    make: () =>
      fixture(tfl.sequential({ layers: [L.dense({ units: 7, activation: 'relu', inputShape: [5] }), L.dense({ units: 2 })] }), [5], {
        seed: 11,
        files: (s) => {
          const bytes = new Uint8Array(s.weights);
          (s.modelJson.weightsManifest as { paths: string[] }[])[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
          return writeFiles(s.modelJson, { 'group1-shard1of2.bin': bytes.slice(0, 50), 'group1-shard2of2.bin': bytes.slice(50) });
        },
      }),
  },
];

describe('importing tfjs layers models: predictions match tfjs within 1e-5', () => {
  for (const c of CASES) {
    let made: Promise<Fixture> | undefined;
    const get = () => (made ??= c.make());
    it(`${c.name} - backend-js`, async () => expectSamePredictions(await get(), 'js'));
    // Skipped only when backend-wasm cannot start here (its .wasm is not built); the reason is printed in the test name.
    it.skipIf(wasmRefused !== null)(`${c.name} - backend-wasm${wasmRefused ? ` (unavailable: ${wasmRefused.slice(0, 80)})` : ''}`, async () => expectSamePredictions(await get(), 'wasm'));
  }

  it('dequantizes uint8, uint16 and float16 weights as tfjs does', async () => {
    await useJs();
    const kernel = randomInputs([3, 4], 11);
    const m = tfl.sequential({ layers: [L.dense({ units: 4, inputShape: [3], useBias: false, name: 'q' })] });
    const topology = (await saveTfjs(m)).modelJson.modelTopology;
    m.dispose();
    const cases: { quantization: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number }; bytes: Uint8Array }[] = [];
    const u8 = Uint8Array.from(kernel, (v) => Math.max(0, Math.min(255, Math.round((v + 3) / 0.025))));
    cases.push({ quantization: { dtype: 'uint8', scale: 0.025, min: -3 }, bytes: u8 });
    const u16 = Uint16Array.from(kernel, (v) => Math.round((v + 3) / 1e-4));
    cases.push({ quantization: { dtype: 'uint16', scale: 1e-4, min: -3 }, bytes: new Uint8Array(u16.buffer) });
    // Normal, subnormal, largest finite, -0 and negative halves.
    const f16 = Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x8000, 0x0400, 0x3800, 0xb800, 0x4248, 0x2e66, 0x5640]);
    cases.push({ quantization: { dtype: 'float16' }, bytes: new Uint8Array(f16.buffer) });
    for (const c of cases) {
      const spec = { name: 'q/kernel', shape: [3, 4], dtype: 'float32' as const, quantization: c.quantization };
      const want = tf.io.decodeWeights(c.bytes.slice().buffer, [spec])['q/kernel'];
      const model = fromTfjsArtifacts({ modelTopology: topology, weightSpecs: [spec], weightData: c.bytes.slice().buffer });
      expect(Array.from(model.parameters()[0].dataSync()), c.quantization.dtype).toEqual(Array.from(want.dataSync()));
      want.dispose();
      model.dispose();
    }
  });
});

describe('rejecting bad tfjs files', () => {
  let good: Saved;
  const clone = (): { [k: string]: J } => JSON.parse(JSON.stringify(good.modelJson));
  const specsOf = (j: { [k: string]: J }) => (j.weightsManifest as { weights: { name: string; shape: number[]; dtype: string; quantization?: J }[] }[])[0].weights;
  const layersOf = (j: { [k: string]: J }) => ((j.modelTopology as { config: { layers: { class_name: string; config: { [k: string]: J } }[] } }).config.layers);

  beforeAll(async () => {
    await useJs();
    const m = tfl.sequential({ layers: [L.dense({ units: 4, activation: 'relu', inputShape: [3], name: 'd1' }), L.batchNormalization({ name: 'bn' }), L.dense({ units: 2, name: 'd2' })] });
    good = await saveTfjs(m);
    m.dispose();
  });

  async function rejects(modelJson: unknown, files: Record<string, ArrayBuffer | Uint8Array> | undefined, message: RegExp): Promise<void> {
    const path = await writeFiles(modelJson, files ?? { 'weights.bin': good.weights });
    const err = await loadTfjsModel(path).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(message);
  }

  it('loads the untouched files (the cases below start from them)', async () => {
    (await loadTfjsModel(await writeSaved(good))).dispose();
  });

  it('wrong formats', async () => {
    await rejects({ ...clone(), format: 'graph-model' }, undefined, /graph model - only layers models/);
    await rejects('{"modelTopology": ', undefined, /not valid JSON/);
    await rejects('[1, 2]', undefined, /not a JSON object/);
    const { modelTopology: _, ...noTopology } = clone();
    await rejects(noTopology, undefined, /has no 'modelTopology'/);
    const j = clone();
    (j.modelTopology as { class_name: string }).class_name = 'GraphDef';
    await rejects(j, undefined, /class_name is "GraphDef" - expected 'Sequential', 'Model' or 'Functional'/);
    await rejects({ ...clone(), weightsManifest: { paths: 'weights.bin' } }, undefined, /'weightsManifest' must be a list/);
    const noBytes = new ArrayBuffer(0);
    expect(() => fromTfjsArtifacts({ modelTopology: '{"class_name": ', weightSpecs: [], weightData: noBytes })).toThrow(/^tfjs import: modelTopology is not valid JSON/);
    expect(() => fromTfjsArtifacts({ modelTopology: good.modelJson.modelTopology, weightSpecs: 'x'.repeat(2 ** 25), weightData: noBytes })).toThrow(/^tfjs import: weightSpecs: 33554432 characters is more than/);
    expect(() => fromTfjsArtifacts(null as unknown as Parameters<typeof fromTfjsArtifacts>[0])).toThrow(/expected \{ modelTopology, weightSpecs, weightData \}/);
  });

  it('missing, truncated, oversized and escaping weight files', async () => {
    await rejects(clone(), {}, /cannot read .*weights\.bin \(ENOENT\)/);
    await rejects(clone(), { 'weights.bin': good.weights.slice(0, good.weights.byteLength - 4) }, /hold 164 bytes but model\.json describes 168 - a file is truncated or missing/);
    await rejects(clone(), { 'weights.bin': new Uint8Array(good.weights.byteLength + 8) }, /describes 168 - wrong or damaged files/);
    const escaping = clone();
    (escaping.weightsManifest as { paths: string[] }[])[0].paths = ['../../../../etc/passwd'];
    await rejects(escaping, undefined, /outside the model's directory/);
    const url = clone();
    (url.weightsManifest as { paths: string[] }[])[0].paths = ['https://example.com/w.bin'];
    await rejects(url, undefined, /is a URL - download the files next to model\.json first/);
    // In memory: the same checks on the bytes.
    const specs = specsOf(clone());
    expect(() => fromTfjsArtifacts({ modelTopology: good.modelJson.modelTopology, weightSpecs: specs, weightData: good.weights.slice(0, 10) })).toThrow(/weight data is truncated: 10 bytes, the weight specs need 168/);
    expect(() => fromTfjsArtifacts({ modelTopology: good.modelJson.modelTopology, weightSpecs: specs, weightData: 'bytes' as unknown as ArrayBuffer })).toThrow(ModelFormatError);
  });

  it('weights that do not fit the topology', async () => {
    const transposed = clone();
    specsOf(transposed)[0].shape = [4, 3]; // same byte count, wrong layout
    await rejects(transposed, undefined, /weight 'd1\/kernel' has shape \[4,3\] in the weight specs but the topology needs \[3,4\]/);
    const renamed = clone();
    specsOf(renamed)[1].name = 'd1/bias_typo';
    await rejects(renamed, undefined, /layer 'd1' needs weight 'd1\/bias', which is not in the weight specs/);
    const extra = clone();
    specsOf(extra).push({ name: 'Adam/iter', shape: [], dtype: 'int32' });
    await rejects(extra, { 'weights.bin': new Uint8Array([...new Uint8Array(good.weights), 0, 0, 0, 0]) }, /weight 'Adam\/iter' belongs to no layer/);
    const int = clone();
    specsOf(int)[0].dtype = 'int32';
    await rejects(int, undefined, /weight 'd1\/kernel' is int32; layer weights are float32/);
    const str = clone();
    specsOf(str)[0].dtype = 'string';
    await rejects(str, undefined, /string weights are not supported/);
    const q = clone();
    specsOf(q)[0].quantization = { dtype: 'int4', scale: 1, min: 0 };
    await rejects(q, undefined, /quantized as "int4" - supported: uint8, uint16 \(affine\) and float16/);
  });

  it('unsupported layers, activations and options name the problem and list what is supported', async () => {
    const rnn = clone();
    layersOf(rnn)[1].class_name = 'SimpleRNN';
    await rejects(rnn, undefined, /layer 'bn' has class SimpleRNN, which Neurite cannot import - supported: InputLayer, Dense, .*Conv2D, MaxPooling2D/);
    const swish = clone();
    layersOf(swish)[0].config.activation = 'swish';
    await rejects(swish, undefined, /Dense 'd1': activation "swish" is not supported - supported: linear, relu, elu, selu, gelu, sigmoid, tanh, softmax/);
    const constraint = clone();
    layersOf(constraint)[0].config.kernel_constraint = { class_name: 'MaxNorm', config: { max_value: 2 } };
    await rejects(constraint, undefined, /'kernel_constraint' is set .* but Neurite has no weight constraints/);
    const unknown = clone();
    layersOf(unknown)[2].config.fancy_option = true;
    await rejects(unknown, undefined, /Dense 'd2': unsupported config field 'fancy_option'/);
    const axis = clone();
    layersOf(axis)[1].config.axis = 1;
    (await loadTfjsModel(await writeFiles(axis, { 'weights.bin': good.weights }))).dispose(); // axis 1 of [batch, 4] is the last axis
    layersOf(axis)[1].config.axis = 2;
    await rejects(axis, undefined, /BatchNormalization 'bn' normalizes axis 2 of inputs \[batch, 4\] - Neurite normalizes the last axis only/);
    const channelsFirst = clone();
    layersOf(channelsFirst).splice(1, 0, { class_name: 'Flatten', config: { name: 'f', data_format: 'channels_first' } });
    await rejects(channelsFirst, undefined, /Flatten 'f': 'data_format' "channels_first" is not supported - Neurite layers take channels-last images/);
    const noShape = clone();
    delete layersOf(noShape)[0].config.batch_input_shape;
    await rejects(noShape, undefined, /the first layer 'd1' has no batch_input_shape/);
    const unknownDim = clone();
    layersOf(unknownDim)[0].config.batch_input_shape = [null, null];
    await rejects(unknownDim, undefined, /has an unknown or invalid size - Neurite models need every feature dimension fixed/);
    const badName = clone();
    layersOf(badName)[0].config.name = 'd1/../x';
    await rejects(badName, undefined, /name "d1\/..\/x" must be 1-128 characters/);
  });

  it('absurd sizes are refused before anything is allocated', async () => {
    const huge = clone();
    specsOf(huge)[0].shape = [2 ** 31 - 1, 2 ** 31 - 1];
    await rejects(huge, undefined, /more than the 4294967296 bytes allowed/);
    const units = clone();
    layersOf(units)[0].config.units = 1e12;
    await rejects(units, undefined, /Dense 'd1': 'units' must be an integer in \[1, 16777216\]/);
    const input = clone();
    layersOf(input)[0].config.batch_input_shape = [null, 2 ** 30, 2 ** 30];
    await rejects(input, undefined, /too large|unknown or invalid size/);
    const many = clone();
    layersOf(many).push(...Array.from({ length: 5000 }, (_, i) => ({ class_name: 'Dropout', config: { name: `x${i}`, rate: 0.1 } })));
    await rejects(many, undefined, /has 5003 entries, more than the 4096 allowed/);
    await rejects(`{"modelTopology": ${'['.repeat(100000)}${']'.repeat(100000)}}`, undefined, /not valid JSON|must be an object/);
  });

  it('hostile JSON cannot pollute prototypes', async () => {
    const text = JSON.stringify(good.modelJson)
      .replace('"modelTopology":{', '"modelTopology":{"__proto__":{"polluted":true},')
      .replace('"units":4', '"units":4,"constructor":{"prototype":{"polluted":true}}');
    await rejects(text, undefined, /unsupported config field 'constructor'/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a functional graph that references nothing, or itself, is refused', async () => {
    const input = tfl.input({ shape: [3], name: 'in' });
    const h = L.dense({ units: 3, name: 'h' }).apply(input) as tfl.SymbolicTensor;
    const out = L.dense({ units: 2, name: 'o' }).apply(h) as tfl.SymbolicTensor;
    const s = await saveTfjs(tfl.model({ inputs: input, outputs: out }));
    const ls = (s.modelJson.modelTopology as { config: { layers: { name: string; inbound_nodes: J[] }[]; output_layers: J[]; input_layers: J[] } }).config;
    const dangling = JSON.parse(JSON.stringify(s.modelJson));
    dangling.modelTopology.config.layers[1].inbound_nodes = [[['nowhere', 0, 0, {}]]];
    await rejects(dangling, { 'weights.bin': s.weights }, /layer 'h' reads node 0 of 'nowhere', which no layer produces \(or the graph has a cycle\)/);
    const cycle = JSON.parse(JSON.stringify(s.modelJson));
    cycle.modelTopology.config.layers[1].inbound_nodes = [[['o', 0, 0, {}]]];
    await rejects(cycle, { 'weights.bin': s.weights }, /which no layer produces \(or the graph has a cycle\)/);
    const twoOutputs = JSON.parse(JSON.stringify(s.modelJson));
    twoOutputs.modelTopology.config.output_layers = [...ls.output_layers, ['h', 0, 0]];
    await rejects(twoOutputs, { 'weights.bin': s.weights }, /the model has 2 outputs - Neurite models have exactly one/);
    const keras3 = JSON.parse(JSON.stringify(s.modelJson));
    keras3.modelTopology.config.layers[1].inbound_nodes = [{ args: [], kwargs: {} }];
    await rejects(keras3, { 'weights.bin': s.weights }, /files from Keras 3 are not supported/);
  });

  it('fuzzing: 400 damaged model.json files give a model or a ModelFormatError, nothing else', () => {
    const ODD: J[] = [null, true, -1, 0, 1.5, 1e300, 2 ** 31, '', 'x'.repeat(300), '__proto__', 'channels_first', [], {}, [null, 3], [[[[]]]]];
    const sites = (v: J, out: { parent: J[] | { [k: string]: J }; key: string | number }[] = []) => {
      if (Array.isArray(v)) v.forEach((c, i) => (out.push({ parent: v, key: i }), sites(c, out)));
      else if (v !== null && typeof v === 'object') Object.keys(v).forEach((k) => (out.push({ parent: v, key: k }), sites(v[k], out)));
      return out;
    };
    const rng = new Random(7);
    const outcomes = { loaded: 0, rejected: 0 };
    for (let i = 0; i < 400; i++) {
      const j = clone();
      const specs = specsOf(j);
      const all = sites(j);
      for (let k = 0; k <= rng.int(3); k++) {
        const site = all[rng.int(all.length)];
        if (rng.int(2) === 0 && !Array.isArray(site.parent)) delete (site.parent as Record<string, J>)[site.key as string];
        else (site.parent as Record<string | number, J>)[site.key] = ODD[rng.int(ODD.length)];
      }
      try {
        fromTfjsArtifacts({ modelTopology: j.modelTopology, weightSpecs: specs, weightData: good.weights }).dispose();
        outcomes.loaded++;
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw new Error(`mutation ${i} threw ${(e as Error).name}: ${(e as Error).message}\n${JSON.stringify(j).slice(0, 2000)}`);
        outcomes.rejected++;
      }
    }
    expect(outcomes.rejected).toBeGreaterThan(200);
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads the files written by the tests above as they are on disk', async () => {
    // A sanity check of the fixture itself: model.json on disk is what tfjs-node writes (format, generatedBy, weightsManifest).
    const path = await writeSaved(good);
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/TensorFlow\.js tfjs-layers v4\./);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
  });
});
