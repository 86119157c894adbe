import type { LeakyReluAttrs, TensorInfo, TypedArray } from '@neurite/core';
import { SELU_ALPHA, SELU_SCALE } from '@neurite/core';

type Info = TensorInfo<TypedArray>;

/**
 * erf by Abramowitz-Stegun 7.1.26 is only good to 1e-7 absolute; this uses
 * W. J. Cody's rational approximations (as in most libms), accurate to float64
 * rounding, so float64 gradient checks of gelu and erf hold.
 */
export function erfScalar(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.46875) {
    const t = x * x;
    const num = (((0.1857777061846031526730 * t + 3.161123743870565596947) * t + 113.8641541510501556495) * t + 377.4852376853020208137) * t + 3209.377589138469472562;
    const den = ((((t + 23.60129095234412093499) * t + 244.0246379344441733056) * t + 1282.616526077372275645) * t + 2844.236833439170622273);
    return (x * num) / den;
  }
  const e = 1 - erfcPositive(ax);
  return x < 0 ? -e : e;
}

function erfcPositive(x: number): number {
  let r: number;
  if (x < 4) {
    const num = (((((((2.15311535474403846343e-8 * x + 0.564188496988670089180) * x + 8.88314979438837594118) * x + 66.1191906371416294775) * x + 298.635138197400131132) * x + 881.952221241769090411) * x + 1712.04761263407058314) * x + 2051.07837782607146532) * x + 1230.33935479799725272;
    const den = (((((((x + 15.7449261107098347253) * x + 117.693950891312499305) * x + 537.181101862009857509) * x + 1621.38957456669018874) * x + 3290.79923573345962678) * x + 4362.61909014324715820) * x + 3439.36767414372163696) * x + 1230.33935479805096226;
    r = num / den;
  } else {
    const z = 1 / (x * x);
    const num = ((((0.0163153871373020978498 * z + 0.305326634961232344035) * z + 0.360344899949804439429) * z + 0.125781726111229246204) * z + 0.0160837851487422766278) * z + 6.58749161529837803157e-4;
    const den = ((((z + 2.56852019228982242072) * z + 1.87295284992346047209) * z + 0.527905102951428412248) * z + 0.0605183413124413191178) * z + 0.00233520497626869185443;
    r = (1 / Math.sqrt(Math.PI) - (z * num) / den) / x;
  }
  return Math.exp(-x * x) * r;
}

/** Round half to even, as NumPy does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' | 'reciprocal'
  | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'relu6' | 'elu' | 'selu' | 'gelu' | 'erf' | 'softplus'
  | 'floor' | 'ceil' | 'round';

const SELU_SCALE_ALPHA = SELU_SCALE * SELU_ALPHA;

/**
 * One loop per op inside a switch, for the reason given in binary.ts: per-site
 * type feedback keeps each loop monomorphic with the math inlined.
 */
function run(op: UnaryOp, a: TypedArray, o: TypedArray, n: number): void {
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) o[i] = -a[i]; return;
    case 'abs': for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]); return;
    case 'sign': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN; } return;
    case 'exp': for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]); return;
    case 'expm1': for (let i = 0; i < n; i++) o[i] = Math.expm1(a[i]); return;
    case 'log': for (let i = 0; i < n; i++) o[i] = Math.log(a[i]); return;
    case 'log1p': for (let i = 0; i < n; i++) o[i] = Math.log1p(a[i]); return;
    case 'sqrt': for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]); return;
    case 'rsqrt': for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(a[i]); return;
    case 'square': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x * x; } return;
    case 'reciprocal': for (let i = 0; i < n; i++) o[i] = 1 / a[i]; return;
    case 'sin': for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]); return;
    case 'cos': for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]); return;
    case 'tanh': for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]); return;
    // Two branches so neither exp can overflow.
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const x = a[i];
        if (x >= 0) o[i] = 1 / (1 + Math.exp(-x));
        else { const e = Math.exp(x); o[i] = e / (1 + e); }
      }
      return;
    // `x === x` keeps NaN as NaN.
    case 'relu': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 0 ? x : x === x ? 0 : x; } return;
    case 'relu6': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 6 ? 6 : x > 0 ? x : x === x ? 0 : x; } return;
    case 'elu': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 0 ? x : Math.expm1(x); } return;
    case 'selu': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * Math.expm1(x); } return;
    case 'gelu': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = 0.5 * x * (1 + erfScalar(x * Math.SQRT1_2)); } return;
    case 'erf': for (let i = 0; i < n; i++) o[i] = erfScalar(a[i]); return;
    // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for very negative x.
    case 'softplus': for (let i = 0; i < n; i++) { const x = a[i]; o[i] = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); } return;
    case 'floor': for (let i = 0; i < n; i++) o[i] = Math.floor(a[i]); return;
    case 'ceil': for (let i = 0; i < n; i++) o[i] = Math.ceil(a[i]); return;
    case 'round': for (let i = 0; i < n; i++) o[i] = roundHalfEven(a[i]); return;
  }
}

export function unaryKernel(op: UnaryOp): (inputs: [Info], out: Info) => void {
  return ([x], out) => run(op, x.storage, out.storage, out.size);
}

export const neg = unaryKernel('neg');
export const abs = unaryKernel('abs');
export const sign = unaryKernel('sign');
export const exp = unaryKernel('exp');
export const expm1 = unaryKernel('expm1');
export const log = unaryKernel('log');
export const log1p = unaryKernel('log1p');
export const sqrt = unaryKernel('sqrt');
export const rsqrt = unaryKernel('rsqrt');
export const square = unaryKernel('square');
export const reciprocal = unaryKernel('reciprocal');
export const sin = unaryKernel('sin');
export const cos = unaryKernel('cos');
export const tanh = unaryKernel('tanh');
export const sigmoid = unaryKernel('sigmoid');
export const relu = unaryKernel('relu');
export const relu6 = unaryKernel('relu6');
export const elu = unaryKernel('elu');
export const selu = unaryKernel('selu');
export const gelu = unaryKernel('gelu');
export const erf = unaryKernel('erf');
export const softplus = unaryKernel('softplus');
export const floor = unaryKernel('floor');
export const ceil = unaryKernel('ceil');
export const round = unaryKernel('round');

export function leakyRelu([x]: [Info], out: Info, { alpha }: LeakyReluAttrs): void {
  const a = x.storage;
  const o = out.storage;
  for (let i = 0, n = out.size; i < n; i++) o[i] = a[i] > 0 ? a[i] : alpha * a[i];
}

/** Stores into the output's typed array, which converts (float to int32 truncates toward zero). */
export function cast([x]: [Info], out: Info): void {
  const a = x.storage;
  const o = out.storage;
  if (out.dtype === 'int32') {
    for (let i = 0, n = out.size; i < n; i++) o[i] = Math.trunc(a[i]);
  } else {
    o.set(a);
  }
}
