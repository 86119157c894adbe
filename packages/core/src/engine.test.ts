import { createJsBackend } from '@neurite/backend-js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  add,
  assign,
  dispose,
  keep,
  matMul,
  mean,
  memory,
  mul,
  ones,
  randomNormal,
  registerBackend,
  relu,
  reshape,
  scalar,
  setBackend,
  square,
  sub,
  tensor,
  tidy,
  variable,
  variableGrads,
  zeros,
  type Tensor,
  type Variable,
} from './index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

/** Live tensors and bytes now, minus the same at `base`. */
function delta(base: { numTensors: number; numBytes: number }) {
  const m = memory();
  return { tensors: m.numTensors - base.numTensors, bytes: m.numBytes - base.numBytes };
}

describe('tidy', () => {
  it('frees intermediates and keeps the returned tensor', () => {
    const base = memory();
    let intermediate!: Tensor;
    const y = tidy(() => {
      const x = ones([2, 2]);
      intermediate = mul(x, 3);
      return add(intermediate, 1);
    });
    expect(intermediate.isDisposed).toBe(true);
    expect(y.isDisposed).toBe(false);
    expect(Array.from(y.dataSync())).toEqual([4, 4, 4, 4]);
    expect(delta(base)).toEqual({ tensors: 1, bytes: 16 });
    y.dispose();
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('returns plain data (typed arrays, alone or beside a tensor) untouched and frees what made it', () => {
    const base = memory();
    const { values, kept } = tidy(() => {
      const x = mul(ones([1000]), 2);
      return { values: x.dataSync(), kept: add(x, 1) };
    });
    expect(values).toBeInstanceOf(Float32Array);
    expect(values.length).toBe(1000);
    expect(values.every((v) => v === 2)).toBe(true);
    expect(delta(base)).toEqual({ tensors: 1, bytes: 4000 });
    kept.dispose();
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('keeps tensors returned inside arrays and objects', () => {
    const base = memory();
    let dropped!: Tensor;
    const out = tidy(() => {
      dropped = ones([3]);
      return { a: ones([1]), nested: [zeros([2]), { deep: scalar(5) }], n: 3, s: 'x' };
    });
    expect(dropped.isDisposed).toBe(true);
    const deep = (out.nested[1] as { deep: Tensor }).deep;
    expect(out.a.isDisposed || (out.nested[0] as Tensor).isDisposed || deep.isDisposed).toBe(false);
    expect(deep.dataSync()[0]).toBe(5);
    expect(delta(base).tensors).toBe(3);
    dispose(out);
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('nested: the inner result belongs to the outer scope', () => {
    const base = memory();
    let inner!: Tensor;
    let innerTemp!: Tensor;
    const result = tidy(() => {
      inner = tidy(() => {
        innerTemp = ones([2]);
        return add(innerTemp, 1);
      });
      expect(innerTemp.isDisposed).toBe(true);
      expect(inner.isDisposed).toBe(false);
      return mul(inner, 2);
    });
    expect(inner.isDisposed).toBe(true);
    expect(Array.from(result.dataSync())).toEqual([4, 4]);
    result.dispose();
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('keep() survives every enclosing tidy until disposed by hand', () => {
    const base = memory();
    let kept!: Tensor;
    tidy(() => {
      tidy(() => {
        kept = keep(ones([4]));
      });
    });
    expect(kept.isDisposed).toBe(false);
    expect(delta(base)).toEqual({ tensors: 1, bytes: 16 });
    kept.dispose();
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('frees everything and rethrows when fn throws', () => {
    const base = memory();
    let made!: Tensor;
    expect(() =>
      tidy(() => {
        made = ones([2]);
        throw new RangeError('boom');
      }),
    ).toThrow(RangeError);
    expect(made.isDisposed).toBe(true);
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('rejects a function returning a Promise and frees what it made synchronously', () => {
    const base = memory();
    let made!: Tensor;
    const run = () =>
      tidy(async () => {
        made = ones([2]);
        return made;
      });
    expect(run).toThrow(TypeError);
    expect(run).toThrow(/tidy: .*Promise/);
    expect(made.isDisposed).toBe(true);
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('never frees variables created inside it', () => {
    const base = memory();
    const v = tidy(() => {
      variable(ones([2]), { name: 'kept-var' });
      return 1;
    });
    expect(v).toBe(1);
    // the variable is live (1 tensor, 8 bytes) and usable even though it was not returned
    expect(delta(base)).toEqual({ tensors: 1, bytes: 8 });
  });

  it('tensors made outside any tidy stay alive', () => {
    const t = ones([2]);
    tidy(() => add(t, 1));
    expect(t.isDisposed).toBe(false);
    expect(Array.from(t.dataSync())).toEqual([1, 1]);
  });
});

describe('dispose', () => {
  it('disposes every tensor in nested containers and is idempotent', () => {
    const base = memory();
    const a = ones([1]);
    const b = ones([2]);
    const c = ones([3]);
    dispose({ a, list: [b, { c }], other: 7, nothing: null });
    expect([a.isDisposed, b.isDisposed, c.isDisposed]).toEqual([true, true, true]);
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
    a.dispose();
    dispose([a, b]);
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('using a disposed tensor in an op throws DisposedError naming the op with a hint', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => add(t, 1)).toThrow(DisposedError);
    expect(() => add(t, 1)).toThrow(/^add: tensor #\d+ \[2\] float32 was disposed - keep\(\) it or move its use inside the tidy\(\)/);
    expect(() => matMul(t, t)).toThrow(/^matMul: tensor #/);
    expect(() => t.dataSync()).toThrow(/^dataSync: tensor #\d+ \[2\] float32 was disposed - keep\(\)/);
  });

  it('a tensor freed by tidy throws DisposedError when used later', () => {
    let leaked!: Tensor;
    tidy(() => {
      leaked = ones([2]);
    });
    expect(() => relu(leaked)).toThrow(DisposedError);
    expect(() => relu(leaked)).toThrow(/^relu: /);
  });
});

describe('memory()', () => {
  it('counts tensors and bytes per backend and per dtype size', () => {
    const base = memory();
    const f = zeros([2, 3]); // 24 bytes
    const i = zeros([5], 'int32'); // 20 bytes
    const d = zeros([2], 'float64'); // 16 bytes
    const empty = zeros([0, 4]); // a live tensor with no bytes
    expect(delta(base)).toEqual({ tensors: 4, bytes: 60 });
    const m = memory();
    expect(m.backends.js.tensors - (base.backends.js?.tensors ?? 0)).toBe(4);
    expect(m.backends.js.bytes - (base.backends.js?.bytes ?? 0)).toBe(60);
    expect(m.numTensors).toBe(Object.values(m.backends).reduce((s, b) => s + b.tensors, 0));
    expect(m.numBytes).toBe(Object.values(m.backends).reduce((s, b) => s + b.bytes, 0));
    dispose([f, i, d, empty]);
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('reshape shares storage: bytes counted once, each view outlives the other', () => {
    const base = memory();
    const a = tensor([1, 2, 3, 4, 5, 6]);
    const b = reshape(a, [2, 3]);
    expect(delta(base)).toEqual({ tensors: 2, bytes: 24 });
    a.dispose();
    expect(delta(base)).toEqual({ tensors: 1, bytes: 24 });
    expect(b.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(add(b, 1).dataSync())).toEqual([2, 3, 4, 5, 6, 7]);
    b.dispose();
    // the add result above is still live; only it remains
    expect(delta(base)).toEqual({ tensors: 1, bytes: 24 });
  });

  it('freeing the newer view keeps the original usable', () => {
    const base = memory();
    const a = tensor([1, 2, 3, 4]);
    const b = reshape(a, [2, 2]);
    b.dispose();
    expect(Array.from(a.dataSync())).toEqual([1, 2, 3, 4]);
    expect(delta(base)).toEqual({ tensors: 1, bytes: 16 });
    a.dispose();
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
  });

  it('assign() keeps the count: the variable takes over the value storage', () => {
    const v = variable(zeros([3]), { name: 'assign-count' });
    const base = memory();
    tidy(() => assign(v, add(v, 1)));
    expect(delta(base)).toEqual({ tensors: 0, bytes: 0 });
    expect(Array.from(v.dataSync())).toEqual([1, 1, 1]);
  });
});

describe('a training step', () => {
  it('leaves the live tensor count and bytes unchanged (MLP, variableGrads, SGD with assign)', () => {
    const x = randomNormal([16, 4], 0, 1, { seed: 1 });
    const y = tidy(() => relu(matMul(x, tensor([[1], [-2], [0.5], [3]]))));
    const vars: Variable[] = [
      variable(randomNormal([4, 8], 0, 0.5, { seed: 2 }), { name: 'w1' }),
      variable(zeros([8]), { name: 'b1' }),
      variable(randomNormal([8, 1], 0, 0.5, { seed: 3 }), { name: 'w2' }),
      variable(zeros([1]), { name: 'b2' }),
    ];
    const [w1, b1, w2, b2] = vars;
    const loss = () => mean(square(sub(add(matMul(relu(add(matMul(x, w1), b1)), w2), b2), y)));
    const step = (): number =>
      tidy(() => {
        const { value, grads } = variableGrads(loss, vars);
        for (const v of vars) assign(v, sub(v, mul(grads[v.name], 0.05)));
        return value.dataSync()[0];
      });

    const losses = [step()];
    const before = memory();
    for (let i = 0; i < 5; i++) {
      losses.push(step());
      const after = memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
    }
    // it really trained (a step that did nothing would trivially not leak)
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
    expect(vars.every((v) => !v.isDisposed)).toBe(true);
  });
});
