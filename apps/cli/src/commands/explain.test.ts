import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { memory, tensor } from '@neurite/core';
import { conv2d, dense, flatten, reshape, sequential } from '@neurite/layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelDir, saveCheckpoint, type ModelMeta } from '../checkpoint.js';
import { UsageError } from '../errors.js';
import { makeUi } from '../ui.js';
import { explainModel, parseIndices, type ExplainArgs } from './explain.js';

let dir: string;

function capture() {
  let text = '';
  const stream = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

async function explain(a: Partial<ExplainArgs>, json = true) {
  const out = capture();
  const err = capture();
  const ui = makeUi({ json, quiet: false, verbose: false }, { stdout: out.stream, stderr: err.stream });
  const args = { modelDir: join(dir, 'mnist'), method: 'ig', ...a };
  // In process the backend is started once (beforeAll); runExplain would start it again.
  const { model, meta } = await loadModelDir(args.modelDir);
  const code = await explainModel({ model, meta, task: meta.task ?? 'multiclass' }, args, ui);
  return { code, stdout: out.text(), stderr: err.text(), result: json ? JSON.parse(out.text()) : undefined };
}

const meta = (m: Partial<ModelMeta>): ModelMeta => ({ createdBy: 'test', task: 'multiclass', dataset: 'mnist', model: 'mlp', seed: 42, epochs: 0, interrupted: false, ...m });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'neurite-explain-'));
  // A small MNIST-shaped classifier and a two-feature regression, saved the way train --out saves them.
  const { selectBackend, parseBackendChoice } = await import('../backends.js');
  await selectBackend(parseBackendChoice('js'), { warn: () => undefined });
  const mnist = sequential([dense({ units: 16, activation: 'tanh', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
  await saveCheckpoint(mnist, meta({ limit: 20, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] }), join(dir, 'mnist'));
  mnist.dispose();
  const linear = sequential([dense({ units: 1, inputShape: [2] })]);
  const k = tensor([[2], [-3]]);
  const b = tensor([0.5]);
  linear.setWeights([k, b]);
  await saveCheckpoint(linear, meta({ task: 'regression', dataset: 'linear', model: 'linear', limit: 100, featureNames: ['x0', 'x1'], targetName: 'y' }), join(dir, 'linear'));
  [k, b].forEach((t) => t.dispose());
  linear.dispose();
  // A drawn "1" (a vertical stroke) as a JSON row, so only the --index tests load MNIST.
  writeFileSync(join(dir, 'digit.json'), JSON.stringify([Array.from({ length: 784 }, (_, p) => (p % 28 >= 13 && p % 28 <= 15 && p >= 112 && p < 672 ? 1 : 0))]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('neurite explain', () => {
  it('ig on MNIST test digits writes side-by-side heatmaps as PNG and reports the completeness delta', async () => {
    const before = memory().numTensors;
    const out = join(dir, 'ig');
    const r = await explain({ method: 'ig', index: '0-2', out });
    expect(r.code).toBe(0);
    expect(r.result.examples).toHaveLength(3);
    for (const e of r.result.examples) expect(Math.abs(e.completenessDelta)).toBeLessThan(1e-3);
    expect(r.result.modelCalls).toBeGreaterThanOrEqual(2);
    const png = readFileSync(join(out, 'heatmaps.png'));
    expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    // Three rows of 224-pixel cells with 2-pixel gaps: image, heatmap, overlay.
    expect(png.readUInt32BE(16)).toBe(3 * 224 + 4 * 2);
    expect(png.readUInt32BE(20)).toBe(3 * 224 + 4 * 2);
    const saved = JSON.parse(readFileSync(join(out, 'attributions.json'), 'utf8'));
    expect(saved.shape).toEqual([3, 784]);
    expect(memory().numTensors).toBe(before);
  });

  it.each(['saliency', 'smoothgrad', 'deeplift', 'occlusion', 'kernelshap', 'lime'])('%s on one MNIST digit given as a JSON row', async (method) => {
    const digit = join(dir, 'digit.json');
    const r = await explain({ method, input: digit, out: join(dir, method), samples: method === 'smoothgrad' ? 4 : 200 });
    expect(r.code).toBe(0);
    expect(r.result.examples[0].top).toHaveLength(5);
    // DeepLIFT explains the logit of a softmax model, where the rescale rule sums exactly to the change.
    if (method === 'deeplift') expect(Math.abs(r.result.examples[0].completenessDelta)).toBeLessThan(1e-4);
    expect(readFileSync(join(dir, method, 'heatmaps.png')).length).toBeGreaterThan(100);
  });

  it('gradcam on a small convolutional model writes heatmaps; other models get a UsageError', async () => {
    const cnn = sequential([reshape({ targetShape: [28, 28, 1], inputShape: [784] }), conv2d({ filters: 4, kernelSize: 5, strides: 2, activation: 'relu', name: 'conv' }), flatten(), dense({ units: 10, activation: 'softmax' })]);
    await saveCheckpoint(cnn, meta({ limit: 20, model: 'cnn' }), join(dir, 'cnn'));
    cnn.dispose();
    const digit = join(dir, 'digit.json');
    const r = await explain({ modelDir: join(dir, 'cnn'), method: 'gradcam', input: digit, out: join(dir, 'gradcam') });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'gradcam', 'heatmaps.png')).readUInt32BE(16)).toBe(3 * 224 + 4 * 2);
    const saved = JSON.parse(readFileSync(join(dir, 'gradcam', 'attributions.json'), 'utf8'));
    expect(saved.values.every((v: number) => v >= 0)).toBe(true);
    await expect(explain({ method: 'gradcam', input: digit })).rejects.toThrow(/no[ne]* .*convolution|has none/);
  });

  it('kernelshap on tabular rows from a file: a text table with one column per row', async () => {
    const file = join(dir, 'rows.json');
    writeFileSync(file, JSON.stringify([[1, 1], [0.5, -0.5]]));
    const r = await explain({ modelDir: join(dir, 'linear'), method: 'kernelshap', input: file }, false);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/feature\s+row 0\s+row 1/);
    // Linear model y = 2 x0 - 3 x1 + 0.5 with baseline 0: phi = w * x exactly.
    expect(lines[2].split(/\s+/)).toEqual(['x0', '2.000', '1.000']);
    expect(lines[3].split(/\s+/)).toEqual(['x1', '-3.000', '1.500']);
  });

  it('permutation and pdp on the test split write SVG charts', async () => {
    const p = await explain({ modelDir: join(dir, 'linear'), method: 'permutation', out: join(dir, 'perm') });
    expect(p.result.importance.map((f: { feature: string }) => f.feature)).toEqual(['x0', 'x1']);
    expect(p.result.importance[1].mean).toBeGreaterThan(p.result.importance[0].mean);
    expect(readFileSync(join(dir, 'perm', 'importance.svg'), 'utf8')).toMatch(/^<svg/);
    const d = await explain({ modelDir: join(dir, 'linear'), method: 'pdp', feature: 'x1', steps: 3, out: join(dir, 'pdp') });
    const [a, b2, c] = d.result.average;
    expect(b2 - a).toBeCloseTo(c - b2, 4);
    expect(readFileSync(join(dir, 'pdp', 'pdp.svg'), 'utf8')).toContain('Partial dependence on x1');
  });

  it('bad input is a UsageError naming the problem', async () => {
    await expect(explain({ method: 'shap', index: '0' })).rejects.toThrow(/unknown method 'shap' - use one of: ig, saliency/);
    await expect(explain({ method: 'ig' })).rejects.toThrow(/--input FILE or --index N/);
    await expect(explain({ method: 'ig', index: '0', input: 'x.csv' })).rejects.toThrow(UsageError);
    await expect(explain({ method: 'ig', index: '500' })).rejects.toThrow(/--index 500 is past the end of the test split/);
    await expect(explain({ method: 'pdp', modelDir: join(dir, 'linear'), feature: 'nope' })).rejects.toThrow(/--feature 'nope' is not a feature/);
    await expect(explain({ modelDir: join(dir, 'missing'), index: '0' })).rejects.toThrow(/cannot open model directory/);
    expect(() => parseIndices('3-1')).toThrow(/runs backwards/);
    expect(parseIndices('0,2-4,2')).toEqual([0, 2, 3, 4]);
  });
});
