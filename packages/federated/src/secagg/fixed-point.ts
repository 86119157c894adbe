import { ArgumentError } from '@neurite/core';

/**
 * Real vectors as integers modulo 2^32 with `fractionBits` fractional bits,
 * so masked sums are exact: the ring wraps, masks cancel exactly, and the
 * sum of the encodings decodes to the sum of the rounded values as long as
 * the true sum stays inside (-2^31, 2^31) / 2^fractionBits.
 */
export class FixedPoint {
  readonly scale: number;
  /** The largest magnitude a sum may reach and still decode correctly. */
  readonly range: number;
  constructor(readonly fractionBits = 16) {
    if (!Number.isInteger(fractionBits) || fractionBits < 0 || fractionBits > 30) throw new ArgumentError(`FixedPoint: fractionBits must be an integer in [0, 30], got ${fractionBits}`);
    this.scale = 2 ** fractionBits;
    this.range = 2 ** 31 / this.scale;
  }

  encode(values: ArrayLike<number>): Uint32Array {
    const out = new Uint32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || Math.abs(v) >= this.range) throw new ArgumentError(`FixedPoint.encode: value ${v} at ${i} is outside (-${this.range}, ${this.range}) - clip the update or use fewer fraction bits`);
      out[i] = Math.round(v * this.scale) >>> 0;
    }
    return out;
  }

  /** Reads ring elements as signed 32-bit integers. */
  decode(ring: Uint32Array): Float64Array {
    const out = new Float64Array(ring.length);
    for (let i = 0; i < ring.length; i++) out[i] = (ring[i] | 0) / this.scale;
    return out;
  }
}

/** a + sign·b in the ring Z/2^32, in place in a. */
export function ringAddInPlace(a: Uint32Array, b: Uint32Array, sign: 1 | -1 = 1): void {
  if (sign === 1) for (let i = 0; i < a.length; i++) a[i] = (a[i] + b[i]) >>> 0;
  else for (let i = 0; i < a.length; i++) a[i] = (a[i] - b[i]) >>> 0;
}
