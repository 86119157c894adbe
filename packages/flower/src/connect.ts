import { ArgumentError } from '@neurite/core';
import type { PullMessagesResponse } from './gen/flwr/proto/fleet_pb.js';
import type { Scalar } from './gen/flwr/proto/scalar_pb.js';
import type { RecordDict } from './records.js';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.js';
import { handlerFor, type ClientApp, type ClientContext, type ContentMessage } from './client-app.js';
import type { FleetEvent } from './fleet-events.js';
import { API_ERROR_CODES, FleetAuthError, FleetCallError, FleetUnavailableError, FleetVersionError, versionError, type FleetMethodName, type FleetRequest, type FleetResponse, type FleetTransport } from './fleet-transport.js';
import { deflateMessage, inflateMessage } from './inflatable.js';
import { ERROR_CODES, isExpired, messageToPushProto, metadataFromProto, replyTo, type Message, type MessageError } from './message.js';
import { generateNodeKey, loadNodeKey, type NodeKey } from './node-auth.js';
import { postOrder, treeFromProto, treeToProto, type ObjectTree } from './objects.js';
import { httpTransport } from './transport-http.js';

/**
 * A Flower SuperNode's side of the Fleet API (flwr 1.42): join, heartbeat,
 * pull a message and its objects, confirm, answer with the ClientApp, push
 * the reply and the objects the SuperLink asks for; leave on stop. Network
 * failures and a restarted SuperLink are retried with capped, jittered
 * backoff; a server that speaks another protocol version ends the node with
 * a FlowerProtocolError.
 */
export interface ConnectOptions {
  /** host:port of the SuperLink's Fleet API (HTTP) or of its gRPC compatibility server. */
  readonly superlink: string;
  /** 'http' (protobuf over HTTP, Flower 1.42's default; default here) or 'grpc'. */
  readonly transport?: 'http' | 'grpc';
  /** Plain connection without TLS, for local runs. */
  readonly insecure?: boolean;
  /** PEM of the CA that signed the SuperLink's certificate. */
  readonly rootCertificates?: string;
  /**
   * PEM (PKCS#8) of the node's EC private key, for a node the operator registered
   * with `flwr supernode register`: the node then only activates. Without it the
   * node makes a throw-away key and registers itself, as Flower's SuperNode does.
   */
  readonly authKey?: string;
  /** The node's configuration (`--node-config`), handed to handlers. */
  readonly nodeConfig?: Readonly<Record<string, string | number | boolean>>;
  /** Seconds between heartbeats the SuperLink should expect, 10 to 1800 (Flower's bounds); default 30. */
  readonly heartbeatInterval?: number;
  /** Pause between polls when no message is waiting, ms; default 500. */
  readonly pollIntervalMs?: number;
  readonly backoff?: BackoffOptions;
  /** Stops the node as stop() does. */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: FleetEvent) => void;
  /** For tests: a transport of your own (the options' address and TLS settings are then unused). */
  readonly transportFactory?: (key: NodeKey) => FleetTransport;
}

export interface FleetHandle {
  /** Resolves when the node has left after stop(); rejects when it cannot go on (protocol version, bad key). */
  readonly done: Promise<void>;
  /** The node id once joined (uint64: a bigint). */
  readonly nodeId: () => bigint | undefined;
  /** Deactivates the node (and unregisters a self-registered one), then resolves like `done`. */
  stop(): Promise<void>;
}

const HEARTBEAT_BOUNDS = [10, 1800] as const;
// Objects pulled at once. Measured against flwr 1.42 on 2 cores: 2 or 4 at once were no faster
// (the SuperLink answers one at a time) and slower for 5 MiB chunks, so one.
const PULL_CONCURRENCY = 1;

type PulledMessage = PullMessagesResponse['messagesList'][number];
type PulledTree = PullMessagesResponse['messageObjectTrees'][number];

function scalarValue(s: Scalar): unknown {
  const { value, case: kind } = s.scalar;
  return (kind === 'uint64' || kind === 'sint64') && typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

/** Flower's strategies carry the round as `server-round` in a ConfigRecord (1.42 leaves group_id empty). */
function serverRound(content: RecordDict): { serverRound?: number } {
  for (const record of content.values()) {
    const v = record.kind === 'config' ? record.values.get('server-round') : undefined;
    if (typeof v === 'bigint' || typeof v === 'number') return { serverRound: Number(v) };
  }
  return {};
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function validate(options: ConnectOptions, app: ClientApp): void {
  if (!app || typeof app.handlers !== 'object') throw new ArgumentError('flower connect: the client app has no handlers - pass { handlers: { train, evaluate } }');
  if (!options.transportFactory && !/^[^\s/:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(options.superlink ?? '')) {
    throw new ArgumentError(`flower connect: superlink '${options.superlink}' is not host:port - e.g. 127.0.0.1:9092`);
  }
  if (options.transport !== undefined && options.transport !== 'http' && options.transport !== 'grpc') throw new ArgumentError(`flower connect: transport '${options.transport}' - use 'http' or 'grpc'`);
  if (options.insecure && options.rootCertificates !== undefined) throw new ArgumentError('flower connect: insecure and rootCertificates together - choose a plain connection (insecure) or TLS with your CA');
  const hb = options.heartbeatInterval ?? 30;
  if (!(hb >= HEARTBEAT_BOUNDS[0] && hb <= HEARTBEAT_BOUNDS[1])) throw new ArgumentError(`flower connect: heartbeatInterval ${hb} s is outside Flower's [${HEARTBEAT_BOUNDS.join(', ')}] s - the SuperLink would refuse the node`);
  const poll = options.pollIntervalMs ?? 500;
  if (!(poll >= 0 && Number.isFinite(poll))) throw new ArgumentError(`flower connect: pollIntervalMs ${poll} is not a non-negative number of milliseconds`);
}

async function makeTransport(options: ConnectOptions, key: NodeKey): Promise<FleetTransport> {
  if (options.transportFactory) return options.transportFactory(key);
  const common = { address: options.superlink, key, insecure: options.insecure, rootCertificates: options.rootCertificates };
  if (options.transport === 'grpc') {
    // Loaded only when asked for: @grpc/grpc-js is Node-only and the HTTP path must bundle for browsers.
    const { grpcTransport } = await import('./transport-grpc.js');
    return grpcTransport(common);
  }
  return httpTransport(common);
}

/** Joins the federation at `options.superlink` and answers messages with `app` until stopped. */
export function connect(options: ConnectOptions, app: ClientApp): FleetHandle {
  validate(options, app);
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  const emit = (e: FleetEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      // A failing listener must not take the node down.
    }
  };
  const node = new FleetNode(options, app, signal, emit, () => stopper.abort());
  const done = node.run();
  done.catch(() => undefined);
  return {
    done,
    nodeId: () => node.nodeId,
    stop: async () => {
      stopper.abort();
      await done;
    },
  };
}

class FleetNode {
  nodeId: bigint | undefined;
  private transport!: FleetTransport;
  private key!: NodeKey;
  private readonly runConfigs = new Map<bigint, ReadonlyMap<string, unknown>>();
  private readonly nodeConfig: ReadonlyMap<string, string | number | boolean>;
  private readonly heartbeatInterval: number;
  private rejoin = false;

  constructor(
    private readonly options: ConnectOptions,
    private readonly app: ClientApp,
    private readonly signal: AbortSignal,
    private readonly emit: (e: FleetEvent) => void,
    private readonly halt: () => void,
  ) {
    this.nodeConfig = new Map(Object.entries(options.nodeConfig ?? {}));
    this.heartbeatInterval = options.heartbeatInterval ?? 30;
  }

  private get selfRegistered(): boolean {
    return this.options.authKey === undefined;
  }

  async run(): Promise<void> {
    this.key = this.options.authKey === undefined ? await generateNodeKey() : await loadNodeKey(this.options.authKey);
    this.transport = await makeTransport(this.options, this.key);
    const heartbeat = this.heartbeatLoop();
    let failures = 0;
    try {
      while (!this.signal.aborted) {
        try {
          if (this.nodeId === undefined || this.rejoin) await this.join();
          const handled = await this.pollOnce();
          failures = 0;
          if (!handled) await sleep(this.options.pollIntervalMs ?? 500, this.signal);
        } catch (err) {
          if (this.signal.aborted) break;
          if (err instanceof FleetVersionError) throw err;
          if (err instanceof ArgumentError) throw err;
          if (err instanceof FleetAuthError) {
            // The SuperLink lost or never had this node (restarted without its state): join again.
            this.rejoin = true;
            this.emit({ type: 'rejoining', reason: err.message });
          }
          const delayMs = backoffDelay(failures, this.options.backoff);
          this.emit({ type: 'reconnecting', attempt: failures + 1, delayMs: Math.round(delayMs), error: describe(err) });
          failures++;
          await sleep(delayMs, this.signal);
        }
      }
    } finally {
      // Also on a fatal error: the heartbeat timer ends with the node.
      this.halt();
      await heartbeat;
      await this.leave();
      this.transport.close();
      this.emit({ type: 'stopped', nodeId: this.nodeId });
    }
  }

  private async join(): Promise<void> {
    const publicKey = this.key.publicKeyPem;
    let registered = false;
    if (this.selfRegistered) {
      try {
        await this.transport.call('registerNode', { publicKey }, { signal: this.signal });
        registered = true;
      } catch (err) {
        // Already registered (a rejoin after a SuperLink restart that kept its state): activating is enough.
        if (!(err instanceof FleetCallError && err.code === API_ERROR_CODES.PUBLIC_KEY_ALREADY_IN_USE)) throw err;
      }
    }
    const res = await this.transport.call('activateNode', { publicKey, heartbeatInterval: this.heartbeatInterval }, { signal: this.signal });
    this.nodeId = res.nodeId;
    this.rejoin = false;
    this.emit({ type: 'connected', nodeId: res.nodeId, target: this.transport.target, transport: this.transport.kind, registered });
    void this.beat();
  }

  private async beat(): Promise<void> {
    const nodeId = this.nodeId;
    if (nodeId === undefined || this.rejoin) return;
    try {
      const res = await this.transport.call('sendNodeHeartbeat', { node: { nodeId }, heartbeatInterval: this.heartbeatInterval }, { timeoutMs: 5000, signal: this.signal });
      if (!res.success && nodeId === this.nodeId) {
        this.rejoin = true;
        this.emit({ type: 'rejoining', reason: `the SuperLink no longer knows node ${nodeId} (heartbeat refused)` });
      }
    } catch (err) {
      if (!this.signal.aborted) this.emit({ type: 'heartbeat-failed', error: describe(err) });
    }
  }

  private async heartbeatLoop(): Promise<void> {
    // As Flower's SuperNode: comfortably inside the interval, jittered so nodes spread out.
    const base = Math.max(this.heartbeatInterval - 5, this.heartbeatInterval / 2) * 1000;
    while (!this.signal.aborted) {
      await sleep(base * (0.7 + 0.2 * Math.random()), this.signal);
      if (!this.signal.aborted) await this.beat();
    }
  }

  private async leave(): Promise<void> {
    const nodeId = this.nodeId;
    if (nodeId === undefined) return;
    try {
      await this.transport.call('deactivateNode', { nodeId }, { timeoutMs: 5000 });
      if (this.selfRegistered) await this.transport.call('unregisterNode', { nodeId }, { timeoutMs: 5000 });
    } catch (err) {
      // Leaving is a courtesy: the SuperLink marks the node offline after two missed heartbeats anyway.
      this.emit({ type: 'heartbeat-failed', error: `leaving: ${describe(err)}` });
    }
  }

  /** Pulls once and handles what came (flwr 1.42 hands out one message per pull; more would all be answered). */
  private async pollOnce(): Promise<boolean> {
    const before = { ...this.transport.traffic };
    const started = Date.now();
    const res = await this.transport.call('pullMessages', { node: { nodeId: this.nodeId! } }, { signal: this.signal });
    if (res.messagesList.length !== res.messageObjectTrees.length) {
      throw versionError(this.transport.target, `sent ${res.messagesList.length} messages with ${res.messageObjectTrees.length} object trees`);
    }
    for (const [i, proto] of res.messagesList.entries()) {
      await this.handle(proto, res.messageObjectTrees[i]!, i === 0 ? before : { ...this.transport.traffic }, i === 0 ? started : Date.now());
    }
    return res.messagesList.length > 0;
  }

  private async handle(proto: PulledMessage, protoTree: PulledTree, before: { sent: number; received: number }, started: number): Promise<void> {
    const nodeId = this.nodeId!;
    if (!proto.metadata) throw versionError(this.transport.target, 'sent a message without metadata');
    const header = metadataFromProto(proto.metadata);
    const tree = treeFromProto(protoTree);
    // Once pulled, the SuperLink will not hand this message out again: every later call is retried
    // through outages until the message expires, or its reply would be lost.
    const deadline = header.createdAt + header.ttl;
    const runConfig = await this.runConfig(header.runId, deadline);

    const objects = await this.pullObjects(header.runId, tree, deadline);
    if (!objects) {
      this.emit({ type: 'dropped', messageId: header.messageId, messageType: header.messageType, reason: 'its objects are no longer on the SuperLink' });
      return;
    }
    let message: Message;
    try {
      message = await inflateMessage(tree.objectId, objects);
    } catch (err) {
      // A corrupt message is this message's problem, not the connection's: say so and go on.
      this.emit({ type: 'dropped', messageId: tree.objectId, messageType: header.messageType, reason: describe(err) });
      return;
    }
    await this.persist('confirmMessageReceived', { node: { nodeId }, runId: header.runId, messageObjectId: tree.objectId }, deadline);
    if (isExpired(message)) {
      this.emit({ type: 'dropped', messageId: tree.objectId, messageType: header.messageType, reason: `its TTL passed (created ${new Date(header.createdAt * 1000).toISOString()}, ttl ${header.ttl} s)` });
      return;
    }
    if (message.error) {
      this.emit({ type: 'dropped', messageId: tree.objectId, messageType: header.messageType, reason: `it carries an error (${message.error.code}: ${message.error.reason}), not a task` });
      return;
    }

    const context: ClientContext = { nodeId, runId: header.runId, runConfig, nodeConfig: this.nodeConfig };
    const handlerStart = Date.now();
    let body = await this.answer(message as ContentMessage, context);
    const handlerMs = Date.now() - handlerStart;
    let reply;
    try {
      reply = await deflateMessage(replyTo(message, body));
    } catch (err) {
      // Content that cannot be encoded is the handler's fault: the server hears why, the node goes on.
      if (!('content' in body)) throw err;
      body = { error: { code: ERROR_CODES.CLIENT_APP_RAISED_EXCEPTION, reason: `the reply cannot be sent: ${describe(err)}` } };
      reply = await deflateMessage(replyTo(message, body));
    }
    const push = await this.persist(
      'pushMessages',
      { node: { nodeId }, messagesList: [messageToPushProto(reply.message)], messageObjectTrees: [treeToProto(reply.tree)], clientappRuntimeList: [handlerMs / 1000] },
      deadline,
    );
    const refused = Object.entries(push.results).filter(([, code]) => code !== 0);
    if (refused.length) throw new FleetCallError(`push-messages: the SuperLink refused the reply (${refused.map(([id, code]) => `${id}: code ${code}`).join(', ')})`, undefined);
    const wanted = new Set(push.objectsToPush);
    let pushed = 0;
    for (const id of new Set(postOrder(reply.tree))) {
      if (!wanted.has(id)) continue;
      const stored = await this.persist('pushObject', { node: { nodeId }, runId: header.runId, objectId: id, objectContent: reply.objects.get(id)!, sessionId: push.sessionId }, deadline);
      if (!stored.stored) throw new FleetCallError(`push-object: the SuperLink did not store object ${id} of the reply to ${tree.objectId}`, undefined);
      pushed++;
    }
    this.emit({
      type: 'round',
      runId: header.runId,
      groupId: header.groupId,
      ...serverRound(message.content),
      messageType: header.messageType,
      messageId: tree.objectId,
      replyId: reply.messageId,
      ...('error' in body ? { error: body.error } : {}),
      bytesIn: this.transport.traffic.received - before.received,
      bytesOut: this.transport.traffic.sent - before.sent,
      objectsPulled: objects.size,
      objectsPushed: pushed,
      handlerMs,
      durationMs: Date.now() - started,
    });
  }

  /** A call retried with backoff while the SuperLink is unreachable, until `deadline` (Unix s) or stop. */
  private async persist<M extends FleetMethodName>(method: M, request: FleetRequest<M>, deadline: number): Promise<FleetResponse<M>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.transport.call(method, request, { signal: this.signal });
      } catch (err) {
        const delayMs = backoffDelay(attempt, this.options.backoff);
        if (!(err instanceof FleetUnavailableError) || this.signal.aborted || Date.now() + delayMs > deadline * 1000) throw err;
        this.emit({ type: 'reconnecting', attempt: attempt + 1, delayMs: Math.round(delayMs), error: describe(err) });
        await sleep(delayMs, this.signal);
      }
    }
  }

  private async answer(message: ContentMessage, context: ClientContext): Promise<{ content: ContentMessage['content'] } | { error: MessageError }> {
    const type = message.metadata.messageType;
    const handler = handlerFor(this.app, type);
    if (!handler) {
      const known = Object.keys(this.app.handlers).join(', ') || 'none';
      return { error: { code: ERROR_CODES.CLIENT_APP_RAISED_EXCEPTION, reason: `this Neurite client has no handler for message type '${type}' (it handles: ${known})` } };
    }
    try {
      return { content: await handler(message, context) };
    } catch (err) {
      return { error: { code: ERROR_CODES.CLIENT_APP_RAISED_EXCEPTION, reason: describe(err) } };
    }
  }

  private async runConfig(runId: bigint, deadline: number): Promise<ReadonlyMap<string, unknown>> {
    let config = this.runConfigs.get(runId);
    if (!config) {
      const res = await this.persist('getRun', { node: { nodeId: this.nodeId! }, runId }, deadline);
      config = new Map(Object.entries(res.run?.overrideConfig ?? {}).map(([k, v]) => [k, scalarValue(v)]));
      this.runConfigs.set(runId, config);
    }
    return config;
  }

  /** Every object of the tree, PULL_CONCURRENCY at a time; undefined when the SuperLink no longer has one. */
  private async pullObjects(runId: bigint, tree: ObjectTree, deadline: number): Promise<Map<string, Uint8Array> | undefined> {
    const ids = [...new Set(postOrder(tree))];
    const objects = new Map<string, Uint8Array>();
    let next = 0;
    let missing = false;
    const worker = async () => {
      while (next < ids.length && !missing) {
        const id = ids[next++]!;
        const content = await this.pullObject(runId, id, deadline);
        if (content) objects.set(id, content);
        else missing = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PULL_CONCURRENCY, ids.length) }, worker));
    return missing ? undefined : objects;
  }

  private async pullObject(runId: bigint, objectId: string, deadline: number): Promise<Uint8Array | undefined> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.persist('pullObject', { node: { nodeId: this.nodeId! }, runId, objectId }, deadline);
      if (!res.objectFound) return undefined;
      if (res.objectAvailable) return res.objectContent;
      // Listed but not uploaded yet (the sender is still pushing): wait as Flower does, 1 s doubling to 10 s.
      await sleep(Math.min(10_000, 1000 * 2 ** attempt), this.signal);
      if (this.signal.aborted) throw new FleetUnavailableError('stopped while waiting for an object');
    }
  }
}

export type { Message };
