import { ModgateError } from '../../../errors/index.js';

/**
 * Waits for a shared promise (an ls-remote many callers wait on) but gives up when this
 * caller's signal aborts — the shared work goes on for the others.
 */
export function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal, 'git'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal, 'git'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

/** The ModgateError for a caller that gave up (its deadline passed or it went away). */
export function abortedError(signal: AbortSignal, what: string): ModgateError {
  const reason: unknown = signal.reason;
  const timedOut = reason instanceof Error && reason.name === 'TimeoutError';
  return new ModgateError('timeout', `${what}: ${timedOut ? 'timed out' : 'request aborted'}`, {
    cause: reason,
  });
}
