import { createJsBackend } from '@neurite/backend-js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ShapeError,
  add,
  broadcastTo,
  grads,
  maximum,
  mul,
  registerBackend,
  setBackend,
  sizeOf,
  sub,
  sum,
  tensor,
  tidy,
  where,
  type Tensor,
} from '../index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

const RUNS = { numRuns: 60 };

const dim = fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 4 }), fc.constant(0));

/**
 * An output shape and `count` input shapes that broadcast to it: each input
 * drops some leading axes and sets some of the rest to 1.
 */
function broadcastable(count: number) {
  return fc.array(dim, { maxLength: 4 }).chain((out) => {
    const input = fc
      .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
      .map(([drop, ones]) => out.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.tuple(fc.constant(out), fc.array(input, { minLength: count, maxLength: count }));
  });
}

/** The output shape the inputs actually broadcast to (an input may have set every copy of a dim to 1). */
function referenceShape(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const ds = shapes.map((s) => s[s.length - rank + i] ?? 1);
    return ds.find((d) => d !== 1) ?? 1;
  });
}

/** Integer values so float32 arithmetic is exact. */
function valuesFor(shape: readonly number[]) {
  const n = sizeOf(shape);
  return fc.array(fc.integer({ min: -50, max: 50 }), { minLength: n, maxLength: n });
}

/** Element of `data` (shape `s`) that output multi-index `idx` reads under broadcasting. */
function at(data: ArrayLike<number>, s: readonly number[], idx: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < s.length; i++) {
    const j = idx[idx.length - s.length + i];
    flat = flat * s[i] + (s[i] === 1 ? 0 : j);
  }
  return data[flat];
}

function multiIndex(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = flat % shape[k];
    flat = Math.floor(flat / shape[k]);
  }
  return idx;
}

const withValues = (count: number) =>
  broadcastable(count).chain(([, shapes]) =>
    fc.tuple(fc.constant(shapes), fc.tuple(...shapes.map((s) => valuesFor(s)))),
  );

const OPS: [string, (a: Tensor, b: Tensor) => Tensor, (x: number, y: number) => number][] = [
  ['add', add, (x, y) => x + y],
  ['sub', sub, (x, y) => x - y],
  ['mul', mul, (x, y) => x * y],
  ['maximum', maximum, (x, y) => Math.max(x, y)],
];

describe('binary ops broadcast like NumPy', () => {
  for (const [name, op, ref] of OPS) {
    it(`${name}: broadcast shape and values equal an index-based reference`, () => {
      fc.assert(
        fc.property(withValues(2), ([[sa, sb], [va, vb]]) =>
          tidy(() => {
            const out = referenceShape([sa, sb]);
            const y = op(tensor(va, sa), tensor(vb, sb));
            expect(y.shape).toEqual(out);
            const got = y.dataSync();
            expect(got.length).toBe(sizeOf(out));
            for (let f = 0; f < got.length; f++) {
              const idx = multiIndex(f, out);
              expect(got[f]).toBe(ref(at(va, sa, idx), at(vb, sb, idx)));
            }
          }),
        ),
        RUNS,
      );
    });
  }

  it('add is commutative under broadcasting', () => {
    fc.assert(
      fc.property(withValues(2), ([[sa, sb], [va, vb]]) =>
        tidy(() => {
          const a = tensor(va, sa);
          const b = tensor(vb, sb);
          const ab = add(a, b);
          const ba = add(b, a);
          expect(ba.shape).toEqual(ab.shape);
          expect(ba.dataSync()).toEqual(ab.dataSync());
        }),
      ),
      RUNS,
    );
  });

  it('where broadcasts condition and both branches together', () => {
    fc.assert(
      fc.property(withValues(3), ([[sc, sa, sb], [vc, va, vb]]) =>
        tidy(() => {
          const out = referenceShape([sc, sa, sb]);
          const y = where(tensor(vc.map((v) => (v > 0 ? 1 : 0)), sc, 'int32'), tensor(va, sa), tensor(vb, sb));
          expect(y.shape).toEqual(out);
          const got = y.dataSync();
          for (let f = 0; f < got.length; f++) {
            const idx = multiIndex(f, out);
            expect(got[f]).toBe(at(vc, sc, idx) > 0 ? at(va, sa, idx) : at(vb, sb, idx));
          }
        }),
      ),
      RUNS,
    );
  });

  it('broadcastTo the output shape gives the same values as add with zeros', () => {
    fc.assert(
      fc.property(broadcastable(1), ([out, [s]]) =>
        tidy(() => {
          const x = tensor(Array.from({ length: sizeOf(s) }, (_, i) => i), s);
          const b = broadcastTo(x, out);
          expect(b.shape).toEqual(out);
          const got = b.dataSync();
          for (let f = 0; f < got.length; f++) expect(got[f]).toBe(at(x.dataSync(), s, multiIndex(f, out)));
        }),
      ),
      RUNS,
    );
  });

  it('incompatible shapes throw ShapeError naming the op', () => {
    const clash = fc
      .tuple(fc.array(dim, { maxLength: 3 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 }))
      .filter(([, p, q]) => p !== q);
    fc.assert(
      fc.property(clash, ([lead, p, q]) =>
        tidy(() => {
          const a = tensor(new Float32Array(sizeOf([...lead, p])), [...lead, p]);
          const b = tensor(new Float32Array(q), [q]);
          expect(() => add(a, b)).toThrow(ShapeError);
          expect(() => add(a, b)).toThrow(/^add: shapes .* cannot be broadcast together/);
        }),
      ),
      { numRuns: 30 },
    );
  });
});

describe('gradients of broadcast ops', () => {
  it('d sum(a + b) / da is size(out) / size(a) everywhere, in a shape', () => {
    fc.assert(
      fc.property(withValues(2), ([[sa, sb], [va, vb]]) =>
        tidy(() => {
          const out = referenceShape([sa, sb]);
          const [da, db] = grads((a, b) => sum(add(a, b)))([tensor(va, sa), tensor(vb, sb)]);
          expect(da.shape).toEqual(sa);
          expect(db.shape).toEqual(sb);
          // each input element is read (size(out) / size(input)) times; with a zero-size output, 0
          const times = (s: number[]) => (sizeOf(out) === 0 ? 0 : sizeOf(out) / sizeOf(s));
          for (const v of da.dataSync()) expect(v).toBe(times(sa));
          for (const v of db.dataSync()) expect(v).toBe(times(sb));
        }),
      ),
      RUNS,
    );
  });

  it('d sum(a * b) / da sums b over the broadcast axes (index-based reference)', () => {
    fc.assert(
      fc.property(withValues(2), ([[sa, sb], [va, vb]]) =>
        tidy(() => {
          const out = referenceShape([sa, sb]);
          const [da] = grads((a, b) => sum(mul(a, b)))([tensor(va, sa), tensor(vb, sb)]);
          const expected = new Array<number>(sizeOf(sa)).fill(0);
          for (let f = 0; f < sizeOf(out); f++) {
            const idx = multiIndex(f, out);
            // flat index into a of this output element
            let flat = 0;
            for (let i = 0; i < sa.length; i++) flat = flat * sa[i] + (sa[i] === 1 ? 0 : idx[idx.length - sa.length + i]);
            expected[flat] += at(vb, sb, idx);
          }
          expect(Array.from(da.dataSync())).toEqual(expected);
        }),
      ),
      RUNS,
    );
  });
});
