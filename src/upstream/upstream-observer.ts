/**
 * What the resilience decorators of one upstream report (issue 11): each attempt, each retry,
 * breaker transitions and bulkhead occupancy. The metrics layer implements it (the metric
 * catalogue: modgate_upstream_*); NO_UPSTREAM_OBSERVER is used when nobody listens.
 *
 * `upstream` is the chain entry's label: a proxy entry's description (its URL without user
 * information — never credentials) or `direct`. Its values are bounded by the configuration.
 * Calls are synchronous and must not throw: an observer that fails must not fail a fetch.
 */
export interface UpstreamObserver {
  /**
   * One attempt at the upstream finished (every retry is an attempt of its own; a call
   * refused by an open breaker or a full bulkhead is one attempt with outcome `rejected`
   * and 0 seconds). For a zip, `seconds` runs until the answer started (the stream itself is
   * read by the consumer later).
   */
  attempt(
    upstream: string,
    operation: UpstreamOperation,
    outcome: AttemptOutcome,
    seconds: number,
  ): void;
  /** A failed attempt is being retried (counted once per retry, before its backoff delay). */
  retry(upstream: string, operation: UpstreamOperation): void;
  /**
   * The upstream's breaker is now in `state`. Called once at construction with `closed` (so a
   * gauge starts at a known state) and then on every transition.
   */
  breakerState(upstream: string, state: BreakerState): void;
  /** Calls waiting for a bulkhead slot right now (after every change). */
  bulkhead(upstream: string, queued: number): void;
  /** A call was refused because every slot and every queue place was taken. */
  bulkheadRejected(upstream: string): void;
}

/** The Upstream method an event is about (the `operation` label). */
export type UpstreamOperation = 'list' | 'latest' | 'info' | 'mod' | 'zip';

/**
 * How one attempt ended: `ok`; `not_found` (404/410 or unknown module/version: an answer, and
 * a success for the breaker); `timeout` (the upstream's deadline or the caller's abort);
 * `error` (any other failure: connection errors, 5xx, invalid or refused content);
 * `rejected` (not sent: breaker open or bulkhead full).
 */
export type AttemptOutcome = 'ok' | 'not_found' | 'error' | 'timeout' | 'rejected';

export type BreakerState = 'closed' | 'open' | 'half_open';

/** The observer used when nobody listens: every event is dropped. */
export const NO_UPSTREAM_OBSERVER: UpstreamObserver = {
  attempt() {},
  retry() {},
  breakerState() {},
  bulkhead() {},
  bulkheadRejected() {},
};
