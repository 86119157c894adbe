import { ArgumentError } from '@neurite/core';
import { PRIME, mod, modInverse, randomFieldElement } from './field.js';

/** One share of a secret: the polynomial's value y at the point x (x >= 1). */
export interface Share {
  x: number;
  y: bigint;
}

/**
 * Shamir's (t, n) secret sharing over GF(2^521 - 1): the secret is the
 * constant term of a random polynomial of degree t - 1, and share i is its
 * value at x = i. Any t shares give the secret back; t - 1 reveal nothing.
 */
export function share(secret: bigint, n: number, t: number, randomBytes: (n: number) => Uint8Array): Share[] {
  if (!Number.isInteger(t) || t < 1 || t > n) throw new ArgumentError(`shamir: threshold ${t} must be an integer in [1, ${n}]`);
  if (secret < 0n || secret >= PRIME) throw new ArgumentError('shamir: the secret must be a field element in [0, 2^521 - 1)');
  const coeffs = [secret];
  for (let i = 1; i < t; i++) coeffs.push(randomFieldElement(randomBytes));
  const out: Share[] = [];
  for (let x = 1; x <= n; x++) {
    // Horner's rule at x.
    let y = 0n;
    for (let k = coeffs.length - 1; k >= 0; k--) y = mod(y * BigInt(x) + coeffs[k]);
    out.push({ x, y });
  }
  return out;
}

/** The secret from at least t distinct shares: Lagrange interpolation at 0. */
export function reconstruct(shares: readonly Share[]): bigint {
  const xs = new Set(shares.map((s) => s.x));
  if (xs.size !== shares.length) throw new ArgumentError('shamir: two shares have the same x - pass distinct shares');
  let secret = 0n;
  for (let i = 0; i < shares.length; i++) {
    let num = 1n;
    let den = 1n;
    for (let j = 0; j < shares.length; j++) {
      if (i === j) continue;
      num = mod(num * BigInt(-shares[j].x));
      den = mod(den * BigInt(shares[i].x - shares[j].x));
    }
    secret = mod(secret + shares[i].y * num * modInverse(den));
  }
  return secret;
}
