import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { connect, type FleetHandle } from './connect.js';
import { FlowerProtocolError } from './errors.js';
import type { FleetEvent } from './fleet-events.js';
import { FLOWER_VERSION } from './fleet-transport.js';
import { ERROR_CODES, type Message } from './message.js';
import { configRecord, metricRecord, recordDict } from './records.js';
import { FakeFleet } from './testing/fake-fleet.js';

const fleets: FakeFleet[] = [];
const handles: FleetHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop().catch(() => undefined)));
  await Promise.all(fleets.splice(0).map((f) => f.stop()));
});

async function fleet(): Promise<FakeFleet> {
  const f = await new FakeFleet().start();
  fleets.push(f);
  return f;
}

function start(f: FakeFleet, app: Parameters<typeof connect>[1], extra: Partial<Parameters<typeof connect>[0]> = {}) {
  const events: FleetEvent[] = [];
  const handle = connect({ superlink: f.address, insecure: true, pollIntervalMs: 10, backoff: { initialMs: 10, maxMs: 40 }, onEvent: (e) => events.push(e), ...extra }, app);
  handles.push(handle);
  return { handle, events };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function task(type: string, options: { createdAt?: number; ttl?: number } = {}): Message {
  return {
    metadata: { runId: 7n, messageId: '', srcNodeId: 1n, dstNodeId: 4242n, replyToMessageId: '', groupId: '', ttl: options.ttl ?? 3600, messageType: type, createdAt: options.createdAt ?? Date.now() / 1000 },
    content: recordDict({ config: configRecord({ 'server-round': 3n }) }),
  };
}

const echoApp = { handlers: { train: async () => recordDict({ metrics: metricRecord({ 'num-examples': 5n }) }) } };

describe('connect() against a fake HTTP Fleet API', () => {
  it('signs every call as Flower checks it: the timestamp, ECDSA-SHA256, verifiable with the public key the node registers', async () => {
    const f = await fleet();
    const { events } = start(f, echoApp);
    await until('a few pulls', () => f.paths().filter((p) => p === 'pull-messages').length >= 2);
    const [register, activate] = f.calls;
    expect([register!.path, activate!.path]).toEqual(['register-node', 'activate-node']);
    const bodyKey = Buffer.from((register!.request as { publicKey: Uint8Array }).publicKey);
    expect(bodyKey.toString()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(createPublicKey(bodyKey).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    for (const call of f.calls) {
      const key = Buffer.from(String(call.headers['flwr-public-key']), 'base64');
      expect(key.equals(bodyKey), call.path).toBe(true);
      const timestamp = String(call.headers['flwr-timestamp']);
      // Python's datetime.isoformat() of an aware UTC time.
      expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      expect(Math.abs(Date.parse(timestamp) - Date.now())).toBeLessThan(60_000);
      const signature = Buffer.from(String(call.headers['flwr-signature']), 'base64');
      expect(verify('sha256', Buffer.from(timestamp, 'ascii'), createPublicKey(key), signature), call.path).toBe(true);
      expect(verify('sha256', Buffer.from(`${timestamp}x`, 'ascii'), createPublicKey(key), signature)).toBe(false);
      expect(call.headers['flwr-package-version']).toBe(FLOWER_VERSION);
    }
    expect(events[0]).toMatchObject({ type: 'connected', nodeId: 4242n, registered: true });
  });

  it('answers a task with its handler, pushes every object the SuperLink asks for, and reports the round', async () => {
    const f = await fleet();
    const id = await f.send(task('train'));
    const { events } = start(f, echoApp);
    await until('the reply', () => f.replies.length === 1);
    const reply = f.replies[0]!;
    expect(reply.metadata).toMatchObject({ replyToMessageId: id, messageType: 'train', srcNodeId: 4242n, dstNodeId: 1n, runId: 7n });
    expect(reply.content?.get('metrics')).toEqual(metricRecord({ 'num-examples': 5n }));
    expect(f.paths().filter((p) => p !== 'pull-messages' && p !== 'send-node-heartbeat')).toEqual(['register-node', 'activate-node', 'get-run', 'pull-object', 'pull-object', 'pull-object', 'confirm-message-received', 'push-messages', 'push-object', 'push-object', 'push-object']);
    await until('the round event', () => events.some((e) => e.type === 'round'));
    expect(events.find((e) => e.type === 'round')).toMatchObject({ messageType: 'train', serverRound: 3, messageId: id, objectsPulled: 3, objectsPushed: 3 });
  });

  it('answers a type it has no handler for, and a handler that throws, with error replies (code and reason)', async () => {
    const f = await fleet();
    await f.send(task('query.stats'));
    await f.send(task('train'));
    start(f, { handlers: { train: async () => { throw new RangeError('no data in partition 3'); } } });
    await until('two replies', () => f.replies.length === 2);
    expect(f.replies[0]!.error).toEqual({ code: ERROR_CODES.CLIENT_APP_RAISED_EXCEPTION, reason: expect.stringMatching(/no handler for message type 'query.stats' \(it handles: train\)/) });
    expect(f.replies[1]!.error).toEqual({ code: ERROR_CODES.CLIENT_APP_RAISED_EXCEPTION, reason: 'RangeError: no data in partition 3' });
  });

  it('answers with an error reply when the content a handler returns cannot be encoded, and keeps going', async () => {
    const f = await fleet();
    await f.send(task('train'));
    await f.send(task('train'));
    let calls = 0;
    const { handle } = start(f, { handlers: { train: async () => (calls++ === 0 ? recordDict({ weights: { kind: 'tensor' } as never }) : recordDict()) } });
    await until('two replies', () => f.replies.length === 2);
    expect(f.replies[0]!.error).toEqual({ code: ERROR_CODES.CLIENT_APP_RAISED_EXCEPTION, reason: expect.stringMatching(/the reply cannot be sent: ArgumentError: .*'weights' is not a record/) });
    expect(f.replies[1]!.content).toEqual(new Map());
    expect(handle.nodeId()).toBe(4242n);
  });

  it('drops a message whose objects are corrupt, says why, and answers the next one', async () => {
    const f = await fleet();
    const bad = await f.send(task('train'));
    f.objects.set(bad, new TextEncoder().encode('Message  0\0'));
    const good = await f.send(task('train'));
    const { events } = start(f, echoApp);
    await until('the reply to the good message', () => f.replies.length === 1);
    expect(f.replies[0]!.metadata.replyToMessageId).toBe(good);
    expect(events.find((e) => e.type === 'dropped')).toMatchObject({ messageId: bad, reason: expect.stringMatching(/FlowerProtocolError: .*hash/) });
  });

  it('drops a message whose TTL has passed: confirmed, not handled, no reply', async () => {
    const f = await fleet();
    await f.send(task('train', { createdAt: Date.now() / 1000 - 100, ttl: 50 }));
    let handled = 0;
    const { events } = start(f, { handlers: { train: async () => (handled++, recordDict()) } });
    await until('the drop', () => events.some((e) => e.type === 'dropped'));
    expect(events.find((e) => e.type === 'dropped')).toMatchObject({ type: 'dropped', messageType: 'train', reason: expect.stringMatching(/TTL passed/) });
    expect(f.paths()).toContain('confirm-message-received');
    expect(f.paths()).not.toContain('push-messages');
    expect(handled).toBe(0);
  });

  it('retries with backoff while the SuperLink is unavailable, then joins', async () => {
    const f = await fleet();
    f.override = (path, n) => (path === 'register-node' && n < 3 ? { status: 503 } : undefined);
    const { events } = start(f, echoApp);
    await until('connected', () => events.some((e) => e.type === 'connected'));
    const retries = events.filter((e) => e.type === 'reconnecting');
    expect(retries.map((e) => e.type === 'reconnecting' && e.attempt)).toEqual([1, 2, 3]);
    expect(retries.every((e) => e.type === 'reconnecting' && /unavailable \(HTTP 503\)/.test(e.error))).toBe(true);
  });

  it('keeps a pulled message through an outage: the object pulls and reply pushes are retried, not the message lost', async () => {
    const f = await fleet();
    const id = await f.send(task('train'));
    f.override = (path, n) => ((path === 'pull-object' || path === 'push-object') && n < 2 ? { status: 503 } : undefined);
    const { events } = start(f, echoApp);
    await until('the reply', () => f.replies.length === 1);
    expect(f.replies[0]!.metadata.replyToMessageId).toBe(id);
    expect(events.filter((e) => e.type === 'reconnecting')).toHaveLength(4);
  });

  it('joins again when the SuperLink no longer knows the node (401 after a restart without its state)', async () => {
    const f = await fleet();
    f.override = (path, n) => (path === 'pull-messages' && n === 1 ? { status: 401, body: JSON.stringify({ detail: 'Invalid SuperNode authentication' }) } : undefined);
    const { events } = start(f, echoApp);
    await until('joined twice', () => events.filter((e) => e.type === 'connected').length === 2);
    expect(f.paths().filter((p) => p === 'register-node')).toHaveLength(2);
    expect(events.some((e) => e.type === 'rejoining')).toBe(true);
  });

  it('stops with a FlowerProtocolError naming our Flower version when the Fleet path does not exist (another protocol version)', async () => {
    const f = await fleet();
    f.override = (path) => (path === 'register-node' ? { status: 404, body: JSON.stringify({ detail: 'Not Found' }) } : undefined);
    const { handle } = start(f, echoApp);
    await expect(handle.done).rejects.toThrow(FlowerProtocolError);
    await expect(handle.done).rejects.toThrow(new RegExp(`flwr ${FLOWER_VERSION.replace(/\./g, '\\.')}.*another Flower version`));
  }, 10_000);

  it('stops with a FlowerProtocolError when the SuperLink refuses our version, quoting its reason', async () => {
    const f = await fleet();
    f.override = (path) => (path === 'register-node' ? { status: 400, body: JSON.stringify({ code: 1001, message: 'Runtime version compatibility check failed', public_details: 'Peer version 1.42.0 is not compatible with 1.44.0' }) } : undefined);
    const { handle } = start(f, echoApp);
    await expect(handle.done).rejects.toThrow(/1\.42\.0 is not compatible with 1\.44\.0/);
  }, 10_000);

  it('stops with a FlowerProtocolError when a response has fields our schema does not know', async () => {
    const f = await fleet();
    // ActivateNodeResponse { node_id: 1, field 9 (varint) = 1 }: a newer server's message.
    f.override = (path) => (path === 'activate-node' ? { status: 200, body: new Uint8Array([0x08, 0x01, 0x48, 0x01]) } : undefined);
    const { handle } = start(f, echoApp);
    await expect(handle.done).rejects.toThrow(/field\(s\) 9 unknown/);
  }, 10_000);

  it('joins again when a heartbeat says the SuperLink no longer knows the node', async () => {
    const f = await fleet();
    // SendNodeHeartbeatResponse { success: false } is the empty message.
    f.override = (path, n) => (path === 'send-node-heartbeat' && n === 0 ? { status: 200, body: new Uint8Array() } : undefined);
    const { events } = start(f, echoApp);
    await until('joined twice', () => events.filter((e) => e.type === 'connected').length === 2);
    expect(events.find((e) => e.type === 'rejoining')).toMatchObject({ reason: expect.stringMatching(/heartbeat refused/) });
  });

  it('with a pre-registered key (authKey): activates only, with that key, and does not unregister on stop', async () => {
    const f = await fleet();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const { handle, events } = start(f, echoApp, { authKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    await until('connected', () => events.some((e) => e.type === 'connected'));
    await handle.stop();
    expect(f.paths()).not.toContain('register-node');
    expect(f.paths().at(-1)).toBe('deactivate-node');
    const activate = f.calls.find((c) => c.path === 'activate-node')!;
    expect(Buffer.from((activate.request as { publicKey: Uint8Array }).publicKey).toString()).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(events.find((e) => e.type === 'connected')).toMatchObject({ registered: false });
  });

  it('deactivates and unregisters on stop()', async () => {
    const f = await fleet();
    const { handle, events } = start(f, echoApp);
    await until('connected', () => events.some((e) => e.type === 'connected'));
    await handle.stop();
    expect(f.paths().slice(-2)).toEqual(['deactivate-node', 'unregister-node']);
    expect(events.at(-1)).toEqual({ type: 'stopped', nodeId: 4242n });
  });

  it('rejects bad options with ArgumentError', () => {
    expect(() => connect({ superlink: 'localhost' }, echoApp)).toThrow(ArgumentError);
    expect(() => connect({ superlink: '127.0.0.1:1', heartbeatInterval: 5 }, echoApp)).toThrow(/outside Flower's \[10, 1800\]/);
    expect(() => connect({ superlink: '127.0.0.1:1', transport: 'rest' as never }, echoApp)).toThrow(/use 'http' or 'grpc'/);
    expect(() => connect({ superlink: '127.0.0.1:1', insecure: true, rootCertificates: 'PEM' }, echoApp)).toThrow(/insecure and rootCertificates together/);
  });
});
