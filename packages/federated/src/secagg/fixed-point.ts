import { ArgumentError } from '@neurite/core';

/** The widest ring supported: 4 words, Z/2^128 (sums up to ±2^127 in units of 2^-fractionBits). */
export const MAX_WORDS = 4;
const WORD = 2 ** 32;

/**
 * Real vectors as integers modulo 2^(32·words) with `fractionBits`
 * fractional bits, so masked sums are exact: the ring wraps, masks cancel
 * exactly, and the sum of the encodings decodes to the sum of the rounded
 * values as long as the true sum stays inside ±`range`. Each value takes
 * `words` 32-bit words, least significant first; `planFixedPoint` picks
 * the words and bits from declared bounds so that the sum always fits.
 */
export class FixedPoint {
  readonly scale: number;
  /** The largest magnitude a sum may reach and still decode correctly. */
  readonly range: number;
  constructor(
    readonly fractionBits = 16,
    readonly words = 1,
  ) {
    if (!Number.isInteger(words) || words < 1 || words > MAX_WORDS) throw new ArgumentError(`FixedPoint: words must be an integer in [1, ${MAX_WORDS}], got ${words}`);
    if (!Number.isInteger(fractionBits) || fractionBits < 0 || fractionBits > 32 * words - 2) throw new ArgumentError(`FixedPoint: fractionBits must be an integer in [0, ${32 * words - 2}] for ${words} word(s), got ${fractionBits}`);
    this.scale = 2 ** fractionBits;
    this.range = 2 ** (32 * words - 1) / this.scale;
  }

  encode(values: ArrayLike<number>): Uint32Array {
    const out = new Uint32Array(values.length * this.words);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v) || Math.abs(v) >= this.range) throw new ArgumentError(`FixedPoint.encode: value ${v} at ${i} is outside (-${this.range}, ${this.range}) - clip the update or use fewer fraction bits`);
      // Integer-valued doubles split exactly: x mod 2^32 and (x - w) / 2^32 round nothing at any magnitude.
      let x = Math.round(v * this.scale);
      for (let j = 0; j < this.words; j++) {
        const w = ((x % WORD) + WORD) % WORD;
        out[i * this.words + j] = w;
        x = (x - w) / WORD;
      }
    }
    return out;
  }

  /** Reads ring elements as signed integers (two's complement in 32·words bits). */
  decode(ring: Uint32Array): Float64Array {
    const n = ring.length / this.words;
    if (!Number.isInteger(n)) throw new ArgumentError(`FixedPoint.decode: ${ring.length} words is not a whole number of ${this.words}-word values`);
    const out = new Float64Array(n);
    const top = this.words - 1;
    for (let i = 0; i < n; i++) {
      let x = ring[i * this.words + top] | 0;
      for (let j = top - 1; j >= 0; j--) x = x * WORD + ring[i * this.words + j];
      out[i] = x / this.scale;
    }
    return out;
  }
}

/**
 * a + sign·b in the ring Z/2^(32·words), in place in a: each value is
 * `words` words, least significant first, with the carry kept inside it.
 */
export function ringAddInPlace(a: Uint32Array, b: Uint32Array, sign: 1 | -1 = 1, words = 1): void {
  if (words === 1) {
    if (sign === 1) for (let i = 0; i < a.length; i++) a[i] = (a[i] + b[i]) >>> 0;
    else for (let i = 0; i < a.length; i++) a[i] = (a[i] - b[i]) >>> 0;
    return;
  }
  for (let i = 0; i < a.length; i += words) {
    let carry = 0;
    for (let j = i; j < i + words; j++) {
      const s = a[j] + sign * b[j] + carry;
      a[j] = s >>> 0;
      carry = s >= WORD ? 1 : s < 0 ? -1 : 0;
    }
  }
}
