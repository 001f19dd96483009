/** Why a replica did not coordinate a miss with the others (the `reason` label). */
export type FallbackReason = 'unavailable' | 'wait_timeout';

/** What the coordination layer reports (the metrics implement it; app wires them). */
export interface CoordinationObserver {
  /** Redis became reachable (true) or unreachable (false). */
  up(isUp: boolean): void;
  /**
   * A miss was fetched without coordination: Redis was unreachable (`unavailable`), or the
   * wait for another replica's fetch ended without the file (`wait_timeout`).
   */
  fallback(reason: FallbackReason): void;
}
