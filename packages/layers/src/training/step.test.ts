import { beforeAll, describe, expect, it } from 'vitest';
import { add, dispose, memory, mul, scalar, seed, square, sub, sum, tensor } from '@neurite/core';
import { SGD } from '@neurite/optimizers';
import { dense } from '../layers/dense.js';
import type { Model } from '../model.js';
import { sparseCategoricalCrossentropy } from '../losses.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { trainStep } from './step.js';

beforeAll(useJs);

const model = (): Model => {
  seed(3);
  return sequential([dense({ units: 4, activation: 'relu', inputShape: [3] }), dense({ units: 2, activation: 'softmax' })]);
};
const weights = (m: Model) => m.trainableVariables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
const data = () => ({ x: tensor([0.5, -1, 2, 1, 0, -0.5, -2, 1, 0.3, 0.1, 0.2, -0.7], [4, 3]), y: tensor([0, 1, 1, 0], [4], 'int32') });
const compiled = () => ({ optimizer: new SGD({ learningRate: 0.1 }), loss: sparseCategoricalCrossentropy(), metrics: [] });

describe('trainStep', () => {
  it("takes model.fit's step: one full batch equals one epoch of fit without shuffling", async () => {
    const { x, y } = data();
    const a = model();
    const b = model();
    const idx = Int32Array.from([0, 1, 2, 3]);
    const loss = trainStep(a, x, y, idx, compiled());
    const history = await b.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, optimizer: new SGD({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy' });
    expect(weights(a)).toEqual(weights(b));
    expect(loss).toBeCloseTo(history.history.loss[0], 6);
    dispose([x, y]);
  });

  it("a penalty's gradient is part of the step: (mu/2)·||w - a||² moves SGD's weights by -lr·mu·(w - a) more", () => {
    const { x, y } = data();
    const plain = model();
    const penalized = model();
    const mu = 0.8;
    const anchors = penalized.trainableVariables.map((v) => tensor(new Float32Array(v.size).fill(0.25), [...v.shape]));
    const before = weights(penalized);
    const idx = Int32Array.from([1, 3]);
    const lossPlain = trainStep(plain, x, y, idx, compiled());
    const vars = penalized.trainableVariables;
    const start = memory().numTensors;
    const lossPenalized = trainStep(penalized, x, y, idx, compiled(), () => mul(vars.map((v, i) => sum(square(sub(v, anchors[i])))).reduce((s, t) => add(s, t)), scalar(mu / 2)));
    expect(memory().numTensors).toBe(start);
    const w0 = weights(plain);
    const w1 = weights(penalized);
    let penalty = 0;
    w1.forEach((w, k) =>
      w.forEach((v, i) => {
        const d = before[k][i] - 0.25;
        penalty += d * d;
        expect(v).toBeCloseTo(w0[k][i] - 0.1 * mu * d, 6);
      }),
    );
    expect(lossPenalized).toBeCloseTo(lossPlain + (mu / 2) * penalty, 5);
    dispose([x, y, ...anchors]);
  });
});
