import type { LeakyReluAttrs, TensorInfo, TypedArray } from '@neurite/core';
import { SELU_ALPHA, SELU_SCALE } from '@neurite/core';

type Info = TensorInfo<TypedArray>;

/** Builds an elementwise kernel from a scalar function. */
export function unaryKernel(f: (x: number) => number): (inputs: [Info], out: Info) => void {
  return ([x], out) => {
    const a = x.storage;
    const o = out.storage;
    for (let i = 0, n = out.size; i < n; i++) o[i] = f(a[i]);
  };
}

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

const sigmoidScalar = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** Round half to even, as NumPy does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const neg = unaryKernel((x) => -x);
export const abs = unaryKernel(Math.abs);
export const sign = unaryKernel((x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN));
export const exp = unaryKernel(Math.exp);
export const expm1 = unaryKernel(Math.expm1);
export const log = unaryKernel(Math.log);
export const log1p = unaryKernel(Math.log1p);
export const sqrt = unaryKernel(Math.sqrt);
export const rsqrt = unaryKernel((x) => 1 / Math.sqrt(x));
export const square = unaryKernel((x) => x * x);
export const reciprocal = unaryKernel((x) => 1 / x);
export const sin = unaryKernel(Math.sin);
export const cos = unaryKernel(Math.cos);
export const tanh = unaryKernel(Math.tanh);
export const sigmoid = unaryKernel(sigmoidScalar);
export const relu = unaryKernel((x) => (x > 0 ? x : x === x ? 0 : x));
export const relu6 = unaryKernel((x) => (x > 6 ? 6 : x > 0 ? x : x === x ? 0 : x));
export const elu = unaryKernel((x) => (x > 0 ? x : Math.expm1(x)));
export const selu = unaryKernel((x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x)));
export const gelu = unaryKernel((x) => 0.5 * x * (1 + erfScalar(x * Math.SQRT1_2)));
export const erf = unaryKernel(erfScalar);
// log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x, no loss for very negative x.
export const softplus = unaryKernel((x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
export const floor = unaryKernel(Math.floor);
export const ceil = unaryKernel(Math.ceil);
export const round = unaryKernel(roundHalfEven);

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
