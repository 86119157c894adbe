import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { flowerTimestamp, generateNodeKey, loadNodeKey, p1363ToDer } from './node-auth.js';

describe('node auth keys', () => {
  it('loads a PKCS#8 EC key: its public key is the one derived by OpenSSL, and its signatures verify', async () => {
    for (const namedCurve of ['secp384r1', 'prime256v1']) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
      const key = await loadNodeKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      expect(new TextDecoder().decode(key.publicKeyPem)).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
      const signature = await key.sign('2026-12-08T01:04:03.339123+00:00');
      expect(verify('sha256', Buffer.from('2026-12-08T01:04:03.339123+00:00'), publicKey, signature)).toBe(true);
    }
  });

  it('generates P-384 keys, as Flower does', async () => {
    const key = await generateNodeKey();
    expect(createPublicKey(Buffer.from(key.publicKeyPem)).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
  });

  it('says how to convert keys in other formats', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    await expect(loadNodeKey(privateKey.export({ type: 'sec1', format: 'pem' }).toString())).rejects.toThrow(/openssl pkcs8 -topk8/);
    await expect(loadNodeKey('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----')).rejects.toThrow(/ssh-keygen -p/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(loadNodeKey(rsa)).rejects.toThrow(ArgumentError);
  });

  it('encodes r||s as DER with the sign padding and leading-zero rules', () => {
    const r = new Uint8Array(48).fill(0);
    r[47] = 5;
    const s = new Uint8Array(48).fill(0xff);
    const der = p1363ToDer(new Uint8Array([...r, ...s]));
    // SEQUENCE { INTEGER 05, INTEGER 00 ff*48 }
    expect([...der.subarray(0, 7)]).toEqual([0x30, 3 + 2 + 49, 0x02, 0x01, 0x05, 0x02, 49]);
    expect(der[7]).toBe(0);
    expect(der.length).toBe(2 + 3 + 51);
  });

  it("writes timestamps as Python's isoformat of a UTC time", () => {
    expect(flowerTimestamp(new Date(Date.UTC(2026, 11, 8, 1, 4, 3, 339)))).toBe('2026-12-08T01:04:03.339000+00:00');
  });
});
