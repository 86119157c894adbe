/**
 * What a Flower client does with a message, independent of how messages
 * travel: the Fleet client (`connect`) pulls a message, hands its content to
 * the handler for its type, and pushes back the content the handler returns,
 * or an error reply when the handler throws or no handler takes that type.
 */
import type { Message } from './message.js';
import type { RecordDict } from './records.js';

export interface ClientContext {
  readonly nodeId: bigint;
  readonly runId: bigint;
  /** The run's configuration as the SuperLink's GetRun reports it (keys as in the app's pyproject). */
  readonly runConfig: ReadonlyMap<string, unknown>;
  /** This node's own configuration (`--node-config` in Flower's terms: partition id, number of partitions, ...). */
  readonly nodeConfig: ReadonlyMap<string, string | number | boolean>;
}

/** A message with content (error messages are never handed to handlers). */
export type ContentMessage = Extract<Message, { content: RecordDict }>;

/** Answers one message: resolves with the reply's content, or throws (the reply then carries the error). */
export type MessageHandler = (message: ContentMessage, context: ClientContext) => Promise<RecordDict>;

/**
 * Handlers by message type: `train`, `evaluate`, `query`, or Flower's
 * `<type>.<name>` form, which goes to the exact name first and to `<type>`
 * after. A type no handler takes gets an error reply naming the types this
 * client handles.
 */
export interface ClientApp {
  readonly handlers: Readonly<Record<string, MessageHandler>>;
}

/** The handler for a message type, following Flower's `<type>.<name>` convention. */
export function handlerFor(app: ClientApp, messageType: string): MessageHandler | undefined {
  if (Object.hasOwn(app.handlers, messageType)) return app.handlers[messageType];
  const base = messageType.split('.')[0];
  return Object.hasOwn(app.handlers, base) ? app.handlers[base] : undefined;
}
