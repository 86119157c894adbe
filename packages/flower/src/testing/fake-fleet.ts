import { create, fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Fleet } from '../gen/flwr/proto/fleet_pb.js';
import { deflateMessage, inflateMessage } from '../inflatable.js';
import { messageToPushProto, type Message } from '../message.js';
import { postOrder, treeFromProto, treeToProto } from '../objects.js';

/**
 * A SuperLink's Fleet API over HTTP in miniature (node:http), for the client's
 * unit tests: it serves queued messages and their objects, keeps the replies
 * pushed to it, records every call with its headers, and lets a test override
 * any path's answer (a status, a body) to play failures.
 */
export interface RecordedCall {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly request: unknown;
}

export type Override = (path: string, call: number) => { status: number; body?: Uint8Array | string } | undefined;

const byPath = new Map(Object.values(Fleet.method).map((m) => [m.name.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase()), m]));

export class FakeFleet {
  readonly calls: RecordedCall[] = [];
  readonly replies: Message[] = [];
  override: Override = () => undefined;
  nodeId = 4242n;
  readonly objects = new Map<string, Uint8Array>();
  private readonly queue: { message: Message; tree: ReturnType<typeof treeToProto> }[] = [];
  private readonly pushedTrees: { id: string }[] = [];
  private server!: Server;
  address = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        void this.handle(req, Buffer.concat(parts)).then(
          ({ status, body }) => {
            res.writeHead(status, { 'content-type': status === 200 ? 'application/protobuf' : 'application/json' });
            res.end(body);
          },
          (err: Error) => {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: 0, message: err.message }));
          },
        );
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.address = `127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  /** Queues a message for the node (deflated here, as a ServerApp's message on a SuperLink). */
  async send(message: Message): Promise<string> {
    const d = await deflateMessage(message);
    for (const [id, bytes] of d.objects) this.objects.set(id, bytes);
    this.queue.push({ message: d.message, tree: treeToProto(d.tree) });
    return d.messageId;
  }

  paths(): string[] {
    return this.calls.map((c) => c.path);
  }

  private async handle(req: IncomingMessage, body: Buffer): Promise<{ status: number; body: Uint8Array | string }> {
    const path = (req.url ?? '').replace(/^\/v1\/fleet\//, '');
    const method = byPath.get(path);
    const count = this.calls.filter((c) => c.path === path).length;
    const request = method ? fromBinary(method.input, body) : undefined;
    this.calls.push({ path, headers: req.headers, request });
    const forced = this.override(path, count);
    if (forced) return { status: forced.status, body: forced.body ?? '' };
    if (!method) return { status: 404, body: JSON.stringify({ detail: 'Not Found' }) };
    const ok = <D extends DescMessage>(schema: D, init: object) => ({ status: 200, body: toBinary(schema, create(schema, init as never)) });
    const r = request as Record<string, never>;
    switch (path) {
      case 'register-node':
      case 'activate-node':
        return ok(method.output, { nodeId: this.nodeId });
      case 'send-node-heartbeat':
        return ok(method.output, { success: true });
      case 'pull-messages': {
        const next = this.queue.shift();
        return ok(method.output, next ? { messagesList: [messageToPushProto(next.message)], messageObjectTrees: [next.tree] } : {});
      }
      case 'get-run':
        return ok(method.output, { run: { runId: r.runId, overrideConfig: { 'record-dir': { scalar: { case: 'string', value: '' } } } } });
      case 'pull-object': {
        const content = this.objects.get((request as { objectId: string }).objectId);
        return ok(method.output, { objectFound: content !== undefined, objectAvailable: content !== undefined, objectContent: content ?? new Uint8Array() });
      }
      case 'push-messages': {
        const tree = treeFromProto((request as { messageObjectTrees: Parameters<typeof treeFromProto>[0][] }).messageObjectTrees[0]!);
        this.pushedTrees.push({ id: tree.objectId });
        return ok(method.output, { objectsToPush: [...new Set(postOrder(tree))], sessionId: 's1', results: {} });
      }
      case 'push-object': {
        const { objectId, objectContent } = request as { objectId: string; objectContent: Uint8Array };
        this.objects.set(objectId, objectContent);
        const done = this.pushedTrees.find((t) => t.id === objectId);
        if (done) this.replies.push(await inflateMessage(objectId, this.objects));
        return ok(method.output, { stored: true });
      }
      default:
        return ok(method.output, {});
    }
  }
}
