import { mkdtemp, readFile, readdir, rm, writeFile, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, dispose, memory, randomNormal, seed, tensor } from '@neurite/core';
import { batchNormalization } from '../layers/batch-normalization.js';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { embedding } from '../layers/embedding.js';
import { flatten } from '../layers/flatten.js';
import { layerNormalization } from '../layers/layer-normalization.js';
import { reshape } from '../layers/reshape.js';
import { activation } from '../layers/activation.js';
import { addLayer, concatenate } from '../layers/merge.js';
import { model, type Model } from '../model.js';
import { l1l2 } from '../regularizers.js';
import { sequential } from '../sequential.js';
import { input } from '../symbolic.js';
import { useJs } from '../testing/backend.js';
import { fromArtifacts, toArtifacts } from './artifacts.js';
import { load, save } from './node.js';

let dir: string;
beforeAll(async () => {
  await useJs();
  dir = await mkdtemp(join(tmpdir(), 'neurite-layers-io-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function makeModel(): Model {
  seed(3);
  return sequential(
    [
      reshape({ targetShape: [3, 2], inputShape: [6] }),
      layerNormalization(),
      flatten(),
      dense({ units: 5, activation: 'gelu', kernelRegularizer: l1l2({ l1: 0.001, l2: 0.01 }) }),
      batchNormalization({ momentum: 0.9 }),
      dropout({ rate: 0.25, seed: 9 }),
      activation('leakyRelu', { alpha: 0.1 }),
      dense({ units: 3, activation: 'softmax', useBias: false }),
    ],
    { name: 'roundtrip' },
  );
}

const bits = (m: Model) => m.parameters().map((v) => Array.from(new Uint32Array(new Float32Array(v.dataSync()).buffer)));

/** A saved pair whose model.json we can edit. */
function artifacts(): { json: Record<string, any>; weights: ArrayBuffer } {
  const m = makeModel();
  const a = toArtifacts(m);
  m.dispose();
  return { json: JSON.parse(JSON.stringify(a.modelJson)), weights: a.weights };
}

const loadEdited = (edit: (j: Record<string, any>) => void, weights?: ArrayBuffer) => {
  const a = artifacts();
  edit(a.json);
  return () => fromArtifacts({ modelJson: JSON.stringify(a.json), weights: weights ?? a.weights });
};

describe('save and load', () => {
  it('round-trips bit-exact through a directory, with the same predictions and summary', async () => {
    const m = makeModel();
    // Odd values a lossy format would change: a NaN payload, -0, a subnormal.
    const w = m.parameters()[0];
    const odd = new Float32Array(w.dataSync());
    odd[0] = -0;
    odd[1] = 1e-42;
    const t = tensor(odd, w.shape);
    const all = m.getWeights();
    all[0].dispose();
    all[0] = t;
    m.setWeights(all);
    dispose(all);

    await save(m, join(dir, 'rt'));
    const files = (await readdir(join(dir, 'rt'))).sort();
    expect(files).toHaveLength(2); // no temp files or lock left
    expect(files[0]).toBe('model.json');
    expect(files[1]).toMatch(/^weights\.[0-9a-z]+\.bin$/);
    const back = await load(join(dir, 'rt'));
    expect(bits(back)).toEqual(bits(m));
    expect(back.summary()).toEqual(m.summary());
    expect(back.parameters().map((v) => v.trainable)).toEqual(m.parameters().map((v) => v.trainable));
    const x = randomNormal([4, 6], 0, 1, { seed: 1 });
    const [p1, p2] = [m.predict(x), back.predict(x)];
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    dispose([x, p1, p2]);
    back.dispose();
    m.dispose();
  });

  it('in memory: toArtifacts/fromArtifacts for a functional model with a shared layer and an embedding; no leaks', () => {
    const before = memory().numTensors;
    const x = input({ shape: [3] });
    const shared = dense({ units: 4 });
    const e = flatten().apply(embedding({ inputDim: 10, outputDim: 4 }).apply(x));
    const y = shared.apply(dense({ units: 4 }).apply(e));
    const m = model({ inputs: x, outputs: shared.apply(y) });
    const a = toArtifacts(m);
    const back = fromArtifacts({ modelJson: JSON.stringify(a.modelJson), weights: a.weights });
    expect(bits(back)).toEqual(bits(m));
    expect(back.nodes.length).toBe(5);
    expect(JSON.parse(JSON.stringify(m)).topology.nodes.length).toBe(5); // toJSON
    back.dispose();
    m.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('round-trips a residual model with Add and Concatenate', () => {
    const x = input({ shape: [4] });
    const h = dense({ units: 4, activation: 'relu' }).apply(x);
    const r = addLayer().apply([x, h]);
    const c = concatenate().apply([r, dense({ units: 2 }).apply(x)]);
    const m = model({ inputs: x, outputs: dense({ units: 1 }).apply(c) });
    expect(m.outputShape).toEqual([1]);
    const a = toArtifacts(m);
    const back = fromArtifacts(a);
    const t = randomNormal([3, 4], 0, 1, { seed: 2 });
    const [p1, p2] = [m.predict(t), back.predict(t)];
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    dispose([t, p1, p2]);
    back.dispose();
    m.dispose();
  });

  it('overwrites an existing save', async () => {
    const m = makeModel();
    await save(m, join(dir, 'twice'));
    const w = m.getWeights();
    m.setWeights(w.map((t) => t.dtype === 'float32' ? tensor(new Float32Array(t.size).fill(0.5), t.shape) : t));
    await save(m, join(dir, 'twice'));
    const back = await load(join(dir, 'twice'));
    expect(back.parameters()[0].dataSync()[0]).toBe(0.5);
    dispose(w);
    back.dispose();
    m.dispose();
  });
});

describe('load rejects bad files with a ModelFormatError naming the problem', () => {
  const cases: [string, (j: Record<string, any>) => void, RegExp][] = [
    ['missing version', (j) => delete j.formatVersion, /no 'formatVersion'/],
    ['newer version', (j) => (j.formatVersion = 3), /formatVersion 3, this reader knows versions 1 and 2 - upgrade/],
    ['version 1 with a per-save weights file', (j) => ((j.formatVersion = 1), (j.weights.file = 'weights.abc.bin')), /'weights.file' must be 'weights.bin' in a version-1/],
    ['version 1 with metadata', (j) => ((j.formatVersion = 1), (j.metadata = {})), /unknown field 'metadata'/],
    ['weights file outside the pattern', (j) => (j.weights.file = '../secret.bin'), /'weights.file' must be weights.bin or weights.<id>.bin/],
    ['metadata not an object', (j) => (j.metadata = [1]), /'metadata' must be an object/],
    ['not a neurite model', (j) => (j.format = 'tfjs'), /'format' must be 'neurite-layers-model'/],
    ['unknown layer type', (j) => (j.topology.layers[1].className = 'Conv3D'), /unknown type 'Conv3D'/],
    ['bad layer config', (j) => (j.topology.layers[3].config.units = -1), /layer 'dense_\d+'.*'units' must be an integer/],
    ['unknown config field', (j) => (j.topology.layers[3].config.evil = 1), /unknown field 'evil'/],
    ['absurd units', (j) => (j.topology.layers[3].config.units = 1e12), /'units' must be an integer in \[1, 16777216\]/],
    ['shape mismatch', (j) => (j.weights.tensors[2].shape = [6, 4]), /byteLength .* does not match|shape \[6,4\] in the manifest but the topology needs/],
    ['weight renamed', (j) => (j.weights.tensors[0].name = 'x/gamma'), /weight 0 is 'x\/gamma' in the manifest but the topology expects/],
    ['overlapping offsets', (j) => (j.weights.tensors[1].byteOffset = 0), /starts at byte 0, expected/],
    ['absurd manifest size', (j) => (j.weights.tensors[0].shape = [2 ** 31 - 1, 2 ** 31 - 1]), /must be an integer|does not match|past the/],
    ['dangling node', (j) => (j.topology.nodes[2].inputs = ['nowhere']), /reads 'nowhere', which is neither the input nor an earlier node/],
    ['cycle (a node reading a later one)', (j) => (j.topology.nodes[0].inputs = [j.topology.nodes[3].layer + '#0']), /neither the input nor an earlier node/],
    ['input shape not a list', (j) => (j.topology.input.shape = 'big'), /inputShape|expected a list/],
    ['two inputs to a one-input layer', (j) => (j.topology.nodes[1].inputs = ['input', 'input']), /gives 2 inputs to .*which takes one/],
    ['huge layer list', (j) => (j.topology.layers = new Array(5000).fill(0)), /more than the 4096 allowed/],
    ['wrong dtype', (j) => (j.weights.tensors[0].dtype = 'float64'), /byteLength|float64/],
  ];
  for (const [label, edit, message] of cases) {
    it(label, () => {
      expect(loadEdited(edit)).toThrow(ModelFormatError);
      expect(loadEdited(edit)).toThrow(message);
    });
  }

  it('truncated, oversized and corrupted weights', () => {
    const { json, weights } = artifacts();
    const text = JSON.stringify(json);
    expect(() => fromArtifacts({ modelJson: text, weights: weights.slice(0, weights.byteLength - 4) })).toThrow(/weights.bin is truncated/);
    const bigger = new Uint8Array(weights.byteLength + 8);
    bigger.set(new Uint8Array(weights));
    expect(() => fromArtifacts({ modelJson: text, weights: bigger.buffer })).toThrow(/8 more than the manifest describes/);
    const flipped = new Uint8Array(weights.slice(0));
    flipped[10] ^= 1;
    expect(() => fromArtifacts({ modelJson: text, weights: flipped.buffer })).toThrow(/CRC-32/);
    expect(() => fromArtifacts({ modelJson: text, weights: new Uint8Array(weights) as never })).toThrow(/must be an ArrayBuffer/);
  });

  it('malformed and malicious JSON: no crash, no hang, no prototype pollution', () => {
    const { weights } = artifacts();
    expect(() => fromArtifacts({ modelJson: '{"format": ', weights })).toThrow(/not valid JSON/);
    expect(() => fromArtifacts({ modelJson: '[1, 2]', weights })).toThrow(/model.json must be an object/);
    expect(() => fromArtifacts({ modelJson: '['.repeat(200000) + ']'.repeat(200000), weights })).toThrow(ModelFormatError);
    expect(() => fromArtifacts({ modelJson: ' '.repeat(17 * 1024 * 1024), weights })).toThrow(/more than the/);
    const { json } = artifacts();
    const text = JSON.stringify(json)
      .replace('"topology":{', '"topology":{"__proto__":{"polluted":1},')
      .replace('"config":{', '"config":{"__proto__":{"units":1e9},"constructor":{"prototype":{"polluted":1}},');
    expect(() => fromArtifacts({ modelJson: text, weights })).toThrow(/unknown field '__proto__'/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).units).toBeUndefined();
  });

  it('from disk: missing files, and a truncated weights.bin refused from its size', async () => {
    await expect(load(join(dir, 'nothing-here'))).rejects.toThrow(/cannot open .*nothing-here.* \(ENOENT\)/);
    const m = makeModel();
    const { weightsFile } = await save(m, join(dir, 'cut'));
    m.dispose();
    const size = (await readFile(join(dir, 'cut', weightsFile))).length;
    await truncate(join(dir, 'cut', weightsFile), size - 3);
    await expect(load(join(dir, 'cut'))).rejects.toThrow(/has \d+ bytes but the model describes \d+ - the file is truncated/);
    await writeFile(join(dir, 'cut', 'model.json'), '{"formatVersion": 1');
    await expect(load(join(dir, 'cut'))).rejects.toThrow(ModelFormatError);
  });
});
