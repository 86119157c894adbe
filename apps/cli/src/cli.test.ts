import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, requireBuild, run, start } from './test-support/run.js';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'neurite-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('help and completion', () => {
  it('--help lists the commands and global options', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const s of ['neurite info', 'neurite train', 'neurite evaluate <model>', 'neurite predict <model>', 'neurite bench', 'neurite completion', '--backend', '--threads', '--json', '--quiet', '--verbose', 'NEURITE_BACKEND']) {
      expect(r.stdout).toContain(s);
    }
  });

  it('train --help lists its options', async () => {
    const r = await run(['train', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--model', '--dataset', '--target', '--epochs', '--batch-size', '--optimizer', '--lr', '--seed', '--validation-split', '--out', '--plot', 'csv:PATH', 'cnn (mnist)']) {
      expect(r.stdout).toContain(s);
    }
  });

  it('completion prints a shell script', async () => {
    const r = await run(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--get-yargs-completions');
  });
});

describe('info', () => {
  it('--json prints one object with every backend, its features and the auto pick', async () => {
    const r = await run(['info', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const info = JSON.parse(r.stdout);
    const labels = info.backends.map((b: { label: string }) => b.label);
    expect(labels).toContain('js');
    expect(labels.some((l: string) => l.startsWith('wasm'))).toBe(true);
    const js = info.backends.find((b: { label: string }) => b.label === 'js');
    expect(js.available).toBe(true);
    for (const b of info.backends) {
      // Each is either available with its features or unavailable with the reason.
      if (b.available) expect(b.features).toBeTypeOf('object');
      else expect(b.error).toMatch(/\S/);
      if (b.available && b.name === 'wasm') expect(Object.keys(b.features)).toEqual(expect.arrayContaining(['simd', 'threads', 'heapBytes']));
    }
    // auto takes the first that starts, in the order wasm SIMD, wasm scalar, js.
    expect(info.auto).toBe(info.backends.find((b: { available: boolean }) => b.available).label);
    expect(info.versions.neurite).toBe('0.1.0');
    expect(info.versions['@neurite/core']).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('train', () => {
  it('xor --json prints the results as one object and learns the truth table', async () => {
    const r = await run(['train', '--model', 'xor', '--json', '--backend', 'js', '--seed', '7']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const res = JSON.parse(r.stdout);
    for (const k of ['backend', 'model', 'dataset', 'epochs', 'trainSamples', 'testSamples', 'loss', 'testAccuracy', 'samplesPerSecond', 'wallSeconds', 'seed']) {
      expect(res).toHaveProperty(k);
    }
    expect(res).toMatchObject({ backend: 'js', model: 'xor', dataset: 'xor', epochs: 300, trainSamples: 4, testSamples: 4, seed: 7, testAccuracy: 1 });
    expect(res.loss).toBeLessThan(0.1);
    expect(res.samplesPerSecond).toBeGreaterThan(0);
    expect(res.wallSeconds).toBeGreaterThan(0);
    // --json: nothing for people on stderr (no progress, no notes).
    expect(r.stderr).toBe('');
  });

  it('NEURITE_BACKEND picks the backend; auto says which one it took', async () => {
    const viaEnv = await run(['train', '--model', 'xor', '--epochs', '5', '--json'], { env: { NEURITE_BACKEND: 'js' } });
    expect(JSON.parse(viaEnv.stdout).backend).toBe('js');
    const auto = await run(['train', '--model', 'xor', '--epochs', '5']);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/^backend: (wasm \((SIMD|scalar)\)|js) \(auto\)$/m);
  });

  it('mnist for one epoch on a few examples, without a TTY: epoch lines on stderr, results table on stdout', async () => {
    const r = await run(['train', '--model', 'mlp', '--dataset', 'mnist', '--epochs', '1', '--limit', '400']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('epoch 1/1');
    expect(r.stderr).not.toContain('ETA'); // the bar is for terminals only
    expect(r.stdout).toMatch(/^test\s+\d\.\d{4}\s+0\.\d{4}$/m);
    const acc = Number(/^test\s+\S+\s+(\S+)$/m.exec(r.stdout)![1]);
    expect(acc).toBeGreaterThan(0.4); // 10 classes: chance is 0.1
  });

  it('the cnn preset trains on mnist images (1 epoch on a few examples) and saves a model that evaluates the same', async () => {
    const out = join(dir, 'cnn-model');
    const r = await run(['train', '--model', 'cnn', '--epochs', '1', '--limit', '400', '--json', '--backend', 'js', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    // reshape to 28x28x1, conv 8 (80), pool, conv 16 (1,168), pool, flatten 400, dense 10 (4,010)
    expect(res).toMatchObject({ model: 'cnn', dataset: 'mnist', epochs: 1, trainSamples: 400, testSamples: 400, parameters: 5258, learningRate: 0.003 });
    expect(res.testAccuracy).toBeGreaterThan(0.2); // 10 classes: chance is 0.1
    const e = await run(['evaluate', out, '--json', '--backend', 'js']); // the model's saved metadata remembers --limit and the seed
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).accuracy).toBeCloseTo(res.testAccuracy, 6);
  });

  it('iris with --out and --plot: the saved model evaluates and predicts like the trained one', async () => {
    const out = join(dir, 'iris-model');
    const plot = join(dir, 'iris.svg');
    const r = await run(['train', '-d', 'iris', '--epochs', '40', '--validation-split', '0.2', '--out', out, '--plot', plot, '--json', '--backend', 'js']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res).toMatchObject({ dataset: 'iris', trainSamples: 96, validationSamples: 24, testSamples: 30, out });
    expect(res.testAccuracy).toBeGreaterThan(0.8);
    expect(readdirSync(out).sort()).toEqual(['model.json', expect.stringMatching(/^weights\.[0-9a-z]+\.bin$/)]);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('validation');

    const ev = await run(['evaluate', out, '--json', '--backend', 'js']);
    expect(ev.code, ev.stderr).toBe(0);
    const scores = JSON.parse(ev.stdout);
    expect(scores.samples).toBe(30);
    expect(scores.accuracy).toBeCloseTo(res.testAccuracy, 6);
    expect(scores.loss).toBeCloseTo(res.testLoss, 4);

    const csv = 'sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),species\n5.1,3.5,1.4,0.2,setosa\n6.7,3.0,5.2,2.3,virginica\n';
    writeFileSync(join(dir, 'flowers.csv'), csv);
    const pr = await run(['predict', out, '--input', join(dir, 'flowers.csv'), '--backend', 'js']);
    expect(pr.code, pr.stderr).toBe(0);
    expect(pr.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['setosa', 'virginica']);

    const piped = await run(['predict', out, '--json', '--backend', 'js'], { input: '[[5.1, 3.5, 1.4, 0.2]]' });
    expect(piped.code, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout).predictions[0].label).toBe('setosa');

    const labelled = await run(['evaluate', out, '--input', join(dir, 'flowers.csv'), '--json', '--backend', 'js']);
    expect(labelled.code, labelled.stderr).toBe(0);
    expect(JSON.parse(labelled.stdout)).toMatchObject({ samples: 2, accuracy: 1 });
  });

  it('a CSV dataset with a categorical target', async () => {
    const rows = ['x,y,label'];
    for (let i = 0; i < 60; i++) {
      const x = (i % 10) / 10;
      const y = Math.floor(i / 10) / 6;
      rows.push(`${x},${y},${x + y > 0.9 ? 'high' : 'low'}`);
    }
    writeFileSync(join(dir, 'points.csv'), rows.join('\n'));
    const r = await run(['train', '-d', `csv:${join(dir, 'points.csv')}`, '--target', 'label', '--epochs', '60', '--json', '--backend', 'js']);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res).toMatchObject({ task: 'binary', trainSamples: 48, testSamples: 12 });
    expect(res.testAccuracy).toBeGreaterThanOrEqual(0.75);
  });
});

describe('bad input: one line, exit code 2, no stack', () => {
  let modelDir: string;
  beforeAll(() => {
    writeFileSync(join(dir, 'ragged.csv'), 'a,b,label\n1,2,x\n3,4\n5,6,y\n');
    writeFileSync(join(dir, 'notjson.json'), '{ "layers": [');
    mkdirSync(join(dir, 'not-a-model'), { recursive: true });
    writeFileSync(join(dir, 'not-a-model', 'notes.txt'), 'hello');
    mkdirSync(join(dir, 'fake-model'), { recursive: true });
    writeFileSync(join(dir, 'fake-model', 'model.json'), '{"format":"something-else"}');
    writeFileSync(join(dir, 'fake-model', 'weights.bin'), 'xx');
    modelDir = join(dir, 'not-a-model');
  });

  const cases: [string, () => string[], RegExp][] = [
    ['unknown backend', () => ['train', '--backend', 'gpu'], /unknown backend 'gpu' - use one of: auto, wasm, js/],
    ['unknown model', () => ['train', '--model', 'resnet'], /unknown model 'resnet' - use a preset \(xor, linear, mlp, cnn\)/],
    ['cnn on data that are not images', () => ['train', '--model', 'cnn', '--dataset', 'iris', '--backend', 'js'], /model 'cnn' needs image data \(--dataset mnist\), not 'iris' - use --model mlp/],
    ['unknown dataset', () => ['train', '--dataset', 'cifar10'], /unknown dataset 'cifar10' - use one of: xor, linear, mnist, iris, csv:PATH/],
    ['unknown option', () => ['train', '--epochz', '3'], /Unknown argument: epochz - see neurite train --help/],
    ['unknown command', () => ['trian'], /Unknown argument: trian/],
    ['no command', () => [], /give a command: info, train, evaluate, predict, explain, federate, flower-client or bench/],
    ['unknown optimizer', () => ['train', '--optimizer', 'lbfgs'], /unknown optimizer 'lbfgs' - use one of: sgd/],
    ['bad number', () => ['train', '--epochs', 'many'], /--epochs must be a number, got 'many'/],
    ['a number out of range', () => ['train', '--epochs', '0'], /--epochs must be an integer from 1 to 1000000, got 0/],
    ['bad threads', () => ['info', '--threads', '0'], /--threads must be an integer from 1 to 256/],
    ['missing CSV file', () => ['train', '--dataset', `csv:${join(dir, 'nope.csv')}`, '--target', 'y'], /cannot read CSV file '.*nope\.csv': no such file or directory/],
    ['missing model config', () => ['train', '--model', join(dir, 'nope.json')], /cannot read model config '.*nope\.json': no such file/],
    ['unreadable model config', () => ['train', '--model', join(dir, 'notjson.json')], /model config .*notjson\.json is not valid JSON/],
    ['malformed CSV', () => ['train', '--dataset', `csv:${join(dir, 'ragged.csv')}`, '--target', 'label'], /line 3 has 2 fields but the header has 3/],
    ['unknown CSV column', () => ['train', '--dataset', `csv:${join(dir, 'ragged.csv')}`, '--target', 'colour'], /no column named 'colour' - the columns are: a, b, label/],
    ['plot of another format', () => ['train', '--plot', 'curves.jpg'], /--plot needs a file name ending in \.png or \.svg, got 'curves\.jpg'/],
    ['--out on a directory whose model.json Neurite did not write', () => ['train', '--model', 'xor', '--out', join(dir, 'fake-model')], /--out '.*fake-model' holds a model.json Neurite did not write \(was not written by Neurite\) - choose another --out, or add --force/],
    ['evaluate a directory that is not a model', () => ['evaluate', modelDir], /is not a model directory \(no model\.json\) - give a directory written by neurite train --out/],
    ['evaluate a missing directory', () => ['evaluate', join(dir, 'missing')], /cannot open model directory .*: no such file or directory/],
    ['predict on a file instead of a directory', () => ['predict', join(dir, 'ragged.csv')], /is a file, not a model directory/],
    ['a model.json of another format', () => ['evaluate', join(dir, 'fake-model')], /'format' must be 'neurite-layers-model'.*is this a Neurite model\?/],
    ['unknown bench suite', () => ['bench', '--suite', 'conv9d'], /unknown bench suite 'conv9d' - the suites are: matMul/],
    ['evaluate without a model argument', () => ['evaluate'], /Not enough non-option arguments.*see neurite evaluate --help/],
  ];
  for (const [name, args, pattern] of cases) {
    it(name, async () => expectUsageError(await run(args()), pattern));
  }

  it('unknown NEURITE_BACKEND', async () => {
    expectUsageError(await run(['info'], { env: { NEURITE_BACKEND: 'cuda' } }), /unknown backend 'cuda'/);
  });

  it('predict with a malformed input row names the line', async () => {
    const out = join(dir, 'xor-model');
    const t = await run(['train', '--model', 'xor', '--epochs', '2', '--out', out, '--quiet', '--backend', 'js']);
    expect(t.code, t.stderr).toBe(0);
    expectUsageError(await run(['predict', out, '--backend', 'js'], { input: 'a,b\n0,1\n1,x\n' }), /stdin: line 3, column 'b': "x" is not a number/);
    expectUsageError(await run(['predict', out, '--backend', 'js'], { input: '[[0, 1, 2]]' }), /row 1 has 3 values but the model takes 2/);
  });

  it('--verbose adds the stack', async () => {
    const r = await run(['train', '--model', 'resnet', '--verbose']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^neurite: unknown model 'resnet'/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('Ctrl-C during training', () => {
  it('stops cleanly with exit code 130 and leaves a loadable checkpoint', async () => {
    const out = join(dir, 'interrupted');
    const { child, done } = start(['train', '-d', 'mnist', '--limit', '1000', '--epochs', '200', '--out', out, '--backend', 'js']);
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('epoch 1/200')) resolve();
      });
      child.on('close', () => reject(new Error(`exited before the first epoch: ${stderr}`)));
    });
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('interrupted: stopping after this batch');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/model saved to .*interrupted/);
    // Only the model directory: no temporary or half-written siblings left behind.
    expect(readdirSync(dir).filter((f) => f.includes('interrupted'))).toEqual(['interrupted']);
    expect(readdirSync(out).sort()).toEqual(['model.json', expect.stringMatching(/^weights\.[0-9a-z]+\.bin$/)]);
    const meta = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).metadata;
    expect(meta.interrupted).toBe(true);
    expect(meta.epochs).toBeGreaterThanOrEqual(1);
    expect(meta.epochs).toBeLessThan(200);
    const ev = await run(['evaluate', out, '--json', '--backend', 'js']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout).accuracy).toBeGreaterThan(0.3);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
  });
});
