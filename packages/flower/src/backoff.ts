import { ArgumentError } from '@neurite/core';

/**
 * Delays between reconnection attempts: exponential, capped, and jittered
 * ("full jitter" over the upper half) so that many clients cut off by the same
 * SuperLink restart do not all come back in the same instant.
 */
export interface BackoffOptions {
  /** First delay in ms (default 500). */
  readonly initialMs?: number;
  /** No delay exceeds this (default 30 000). */
  readonly maxMs?: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Source of uniform [0, 1) numbers; tests pass a fixed one. */
  readonly random?: () => number;
}

/** The delay before attempt `attempt` (0-based): between half and all of min(max, initial × factor^attempt). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  if (!(initial > 0) || !(max >= initial) || !(factor >= 1)) {
    throw new ArgumentError(`backoff: initialMs ${initial}, maxMs ${max}, factor ${factor} - need 0 < initialMs <= maxMs and factor >= 1`);
  }
  const ceiling = Math.min(max, initial * factor ** Math.max(0, attempt));
  return ceiling / 2 + (ceiling / 2) * (options.random ?? Math.random)();
}

/** Resolves after `ms`, or at once when `signal` aborts (it never rejects: callers check the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
