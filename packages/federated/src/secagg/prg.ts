import { createCipheriv, createHash } from 'node:crypto';

/**
 * A pseudorandom stream of 32-bit words from a seed: AES-128 in counter
 * mode keyed by SHA-256 of the seed and a label, encrypting zeros. The
 * same seed and label give the same mask on every machine.
 */
export function expandSeed(seed: bigint, label: string, words: number): Uint32Array {
  const key = createHash('sha256').update(`${label}:${seed.toString(16)}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const bytes = cipher.update(Buffer.alloc(words * 4));
  const out = new Uint32Array(words);
  for (let i = 0; i < words; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** Random bytes from a seeded stream, for reproducible protocol runs in tests and simulations. */
export function seededBytes(seed: number): (n: number) => Uint8Array {
  let counter = 0n;
  return (n: number) => {
    const words = expandSeed(BigInt(seed) * 1_000_003n + counter++, 'bytes', Math.ceil(n / 4));
    return new Uint8Array(words.buffer, 0, n);
  };
}
