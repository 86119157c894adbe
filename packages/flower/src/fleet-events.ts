import type { MessageError } from './message.js';

/**
 * What a connected node reports through `onEvent`: one `round` per message it
 * answers (the line a CLI prints), and every recovery step, so nothing the
 * client does about failures is silent.
 */
export type FleetEvent =
  | { readonly type: 'connected'; readonly nodeId: bigint; readonly target: string; readonly transport: 'http' | 'grpc'; readonly registered: boolean }
  | {
      readonly type: 'round';
      readonly runId: bigint;
      /** Flower's group id ('' from flwr 1.42's strategies, which put the round in the config). */
      readonly groupId: string;
      /** The `server-round` of the message's ConfigRecord, when it has one. */
      readonly serverRound?: number;
      readonly messageType: string;
      readonly messageId: string;
      readonly replyId: string;
      /** Set when the reply is an error reply (unhandled type, handler threw). */
      readonly error?: MessageError;
      /** Fleet bytes received and sent while handling this message (protobuf bodies). */
      readonly bytesIn: number;
      readonly bytesOut: number;
      readonly objectsPulled: number;
      readonly objectsPushed: number;
      /** Time in the handler, and from the pull of the message to the last pushed object. */
      readonly handlerMs: number;
      readonly durationMs: number;
    }
  | { readonly type: 'dropped'; readonly messageId: string; readonly messageType: string; readonly reason: string }
  | { readonly type: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly error: string }
  | { readonly type: 'rejoining'; readonly reason: string }
  | { readonly type: 'heartbeat-failed'; readonly error: string }
  | { readonly type: 'stopped'; readonly nodeId: bigint | undefined };
