/**
 * Waits for a promise that others may share (a coalesced fetch, a lookup many callers joined)
 * but gives up as soon as this caller's signal aborts: the caller gets `reasonFor(signal)`
 * (default: the signal's reason) and the shared work goes on for the others. Without a signal
 * it is the promise itself.
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  reasonFor: (signal: AbortSignal) => unknown = (s) => s.reason,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(asError(reasonFor(signal)));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(asError(reasonFor(signal)));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(err));
      },
    );
  });
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
