import { ArgumentError } from '@neurite/core';
import { FixedPoint, MAX_WORDS } from './fixed-point.js';

export interface SumBounds {
  /** How many inputs the sum may hold at most. */
  clients: number;
  /** The largest |value| any one input may hold in any coordinate. */
  maxValue: number;
  /** Fraction bits wanted (the rounding step of one input is 2^-fractionBits). */
  fractionBits: number;
  /** Where the bound comes from, for the error message: e.g. 'maxExamples 1000 × maxUpdateNorm 10'. */
  from: string;
}

/**
 * The smallest ring (in 32-bit words) whose signed range holds any sum the
 * bounds allow: each encoding is at most maxValue·2^f + 1/2 in magnitude,
 * so the sum of `clients` of them is too, times `clients`; one more bit is
 * kept for the sign. Refused, before anything is masked, when even the
 * widest ring is too narrow: a wrapped sum would decode to a wrong model
 * without any error.
 */
export function planFixedPoint(b: SumBounds): FixedPoint {
  const { clients, maxValue, fractionBits } = b;
  if (!(Number.isSafeInteger(clients) && clients >= 1)) throw new ArgumentError(`secure aggregation: the number of clients must be an integer >= 1, got ${clients}`);
  if (!(Number.isFinite(maxValue) && maxValue >= 0)) throw new ArgumentError(`secure aggregation: the bound on one input (${b.from}) is ${maxValue}, expected a finite number >= 0 - declare finite bounds`);
  if (!(Number.isInteger(fractionBits) && fractionBits >= 0 && fractionBits <= 64)) throw new ArgumentError(`secure aggregation: fractionBits must be an integer in [0, 64], got ${fractionBits}`);
  const largestSum = clients * (maxValue * 2 ** fractionBits + 0.5);
  // log2 of a double is exact enough here: the +1 covers its rounding and ceil's boundary.
  const bits = Math.ceil(Math.log2(largestSum + 1)) + 2;
  const words = Math.max(1, Math.ceil(bits / 32));
  if (!Number.isFinite(largestSum) || words > MAX_WORDS) {
    throw new ArgumentError(
      `secure aggregation: ${clients} clients with inputs up to ${maxValue.toExponential(3)} (${b.from}) and ${fractionBits} fraction bits need a ${bits}-bit ring, at most ${32 * MAX_WORDS} are supported - lower the declared bounds (maxExamples, limits.maxUpdateNorm or the DP clipping norm) or secureAggregation.fractionBits`,
    );
  }
  return new FixedPoint(fractionBits, words);
}
