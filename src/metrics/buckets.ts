/**
 * Histogram buckets, in seconds (the metric catalogue of issue 11). Requests: a cached hit is
 * answered in well under a millisecond, a cold zip download may take a minute. Upstream, git
 * and storage operations: the same bounds from a millisecond on.
 */
export const REQUEST_BUCKETS: readonly number[] = Object.freeze([
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

export const OPERATION_BUCKETS: readonly number[] = Object.freeze(REQUEST_BUCKETS.slice(1));
