import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ArgumentError } from '@neurite/core';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Fleet } from './gen/flwr/proto/fleet_pb.js';
import {
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
import { signNow, type NodeKey } from './node-auth.js';

/**
 * The gRPC-rere Fleet API (service flwr.proto.Fleet), which flwr 1.42 serves
 * only as a compatibility server (FLWR_INTERNAL_GRPC_FLEET_API=1). Node only.
 * Authentication travels as metadata: the raw PEM and signature in `-bin` keys.
 */
export interface GrpcTransportOptions {
  readonly address: string;
  readonly key: NodeKey;
  readonly insecure?: boolean;
  readonly rootCertificates?: string;
  readonly timeoutMs?: number;
}

export function grpcTransport(options: GrpcTransportOptions): FleetTransport {
  if (options.insecure && options.rootCertificates) throw new ArgumentError('flower connect: insecure and rootCertificates together - choose plain gRPC (insecure) or TLS with your CA');
  const creds = options.insecure ? credentials.createInsecure() : credentials.createSsl(options.rootCertificates ? Buffer.from(options.rootCertificates) : null);
  // Array chunks are 5 MiB and gRPC's default limit is 4 MiB: lift it as Flower's own server does.
  const client = new Client(options.address, creds, { 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
  const traffic = { sent: 0, received: 0 };
  const target = `grpc://${options.address}`;

  async function call<M extends FleetMethodName>(name: M, request: FleetRequest<M>, callOptions: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<FleetResponse<M>> {
    const method = Fleet.method[name];
    const body = toBinary(method.input, create(method.input, request as never));
    const auth = await signNow(options.key);
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(VERSION_HEADERS)) metadata.set(k, v);
    metadata.set('flwr-public-key-bin', Buffer.from(auth.publicKeyPem));
    metadata.set('flwr-timestamp', auth.timestamp);
    metadata.set('flwr-signature-bin', Buffer.from(auth.signature));
    const deadline = Date.now() + (callOptions.timeoutMs ?? options.timeoutMs ?? 30_000);
    const raw = await new Promise<Uint8Array>((resolve, reject) => {
      const c = client.makeUnaryRequest(
        `/${Fleet.typeName}/${method.name}`,
        (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
        (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
        body,
        metadata,
        { deadline },
        (err: ServiceError | null, value?: Uint8Array) => (err ? reject(mapError(method.name, err)) : resolve(value ?? new Uint8Array())),
      );
      callOptions.signal?.addEventListener('abort', () => c.cancel(), { once: true });
    });
    traffic.sent += body.length;
    traffic.received += raw.length;
    let decoded: FleetResponse<M>;
    try {
      decoded = fromBinary(method.output, raw) as FleetResponse<M>;
    } catch (err) {
      throw versionError(target, `answered ${method.name} with bytes that are not a ${method.output.typeName} (${(err as Error).message})`);
    }
    rejectUnknownFields(target, method.name, decoded);
    return decoded;
  }

  function mapError(name: string, err: ServiceError): Error {
    switch (err.code) {
      case status.UNAVAILABLE:
      case status.DEADLINE_EXCEEDED:
      case status.CANCELLED:
      case status.RESOURCE_EXHAUSTED:
        return new FleetUnavailableError(`${name}: the SuperLink at ${target} is unavailable (${err.details || status[err.code]}) - is it running with the gRPC Fleet API, and is the address right?`);
      case status.UNIMPLEMENTED:
        return versionError(target, `does not implement ${Fleet.typeName}/${name}`, err.details);
      case status.UNAUTHENTICATED:
      case status.PERMISSION_DENIED:
        return new FleetAuthError(`${name}: the SuperLink refused this node (${err.details}) - it does not know the node's key, or the clocks differ by more than 5 minutes`);
      default:
        return new FleetCallError(`${name}: the SuperLink answered ${status[err.code]}: ${err.details}`, undefined);
    }
  }

  return { target, kind: 'grpc', call, traffic, close: () => client.close() };
}
