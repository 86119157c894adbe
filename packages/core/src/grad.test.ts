import { createJsBackend } from '@neurite/backend-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeTapeCount } from './engine.js';
import {
  ArgumentError,
  ShapeError,
  add,
  exp,
  grad,
  grads,
  matMul,
  memory,
  mul,
  ones,
  pow,
  registerBackend,
  reshape,
  scalar,
  setBackend,
  sigmoid,
  sin,
  stopGradient,
  sum,
  tensor,
  tidy,
  valueAndGrad,
  valueAndGrads,
  variable,
  variableGrads,
  type Tensor,
} from './index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

const values = (t: Tensor) => Array.from(t.dataSync());
const close = (t: Tensor, expected: number[], digits = 5) => {
  const got = values(t);
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
};

describe('grad and valueAndGrad', () => {
  it('grad(sum(x^2)) is 2x, with x shape and dtype', () => {
    const x = tensor([
      [1, -2],
      [3, 0.5],
    ]);
    const g = grad((x) => sum(mul(x, x)))(x);
    expect(g.shape).toEqual([2, 2]);
    expect(g.dtype).toBe('float32');
    expect(values(g)).toEqual([2, -4, 6, 1]);
  });

  it('valueAndGrad returns both', () => {
    const { value, grad: g } = valueAndGrad((x) => sum(sin(x)))(tensor([0, 1]));
    close(value, [Math.sin(1)]);
    close(g, [1, Math.cos(1)]);
  });

  it('grads and valueAndGrads differentiate with respect to every argument', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([4, 5, 6]);
    const f = (a: Tensor, b: Tensor) => sum(mul(a, b));
    const [da, db] = grads(f)([a, b]);
    expect(values(da)).toEqual([4, 5, 6]);
    expect(values(db)).toEqual([1, 2, 3]);
    const { value, grads: gs } = valueAndGrads(f)([a, b]);
    expect(values(value)).toEqual([32]);
    expect(gs.map(values)).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ]);
  });

  it('accumulates on fan-out', () => {
    const x = tensor([1, 2, 3]);
    // x*x uses x twice; x + x + x three times; x*(x+1) mixes both
    expect(values(grad((x) => sum(mul(x, x)))(x))).toEqual([2, 4, 6]);
    expect(values(grad((x) => sum(add(add(x, x), x)))(x))).toEqual([3, 3, 3]);
    expect(values(grad((x) => sum(mul(x, add(x, 1))))(x))).toEqual([3, 5, 7]);
  });

  it('reduces broadcast gradients back to each input shape', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([10, 20, 30]);
    const c = tensor([[2], [3]]);
    const s = scalar(2);
    const [da, db, dc, ds] = grads((a, b, c, s) => sum(mul(mul(add(a, b), c), s)))([a, b, c, s]);
    expect(da.shape).toEqual([2, 3]);
    expect(db.shape).toEqual([3]);
    expect(dc.shape).toEqual([2, 1]);
    expect(ds.shape).toEqual([]);
    expect(values(da)).toEqual([4, 4, 4, 6, 6, 6]); // c * s
    expect(values(db)).toEqual([10, 10, 10]); // sum over rows of c * s
    expect(values(dc)).toEqual([2 * (11 + 22 + 33), 2 * (14 + 25 + 36)]); // sum over columns of (a + b) * s
    expect(values(ds)).toEqual([2 * (11 + 22 + 33) + 3 * (14 + 25 + 36)]);
  });

  it('gives zeros for an input that does not affect the output', () => {
    const [da, db] = grads((a, _b) => sum(a))([tensor([1, 2]), tensor([[1, 2, 3]], undefined, 'float64')]);
    expect(values(da)).toEqual([1, 1]);
    expect(db.shape).toEqual([1, 3]);
    expect(db.dtype).toBe('float64');
    expect(values(db)).toEqual([0, 0, 0]);
  });

  it('a non-scalar output without dy is a ShapeError with a hint', () => {
    const f = grad((x) => mul(x, 2));
    expect(() => f(tensor([1, 2]))).toThrow(ShapeError);
    expect(() => f(tensor([1, 2]))).toThrow(/^grad: the function returned \[2\], not a scalar - reduce it \(sum, mean\) or pass dy/);
    expect(activeTapeCount()).toBe(0);
  });

  it('uses dy for a non-scalar output and checks its shape', () => {
    const f = grad((x) => mul(x, x));
    const x = tensor([1, 2, 3]);
    expect(values(f(x, tensor([1, 10, 100])))).toEqual([2, 40, 600]);
    expect(() => f(x, tensor([1, 2]))).toThrow(ShapeError);
    expect(() => f(x, tensor([1, 2]))).toThrow(/dy \[2\] must have the output's shape \[3\]/);
    // dy also scales a scalar output
    expect(values(grad((x) => sum(x))(x, scalar(3)))).toEqual([3, 3, 3]);
  });

  it('refuses a function that does not return a tensor and a non-tensor argument', () => {
    expect(() => grad(() => 3 as unknown as Tensor)(tensor([1]))).toThrow(ArgumentError);
    expect(() => grads((a) => a)([[1, 2] as unknown as Tensor])).toThrow(ArgumentError);
  });

  it('stopGradient blocks the flow through its branch', () => {
    const x = tensor([1, 2, 3]);
    expect(values(grad((x) => sum(mul(stopGradient(x), x)))(x))).toEqual([1, 2, 3]);
    expect(values(grad((x) => sum(stopGradient(mul(x, x))))(x))).toEqual([0, 0, 0]);
  });

  it('works through matMul and reshape', () => {
    const w = tensor([
      [1, 2],
      [3, 4],
    ]);
    const x = tensor([[1, 1]]);
    // d/dw sum(x @ w) = x^T @ ones
    const dw = grad((w) => sum(reshape(matMul(x, w), [2])))(w);
    expect(dw.arraySync()).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('works when f uses tidy() inside', () => {
    const g = grad((x) => tidy(() => sum(mul(exp(x), 2))))(tensor([0, 1]));
    close(g, [2, 2 * Math.E]);
  });
});

describe('higher-order gradients', () => {
  it('grad of grad of x^3 is 6x (as x*x*x)', () => {
    const d1 = grad((x) => sum(mul(x, mul(x, x))));
    const d2 = grad((x) => sum(d1(x)));
    close(d2(tensor([1, 2, -3])), [6, 12, -18]);
  });

  it('grad of grad of x^3 is 6x (with pow)', () => {
    const d1 = grad((x) => sum(pow(x, 3)));
    const d2 = grad((x) => sum(d1(x)));
    close(d2(tensor([1, 2, 0.5])), [6, 12, 3], 4);
  });

  it('third derivative of x^3 is 6', () => {
    const d1 = grad((x) => sum(mul(x, mul(x, x))));
    const d2 = grad((x) => sum(d1(x)));
    const d3 = grad((x) => sum(d2(x)));
    close(d3(tensor([1, -2])), [6, 6]);
  });

  it('grad of grad of exp through sum is exp', () => {
    const d1 = grad((x) => sum(exp(x)));
    const d2 = grad((x) => sum(d1(x)));
    close(d2(tensor([0, 1])), [1, Math.E], 4);
  });

  // The inner value is read by the outer backward pass (exp's gradient is dy * y), so
  // grad() must leave it to the enclosing tidy rather than free it.
  it('grad of grad of exp(x) for a scalar x is exp(x)', () => {
    const d1 = grad((x) => exp(x));
    const d2 = grad((x) => d1(x));
    close(d2(scalar(1)), [Math.E], 4);
  });

  it('grad of grad of sigmoid(x) for a scalar x', () => {
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const d1 = grad((x) => sigmoid(x));
    const d2 = grad((x) => d1(x));
    const x = 0.5;
    close(d2(scalar(x)), [s(x) * (1 - s(x)) * (1 - 2 * s(x))], 4);
  });

  it('valueAndGrad nested does not dispose the value (so exp works there)', () => {
    const d1 = (x: Tensor) => valueAndGrad((x) => exp(x))(x).grad;
    const d2 = grad((x) => d1(x));
    close(d2(scalar(1)), [Math.E], 4);
  });
});

describe('variableGrads', () => {
  it('returns gradients keyed by name for trainable variables only', () => {
    const w = variable(tensor([1, 2]), { name: 'vg-w' });
    const b = variable(tensor([3]), { name: 'vg-b' });
    const frozen = variable(tensor([5]), { name: 'vg-frozen', trainable: false });
    const { value, grads } = variableGrads(() => sum(mul(add(mul(w, w), b), frozen)), [w, b, frozen]);
    expect(values(value)).toEqual([5 * (1 + 3) + 5 * (4 + 3)]);
    expect(Object.keys(grads).sort()).toEqual(['vg-b', 'vg-w']);
    expect(values(grads['vg-w'])).toEqual([10, 20]); // 2 w * frozen
    expect(values(grads['vg-b'])).toEqual([10]); // summed over the broadcast
  });

  it('refuses two variables with one name', () => {
    const a = variable(tensor([1]), { name: 'vg-same' });
    const b = variable(tensor([2]), { name: 'vg-same' });
    expect(() => variableGrads(() => sum(add(a, b)), [a, b])).toThrow(ArgumentError);
  });
});

describe('memory', () => {
  it('grad leaves only the gradient behind; valueAndGrad the value and the gradient', () => {
    const x = tensor([1, 2, 3]);
    const f = (x: Tensor) => sum(exp(mul(add(x, 1), x)));
    let base = memory();
    const g = grad(f)(x);
    expect(memory().numTensors - base.numTensors).toBe(1);
    expect(memory().numBytes - base.numBytes).toBe(12);
    g.dispose();
    base = memory();
    const r = valueAndGrad(f)(x);
    expect(memory().numTensors - base.numTensors).toBe(2);
    r.value.dispose();
    r.grad.dispose();
    expect(memory().numTensors).toBe(base.numTensors);
    expect(activeTapeCount()).toBe(0);
  });

  it('a higher-order gradient leaves only its result behind', () => {
    const x = tensor([1, 2]);
    const base = memory();
    const d1 = grad((x) => sum(mul(x, mul(x, x))));
    const g2 = grad((x) => sum(d1(x)))(x);
    expect(memory().numTensors - base.numTensors).toBe(1);
    g2.dispose();
    expect(memory().numBytes).toBe(base.numBytes);
  });

  it('a throwing function leaves nothing behind and no tape recording', () => {
    const x = tensor([1, 2]);
    const base = memory();
    expect(() =>
      grad((x) => {
        mul(x, 2);
        throw new RangeError('inside f');
      })(x),
    ).toThrow(RangeError);
    expect(activeTapeCount()).toBe(0);
    expect(memory().numTensors).toBe(base.numTensors);
  });

  // grad() must free only what it made: f may return the caller's own tensors.
  it('grad of a function returning its input does not dispose the input', () => {
    const x = scalar(2);
    const g = grad((x) => x)(x);
    expect(values(g)).toEqual([1]);
    expect(x.isDisposed).toBe(false);
    expect(values(x)).toEqual([2]);
  });

  it('grad of a function returning a captured tensor does not dispose it', () => {
    const c = scalar(7);
    const g = grad(() => c)(ones([2]));
    expect(values(g)).toEqual([0, 0]);
    expect(c.isDisposed).toBe(false);
  });
});
