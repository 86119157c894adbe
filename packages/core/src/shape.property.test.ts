import { createJsBackend } from '@neurite/backend-js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ShapeError,
  arange,
  broadcastShapes,
  concat,
  expandDims,
  registerBackend,
  reshape,
  setBackend,
  sizeOf,
  slice,
  split,
  squeeze,
  tidy,
  transpose,
  type Tensor,
} from './index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

const RUNS = { numRuns: 100 };

/** Independent of shape.ts: pad both on the left with 1s and compare pairwise. */
function referenceBroadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const pa = [...Array(rank - a.length).fill(1), ...a];
  const pb = [...Array(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] === pb[i]) out.push(pa[i]);
    else if (pa[i] === 1) out.push(pb[i]);
    else if (pb[i] === 1) out.push(pa[i]);
    else return null;
  }
  return out;
}

function tryBroadcast(...shapes: number[][]): number[] | 'error' {
  try {
    return broadcastShapes('test', ...shapes);
  } catch (e) {
    expect(e).toBeInstanceOf(ShapeError);
    return 'error';
  }
}

/** Small dims with 1 and 0 common, so broadcasting and zero-size cases both occur. */
const dim = fc.oneof(fc.constant(1), fc.constant(0), fc.integer({ min: 2, max: 4 }));
const shape = fc.array(dim, { maxLength: 4 });

/** A shape and one derived from it by dropping leading axes and setting some to 1. */
const compatiblePair = shape.chain((out) =>
  fc.tuple(
    fc.constant(out),
    fc.integer({ min: 0, max: out.length }),
    fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
  ).map(([o, drop, ones]) => [o, o.map((d, i) => (ones[i] ? 1 : d)).slice(drop)] as const),
);

describe('broadcastShapes', () => {
  it('is commutative (same result or both refuse)', () => {
    fc.assert(
      fc.property(shape, shape, (a, b) => {
        expect(tryBroadcast(a, b)).toEqual(tryBroadcast(b, a));
      }),
      RUNS,
    );
  });

  it('matches an independent reference, including which pairs are refused', () => {
    fc.assert(
      fc.property(shape, shape, (a, b) => {
        const ref = referenceBroadcast(a, b);
        expect(tryBroadcast(a, b)).toEqual(ref ?? 'error');
      }),
      RUNS,
    );
  });

  it('accepts every compatible pair, and the result is the larger shape', () => {
    fc.assert(
      fc.property(compatiblePair, ([out, small]) => {
        expect(broadcastShapes('test', out, small)).toEqual(out);
        expect(broadcastShapes('test', small, out)).toEqual(out);
      }),
      RUNS,
    );
  });

  it('each input broadcasts to the result (right-aligned dims equal it or are 1)', () => {
    fc.assert(
      fc.property(shape, shape, shape, (a, b, c) => {
        const r = tryBroadcast(a, b, c);
        fc.pre(r !== 'error');
        const out = r as number[];
        for (const s of [a, b, c]) {
          expect(s.length).toBeLessThanOrEqual(out.length);
          s.forEach((d, i) => {
            const o = out[out.length - s.length + i];
            expect(d === o || d === 1).toBe(true);
          });
        }
        // and it is the smallest such shape: every output dim comes from some input
        out.forEach((o, i) => {
          const from = [a, b, c].map((s) => s[s.length - out.length + i] ?? 1);
          expect(from).toContain(o);
        });
      }),
      RUNS,
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(shape, shape, shape, (a, b, c) => {
        const ab = tryBroadcast(a, b);
        const bc = tryBroadcast(b, c);
        const left = ab === 'error' ? 'error' : tryBroadcast(ab, c);
        const right = bc === 'error' ? 'error' : tryBroadcast(a, bc);
        expect(left).toEqual(right);
        expect(tryBroadcast(a, b, c)).toEqual(left);
      }),
      RUNS,
    );
  });
});

/** A tensor of `shape` holding 0..size-1, so values reveal where elements went. */
function iota(s: readonly number[]): Tensor {
  return reshape(arange(0, sizeOf(s)), s);
}

const tensorShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 });
const shapeWithZero = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 });

/** A shape and a permutation of its axes. */
const shapeAndPerm = tensorShape.chain((s) =>
  fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.keys()], { minLength: s.length, maxLength: s.length })),
);

describe('movement op shape inference', () => {
  it('transpose gives shape[perm[i]], and transposing back with the inverse is the identity', () => {
    fc.assert(
      fc.property(shapeAndPerm, ([s, perm]) =>
        tidy(() => {
          const x = iota(s);
          const t = transpose(x, perm);
          expect(t.shape).toEqual(perm.map((p) => s[p]));
          const inverse = perm.map((_, i) => perm.indexOf(i));
          const back = transpose(t, inverse);
          expect(back.shape).toEqual(s);
          expect(back.dataSync()).toEqual(x.dataSync());
        }),
      ),
      RUNS,
    );
  });

  it('transpose moves element at index i to index perm^-1(i)', () => {
    fc.assert(
      fc.property(shapeAndPerm, ([s, perm]) =>
        tidy(() => {
          const x = iota(s);
          const t = transpose(x, perm);
          const xs = x.dataSync();
          const ts = t.dataSync();
          const strides = s.map((_, i) => sizeOf(s.slice(i + 1)));
          const tShape = t.shape;
          for (let flat = 0; flat < ts.length; flat++) {
            // output multi-index j; input index has axis perm[k] = j[k]
            let rem = flat;
            let src = 0;
            for (let k = tShape.length - 1; k >= 0; k--) {
              const jk = rem % tShape[k];
              rem = Math.floor(rem / tShape[k]);
              src += jk * strides[perm[k]];
            }
            expect(ts[flat]).toBe(xs[src]);
          }
        }),
      ),
      { numRuns: 50 },
    );
  });

  it('reshape to a random factorization (with one -1) round-trips', () => {
    const arb = tensorShape.chain((s) =>
      fc.tuple(fc.constant(s), fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }), fc.nat()),
    );
    fc.assert(
      fc.property(arb, ([s, target, pick]) =>
        tidy(() => {
          const x = iota(s);
          const withUnknown = target.length > 0 ? target.map((d, i) => (i === pick % target.length ? -1 : d)) : target;
          const r = reshape(x, withUnknown);
          expect(r.shape).toEqual(target);
          expect(r.size).toBe(x.size);
          const back = reshape(r, s);
          expect(back.shape).toEqual(s);
          expect(back.dataSync()).toEqual(x.dataSync());
        }),
      ),
      RUNS,
    );
  });

  it('reshape refuses a size mismatch with a ShapeError', () => {
    fc.assert(
      fc.property(tensorShape, fc.integer({ min: 2, max: 5 }), (s, k) =>
        tidy(() => {
          expect(() => reshape(iota(s), [sizeOf(s) * k])).toThrow(ShapeError);
        }),
      ),
      { numRuns: 30 },
    );
  });

  it('expandDims inserts a 1 at the axis; squeeze of that axis removes it', () => {
    const arb = tensorShape.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -(s.length + 1), max: s.length })));
    fc.assert(
      fc.property(arb, ([s, axis]) =>
        tidy(() => {
          const x = iota(s);
          const e = expandDims(x, axis);
          const a = axis < 0 ? axis + s.length + 1 : axis;
          const expected = [...s];
          expected.splice(a, 0, 1);
          expect(e.shape).toEqual(expected);
          expect(squeeze(e, a).shape).toEqual(s);
          expect(squeeze(e, a).dataSync()).toEqual(x.dataSync());
        }),
      ),
      RUNS,
    );
  });

  it('squeeze() drops exactly the size-1 axes and keeps the data', () => {
    fc.assert(
      fc.property(tensorShape, (s) =>
        tidy(() => {
          const x = iota(s);
          const q = squeeze(x);
          expect(q.shape).toEqual(s.filter((d) => d !== 1));
          expect(q.dataSync()).toEqual(x.dataSync());
        }),
      ),
      RUNS,
    );
  });

  it('split then concat along an axis is the identity (zero-size parts included)', () => {
    const arb = shapeWithZero.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.integer({ min: 0, max: s.length - 1 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
      ),
    );
    fc.assert(
      fc.property(arb, ([base, axis, sizes]) =>
        tidy(() => {
          const s = [...base];
          s[axis] = sizes.reduce((a, b) => a + b, 0);
          const x = iota(s);
          const parts = split(x, sizes, axis);
          expect(parts.map((p) => p.shape[axis])).toEqual(sizes);
          for (const p of parts) expect(p.shape.filter((_, i) => i !== axis)).toEqual(s.filter((_, i) => i !== axis));
          const joined = concat(parts, axis);
          expect(joined.shape).toEqual(s);
          expect(joined.dataSync()).toEqual(x.dataSync());
        }),
      ),
      RUNS,
    );
  });

  it('concat sums the axis; split into those sizes gives the pieces back', () => {
    const arb = fc
      .tuple(tensorShape.filter((s) => s.length > 0), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }))
      .chain(([s, lens]) => fc.tuple(fc.constant(s), fc.constant(lens), fc.integer({ min: 0, max: s.length - 1 })));
    fc.assert(
      fc.property(arb, ([s, lens, axis]) =>
        tidy(() => {
          const pieces = lens.map((n, k) => {
            const ps = s.map((d, i) => (i === axis ? n : d));
            return reshape(arange(k * 100, k * 100 + sizeOf(ps)), ps);
          });
          const joined = concat(pieces, axis);
          expect(joined.shape).toEqual(s.map((d, i) => (i === axis ? lens.reduce((a, b) => a + b, 0) : d)));
          const back = split(joined, lens, axis);
          back.forEach((b, k) => {
            expect(b.shape).toEqual(pieces[k].shape);
            expect(b.dataSync()).toEqual(pieces[k].dataSync());
          });
        }),
      ),
      RUNS,
    );
  });

  it('slice has shape size (or dim - begin for -1) and picks the right elements', () => {
    const arb = shapeWithZero.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.tuple(...s.map((d) => fc.integer({ min: 0, max: d }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: -1, max: d - b }))))),
      ),
    );
    fc.assert(
      fc.property(arb, ([s, spec]) =>
        tidy(() => {
          const begin = spec.map(([b]) => b);
          const size = spec.map(([, n]) => n);
          const expectedShape = size.map((n, i) => (n === -1 ? s[i] - begin[i] : n));
          const x = iota(s);
          const y = slice(x, begin, size);
          expect(y.shape).toEqual(expectedShape);
          // element j of the slice is element begin + j of x
          const ys = y.dataSync();
          const strides = s.map((_, i) => sizeOf(s.slice(i + 1)));
          for (let flat = 0; flat < ys.length; flat++) {
            let rem = flat;
            let src = 0;
            for (let k = expectedShape.length - 1; k >= 0; k--) {
              src += ((rem % expectedShape[k]) + begin[k]) * strides[k];
              rem = Math.floor(rem / expectedShape[k]);
            }
            expect(ys[flat]).toBe(src);
          }
        }),
      ),
      RUNS,
    );
  });

  it('slice refuses a block past the end with a ShapeError', () => {
    const arb = tensorShape
      .filter((s) => s.length > 0)
      .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: s.length - 1 }), fc.integer({ min: 1, max: 3 })));
    fc.assert(
      fc.property(arb, ([s, axis, over]) =>
        tidy(() => {
          const begin = s.map(() => 0);
          const size = s.map((d, i) => (i === axis ? d + over : d));
          expect(() => slice(iota(s), begin, size)).toThrow(ShapeError);
        }),
      ),
      { numRuns: 30 },
    );
  });
});
