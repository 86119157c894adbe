import { create } from '@bufbuild/protobuf';
import { ArgumentError } from '@neurite/core';
import { ErrorSchema, type Error as ProtoError } from './gen/flwr/proto/error_pb.js';
import { MetadataSchema, MessageSchema, type Message as ProtoMessage, type Metadata as ProtoMetadata } from './gen/flwr/proto/message_pb.js';
import { RecordDictSchema } from './gen/flwr/proto/recorddict_pb.js';
import { FlowerProtocolError } from './errors.js';
import type { RecordDict } from './records.js';

/** Flower's message metadata; ids are bigint (uint64 on the wire), times are seconds since the epoch. */
export interface Metadata {
  readonly runId: bigint;
  /** The SHA-256 of the message object; '' until the message is deflated. */
  readonly messageId: string;
  readonly srcNodeId: bigint;
  readonly dstNodeId: bigint;
  readonly replyToMessageId: string;
  /** The round, as Flower's strategies set it ('1', '2', ...). */
  readonly groupId: string;
  /** Seconds the message stays valid after createdAt. */
  readonly ttl: number;
  /** 'train', 'evaluate', 'query', or 'train.<name>' and the like. */
  readonly messageType: string;
  readonly createdAt: number;
  readonly srcTaskId?: bigint;
  readonly dstTaskId?: bigint;
}

/** What a reply carries when its handler failed; codes are Flower's ErrorCode values. */
export interface MessageError {
  readonly code: number;
  /** '' for none, as Flower's None. */
  readonly reason: string;
}

export type Message = { readonly metadata: Metadata; readonly content: RecordDict; readonly error?: undefined } | { readonly metadata: Metadata; readonly content?: undefined; readonly error: MessageError };

/** Flower's `flwr.common.constant.ErrorCode`. */
export const ERROR_CODES = {
  UNKNOWN: 0,
  LOAD_CLIENT_APP_EXCEPTION: 1,
  CLIENT_APP_RAISED_EXCEPTION: 2,
  MESSAGE_UNAVAILABLE: 3,
  REPLY_MESSAGE_UNAVAILABLE: 4,
  NODE_UNAVAILABLE: 5,
  MOD_FAILED_PRECONDITION: 6,
  INVALID_FAB: 7,
  CLIENT_APP_CRASHED: 8,
} as const;

// Flower lets a reply's TTL overshoot the request's expiry by this many seconds before it trims it.
const TTL_TOLERANCE = 0.1;

export function metadataToProto(m: Metadata): ProtoMetadata {
  return create(MetadataSchema, {
    runId: m.runId,
    messageId: m.messageId,
    srcNodeId: m.srcNodeId,
    dstNodeId: m.dstNodeId,
    replyToMessageId: m.replyToMessageId,
    groupId: m.groupId,
    ttl: m.ttl,
    messageType: m.messageType,
    createdAt: m.createdAt,
    ...(m.srcTaskId === undefined ? {} : { srcTaskId: m.srcTaskId }),
    ...(m.dstTaskId === undefined ? {} : { dstTaskId: m.dstTaskId }),
  });
}

export function metadataFromProto(p: ProtoMetadata): Metadata {
  return {
    runId: p.runId,
    messageId: p.messageId,
    srcNodeId: p.srcNodeId,
    dstNodeId: p.dstNodeId,
    replyToMessageId: p.replyToMessageId,
    groupId: p.groupId,
    ttl: p.ttl,
    messageType: p.messageType,
    createdAt: p.createdAt,
    ...(p.srcTaskId === undefined ? {} : { srcTaskId: p.srcTaskId }),
    ...(p.dstTaskId === undefined ? {} : { dstTaskId: p.dstTaskId }),
  };
}

export function errorToProto(e: MessageError): ProtoError {
  if (!Number.isSafeInteger(e.code)) throw new ArgumentError(`message error: code ${e.code} is not an integer - use one of ERROR_CODES`);
  return create(ErrorSchema, { code: BigInt(e.code), reason: e.reason });
}

export function errorFromProto(p: ProtoError): MessageError {
  const code = Number(p.code);
  if (!Number.isSafeInteger(code)) throw new FlowerProtocolError(`message error: code ${p.code} is out of range - the sender's message is corrupt`);
  return { code, reason: p.reason };
}

/**
 * The message as the Fleet API's PushMessages lists it: metadata (with the
 * message id) and error, and an empty RecordDict where there is content,
 * which travels as objects.
 */
export function messageToPushProto(message: Message): ProtoMessage {
  if (!message.metadata.messageId) throw new ArgumentError('messageToPushProto: the message has no id yet - deflate it first (deflateMessage sets metadata.messageId)');
  return create(MessageSchema, {
    metadata: metadataToProto(message.metadata),
    ...(message.error ? { error: errorToProto(message.error) } : { content: create(RecordDictSchema) }),
  });
}

/**
 * A reply to `to`, addressed back to its sender, as Python's
 * `Message(content, reply_to=to)`: the reply expires no later than `to` does.
 */
export function replyTo(to: Message, body: { content: RecordDict } | { error: MessageError }, options: { now?: number; ttl?: number } = {}): Message {
  const now = options.now ?? Date.now() / 1000;
  const left = to.metadata.createdAt + to.metadata.ttl - now;
  const ttl = options.ttl !== undefined && options.ttl - left > TTL_TOLERANCE ? left : (options.ttl || left);
  const metadata: Metadata = {
    runId: to.metadata.runId,
    messageId: '',
    srcNodeId: to.metadata.dstNodeId,
    dstNodeId: to.metadata.srcNodeId,
    replyToMessageId: to.metadata.messageId,
    groupId: to.metadata.groupId,
    ttl,
    messageType: to.metadata.messageType,
    createdAt: now,
    ...(to.metadata.dstTaskId === undefined ? {} : { srcTaskId: to.metadata.dstTaskId }),
    ...(to.metadata.srcTaskId === undefined ? {} : { dstTaskId: to.metadata.srcTaskId }),
  };
  return 'error' in body ? { metadata, error: body.error } : { metadata, content: body.content };
}

/** Whether `message` has outlived its TTL at `now` (seconds); such messages are dropped, not answered. */
export function isExpired(message: Message, now = Date.now() / 1000): boolean {
  return now > message.metadata.createdAt + message.metadata.ttl;
}
