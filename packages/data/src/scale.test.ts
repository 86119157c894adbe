import { createJsBackend } from '@neurite/backend-js';
import { ShapeError, memory, registerBackend, setBackend, tensor } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitMinMaxScaler, fitStandardizer, scalerFromJSON } from './scale.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

const close = (a: ArrayLike<number>, b: number[], eps = 1e-5) =>
  Array.from(a).forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(eps));

describe('fitStandardizer', () => {
  it('fits population mean and std on train and applies them unchanged to other data', () => {
    // Column 0: 1, 2, 3, 4 (mean 2.5, std sqrt(1.25)); column 1: constant 7.
    const train = tensor([[1, 7], [2, 7], [3, 7], [4, 7]]);
    const test = tensor([[5, 7], [2.5, 8]]);
    const before = memory().numTensors;
    const s = fitStandardizer(train);
    expect(s.toJSON()).toEqual({ kind: 'standard', mean: [2.5, 7], std: [Math.sqrt(1.25), 1] });
    const z = s.transform(train);
    const sd = Math.sqrt(1.25);
    close(z.dataSync(), [-1.5 / sd, 0, -0.5 / sd, 0, 0.5 / sd, 0, 1.5 / sd, 0]);
    const zt = s.transform(test);
    // The test set is scaled with the train statistics, so its own mean is not removed.
    close(zt.dataSync(), [2.5 / sd, 0, 0, 1]);
    const back = s.inverseTransform(zt);
    close(back.dataSync(), [5, 7, 2.5, 8]);
    for (const t of [z, zt, back]) t.dispose();
    expect(memory().numTensors).toBe(before);
    train.dispose();
    test.dispose();
  });

  it('gives zeros, not NaN, for a constant column', () => {
    const x = tensor([[0.1, 1], [0.1, 2], [0.1, 3]]);
    const z = fitStandardizer(x).transform(x);
    const v = z.dataSync();
    expect([v[0], v[2], v[4]]).toEqual([0, 0, 0]);
    expect(Array.from(v).every(Number.isFinite)).toBe(true);
    z.dispose();
    x.dispose();
  });

  it('works per channel on image-shaped data and checks the column count', () => {
    const x = tensor(new Float32Array([0, 10, 2, 30]), [2, 1, 1, 2]);
    const s = fitStandardizer(x);
    expect(s.toJSON()).toEqual({ kind: 'standard', mean: [1, 20], std: [1, 10] });
    const wrong = tensor([[1, 2, 3]]);
    expect(() => s.transform(wrong)).toThrow(ShapeError);
    expect(() => s.transform(wrong)).toThrow(/fitted on 2 columns but x has shape \[1,3\]/);
    expect(() => fitStandardizer(tensor([1, 2]))).toThrow(/needs at least one example/);
    x.dispose();
    wrong.dispose();
  });
});

describe('fitMinMaxScaler', () => {
  it('maps the fitted min and max to the range ends, constants to the low end', () => {
    const x = tensor([[0, 5, 3], [10, 5, 1], [5, 5, 2]]);
    const s = fitMinMaxScaler(x, [-1, 1]);
    const y = s.transform(x);
    close(y.dataSync(), [-1, -1, 1, 1, -1, -1, 0, -1, 0]);
    const restored = scalerFromJSON(JSON.parse(JSON.stringify(s.toJSON()))).inverseTransform(y);
    close(restored.dataSync(), [0, 5, 3, 10, 5, 1, 5, 5, 2]);
    expect(() => fitMinMaxScaler(x, [1, 1])).toThrow(/must have low < high/);
    for (const t of [x, y, restored]) t.dispose();
  });
});
