import type { IBackoff, IBackoffFactory } from 'cockatiel';

export interface FullJitterOptions {
  /** The first retry's largest delay; each further retry doubles it, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Never wait longer than this (the time left before the request's deadline). */
  capMs?: () => number;
  /** In [0, 1); Math.random by default (tests pass their own). */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): retry n (from 1) waits a uniformly random share of min(max, initial × 2^(n-1)),
 * as a cockatiel backoff for its RetryPolicy. The delay is also cut to `capMs()`, so a retry
 * never sleeps past the request's own deadline.
 */
export function fullJitterBackoff(options: FullJitterOptions): IBackoffFactory<unknown> {
  const random = options.random ?? Math.random;
  const step = (retry: number): IBackoff<unknown> => {
    const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
    const cap = options.capMs?.() ?? Number.POSITIVE_INFINITY;
    return {
      duration: Math.max(0, Math.min(cap, Math.floor(random() * ceiling))),
      next: () => step(retry + 1),
    };
  };
  return { next: () => step(1) };
}
