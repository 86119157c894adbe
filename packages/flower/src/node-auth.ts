import { ArgumentError } from '@neurite/core';

/**
 * A SuperNode's identity as Flower 1.42 checks it on every Fleet call: an EC
 * key pair; the public key (PEM SubjectPublicKeyInfo) travels with each call
 * together with the call's timestamp and an ECDSA-SHA256 signature of it.
 * WebCrypto only, so the same code signs in a browser.
 */
export interface NodeKey {
  /** PEM text of the public key, as bytes (what Register/ActivateNode carry). */
  readonly publicKeyPem: Uint8Array;
  /** DER-encoded ECDSA-SHA256 signature of `text`'s ASCII bytes (what Python's `cryptography` verifies). */
  sign(text: string): Promise<Uint8Array>;
}

export interface SignedHeaders {
  readonly publicKeyPem: Uint8Array;
  readonly timestamp: string;
  readonly signature: Uint8Array;
}

const CURVES = ['P-384', 'P-256', 'P-521'] as const;

// Typed from the global so the package needs neither the DOM lib nor node:crypto's types.
type Subtle = typeof globalThis.crypto.subtle;
type Key = Parameters<Subtle['exportKey']>[1];

function subtle(): Subtle {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new ArgumentError('node auth: WebCrypto (crypto.subtle) is not available - use Node 20+ or a browser page served over https');
  return s;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function pem(label: string, der: ArrayBuffer): Uint8Array {
  const lines = toBase64(new Uint8Array(der)).match(/.{1,64}/g) ?? [];
  return new TextEncoder().encode(`-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`);
}

/** One DER INTEGER from an unsigned big-endian number. */
function derInteger(bytes: Uint8Array): number[] {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = [...bytes.subarray(i)];
  if (v[0]! & 0x80) v.unshift(0);
  return [0x02, ...derLength(v.length), ...v];
}

function derLength(n: number): number[] {
  return n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
}

/** WebCrypto signs as r‖s (IEEE P1363); Flower's Python verifies DER SEQUENCE { r, s }. */
export function p1363ToDer(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  const body = [...derInteger(signature.subarray(0, half)), ...derInteger(signature.subarray(half))];
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
}

async function fromPrivateKey(key: Key, curve: string): Promise<NodeKey> {
  const s = subtle();
  const { d: _d, key_ops: _ops, ...publicJwk } = await s.exportKey('jwk', key);
  const publicKey = await s.importKey('jwk', { ...publicJwk, key_ops: ['verify'] }, { name: 'ECDSA', namedCurve: curve }, true, ['verify']);
  const publicKeyPem = pem('PUBLIC KEY', await s.exportKey('spki', publicKey));
  return {
    publicKeyPem,
    async sign(text) {
      const raw = await s.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(text));
      return p1363ToDer(new Uint8Array(raw));
    },
  };
}

/** A throw-away identity on SECP384R1, as a Flower SuperNode makes when it has no key configured. */
export async function generateNodeKey(): Promise<NodeKey> {
  const pair = await subtle().generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
  return fromPrivateKey(pair.privateKey, 'P-384');
}

/** An identity from the PEM of an EC private key in PKCS#8 form (`-----BEGIN PRIVATE KEY-----`). */
export async function loadNodeKey(privateKeyPem: string): Promise<NodeKey> {
  const match = /-----BEGIN ([A-Z ]+)-----([\s\S]*?)-----END \1-----/.exec(privateKeyPem);
  const label = match?.[1];
  if (label !== 'PRIVATE KEY') {
    const hint =
      label === 'OPENSSH PRIVATE KEY'
        ? "convert it in place with `ssh-keygen -p -N '' -m PKCS8 -f KEY`"
        : label === 'EC PRIVATE KEY'
          ? 'convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem`'
          : 'make one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out KEY.pem`';
    throw new ArgumentError(`node auth key: expected a PEM 'PRIVATE KEY' (PKCS#8, EC), found ${label ? `'${label}'` : 'no PEM block'} - ${hint}`);
  }
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(match![2]!.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    throw new ArgumentError('node auth key: the PEM body is not base64 - the file is damaged; make a new key');
  }
  for (const curve of CURVES) {
    try {
      const key = await subtle().importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curve }, true, ['sign']);
      return await fromPrivateKey(key, curve);
    } catch {
      // Another curve, or not an EC key: try the next.
    }
  }
  throw new ArgumentError(`node auth key: not an EC private key on ${CURVES.join(', ')} - Flower's node keys are ECDSA; make one with \`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out KEY.pem\``);
}

/** Flower parses the timestamp with Python's datetime.fromisoformat and expects UTC; microseconds as Python writes them. */
export function flowerTimestamp(now = new Date()): string {
  return now.toISOString().replace('Z', '000+00:00');
}

export async function signNow(key: NodeKey, now = new Date()): Promise<SignedHeaders> {
  const timestamp = flowerTimestamp(now);
  return { publicKeyPem: key.publicKeyPem, timestamp, signature: await key.sign(timestamp) };
}

export { toBase64 };
