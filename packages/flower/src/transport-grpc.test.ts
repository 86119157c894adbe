import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { RegisterNodeFleetRequestSchema, RegisterNodeFleetResponseSchema } from './gen/flwr/proto/fleet_pb.js';
import { FleetUnavailableError, FleetVersionError, FLOWER_VERSION } from './fleet-transport.js';
import { generateNodeKey } from './node-auth.js';
import { grpcTransport } from './transport-grpc.js';
import { httpTransport } from './transport-http.js';

const servers: { close(): void }[] = [];
afterAll(() => servers.forEach((s) => s.close()));

const identity = (b: Buffer) => b;

/** A gRPC server with only Fleet/RegisterNode; it keeps the metadata of each call. */
async function fakeGrpcFleet(credentials = ServerCredentials.createInsecure()): Promise<{ address: string; seen: Metadata[] }> {
  const seen: Metadata[] = [];
  const server = new Server();
  server.register(
    '/flwr.proto.Fleet/RegisterNode',
    (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      seen.push(call.metadata);
      const req = fromBinary(RegisterNodeFleetRequestSchema, call.request);
      if (!req.publicKey.length) return callback({ code: status.INVALID_ARGUMENT, details: 'no key' });
      callback(null, Buffer.from(toBinary(RegisterNodeFleetResponseSchema, create(RegisterNodeFleetResponseSchema, { nodeId: 2n ** 63n + 5n }))));
    },
    identity,
    identity,
    'unary',
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  servers.push({ close: () => server.forceShutdown() });
  return { address: `127.0.0.1:${port}`, seen };
}

describe('gRPC transport', () => {
  it('signs each call in metadata as flwr 1.42 checks it (-bin keys carry the raw PEM and DER signature) and keeps uint64 node ids exact', async () => {
    const fleet = await fakeGrpcFleet();
    const key = await generateNodeKey();
    const t = grpcTransport({ address: fleet.address, key, insecure: true });
    try {
      const res = await t.call('registerNode', { publicKey: key.publicKeyPem });
      expect(res.nodeId).toBe(2n ** 63n + 5n);
      const md = fleet.seen[0]!;
      const pem = md.get('flwr-public-key-bin')[0] as Buffer;
      expect(pem.equals(Buffer.from(key.publicKeyPem))).toBe(true);
      const timestamp = String(md.get('flwr-timestamp')[0]);
      const signature = md.get('flwr-signature-bin')[0] as Buffer;
      expect(verify('sha256', Buffer.from(timestamp, 'ascii'), createPublicKey(pem), signature)).toBe(true);
      expect(md.get('flwr-package-version')).toEqual([FLOWER_VERSION]);
    } finally {
      t.close();
    }
  });

  it('reports a method the server does not implement as another Flower version, and a dead address as unavailable', async () => {
    const fleet = await fakeGrpcFleet();
    const key = await generateNodeKey();
    const t = grpcTransport({ address: fleet.address, key, insecure: true });
    await expect(t.call('pullMessages', { node: { nodeId: 1n } })).rejects.toThrow(FleetVersionError);
    t.close();
    const dead = grpcTransport({ address: '127.0.0.1:1', key, insecure: true });
    await expect(dead.call('registerNode', { publicKey: key.publicKeyPem }, { timeoutMs: 3000 })).rejects.toThrow(FleetUnavailableError);
    dead.close();
  });
});

describe('TLS with a root certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-flower-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let tls: { ca: string; key: string; cert: string } | undefined;
  try {
    // A CA and a server certificate for 127.0.0.1 signed by it.
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=neurite-test-ca');
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf');
    tls = { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') };
  } catch (err) {
    console.warn(`TLS tests skipped: openssl could not make a test CA (${(err as Error).message.split('\n')[0]}) - install openssl`);
  }

  it.skipIf(!tls)('gRPC: connects with the CA, and is refused without it', async () => {
    const fleet = await fakeGrpcFleet(ServerCredentials.createSsl(null, [{ private_key: Buffer.from(tls!.key), cert_chain: Buffer.from(tls!.cert) }]));
    const key = await generateNodeKey();
    const ok = grpcTransport({ address: fleet.address, key, rootCertificates: tls!.ca });
    await expect(ok.call('registerNode', { publicKey: key.publicKeyPem })).resolves.toMatchObject({ nodeId: 2n ** 63n + 5n });
    ok.close();
    const untrusted = grpcTransport({ address: fleet.address, key });
    await expect(untrusted.call('registerNode', { publicKey: key.publicKeyPem }, { timeoutMs: 3000 })).rejects.toThrow(FleetUnavailableError);
    untrusted.close();
  });

  it.skipIf(!tls)('HTTP: connects with the CA, and is refused without it', async () => {
    const server = createHttpsServer({ key: tls!.key, cert: tls!.cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/protobuf' });
        res.end(Buffer.from(toBinary(RegisterNodeFleetResponseSchema, create(RegisterNodeFleetResponseSchema, { nodeId: 9n }))));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ close: () => server.close() });
    const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    const key = await generateNodeKey();
    await expect(httpTransport({ address, key, rootCertificates: tls!.ca }).call('registerNode', { publicKey: key.publicKeyPem })).resolves.toMatchObject({ nodeId: 9n });
    await expect(httpTransport({ address, key }).call('registerNode', { publicKey: key.publicKeyPem })).rejects.toThrow(FleetUnavailableError);
  });
});
