import { untilAborted } from '../../../async/index.js';
import { ModgateError } from '../../../errors/index.js';

/**
 * Waits for a shared promise (an ls-remote many callers wait on) but gives up when this
 * caller's signal aborts — the shared work goes on for the others.
 */
export function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return untilAborted(promise, signal, (s) => abortedError(s, 'git'));
}

/** The ModgateError for a caller that gave up (its deadline passed or it went away). */
export function abortedError(signal: AbortSignal, what: string): ModgateError {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return new ModgateError('timeout', `${what}: ${timedOut ? 'timed out' : 'request aborted'}`, {
    cause: reason,
  });
}
