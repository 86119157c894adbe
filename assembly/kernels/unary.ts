import { F32, F64, I32, loadPart, storePart } from './common';
import { eluF32x4, reluF32x4, seluF32x4, sigmoidF32x4, softplusF32x4, tanhF32x4 } from './activation-lanes';
import { expF32x4, expm1F32x4 } from './expf';
import { log1pF32x4, logF32x4 } from './logf';

const NEG = 0, ABS = 1, SIGN = 2, EXP = 3, EXPM1 = 4, LOG = 5, LOG1P = 6, SQRT = 7, RSQRT = 8, SQUARE = 9;
const RECIPROCAL = 10, SIN = 11, COS = 12, TANH = 13, SIGMOID = 14, RELU = 15, RELU6 = 16, ELU = 17, SELU = 18;
const GELU = 19, ERF = 20, SOFTPLUS = 21, FLOOR = 22, CEIL = 23, ROUND = 24, LEAKY_RELU = 25;

/** SELU constants from Klambauer et al. 2017 (as in core). */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = SELU_SCALE * SELU_ALPHA;

/**
 * erf by W. J. Cody's rational approximations, accurate to f64 rounding (the
 * same as backend-js), so float64 gradient checks of erf and gelu hold.
 */
export function erf64(x: f64): f64 {
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

function erfcPositive(x: f64): f64 {
  let r: f64;
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

/**
 * Every op computes in f64 and rounds once to the output dtype, like
 * backend-js (whose numbers are doubles), so results agree to the last bit
 * in most cases; f32 is the storage format, not the arithmetic.
 */
@inline function apply(op: i32, x: f64, alpha: f64): f64 {
  switch (op) {
    case NEG: return -x;
    case ABS: return Math.abs(x);
    case SIGN: return x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : NaN;
    case EXP: return Math.exp(x);
    case EXPM1: return Math.expm1(x);
    case LOG: return Math.log(x);
    case LOG1P: return Math.log1p(x);
    case SQRT: return Math.sqrt(x);
    case RSQRT: return 1 / Math.sqrt(x);
    case SQUARE: return x * x;
    case RECIPROCAL: return 1 / x;
    case SIN: return Math.sin(x);
    case COS: return Math.cos(x);
    case TANH: return Math.tanh(x);
    // Two branches so neither exp can overflow.
    case SIGMOID: {
      if (x >= 0) return 1 / (1 + Math.exp(-x));
      const e = Math.exp(x);
      return e / (1 + e);
    }
    // `x == x` keeps NaN as NaN.
    case RELU: return x > 0 ? x : x == x ? 0 : x;
    case RELU6: return x > 6 ? 6 : x > 0 ? x : x == x ? 0 : x;
    case ELU: return x > 0 ? x : Math.expm1(x);
    case SELU: return x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * Math.expm1(x);
    case GELU: return 0.5 * x * (1 + erf64(x * Math.SQRT1_2));
    case ERF: return erf64(x);
    // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, no loss for very negative x.
    case SOFTPLUS: return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case FLOOR: return Math.floor(x);
    case CEIL: return Math.ceil(x);
    // Round half to even (wasm's `nearest`), as NumPy does.
    case ROUND: return nearest<f64>(x);
    case LEAKY_RELU: return x > 0 ? x : alpha * x;
  }
  return NaN;
}

@inline function loop<T>(op: i32, x: usize, o: usize, n: i32, alpha: f64): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i * sizeof<T>();
    const y = apply(op, <f64>load<T>(x + off), alpha);
    // An int32 result that is not finite stores 0, as an Int32Array does.
    store<T>(o + off, isInteger<T>() && !isFinite(y) ? <T>0 : <T>y);
  }
}

/**
 * float32 relu without a branch (the scalar build): the bits where v <= 0 are
 * cleared (+0), the rest (positive or NaN) kept. The f64 loop's branches
 * mispredicted on mixed signs: 6.9 ms for 1M floats.
 */
function reluBits(x: usize, o: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const v = load<f32>(x + off);
    store<i32>(o + off, reinterpret<i32>(v) & (i32(v <= 0) - 1));
  }
}

/**
 * The switch is outside the loops: each case inlines `loop` with a constant
 * op, so the optimizer folds `apply` down to that op's arithmetic.
 */
function unaryT<T>(op: i32, x: usize, o: usize, n: i32, alpha: f64): void {
  if (ASC_FEATURE_SIMD) {
    if (sizeof<T>() == 4 && !isInteger<T>() && (unaryF32x4(op, x, o, n) || transcendentalF32x4(op, x, o, n))) return;
  }
  if (sizeof<T>() == 4 && !isInteger<T>() && op == RELU) {
    reluBits(x, o, n);
    return;
  }
  switch (op) {
    case NEG: loop<T>(NEG, x, o, n, alpha); return;
    case ABS: loop<T>(ABS, x, o, n, alpha); return;
    case SIGN: loop<T>(SIGN, x, o, n, alpha); return;
    case EXP: loop<T>(EXP, x, o, n, alpha); return;
    case EXPM1: loop<T>(EXPM1, x, o, n, alpha); return;
    case LOG: loop<T>(LOG, x, o, n, alpha); return;
    case LOG1P: loop<T>(LOG1P, x, o, n, alpha); return;
    case SQRT: loop<T>(SQRT, x, o, n, alpha); return;
    case RSQRT: loop<T>(RSQRT, x, o, n, alpha); return;
    case SQUARE: loop<T>(SQUARE, x, o, n, alpha); return;
    case RECIPROCAL: loop<T>(RECIPROCAL, x, o, n, alpha); return;
    case SIN: loop<T>(SIN, x, o, n, alpha); return;
    case COS: loop<T>(COS, x, o, n, alpha); return;
    case TANH: loop<T>(TANH, x, o, n, alpha); return;
    case SIGMOID: loop<T>(SIGMOID, x, o, n, alpha); return;
    case RELU: loop<T>(RELU, x, o, n, alpha); return;
    case RELU6: loop<T>(RELU6, x, o, n, alpha); return;
    case ELU: loop<T>(ELU, x, o, n, alpha); return;
    case SELU: loop<T>(SELU, x, o, n, alpha); return;
    case GELU: loop<T>(GELU, x, o, n, alpha); return;
    case ERF: loop<T>(ERF, x, o, n, alpha); return;
    case SOFTPLUS: loop<T>(SOFTPLUS, x, o, n, alpha); return;
    case FLOOR: loop<T>(FLOOR, x, o, n, alpha); return;
    case CEIL: loop<T>(CEIL, x, o, n, alpha); return;
    case ROUND: loop<T>(ROUND, x, o, n, alpha); return;
    case LEAKY_RELU: loop<T>(LEAKY_RELU, x, o, n, alpha); return;
  }
}

/*
 * The ops that are exact in f32 lanes (no rounding difference from f64 then
 * round), over whole blocks of 16 floats: one function per op, four f32x4 per
 * iteration on bumped pointers. The earlier shared loop tested the op on
 * every vector (neither binaryen nor V8 unswitches loops; binaryen even made
 * it compute sqrt and relu both, then select) and ran relu at half the speed
 * of tfjs-backend-wasm. Each block is read before it is written, so o may be x.
 */

/** relu, the activation of every layer, takes 8 vectors a turn: ~5% faster than 4 on 1M floats (add gained nothing from 8). */
function reluBlocks(x: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  // Whole 32-float blocks, then at most one 16-float block.
  const end32 = end - ((end - o) & 64);
  for (; o < end32; x += 128, o += 128) {
    const v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    const v4 = v128.load(x, 64), v5 = v128.load(x, 80), v6 = v128.load(x, 96), v7 = v128.load(x, 112);
    v128.store(o, reluF32x4(v0));
    v128.store(o, reluF32x4(v1), 16);
    v128.store(o, reluF32x4(v2), 32);
    v128.store(o, reluF32x4(v3), 48);
    v128.store(o, reluF32x4(v4), 64);
    v128.store(o, reluF32x4(v5), 80);
    v128.store(o, reluF32x4(v6), 96);
    v128.store(o, reluF32x4(v7), 112);
  }
  if (o < end) {
    const v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    v128.store(o, reluF32x4(v0));
    v128.store(o, reluF32x4(v1), 16);
    v128.store(o, reluF32x4(v2), 32);
    v128.store(o, reluF32x4(v3), 48);
  }
}

function negBlocks(x: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += 64, o += 64) {
    const v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    v128.store(o, f32x4.neg(v0));
    v128.store(o, f32x4.neg(v1), 16);
    v128.store(o, f32x4.neg(v2), 32);
    v128.store(o, f32x4.neg(v3), 48);
  }
}

function absBlocks(x: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += 64, o += 64) {
    const v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    v128.store(o, f32x4.abs(v0));
    v128.store(o, f32x4.abs(v1), 16);
    v128.store(o, f32x4.abs(v2), 32);
    v128.store(o, f32x4.abs(v3), 48);
  }
}

function squareBlocks(x: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += 64, o += 64) {
    const v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    v128.store(o, f32x4.mul(v0, v0));
    v128.store(o, f32x4.mul(v1, v1), 16);
    v128.store(o, f32x4.mul(v2, v2), 32);
    v128.store(o, f32x4.mul(v3, v3), 48);
  }
}

function sqrtBlocks(x: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += 64, o += 64) {
    const v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    v128.store(o, f32x4.sqrt(v0));
    v128.store(o, f32x4.sqrt(v1), 16);
    v128.store(o, f32x4.sqrt(v2), 32);
    v128.store(o, f32x4.sqrt(v3), 48);
  }
}

function unaryF32x4(op: i32, x: usize, o: usize, n: i32): bool {
  if (!ASC_FEATURE_SIMD) return false;
  const done = n & ~15;
  const end = o + (<usize>done << 2);
  switch (op) {
    case RELU: reluBlocks(x, o, end); break;
    case NEG: negBlocks(x, o, end); break;
    case ABS: absBlocks(x, o, end); break;
    case SQUARE: squareBlocks(x, o, end); break;
    case SQRT: sqrtBlocks(x, o, end); break;
    default: return false;
  }
  // The tail (< 16) in f64 then rounded: exact for these ops, so the same values.
  for (let i = done; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(o + off, <f32>apply(op, <f64>load<f32>(x + off), 0));
  }
  return true;
}

/** One f32x4 of a transcendental op (expf.ts, logf.ts, activation-lanes.ts). */
@inline function transcendentalLanes(op: i32, v: v128): v128 {
  switch (op) {
    case EXP: return expF32x4(v);
    case EXPM1: return expm1F32x4(v);
    case SIGMOID: return sigmoidF32x4(v);
    case TANH: return tanhF32x4(v);
    case ELU: return eluF32x4(v);
    case SELU: return seluF32x4(v);
    case LOG: return logF32x4(v);
    case LOG1P: return log1pF32x4(v);
    default: return softplusF32x4(v);
  }
}

/**
 * exp, expm1, log, log1p, sigmoid, tanh, elu, selu and softplus of float32
 * in f32x4 lanes, within 1-2 ulp of the f64 loop (transcendental.test.ts; core's conformance holds
 * them to its TRANSCENDENTAL tolerance) and 4-9x faster: Math.exp in f64 per
 * element made sigmoid on 1M floats 11x slower than tfjs-backend-wasm. The op
 * is tested per vector, a predictable branch beside ~30 instructions of
 * arithmetic (a loop per op measured no faster). The tail (< 4) goes through
 * the same lanes, so every element gets the same approximation. Vectors are
 * read before their slots are written, so o may be x.
 */
function transcendentalF32x4(op: i32, x: usize, o: usize, n: i32): bool {
  if (!ASC_FEATURE_SIMD) return false;
  if (op != EXP && op != EXPM1 && op != SIGMOID && op != TANH && op != ELU && op != SELU && op != LOG && op != LOG1P && op != SOFTPLUS) return false;
  // Two vectors a turn: their independent chains of ~30 dependent operations
  // overlap better (~10% faster measured on 1M floats; four gained nothing more).
  const end8 = o + (<usize>(n & ~7) << 2);
  for (; o < end8; x += 32, o += 32) {
    const a = transcendentalLanes(op, v128.load(x));
    const b = transcendentalLanes(op, v128.load(x, 16));
    v128.store(o, a);
    v128.store(o, b, 16);
  }
  if ((n & 4) != 0) {
    v128.store(o, transcendentalLanes(op, v128.load(x)));
    x += 16;
    o += 16;
  }
  const rest = n & 3;
  if (rest > 0) storePart(o, transcendentalLanes(op, loadPart(x, rest, 0)), rest);
  return true;
}

export function unary(op: i32, dt: i32, x: usize, o: usize, n: i32, alpha: f64): void {
  if (dt == F32) unaryT<f32>(op, x, o, n, alpha);
  else if (dt == I32) unaryT<i32>(op, x, o, n, alpha);
  else unaryT<f64>(op, x, o, n, alpha);
}

/** Converts to the output dtype; float to int32 truncates toward zero (NaN gives 0). */
export function cast(from: i32, to: i32, x: usize, o: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    let v: f64;
    if (from == F32) v = <f64>load<f32>(x + (<usize>i << 2));
    else if (from == I32) v = <f64>load<i32>(x + (<usize>i << 2));
    else v = load<f64>(x + (<usize>i << 3));
    if (to == F32) store<f32>(o + (<usize>i << 2), <f32>v);
    else if (to == I32) store<i32>(o + (<usize>i << 2), isFinite(v) ? <i32>v : 0);
    else store<f64>(o + (<usize>i << 3), v);
  }
}
