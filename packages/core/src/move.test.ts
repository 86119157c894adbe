import { createJsBackend } from '@neurite/backend-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BackendError,
  DisposedError,
  add,
  matMul,
  memory,
  registerBackend,
  removeBackend,
  setBackend,
  sum,
  tensor,
  toBackend,
  zeros,
} from './index.js';

// Registered once for the file: backends are module-global state.
beforeAll(() => {
  registerBackend('js', createJsBackend);
  // The same kernels under a second name: two independent stores.
  registerBackend('other', () => ({ ...createJsBackend(), name: 'other' }));
  // createJsBackend itself (whose backend.name is 'js') under another name.
  registerBackend('js2', createJsBackend);
});

beforeEach(async () => {
  await setBackend('js');
});

afterAll(() => {
  removeBackend('js');
  removeBackend('other');
  removeBackend('js2');
});

describe('toBackend', () => {
  it('copies values, shape and dtype to another backend and leaves the original', async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const y = await toBackend(x, 'other');
    expect(y.backendName).toBe('other');
    expect(x.backendName).toBe('js');
    expect(y.shape).toEqual([2, 2]);
    expect(y.dtype).toBe('float32');
    expect(y.arraySync()).toEqual(x.arraySync());
    x.dispose();
    expect(y.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('preserves int32 and zero-size tensors', async () => {
    const i = await toBackend(tensor(new Int32Array([-3, 7])), 'other');
    expect(i.dtype).toBe('int32');
    expect(i.dataSync()).toEqual(new Int32Array([-3, 7]));
    const z = await toBackend(zeros([0, 5]), 'other');
    expect([z.shape, z.size, z.backendName]).toEqual([[0, 5], 0, 'other']);
  });

  it('counts the copy on the target backend in memory()', async () => {
    const before = memory();
    const x = tensor([1, 2, 3]);
    const y = await toBackend(x, 'other');
    const m = memory();
    expect(m.backends.js.tensors - (before.backends.js?.tensors ?? 0)).toBe(1);
    expect(m.backends.other.tensors - (before.backends.other?.tensors ?? 0)).toBe(1);
    expect(m.backends.other.bytes - (before.backends.other?.bytes ?? 0)).toBe(12);
    y.dispose();
    expect(memory().backends.other.bytes).toBe(before.backends.other?.bytes ?? 0);
  });

  it('runs ops on the moved tensor once its backend is active, and moves back', async () => {
    const y = await toBackend(tensor([1, 2, 3]), 'other');
    await setBackend('other');
    const z = add(y, 10);
    expect(z.backendName).toBe('other');
    expect(Array.from(z.dataSync())).toEqual([11, 12, 13]);
    const back = await toBackend(z, 'js');
    await setBackend('js');
    expect(Array.from(sum(back).dataSync())).toEqual([36]);
  });

  it('refuses a disposed tensor and an unknown backend', async () => {
    const x = tensor([1]);
    await expect(toBackend(x, 'nowhere')).rejects.toThrow(BackendError);
    await expect(toBackend(x, 'nowhere')).rejects.toThrow(/no backend named 'nowhere' - registered: js, other, js2/);
    x.dispose();
    await expect(toBackend(x, 'other')).rejects.toThrow(DisposedError);
  });
});

describe('ops on tensors from different backends', () => {
  it('throw BackendError naming the op, the backends and the toBackend hint', async () => {
    const a = tensor([1, 2]);
    const b = await toBackend(tensor([3, 4]), 'other');
    expect(() => add(a, b)).toThrow(BackendError);
    expect(() => add(a, b)).toThrow(
      /^add: tensor #\d+ \[2\] lives on backend 'other' but ops run on 'js' - move it with await toBackend\(x, 'js'\)$/,
    );
    expect(() => matMul(tensor([[1, 2]]), b)).toThrow(/matMul: .*await toBackend\(x, 'js'\)/);
    await setBackend('other');
    expect(() => add(a, b)).toThrow(/lives on backend 'js' but ops run on 'other' - move it with await toBackend\(x, 'other'\)/);
  });

  // The engine reports backends by their registered name, not the factory's
  // `backend.name`, so createJsBackend registered as 'js2' is not mistaken for 'js'.
  it('a backend registered under a second name is reported by that name', async () => {
    const before = memory();
    const a = tensor([1, 2]);
    const b = await toBackend(a, 'js2');
    expect(b.backendName).toBe('js2');
    expect(memory().backends.js2.tensors - (before.backends.js2?.tensors ?? 0)).toBe(1);
    expect(memory().backends.js.tensors - (before.backends.js?.tensors ?? 0)).toBe(1);
    expect(() => add(a, b)).toThrow(/lives on backend 'js2' but ops run on 'js' - move it with await toBackend\(x, 'js'\)/);
  });

  it('a backend registered under a second name still holds separate tensors (ops refuse to mix)', async () => {
    const a = tensor([1, 2]);
    const b = await toBackend(a, 'js2');
    expect(() => add(a, b)).toThrow(BackendError);
    await setBackend('js2');
    expect(Array.from(add(b, b).dataSync())).toEqual([2, 4]);
  });
});
