import type { MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { NeuriteError } from '@neurite/core';
import { Fleet } from './gen/flwr/proto/fleet_pb.js';
import { FlowerProtocolError } from './errors.js';

/**
 * What the Fleet client needs from a transport: one typed unary call per Fleet
 * method, signed. The HTTP (protobuf over POST) and gRPC transports differ
 * only in framing and in how they report failures, which both map onto the
 * errors below so the client's recovery logic is transport-neutral.
 */

/** The Flower release whose Fleet API this client speaks (and announces in its version headers). */
export const FLOWER_VERSION = '1.42.0';

export type FleetMethodName = keyof typeof Fleet.method;
type Method<M extends FleetMethodName> = (typeof Fleet.method)[M];
export type FleetRequest<M extends FleetMethodName> = MessageInitShape<Method<M>['input']>;
export type FleetResponse<M extends FleetMethodName> = MessageShape<Method<M>['output']>;

export interface FleetTransport {
  /** host:port or URL of the SuperLink, for messages. */
  readonly target: string;
  readonly kind: 'http' | 'grpc';
  call<M extends FleetMethodName>(method: M, request: FleetRequest<M>, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<FleetResponse<M>>;
  /** Bytes of serialized requests sent and responses received so far. */
  readonly traffic: { sent: number; received: number };
  close(): void;
}

/** The SuperLink could not be reached or asked us to come back later: retry with backoff. */
export class FleetUnavailableError extends NeuriteError {
  override name = 'FleetUnavailableError';
}

/** The SuperLink refused the node's identity (it does not know the node, or the signature failed): join again. */
export class FleetAuthError extends NeuriteError {
  override name = 'FleetAuthError';
}

/** The SuperLink answered a call with an application error (Flower's FlowerError code and message). */
export class FleetCallError extends NeuriteError {
  override name = 'FleetCallError';
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

/** Flower's ApiErrorCode values this client reacts to. */
export const API_ERROR_CODES = {
  RUNTIME_VERSION_INCOMPATIBLE: 1001,
  PUBLIC_KEY_ALREADY_IN_USE: 23,
  FLEET_NODE_ACTIVATION_FAILED: 2004,
} as const;

/** The server speaks another version of the Fleet API: the node cannot go on. */
export class FleetVersionError extends FlowerProtocolError {
  override name = 'FleetVersionError';
}

export function versionError(target: string, what: string, details = ''): FleetVersionError {
  return new FleetVersionError(
    `the SuperLink at ${target} ${what}: this client speaks the Fleet API of flwr ${FLOWER_VERSION}, and the server runs another Flower version${details ? ` (${details})` : ''} - run flwr ${FLOWER_VERSION} on the server, or a @neurite/flower release for the server's Flower version`,
  );
}

/** Throws when a decoded response carries fields the pinned schema does not know: a newer server's message. */
export function rejectUnknownFields(target: string, method: string, value: unknown, path = 'response'): void {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => rejectUnknownFields(target, method, v, `${path}[${i}]`));
    return;
  }
  const unknown = (value as { $unknown?: { no: number }[] }).$unknown;
  if (unknown?.length) throw versionError(target, `answered ${method} with field(s) ${unknown.map((u) => u.no).join(', ')} unknown at ${path}`);
  for (const [k, v] of Object.entries(value)) if (k !== '$unknown' && k !== '$typeName') rejectUnknownFields(target, method, v, `${path}.${k}`);
}

/** Flower's `flwr-package-*` headers: the SuperLink compares them with its own version. */
export const VERSION_HEADERS: Readonly<Record<string, string>> = {
  'flwr-package-name': 'flwr',
  'flwr-package-version': FLOWER_VERSION,
  'flwr-component-name': 'SuperNode',
};
