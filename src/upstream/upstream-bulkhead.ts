import { BulkheadRejectedError, bulkhead, type BulkheadPolicy } from 'cockatiel';
import { ModgateError } from '../errors/index.js';
import type { UpstreamObserver } from './upstream-observer.js';

export interface UpstreamBulkheadOptions {
  label: string;
  /** Fetches in flight at once (at least 1). */
  maxConcurrent: number;
  /** Calls that may wait for a slot; beyond, calls are refused at once. */
  maxQueued: number;
  observer: UpstreamObserver;
}

/** The error of a call refused by a full bulkhead: 503, never retried, not the upstream's fault. */
export class BulkheadFullError extends ModgateError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

/**
 * The bulkhead of one upstream: cockatiel's BulkheadPolicy, used as a lease. `acquire` resolves
 * with a release function once a slot is free, so a slot can outlive the call that took it (a
 * zip's slot is held until its body has been read). A call over the queue bound is refused at
 * once (kind `unavailable`: HTTP 503, and a `|` chain goes on to the next entry); one whose
 * signal aborts while queued gives its place up (the slot, if granted later, is freed at once).
 */
export class UpstreamBulkhead {
  private readonly policy: BulkheadPolicy;

  constructor(private readonly options: UpstreamBulkheadOptions) {
    this.policy = bulkhead(options.maxConcurrent, options.maxQueued);
    options.observer.bulkhead(options.label, 0);
  }

  /** Calls waiting for a slot now. */
  get queued(): number {
    return this.options.maxQueued - this.policy.queueSlots;
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    const { label, observer } = this.options;
    return new Promise((resolve, reject) => {
      let abandoned = false;
      const onAbort = (): void => {
        abandoned = true;
        reject(abortError(label, signal));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.policy
        .execute(
          () =>
            new Promise<void>((release) => {
              signal?.removeEventListener('abort', onAbort);
              observer.bulkhead(label, this.queued);
              let released = false;
              const once = (): void => {
                if (released) return;
                released = true;
                release();
              };
              if (abandoned) once();
              else resolve(once);
            }),
        )
        .catch((err: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          if (err instanceof BulkheadRejectedError) {
            observer.bulkheadRejected(label);
            reject(
              new BulkheadFullError(
                `upstream ${label}: too many requests at once (${this.options.maxConcurrent} in flight, ${this.options.maxQueued} waiting); try again later`,
              ),
            );
          } else reject(err as Error);
        });
      observer.bulkhead(label, this.queued);
    });
  }
}

function abortError(label: string, signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof ModgateError) return reason;
  return new ModgateError('timeout', `upstream ${label}: request aborted while waiting for a slot`);
}
