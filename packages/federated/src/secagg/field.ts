import { ArgumentError } from '@neurite/core';

/** The Mersenne prime 2^61 - 1: Shamir shares and the key agreement live in the field of integers modulo it. */
export const PRIME = (1n << 61n) - 1n;
/** The base of the Diffie-Hellman key agreement mod PRIME (a toy group: see secure-aggregation.ts). */
export const GENERATOR = 37n;

export function mod(a: bigint, p: bigint = PRIME): bigint {
  const r = a % p;
  return r < 0n ? r + p : r;
}

export function modPow(base: bigint, exp: bigint, p: bigint = PRIME): bigint {
  let result = 1n;
  let b = mod(base, p);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % p;
    b = (b * b) % p;
    e >>= 1n;
  }
  return result;
}

/** a^-1 mod p by Fermat's little theorem (p prime). */
export function modInverse(a: bigint, p: bigint = PRIME): bigint {
  if (mod(a, p) === 0n) throw new ArgumentError('modInverse: zero has no inverse');
  return modPow(a, p - 2n, p);
}

/** A uniform field element from a byte source (rejection sampling on 61-bit draws). */
export function randomFieldElement(randomBytes: (n: number) => Uint8Array): bigint {
  for (;;) {
    const b = randomBytes(8);
    let v = 0n;
    for (const x of b) v = (v << 8n) | BigInt(x);
    v &= PRIME; // keep 61 bits
    if (v < PRIME) return v;
  }
}
