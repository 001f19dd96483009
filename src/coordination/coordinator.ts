import type { ErrorKind } from '../errors/index.js';

/**
 * What a fetch run under `Coordinator.once` hands back: the value for this process's callers
 * (answered at once), and how to wait until the file is in shared storage — a coordinator
 * across replicas holds its lock until then, so that the replicas waiting for it find the file
 * there (it may hurry a store that would otherwise wait for a quiet moment).
 */
export interface Fetched<T> {
  readonly value: T;
  readonly stored?: (() => Promise<unknown>) | undefined;
}

/** A miss of one file, as `Coordinator.once` runs it. */
export interface OnceWork<T> {
  /**
   * The file as shared storage has it now (stored by another replica), or undefined when it
   * is not there. Called by a coordinator across replicas only.
   */
  lookup(): Promise<T | undefined>;
  /** Fetches the file (from upstream) and starts storing it. */
  fetch(): Promise<Fetched<T>>;
}

/** A "not found" answer as replicas share it: enough to give the same answer again. */
export interface SharedAnswer {
  readonly kind: ErrorKind;
  readonly message: string;
}

/** Handed to the work run under `withLock`. */
export interface LockGuard {
  /**
   * The fencing check, to be called immediately before the work's commit point (the one
   * write that makes its result visible): throws a ModgateError `unavailable` when the lock is
   * no longer held by this holder (it expired: the holder stalled longer than the lock's
   * lifetime, or the lock store was lost), and otherwise extends the lock to its full lifetime,
   * so that the commit that follows has that long before anyone else can take the lock.
   */
  confirm(): Promise<void>;
}

/**
 * The Lock / coalescer seam (DESIGN §3): how the processes serving one storage agree on who
 * does what. Two implementations: in-process (one process: its own coalescing is all there
 * is; `LocalCoordinator`), and Redis across replicas (`RedisCoordinator`), which falls back to
 * in-process behaviour whenever Redis cannot be reached.
 *
 * Callers keep their own in-process coalescing (Singleflight) in front of `once`, so a
 * coordinator sees one call per miss per process, not one per request; and a file found in
 * storage never reaches it (no coordination on the hit path).
 */
export interface Coordinator {
  /** For logs: `in-process`, or the Redis URL with its credentials hidden. */
  readonly description: string;

  /**
   * Runs a miss of the file `key` in one replica at a time (a distributed singleflight):
   * across replicas, one of them fetches while the others wait for it (a bounded wait) and then
   * read the file from storage (`lookup`); a waiter whose wait ends without the file fetches it
   * itself. A failure of the replica that fetched is passed to the waiters as the same kind and
   * message (as in-process coalescing shares one rejection). In-process: `fetch`, nothing else.
   */
  once<T>(key: string, work: OnceWork<T>): Promise<T>;

  /** A "not found" answer another replica remembered for `key`, if still within its lifetime. */
  recallNotFound(key: string): Promise<SharedAnswer | undefined>;
  /** Shares a "not found" answer for `ttlMs` (best effort: never fails, never waits). */
  rememberNotFound(key: string, answer: SharedAnswer, ttlMs: number): void;

  /**
   * How much longer `key` (a list or @latest another replica refreshed and stored) stays
   * fresh, in ms: 0 when no replica refreshed it within its TTL.
   */
  freshFor(key: string): Promise<number>;
  /** Marks `key` as just refreshed (and stored) for `ttlMs` (best effort). */
  markFresh(key: string, ttlMs: number): void;

  /** Drops what is shared about `key`: its "not found" answer and its freshness (best effort). */
  forget(key: string): void;

  /**
   * Runs `work` holding the exclusive lock `name` (e.g. a checksum database's writer lock):
   * across replicas, one holder at a time, the lock renewed while `work` runs and released
   * after; a dead holder's lock expires after the lock lifetime. Throws `unavailable` when the
   * lock cannot be had within the wait timeout, or when Redis cannot be reached (never
   * running `work` unlocked: the callers are writers that would otherwise fork shared state).
   */
  withLock<T>(name: string, work: (guard: LockGuard) => Promise<T>): Promise<T>;

  /**
   * Tells the other replicas that shared state named `topic` changed (e.g. `blocks`: a block
   * added or removed), so they read it again now instead of at their next poll. Best effort:
   * never fails, never waits; a replica that misses it still polls. In-process: nothing.
   */
  announce(topic: string): void;
  /**
   * Calls `listener` when a replica (this one included) announces `topic`; returns the
   * function that stops listening.
   */
  onAnnounce(topic: string, listener: () => void): () => void;

  /** Releases what is held and closes connections. */
  close(): Promise<void>;
}
