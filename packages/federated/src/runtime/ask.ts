import type { Client } from './messages.js';
import { TIMED_OUT, withTimeout } from './timeout.js';

export type Outcome<T> = T | typeof TIMED_OUT | Error;

/**
 * Asks each client (`call`), at most `limit` calls in flight, each under its
 * own timeout, and hands every outcome to `onAnswer` as it arrives. A call
 * starts only when a slot is free, so clients in this thread are not all
 * trained before the first answer is folded: the answers waiting at any
 * moment number at most `limit`, not the round's clients.
 */
export async function askEach<T>(clients: readonly Client[], limit: number, timeoutMs: number, call: (c: Client) => Promise<T>, onAnswer: (c: Client, outcome: Outcome<T>) => void): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < clients.length) {
      const c = clients[next++];
      onAnswer(c, await withTimeout(c, () => call(c), timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, clients.length) }, lane));
}
