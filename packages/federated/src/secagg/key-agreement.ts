import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { ArgumentError } from '@neurite/core';

/*
 * X25519 (RFC 7748) key agreement for the pairwise masks, through Node's
 * OpenSSL. Keys travel as bigints (the 32 key bytes read big-endian), so
 * that a secret key can be Shamir-shared like any other field element and a
 * dropped client's pairwise keys can be recomputed from its reconstructed
 * secret.
 */

const KEY_BYTES = 32;
/** DER header of a PKCS#8 X25519 private key (RFC 8410); the 32 raw key bytes follow. */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** DER header of an SPKI X25519 public key (RFC 8410); the 32 raw key bytes follow. */
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

export function keyToBytes(key: bigint): Buffer {
  if (key < 0n || key >> BigInt(8 * KEY_BYTES) !== 0n) throw new ArgumentError(`X25519: a key is ${KEY_BYTES} bytes, got a ${key.toString(2).length}-bit number`);
  return Buffer.from(key.toString(16).padStart(2 * KEY_BYTES, '0'), 'hex');
}

export function bytesToKey(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
}

function privateKeyObject(secret: bigint): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, keyToBytes(secret)]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(publicKey: bigint): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, keyToBytes(publicKey)]), format: 'der', type: 'spki' });
}

/** The public key X25519(secret, 9) of a 32-byte secret. */
export function publicKeyOf(secret: bigint): bigint {
  const der = createPublicKey(privateKeyObject(secret)).export({ format: 'der', type: 'spki' });
  return bytesToKey(der.subarray(SPKI_X25519.length));
}

/** A fresh key pair from a byte source (the secret is 32 random bytes; X25519 clamps it itself). */
export function generateKeyPair(randomBytes: (n: number) => Uint8Array): { secret: bigint; publicKey: bigint } {
  const secret = bytesToKey(randomBytes(KEY_BYTES));
  return { secret, publicKey: publicKeyOf(secret) };
}

/**
 * The shared secret X25519(secret, peer): the same from both ends. A peer
 * key of small order (which would make the secret predictable) is refused.
 */
export function agree(secret: bigint, peerPublicKey: bigint): bigint {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: privateKeyObject(secret), publicKey: publicKeyObject(peerPublicKey) });
  } catch (e) {
    throw new ArgumentError(`X25519: no key agreement with public key ${peerPublicKey.toString(16)}: ${e instanceof Error ? e.message : String(e)} - the peer sent an invalid or small-order key`);
  }
  // OpenSSL refuses small-order points already; an all-zero secret would mean one got through.
  if (shared.every((b) => b === 0)) throw new ArgumentError('X25519: the peer sent a small-order public key (the shared secret is zero)');
  return bytesToKey(shared);
}
