import { describe, expect, it } from 'vitest';
import { FixedPoint } from './fixed-point.js';
import { PRIME } from './field.js';
import { agree, bytesToKey, keyToBytes, publicKeyOf } from './key-agreement.js';
import { expandSeed, seededBytes } from './prg.js';
import { reconstruct, share } from './shamir.js';
import { SecureAggregationError, secureSum, type SecAggServer } from './secure-aggregation.js';

const bytes = (id: number) => seededBytes(1000 + id);

function inputs(n: number, length: number): Map<number, Float64Array> {
  const m = new Map<number, Float64Array>();
  for (let id = 0; id < n; id++) m.set(id, Float64Array.from({ length }, (_, i) => Math.sin(id * 7 + i) * (id + 1)));
  return m;
}

/** The exact sum of the fixed-point roundings: what the protocol must return, bit for bit. */
function expectedSum(xs: Map<number, Float64Array>, ids: number[], fp: FixedPoint): Float64Array {
  const length = xs.get(ids[0])!.length;
  const out = new Float64Array(length);
  for (const id of ids) {
    const x = xs.get(id)!;
    for (let i = 0; i < length; i++) out[i] += Math.round(x[i] * fp.scale);
  }
  return out.map((v) => v / fp.scale);
}

describe('X25519 key agreement (RFC 7748)', () => {
  // RFC 7748, section 6.1.
  const alice = { secret: 0x77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2an, publicKey: 0x8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6an };
  const bob = { secret: 0x5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0ebn, publicKey: 0xde9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4fn };
  const shared = 0x4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742n;

  it('gives the RFC test vector: public keys and the shared secret from both ends', () => {
    expect(publicKeyOf(alice.secret)).toBe(alice.publicKey);
    expect(publicKeyOf(bob.secret)).toBe(bob.publicKey);
    expect(agree(alice.secret, bob.publicKey)).toBe(shared);
    expect(agree(bob.secret, alice.publicKey)).toBe(shared);
  });

  it('keeps leading zero bytes of a key', () => {
    const k = 0x00ff00000000000000000000000000000000000000000000000000000000000an;
    expect(bytesToKey(keyToBytes(k))).toBe(k);
    expect(keyToBytes(k).length).toBe(32);
    expect(() => keyToBytes(1n << 256n)).toThrow(/32 bytes/);
  });

  it('refuses a small-order public key (the shared secret would be known to anyone)', () => {
    // u = 0 and u = 1 are points of small order on Curve25519.
    expect(() => agree(alice.secret, 0n)).toThrow(/small-order|invalid/);
    expect(() => agree(alice.secret, 1n << 248n)).toThrow(/small-order|invalid/);
  });
});

describe('Shamir secret sharing over GF(2^521 - 1)', () => {
  it('any t shares give the secret back; t - 1 give something else', () => {
    // A 32-byte secret, the size of an X25519 secret key.
    const secret = 0x77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2an;
    expect(secret < PRIME).toBe(true);
    const shares = share(secret, 7, 4, seededBytes(1));
    expect(reconstruct(shares.slice(0, 4))).toBe(secret);
    expect(reconstruct([shares[6], shares[1], shares[3], shares[4]])).toBe(secret);
    expect(reconstruct(shares)).toBe(secret);
    expect(reconstruct(shares.slice(0, 3))).not.toBe(secret);
  });
});

describe('the PRG and the fixed-point ring', () => {
  it('expands a seed deterministically, differently per seed and label', () => {
    expect(Array.from(expandSeed(5n, 'pair', 8))).toEqual(Array.from(expandSeed(5n, 'pair', 8)));
    expect(Array.from(expandSeed(5n, 'pair', 8))).not.toEqual(Array.from(expandSeed(6n, 'pair', 8)));
    expect(Array.from(expandSeed(5n, 'pair', 8))).not.toEqual(Array.from(expandSeed(5n, 'self', 8)));
  });
  it('round-trips values and wraps negative ones in the ring', () => {
    const fp = new FixedPoint(16);
    expect(Array.from(fp.decode(fp.encode([1.5, -2.25, 0])))).toEqual([1.5, -2.25, 0]);
    expect(() => fp.encode([40000])).toThrow(/outside/);
    expect(() => fp.encode([NaN])).toThrow(/outside/);
  });
});

describe('secure aggregation (Bonawitz et al. 2017)', () => {
  it('the server gets the exact sum and never an input in the clear', () => {
    const xs = inputs(6, 50);
    const fp = new FixedPoint(16);
    let server: SecAggServer | undefined;
    const { sum, included } = secureSum(xs, { randomBytes: bytes, fixedPoint: fp, inspect: (s) => (server = s) });
    expect(included).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(sum)).toEqual(Array.from(expectedSum(xs, included, fp)));
    // Every masked input the server held differs from the client's encoding almost everywhere, and decodes to garbage.
    for (const [id, y] of server!.masked) {
      const clear = fp.encode(xs.get(id)!);
      let same = 0;
      for (let i = 0; i < y.length; i++) if (y[i] === clear[i]) same++;
      expect(same).toBeLessThanOrEqual(1);
      const decoded = fp.decode(y);
      expect(Math.max(...decoded.map(Math.abs))).toBeGreaterThan(1000);
    }
    // Nor does any partial sum of masked inputs reveal a client: the sum of all but one is masked too.
    const partial = new Uint32Array(50);
    for (const [id, y] of server!.masked) if (id !== 0) for (let i = 0; i < 50; i++) partial[i] = (partial[i] + y[i]) >>> 0;
    const clearPartial = fp.encode(expectedSum(xs, [1, 2, 3, 4, 5], fp));
    expect(Array.from(partial).filter((v, i) => v === clearPartial[i]).length).toBeLessThanOrEqual(1);
  });

  it('recovers the exact sum of the survivors when clients drop before sending their masked input', () => {
    const xs = inputs(7, 30);
    const fp = new FixedPoint(16);
    const { sum, included } = secureSum(xs, { randomBytes: bytes, fixedPoint: fp, threshold: 4, dropBeforeMasking: [1, 5] });
    expect(included).toEqual([0, 2, 3, 4, 6]);
    expect(Array.from(sum)).toEqual(Array.from(expectedSum(xs, included, fp)));
  });

  it('still unmasks when some survivors do not answer the unmasking, as long as t do', () => {
    const xs = inputs(7, 10);
    const fp = new FixedPoint(16);
    const { sum, included } = secureSum(xs, { randomBytes: bytes, fixedPoint: fp, threshold: 4, dropBeforeMasking: [3], dropBeforeUnmasking: [0, 6] });
    // clients 0 and 6 sent masked inputs, so their values are in the sum even though they left afterwards
    expect(included).toEqual([0, 1, 2, 4, 5, 6]);
    expect(Array.from(sum)).toEqual(Array.from(expectedSum(xs, included, fp)));
  });

  it('fails loudly when fewer than t clients remain to unmask', () => {
    const xs = inputs(5, 4);
    expect(() => secureSum(xs, { randomBytes: bytes, threshold: 4, dropBeforeMasking: [0, 1] })).toThrow(SecureAggregationError);
  });
});
