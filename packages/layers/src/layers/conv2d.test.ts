import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, ModelFormatError, ShapeError, dispose, grads, memory, seed, sum, tensor, type Tensor } from '@neurite/core';
import { Adam } from '@neurite/optimizers';
import { constant, glorotUniform } from '../initializers.js';
import { fromArtifacts, toArtifacts } from '../io/artifacts.js';
import { l2 } from '../regularizers.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { startTf, tf } from '../testing/tfjs.js';
import { Conv2D, conv2d } from './conv2d.js';
import { dense } from './dense.js';
import { flatten } from './flatten.js';
import { avgPool2d, globalAveragePooling2d, globalMaxPooling2d, maxPool2d } from './pooling.js';
import { reshape } from './reshape.js';
import { rng } from '../testing/rng.js';

beforeAll(async () => {
  await useJs();
  await startTf();
});

const values = (t: Tensor) => Array.from(t.dataSync());

const randoms = (n: number, s: number) => {
  const r = rng(s);
  return Array.from({ length: n }, () => r() * 2 - 1);
};

describe('Conv2D', () => {
  it('computes the windowed sum plus bias, then the activation', () => {
    const layer = conv2d({ filters: 1, kernelSize: 2, kernelInitializer: 'ones', biasInitializer: constant(-10), activation: 'relu' });
    layer.build([3, 3, 1]);
    // 1 2 3 / 4 5 6 / 7 8 9: the 2x2 window sums are 12 16 24 28; minus 10, relu.
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const y = layer.call(x);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(values(y)).toEqual([2, 6, 14, 18]);
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      [`${layer.name}/kernel`, [2, 2, 1, 1]],
      [`${layer.name}/bias`, [1]],
    ]);
    dispose([x, y]);
    layer.dispose();
  });

  it('infers output shapes for valid/same padding, strides and dilations, and counts parameters', () => {
    const shape = (o: Partial<ConstructorParameters<typeof Conv2D>[0]>, input: number[]) => conv2d({ filters: 4, kernelSize: 3, ...o }).computeOutputShape(input);
    expect(shape({}, [28, 28, 1])).toEqual([26, 26, 4]);
    expect(shape({ padding: 'same' }, [28, 28, 1])).toEqual([28, 28, 4]);
    expect(shape({ strides: 2 }, [28, 28, 1])).toEqual([13, 13, 4]);
    expect(shape({ strides: [2, 1], padding: 'same' }, [7, 7, 3])).toEqual([4, 7, 4]);
    expect(shape({ dilationRate: 2 }, [10, 9, 2])).toEqual([6, 5, 4]);
    expect(shape({ kernelSize: [1, 5] }, [4, 5, 2])).toEqual([4, 1, 4]);

    const m = sequential([conv2d({ filters: 4, kernelSize: 3, inputShape: [8, 8, 2] }), conv2d({ filters: 2, kernelSize: 1, useBias: false })]);
    expect(m.parameters().map((v) => v.shape)).toEqual([[3, 3, 2, 4], [4], [1, 1, 4, 2]]);
    expect(m.countParams().total).toBe(3 * 3 * 2 * 4 + 4 + 4 * 2);
    m.dispose();
  });

  it('draws glorotUniform with Keras fans for a conv kernel (fanIn kh*kw*ci, fanOut kh*kw*co)', () => {
    const layer = conv2d({ filters: 8, kernelSize: 3, kernelInitializer: glorotUniform({ seed: 1 }) });
    layer.build([5, 5, 2]);
    const limit = Math.sqrt(6 / (3 * 3 * 2 + 3 * 3 * 8));
    const k = values(layer.weights[0]).map(Math.abs);
    expect(Math.max(...k)).toBeLessThanOrEqual(limit);
    expect(Math.max(...k)).toBeGreaterThan(0.9 * limit); // 144 draws: wrong fans (e.g. 2 and 8) would give a limit 2.5x larger
    expect(values(layer.weights[1])).toEqual(new Array(8).fill(0));
    layer.dispose();
  });

  it('matches tfjs-core conv2d forward and gradients (kernel layout [kh, kw, ci, co], same padding, strides, dilations)', () => {
    const cases = [
      { strides: 2, padding: 'same', dilationRate: 1 },
      { strides: 1, padding: 'valid', dilationRate: 2 },
      { strides: [1, 2], padding: 'same', dilationRate: 1 },
    ] as const;
    for (const [i, c] of cases.entries()) {
      const layer = conv2d({ filters: 3, kernelSize: [3, 2], activation: 'tanh', kernelInitializer: glorotUniform({ seed: i }), biasInitializer: constant(0.1), ...c });
      layer.build([7, 6, 2]);
      const xs = randoms(2 * 7 * 6 * 2, 10 + i);
      const x = tensor(xs, [2, 7, 6, 2]);
      const [kernel, bias] = layer.weights;
      const y = layer.call(x);
      // The layer reads its own variables: differentiating with respect to them is what training does.
      const [gx, gk, gb] = grads((xIn: Tensor) => sum(layer.call(xIn)))([x, kernel, bias]);

      const tk = tf.tensor(values(kernel), kernel.shape);
      const tb = tf.tensor(values(bias), bias.shape);
      const tx = tf.tensor(xs, [2, 7, 6, 2]);
      const strides = typeof c.strides === 'number' ? c.strides : ([...c.strides] as [number, number]);
      const peer = (a: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor) => tf.tanh(tf.add(tf.conv2d(a, k, strides, c.padding, 'NHWC', c.dilationRate), b));
      const ty = peer(tx as tf.Tensor4D, tk as tf.Tensor4D, tb);
      // tfjs has no gradient for dilated conv2d; core's conformance suite checks that one by finite differences.
      const tg = c.dilationRate === 1 ? tf.grads((a: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.sum(peer(a as tf.Tensor4D, k as tf.Tensor4D, b)))([tx, tk, tb]) : [];

      expect(y.shape).toEqual(ty.shape);
      const close = (ours: Tensor, theirs: tf.Tensor) => {
        const a = values(ours);
        const b = Array.from(theirs.dataSync());
        expect(a.length).toBe(b.length);
        a.forEach((v, j) => expect(Math.abs(v - b[j])).toBeLessThan(1e-5));
      };
      close(y, ty);
      if (tg.length > 0) {
        close(gx, tg[0]);
        close(gk, tg[1]);
        close(gb, tg[2]);
      }
      tf.dispose([tk, tb, tx, ty, ...tg]);
      dispose([x, y, gx, gk, gb]);
      layer.dispose();
    }
  });

  it('passes gradients to kernel and bias: d sum / d bias is the number of output positions', () => {
    const layer = conv2d({ filters: 2, kernelSize: 3, padding: 'same', strides: 2 });
    layer.build([5, 4, 1]);
    const x = tensor(randoms(3 * 5 * 4, 3), [3, 5, 4, 1]);
    const [kernel, bias] = layer.weights;
    const [gk, gb] = grads(() => sum(layer.call(x)))([kernel, bias]);
    expect(values(gb)).toEqual([3 * 3 * 2, 3 * 3 * 2]); // batch 3, output 3x2
    expect(gk.shape).toEqual([3, 3, 1, 2]);
    expect(values(gk).some((v) => v !== 0)).toBe(true);
    dispose([x, gk, gb]);
    layer.dispose();
  });

  it('round-trips its config and saves/loads inside a model with every pooling layer', () => {
    const layer = conv2d({ filters: 5, kernelSize: [3, 1], strides: [2, 1], padding: 'same', dilationRate: [1, 2], activation: 'elu', useBias: false, kernelRegularizer: l2(0.01) });
    const config = layer.getConfig();
    expect(config).toMatchObject({ filters: 5, kernelSize: [3, 1], strides: [2, 1], padding: 'same', dilationRate: [1, 2], activation: 'elu', useBias: false, kernelRegularizer: { l1: 0, l2: 0.01 } });
    expect(Conv2D.fromConfig('c', JSON.parse(JSON.stringify(config))).getConfig()).toEqual(config);

    seed(11);
    const m = sequential(
      [
        reshape({ targetShape: [6, 6, 1], inputShape: [36] }),
        conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
        maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 4, kernelSize: 2, biasInitializer: constant(0.5) }),
        avgPool2d({ poolSize: 2, strides: 1, padding: 'same' }),
        globalMaxPooling2d(),
        dense({ units: 2 }),
      ],
      { name: 'cnn-roundtrip' },
    );
    const x = tensor(randoms(4 * 36, 5), [4, 36]);
    const before = m.predict(x);
    const a = toArtifacts(m);
    const again = fromArtifacts({ modelJson: JSON.stringify(a.modelJson), weights: a.weights });
    const after = again.predict(x);
    expect(values(after)).toEqual(values(before));
    expect(again.summary()).toBe(m.summary());
    dispose([x, before, after]);
    m.dispose();
    again.dispose();

    const g = sequential([globalAveragePooling2d({ inputShape: [3, 3, 2] })]);
    const ga = toArtifacts(g);
    expect(fromArtifacts(ga).layers.map((l) => l.className)).toEqual(['GlobalAveragePooling2D']);
    g.dispose();
  });

  it('summary shows image shapes and conv parameter counts', () => {
    const m = sequential([
      reshape({ targetShape: [28, 28, 1], inputShape: [784] }),
      conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
      maxPool2d({ poolSize: 2 }),
      conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      maxPool2d(),
      flatten(),
      dense({ units: 10, activation: 'softmax' }),
    ]);
    const s = m.summary();
    const rows = s.split('\n').filter((l) => /\((Conv2D|MaxPool2D|Flatten|Dense)\)/.test(l)).map((l) => l.replace(/^\S+ /, '').trim().split(/\s{2,}/));
    expect(rows).toEqual([
      ['(Conv2D)', '[batch, 26, 26, 8]', '80'],
      ['(MaxPool2D)', '[batch, 13, 13, 8]', '0'],
      ['(Conv2D)', '[batch, 11, 11, 16]', '1,168'],
      ['(MaxPool2D)', '[batch, 5, 5, 16]', '0'],
      ['(Flatten)', '[batch, 400]', '0'],
      ['(Dense)', '[batch, 10]', '4,010'],
    ]);
    expect(s).toMatch(/^conv2d_\d+ \(Conv2D\)/m); // Keras's naming: conv2d_1, not conv2_d_1
    expect(s).toContain('Total params: 5,258');
    m.dispose();
  });

  it('explains mistakes: wrong input rank, a kernel larger than the image, bad options, bad saved configs', () => {
    expect(() => sequential([conv2d({ filters: 2, kernelSize: 3, name: 'c1' })], { inputShape: [784] })).toThrow(ShapeError);
    expect(() => sequential([conv2d({ filters: 2, kernelSize: 3, name: 'c1' })], { inputShape: [784] })).toThrow(
      /^c1: expected images \[batch, height, width, channels\], got \[batch, 784\] - reshape flat inputs first/,
    );
    expect(() => sequential([conv2d({ filters: 2, kernelSize: 5, name: 'c2' })], { inputShape: [4, 4, 1] })).toThrow(
      /^c2: input \[batch, 4, 4, 1\]: the 5x5 filter does not fit the 4x4 input padded by 0x0 - use padding 'same'/,
    );
    const layer = conv2d({ filters: 2, kernelSize: 3, name: 'c3' });
    layer.build([5, 5, 1]);
    const flat = tensor(new Float32Array(25), [1, 25]);
    expect(() => layer.call(flat)).toThrow(/^c3: expected a rank-4 batch \[batch, height, width, channels\], got \[1,25\]/);
    flat.dispose();
    layer.dispose();

    const bad = (o: object) => () => conv2d({ filters: 2, kernelSize: 3, name: 'c', ...o } as never);
    expect(bad({ filters: 0 })).toThrow(/^c: filters must be an integer in \[1, 16777216\], got 0/);
    expect(bad({ kernelSize: undefined })).toThrow(/^c: kernelSize is required - e.g. kernelSize: 3 or \[3, 3\]/);
    expect(bad({ kernelSize: [3] })).toThrow(ArgumentError);
    expect(bad({ strides: 0 })).toThrow(/^c: strides must be an integer in \[1, 65536\] or an \[h, w\] pair/);
    expect(bad({ padding: 'full' })).toThrow(/^c: padding must be 'valid' or 'same', got "full"/);
    expect(bad({ dilationRate: 1.5 })).toThrow(/dilationRate/);
    expect(bad({ activation: 'swish' })).toThrow(/unknown activation 'swish'/);

    const m = sequential([conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] })]);
    const a = toArtifacts(m);
    m.dispose();
    const edit = (f: (c: Record<string, unknown>) => void) => {
      const j = JSON.parse(JSON.stringify(a.modelJson));
      f(j.topology.layers[0].config);
      return () => fromArtifacts({ modelJson: JSON.stringify(j), weights: a.weights });
    };
    expect(edit((c) => (c.kernelSize = [3, 3, 3]))).toThrow(ModelFormatError);
    expect(edit((c) => (c.kernelSize = [3, 3, 3]))).toThrow(/kernelSize/);
    expect(edit((c) => (c.kernelSize = [6, 6]))).toThrow(/does not fit/);
    expect(edit((c) => (c.padding = 'causal'))).toThrow(/padding must be 'valid' or 'same'/);
    expect(edit((c) => (c.dataFormat = 'channelsFirst'))).toThrow(/unknown field 'dataFormat'/);
    // A kernel for other input channels than the topology's is caught before allocation.
    expect(edit((c) => (c.filters = 3))).toThrow(/shape \[3,3,1,2\] in the manifest but the topology needs \[3,3,1,3\]/);
  });

  it('a tiny conv net learns to tell horizontal from vertical bars; live tensors stay constant while training', async () => {
    // 6x6 images with one bright bar (row or column) at a random place, plus noise; label 1 = vertical.
    const r = rng(7);
    const make = (n: number) => {
      const xs = new Float32Array(n * 36);
      const ys = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const vertical = r() < 0.5;
        const at = Math.floor(r() * 6);
        for (let p = 0; p < 36; p++) xs[i * 36 + p] = 0.2 * r() + ((vertical ? p % 6 : Math.floor(p / 6)) === at ? 1 : 0);
        ys[i] = vertical ? 1 : 0;
      }
      return { x: tensor(xs, [n, 6, 6, 1]), y: tensor(ys, [n, 1]) };
    };
    const train = make(128);
    const test = make(64);
    seed(3);
    const m = sequential([
      conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
      maxPool2d(),
      flatten(),
      dense({ units: 1, activation: 'sigmoid' }),
    ]);
    const optimizer = new Adam({ learningRate: 0.03 });
    m.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const live: number[] = [];
    const history = await m.fit(train.x, train.y, { epochs: 15, batchSize: 16, seed: 1, callbacks: [{ onEpochEnd: () => void live.push(memory().numTensors) }] });
    expect(new Set(live.slice(1)).size).toBe(1);
    expect(history.history.loss.at(-1)!).toBeLessThan(history.history.loss[0] / 3);
    expect(m.evaluate(test.x, test.y).accuracy).toBeGreaterThanOrEqual(0.95);
    dispose([train.x, train.y, test.x, test.y]);
    optimizer.dispose();
    m.dispose();
  });
});
