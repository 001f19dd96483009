import { ModgateError } from '../errors/index.js';

/**
 * `work`, or a rejection as soon as `signal` aborts: a backoff delay (cockatiel's, which knows
 * no signal) never keeps a caller who gave up waiting. A value that arrives afterwards goes to
 * `discard` (a zip's stream must be closed).
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  discard: (late: T) => void,
): Promise<T> {
  if (signal === undefined) return work;
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      settled = true;
      const reason: unknown = signal.reason;
      reject(
        reason instanceof ModgateError
          ? reason
          : new ModgateError('timeout', 'upstream request aborted', { cause: reason }),
      );
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) resolve(value);
        else discard(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) reject(err as Error);
      },
    );
  });
}
