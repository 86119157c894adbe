import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ArgumentError } from '@neurite/core';
import { Fleet } from './gen/flwr/proto/fleet_pb.js';
import {
  API_ERROR_CODES,
  FleetAuthError,
  FleetCallError,
  FleetUnavailableError,
  rejectUnknownFields,
  versionError,
  VERSION_HEADERS,
  type FleetMethodName,
  type FleetRequest,
  type FleetResponse,
  type FleetTransport,
} from './fleet-transport.js';
import { signNow, toBase64, type NodeKey } from './node-auth.js';

/**
 * The Fleet API as flwr 1.42's SuperLink serves it by default: every call is
 * `POST /v1/fleet/<kebab-name>`, protobuf in and out. Plain `fetch`, so it
 * also runs in a browser; a custom root certificate needs Node (a browser
 * trusts what its system trusts).
 */
export interface HttpTransportOptions {
  /** host:port of the SuperLink. */
  readonly address: string;
  readonly key: NodeKey;
  /** Plain http:// (local runs); otherwise https://. */
  readonly insecure?: boolean;
  /** PEM of the CA that signed the SuperLink's certificate (https only, Node only). */
  readonly rootCertificates?: string;
  /** Per-call timeout in ms (default 30 000, as Flower's SuperNode). */
  readonly timeoutMs?: number;
}

interface RawResponse {
  readonly status: number;
  readonly body: Uint8Array;
}

type Post = (url: string, body: Uint8Array, headers: Record<string, string>, signal: AbortSignal) => Promise<RawResponse>;

const fetchPost: Post = async (url, body, headers, signal) => {
  const res = await fetch(url, { method: 'POST', body, headers, signal });
  return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
};

/** https with our own CA: fetch cannot take one, node:https can (loaded only when asked for). */
function nodeHttpsPost(ca: string): Post {
  return async (url, body, headers, signal) => {
    const https = await import('node:https');
    return new Promise<RawResponse>((resolve, reject) => {
      const req = https.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, ca, signal }, (res) => {
        const parts: Uint8Array[] = [];
        res.on('data', (d: Uint8Array) => parts.push(d));
        res.on('end', () => {
          const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
          let o = 0;
          for (const p of parts) {
            out.set(p, o);
            o += p.length;
          }
          resolve({ status: res.statusCode ?? 0, body: out });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase());

function describeError(body: Uint8Array): { code?: number; text: string } {
  const text = new TextDecoder().decode(body.subarray(0, 2000));
  try {
    const json = JSON.parse(text) as { code?: unknown; message?: unknown; public_details?: unknown; detail?: unknown };
    const code = typeof json.code === 'number' ? json.code : undefined;
    const parts = [json.message, json.public_details, json.detail].filter((p) => typeof p === 'string' && p);
    return { code, text: parts.length ? parts.join(': ') : text };
  } catch {
    return { text };
  }
}

export function httpTransport(options: HttpTransportOptions): FleetTransport {
  if (options.insecure && options.rootCertificates) throw new ArgumentError('flower connect: insecure and rootCertificates together - choose plain http (insecure) or TLS with your CA');
  const base = `${options.insecure ? 'http' : 'https'}://${options.address}/v1/fleet/`;
  const post = options.rootCertificates ? nodeHttpsPost(options.rootCertificates) : fetchPost;
  const traffic = { sent: 0, received: 0 };
  const target = `${options.insecure ? 'http' : 'https'}://${options.address}`;

  async function call<M extends FleetMethodName>(name: M, request: FleetRequest<M>, callOptions: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<FleetResponse<M>> {
    const method = Fleet.method[name];
    const body = toBinary(method.input, create(method.input, request as never));
    const auth = await signNow(options.key);
    const headers = {
      ...VERSION_HEADERS,
      'content-type': 'application/protobuf',
      accept: 'application/protobuf',
      'flwr-public-key': toBase64(auth.publicKeyPem),
      'flwr-timestamp': auth.timestamp,
      'flwr-signature': toBase64(auth.signature),
    };
    const timeout = AbortSignal.timeout(callOptions.timeoutMs ?? options.timeoutMs ?? 30_000);
    const signal = callOptions.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;
    const path = kebab(method.name);
    let res: RawResponse;
    try {
      res = await post(base + path, body, headers, signal);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new FleetUnavailableError(`${path}: the SuperLink at ${target} is unreachable (${cause?.code ?? cause?.message ?? (err as Error).message}) - is it running and is the address right?`);
    }
    traffic.sent += body.length;
    traffic.received += res.body.length;
    if (res.status !== 200) {
      const { code, text } = describeError(res.body);
      if (res.status === 404 || res.status === 405) throw versionError(target, `has no Fleet endpoint POST /v1/fleet/${path} (HTTP ${res.status})`, 'before 1.42 the Fleet API was gRPC or a /api/v0/fleet REST API');
      if (code === API_ERROR_CODES.RUNTIME_VERSION_INCOMPATIBLE) throw versionError(target, 'refused our version headers', text);
      if (res.status === 401 || res.status === 403) throw new FleetAuthError(`${path}: the SuperLink refused this node (HTTP ${res.status}: ${text}) - it does not know the node's key, or the clocks differ by more than 5 minutes`);
      if (res.status === 502 || res.status === 503 || res.status === 504) throw new FleetUnavailableError(`${path}: the SuperLink at ${target} is unavailable (HTTP ${res.status})`);
      throw new FleetCallError(`${path}: the SuperLink answered HTTP ${res.status}${code === undefined ? '' : ` (Flower error ${code})`}: ${text}`, code);
    }
    let decoded: FleetResponse<M>;
    try {
      decoded = fromBinary(method.output, res.body) as FleetResponse<M>;
    } catch (err) {
      throw versionError(target, `answered ${path} with bytes that are not a ${method.output.typeName} (${(err as Error).message})`);
    }
    rejectUnknownFields(target, path, decoded);
    return decoded;
  }

  return { target, kind: 'http', call, traffic, close: () => undefined };
}
