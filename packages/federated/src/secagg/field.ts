import { ArgumentError } from '@neurite/core';

/**
 * The Mersenne prime 2^521 - 1: Shamir shares live in the field of integers
 * modulo it. It must hold the secrets being shared, 32-byte X25519 secret
 * keys and 32-byte self-mask seeds, as single field elements.
 */
export const PRIME = (1n << 521n) - 1n;
const BITS = 521n;
const BYTES = 66; // ceil(521 / 8)

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

/** A uniform field element from a byte source (rejection sampling on 521-bit draws). */
export function randomFieldElement(randomBytes: (n: number) => Uint8Array): bigint {
  for (;;) {
    const v = BigInt(`0x${Buffer.from(randomBytes(BYTES)).toString('hex')}`) & ((1n << BITS) - 1n);
    if (v < PRIME) return v;
  }
}
