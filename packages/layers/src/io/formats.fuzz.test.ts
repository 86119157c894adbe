/**
 * Property-based fuzzing of every model format @neurite/layers reads: valid
 * files damaged by generated edits (fast-check; damage from
 * @neurite/core/testing). Each reader must answer with a model or a
 * ModelFormatError, nothing else: no raw TypeError or RangeError, no hang
 * (each property runs under the test's timeout), no polluted prototype.
 * The seeds are fixed so a failure reproduces; counts are printed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelFormatError } from '@neurite/core';
import { DELETE, ODD_JSON_VALUES, damageBytes, damageJson, type JsonEdit } from '@neurite/core/testing';
import { batchNormalization } from '../layers/batch-normalization.js';
import { conv2d } from '../layers/conv2d.js';
import { dense } from '../layers/dense.js';
import { embedding } from '../layers/embedding.js';
import { flatten } from '../layers/flatten.js';
import { maxPool2d } from '../layers/pooling.js';
import { reshape } from '../layers/reshape.js';
import type { Model } from '../model.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { startTf, tf } from '../testing/tfjs.js';
import { crc32 } from './crc32.js';
import { fromArtifacts, toArtifacts } from './artifacts.js';
import { load } from './node.js';
import { fromTfjsArtifacts } from './tfjs-import.js';
import { loadTfjsModel } from './tfjs-import-node.js';

const RUNS = Number(process.env.NEURITE_FUZZ_RUNS ?? 1000);
const counts: Record<string, { loaded: number; refused: number }> = {};

let dir: string;
beforeAll(async () => {
  await useJs();
  await startTf();
  dir = await mkdtemp(join(tmpdir(), 'neurite-fuzz-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  console.log(`format fuzz: ${Object.entries(counts).map(([k, c]) => `${k} ${c.loaded + c.refused} cases (${c.loaded} loaded, ${c.refused} refused)`).join('; ')}`);
});

const edit: fc.Arbitrary<JsonEdit> = fc.record({
  site: fc.nat(),
  value: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ODD_JSON_VALUES) }, { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) }, { weight: 1, arbitrary: fc.constant(DELETE) }),
});
const edits = fc.array(edit, { minLength: 1, maxLength: 3 });
const bytesDamage = fc.record({
  truncate: fc.option(fc.nat(), { nil: undefined }),
  flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  append: fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }),
});

/** Runs the reader; a model or the typed error passes, anything else fails the property. */
function expectModelOrFormatError(kind: string, read: () => Model): void {
  const c = (counts[kind] ??= { loaded: 0, refused: 0 });
  try {
    read().dispose();
    c.loaded++;
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    c.refused++;
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

async function expectModelOrFormatErrorAsync(kind: string, read: () => Promise<Model>): Promise<void> {
  const c = (counts[kind] ??= { loaded: 0, refused: 0 });
  try {
    (await read()).dispose();
    c.loaded++;
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    c.refused++;
  }
}

function neuriteModel(): Model {
  return sequential([
    reshape({ targetShape: [4, 4, 1], inputShape: [16] }),
    conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }),
    maxPool2d({ poolSize: 2 }),
    flatten(),
    batchNormalization(),
    dense({ units: 3, activation: 'softmax' }),
  ]);
}

describe('Neurite format', () => {
  it('model.json with generated edits', { timeout: 120_000 }, () => {
    const m = neuriteModel();
    const { modelJson, weights } = toArtifacts(m, { metadata: { task: 'multiclass' } });
    m.dispose();
    const valid = JSON.parse(JSON.stringify(modelJson)) as unknown;
    fc.assert(
      fc.property(edits, (e) => expectModelOrFormatError('model.json', () => fromArtifacts({ modelJson: JSON.stringify(damageJson(valid, e)), weights }))),
      { numRuns: RUNS, seed: 1 },
    );
  });

  it('weights with generated damage, as found and with the checksum fixed to match', { timeout: 120_000 }, () => {
    const m = sequential([embedding({ inputDim: 5, outputDim: 2, inputShape: [3] }), flatten(), dense({ units: 2 })]);
    const { modelJson, weights } = toArtifacts(m);
    m.dispose();
    const bytes = new Uint8Array(weights);
    fc.assert(
      fc.property(bytesDamage, fc.boolean(), (d, fixChecksum) => {
        const damaged = damageBytes(bytes, d);
        const json = { ...modelJson, weights: { ...modelJson.weights, ...(fixChecksum ? { crc32: crc32(damaged), byteLength: damaged.length } : {}) } };
        expectModelOrFormatError(fixChecksum ? 'weights (checksum fixed)' : 'weights', () => fromArtifacts({ modelJson: JSON.stringify(json), weights: damaged.slice().buffer }));
      }),
      { numRuns: RUNS, seed: 2 },
    );
  });

  it('model directories on disk: damaged model.json and weights files through load()', { timeout: 180_000 }, async () => {
    const m = neuriteModel();
    const { modelJson, weights } = toArtifacts(m, { weightsFile: 'weights.fuzz.bin' });
    m.dispose();
    const valid = JSON.parse(JSON.stringify(modelJson)) as unknown;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.option(edits, { nil: undefined }), fc.option(bytesDamage, { nil: undefined }), async (e, d) => {
        const target = join(dir, `disk-${n++}`);
        await mkdir(target);
        await writeFile(join(target, 'model.json'), JSON.stringify(e ? damageJson(valid, e) : valid));
        await writeFile(join(target, 'weights.fuzz.bin'), d ? damageBytes(new Uint8Array(weights), d) : new Uint8Array(weights));
        await expectModelOrFormatErrorAsync('model directory', () => load(target));
        await rm(target, { recursive: true });
      }),
      { numRuns: Math.ceil(RUNS / 4), seed: 3 },
    );
  });
});

describe('TensorFlow.js format', () => {
  /** A real tfjs layers model: its topology, weight specs and bytes. */
  async function tfjsArtifacts(): Promise<{ modelTopology: unknown; weightSpecs: unknown[]; weightData: ArrayBuffer }> {
    const model = tfl.sequential({
      layers: [tfl.layers.reshape({ targetShape: [4, 4, 1], inputShape: [16] }), tfl.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }), tfl.layers.flatten(), tfl.layers.dense({ units: 3, activation: 'softmax' })],
    });
    let out: { modelTopology: unknown; weightSpecs: unknown[]; weightData: ArrayBuffer } | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        out = { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs as unknown[], weightData: tf.io.CompositeArrayBuffer.join(a.weightData!) };
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
    return out!;
  }

  it('topology and weight specs with generated edits, and damaged weight bytes', { timeout: 120_000 }, async () => {
    const valid = await tfjsArtifacts();
    expect(() => fromTfjsArtifacts(valid).dispose()).not.toThrow();
    fc.assert(
      fc.property(fc.option(edits, { nil: undefined }), fc.option(edits, { nil: undefined }), fc.option(bytesDamage, { nil: undefined }), (topo, specs, bytes) => {
        expectModelOrFormatError('TF.js artifacts', () =>
          fromTfjsArtifacts({
            modelTopology: topo ? damageJson(valid.modelTopology, topo) : valid.modelTopology,
            weightSpecs: specs ? damageJson(valid.weightSpecs, specs) : valid.weightSpecs,
            weightData: bytes ? damageBytes(new Uint8Array(valid.weightData), bytes).slice().buffer : valid.weightData,
          } as Parameters<typeof fromTfjsArtifacts>[0]),
        );
      }),
      { numRuns: RUNS, seed: 4 },
    );
  });

  it('model.json files with damaged manifests (paths, groups, specs) through loadTfjsModel', { timeout: 180_000 }, async () => {
    const valid = await tfjsArtifacts();
    const modelJson = { format: 'layers-model', modelTopology: valid.modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: valid.weightSpecs }] };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(edits, async (e) => {
        const target = join(dir, `tfjs-${n++}`);
        await mkdir(target);
        await writeFile(join(target, 'model.json'), JSON.stringify(damageJson(modelJson, e)));
        await writeFile(join(target, 'group1-shard1of1.bin'), new Uint8Array(valid.weightData));
        await expectModelOrFormatErrorAsync('TF.js model.json on disk', () => loadTfjsModel(target));
        await rm(target, { recursive: true });
      }),
      { numRuns: Math.ceil(RUNS / 4), seed: 5 },
    );
  });
});
