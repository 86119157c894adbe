/**
 * Float64 reference implementations of the op set on plain arrays, written
 * by index arithmetic (unravel an output index, compute the input index) so
 * they share no code and no strategy with core's shape logic or any kernel.
 * Slow on purpose: clarity is what makes them a reference.
 */

export interface Ref {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function ref(shape: readonly number[], data: ArrayLike<number>): Ref {
  const size = sizeOf(shape);
  if (data.length !== size) throw new Error(`reference: ${data.length} values for shape [${shape.join(',')}]`);
  return { shape: [...shape], data: Float64Array.from(data) };
}

export function fill(shape: readonly number[], value: number): Ref {
  return { shape: [...shape], data: new Float64Array(sizeOf(shape)).fill(value) };
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    index[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return index;
}

export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i] + index[i];
  return flat;
}

/** Builds a tensor of `shape` whose element at each multi-index is `f(index)`. */
export function generate(shape: readonly number[], f: (index: number[]) => number): Ref {
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = f(unravel(i, shape));
  return { shape: [...shape], data };
}

const at = (x: Ref, index: readonly number[]): number => x.data[ravel(index, x.shape)];

// ---------------------------------------------------------------- elementwise

export function broadcastShape(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const dims = shapes.map((s) => s[s.length - rank + i] ?? 1).filter((d) => d !== 1);
    if (dims.some((d) => d !== dims[0])) throw new Error(`reference: cannot broadcast ${JSON.stringify(shapes)}`);
    return dims.length > 0 ? dims[0] : 1;
  });
}

/** The element of `x` that output index `index` reads when `x` is broadcast. */
function broadcastAt(x: Ref, index: readonly number[]): number {
  const lead = index.length - x.shape.length;
  return at(x, x.shape.map((d, i) => (d === 1 ? 0 : index[lead + i])));
}

export function map(x: Ref, f: (v: number) => number): Ref {
  return { shape: [...x.shape], data: x.data.map(f) };
}

export function zip(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  return generate(broadcastShape(a.shape, b.shape), (i) => f(broadcastAt(a, i), broadcastAt(b, i)));
}

export function select(condition: Ref, a: Ref, b: Ref): Ref {
  return generate(broadcastShape(condition.shape, a.shape, b.shape), (i) =>
    broadcastAt(condition, i) !== 0 ? broadcastAt(a, i) : broadcastAt(b, i),
  );
}

export function broadcastTo(x: Ref, shape: readonly number[]): Ref {
  return generate(shape, (i) => broadcastAt(x, i));
}

// ---------------------------------------------------------------- matMul

/** NumPy matmul semantics with optional transposes of the last two axes, by the triple loop. */
export function matMul(a: Ref, b: Ref, transposeA = false, transposeB = false): Ref {
  const as = a.shape.length === 1 ? [1, a.shape[0]] : [...a.shape];
  const bs = b.shape.length === 1 ? [b.shape[0], 1] : [...b.shape];
  const ra = as.length;
  const rb = bs.length;
  const m = transposeA ? as[ra - 1] : as[ra - 2];
  const k = transposeA ? as[ra - 2] : as[ra - 1];
  const n = transposeB ? bs[rb - 2] : bs[rb - 1];
  const aBatch = as.slice(0, -2);
  const bBatch = bs.slice(0, -2);
  const batch = broadcastShape(aBatch, bBatch);
  const A = (bi: number[], i: number, p: number): number => {
    const lead = bi.slice(bi.length - aBatch.length).map((d, j) => (aBatch[j] === 1 ? 0 : d));
    return a.data[ravel([...lead, ...(transposeA ? [p, i] : [i, p])], as)];
  };
  const B = (bi: number[], p: number, j: number): number => {
    const lead = bi.slice(bi.length - bBatch.length).map((d, q) => (bBatch[q] === 1 ? 0 : d));
    return b.data[ravel([...lead, ...(transposeB ? [j, p] : [p, j])], bs)];
  };
  const full = generate([...batch, m, n], (index) => {
    const bi = index.slice(0, -2);
    const [i, j] = index.slice(-2);
    let acc = 0;
    for (let p = 0; p < k; p++) acc += A(bi, i, p) * B(bi, p, j);
    return acc;
  });
  let shape = [...batch, m, n];
  if (a.shape.length === 1) shape = [...batch, n];
  if (b.shape.length === 1) shape = a.shape.length === 1 ? batch : [...batch, m];
  return { shape, data: full.data };
}

// ---------------------------------------------------------------- reductions

/** Normalized, sorted axes; `undefined` means every axis. */
export function axesOf(axes: number | readonly number[] | undefined, rank: number): number[] {
  const list = axes === undefined ? Array.from({ length: rank }, (_, i) => i) : typeof axes === 'number' ? [axes] : [...axes];
  return list.map((a) => (a < 0 ? a + rank : a)).sort((x, y) => x - y);
}

/** Groups the elements of x by output position and folds each group (in index order). */
export function reduce(
  x: Ref,
  axes: number | readonly number[] | undefined,
  keepDims: boolean,
  fold: (values: number[]) => number,
): Ref {
  const ax = axesOf(axes, x.shape.length);
  const keptShape = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  for (let f = 0; f < x.data.length; f++) {
    const index = unravel(f, x.shape).map((v, i) => (ax.includes(i) ? 0 : v));
    groups[ravel(index, keptShape)].push(x.data[f]);
  }
  const shape = keepDims ? keptShape : x.shape.filter((_, i) => !ax.includes(i));
  return { shape, data: Float64Array.from(groups, fold) };
}

const total = (v: number[]): number => v.reduce((s, x) => s + x, 0);
export const folds = {
  sum: total,
  prod: (v: number[]) => v.reduce((p, x) => p * x, 1),
  max: (v: number[]) => Math.max(...v),
  min: (v: number[]) => Math.min(...v),
  mean: (v: number[]) => total(v) / v.length,
  variance: (v: number[]) => {
    const mu = total(v) / v.length;
    return total(v.map((x) => (x - mu) ** 2)) / v.length;
  },
  logSumExp: (v: number[]) => {
    const m = Math.max(...v);
    return m + Math.log(total(v.map((x) => Math.exp(x - m))));
  },
  /** First index of the maximum; a NaN counts as the maximum (indexOf cannot find NaN). */
  argMax: (v: number[]) => (v.some(Number.isNaN) ? v.findIndex(Number.isNaN) : v.indexOf(Math.max(...v))),
  /** First index of the minimum; a NaN counts as the minimum. */
  argMin: (v: number[]) => (v.some(Number.isNaN) ? v.findIndex(Number.isNaN) : v.indexOf(Math.min(...v))),
} as const;

// ---------------------------------------------------------------- movement

export function reshape(x: Ref, shape: readonly number[]): Ref {
  return ref(shape, x.data);
}

export function transpose(x: Ref, perm?: readonly number[]): Ref {
  const p = perm ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  return generate(
    p.map((axis) => x.shape[axis]),
    (outIndex) => {
      const inIndex = new Array<number>(p.length);
      p.forEach((axis, i) => (inIndex[axis] = outIndex[i]));
      return at(x, inIndex);
    },
  );
}

export function slice(x: Ref, begin: readonly number[], size: readonly number[]): Ref {
  const start = x.shape.map((d, i) => ((begin[i] ?? 0) < 0 ? begin[i] + d : (begin[i] ?? 0)));
  const extent = x.shape.map((d, i) => ((size[i] ?? -1) === -1 ? d - start[i] : size[i]));
  return generate(extent, (i) => at(x, i.map((v, axis) => v + start[axis])));
}

export function concat(xs: readonly Ref[], axis: number): Ref {
  const rank = xs[0].shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((s, x) => s + x.shape[a], 0);
  return generate(shape, (index) => {
    let offset = index[a];
    for (const x of xs) {
      if (offset < x.shape[a]) return at(x, index.map((v, i) => (i === a ? offset : v)));
      offset -= x.shape[a];
    }
    throw new Error('reference concat: index past the end');
  });
}

export function expandDims(x: Ref, axis: number): Ref {
  const a = axis < 0 ? axis + x.shape.length + 1 : axis;
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export function stack(xs: readonly Ref[], axis: number): Ref {
  return concat(
    xs.map((x) => expandDims(x, axis)),
    axis,
  );
}

export function split(x: Ref, sizes: readonly number[], axis: number): Ref[] {
  const a = axis < 0 ? axis + x.shape.length : axis;
  let offset = 0;
  return sizes.map((s) => {
    const part = slice(
      x,
      x.shape.map((_, i) => (i === a ? offset : 0)),
      x.shape.map((d, i) => (i === a ? s : d)),
    );
    offset += s;
    return part;
  });
}

/** out[pre, idx..., post] = x[pre, indices[idx...], post]. */
export function gather(x: Ref, indices: Ref, axis: number): Ref {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const ir = indices.shape.length;
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return generate(shape, (index) => {
    const k = at(indices, index.slice(a, a + ir));
    return at(x, [...index.slice(0, a), k, ...index.slice(a + ir)]);
  });
}

/** Adds each slice of `updates` into a zero tensor at `indices` along `axis`. */
export function scatterAdd(updates: Ref, indices: Ref, size: number, axis: number): Ref {
  const ir = indices.shape.length;
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + ir)];
  const out = fill(shape, 0);
  for (let f = 0; f < updates.data.length; f++) {
    const u = unravel(f, updates.shape);
    const k = at(indices, u.slice(axis, axis + ir));
    out.data[ravel([...u.slice(0, axis), k, ...u.slice(axis + ir)], shape)] += updates.data[f];
  }
  return out;
}

export function pad(x: Ref, paddings: readonly (readonly [number, number])[], value: number): Ref {
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  return generate(shape, (index) => {
    const src = index.map((v, i) => v - paddings[i][0]);
    return src.every((v, i) => v >= 0 && v < x.shape[i]) ? at(x, src) : value;
  });
}

export function tile(x: Ref, reps: readonly number[]): Ref {
  return generate(
    x.shape.map((d, i) => d * reps[i]),
    (index) => at(x, index.map((v, i) => v % x.shape[i])),
  );
}

export function reverse(x: Ref, axes?: number | readonly number[]): Ref {
  const ax = axesOf(axes, x.shape.length);
  return generate(x.shape, (index) => at(x, index.map((v, i) => (ax.includes(i) ? x.shape[i] - 1 - v : v))));
}

export function oneHot(indices: Ref, depth: number, on = 1, off = 0): Ref {
  return generate([...indices.shape, depth], (index) => (at(indices, index.slice(0, -1)) === index[index.length - 1] ? on : off));
}

// ---------------------------------------------------------------- composites

export function softmax(x: Ref, axis = -1): Ref {
  const lse = reduce(x, axis, true, folds.logSumExp);
  return zip(x, lse, (v, l) => Math.exp(v - l));
}

export function logSoftmax(x: Ref, axis = -1): Ref {
  const lse = reduce(x, axis, true, folds.logSumExp);
  return zip(x, lse, (v, l) => v - l);
}

export function softmaxCrossEntropy(labels: Ref, logits: Ref, axis = -1): Ref {
  const terms = zip(labels, logSoftmax(logits, axis), (y, l) => -y * l);
  return reduce(terms, axis, false, folds.sum);
}

/** -(z log sigmoid(x) + (1 - z) log(1 - sigmoid(x))), from the definition. */
export function sigmoidCrossEntropy(labels: Ref, logits: Ref): Ref {
  return zip(labels, logits, (z, x) => {
    const logP = -Math.log1p(Math.exp(-x));
    const logQ = -Math.log1p(Math.exp(x));
    return -(z * logP + (1 - z) * logQ);
  });
}
