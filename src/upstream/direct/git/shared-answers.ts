import { BoundedCache, objectBytes } from '../../../cache/index.js';

export interface SharedAnswersOptions {
  /** How long a settled answer is reused, in ms. */
  ttlMs: number;
  /** Whether a failure is reused for `ttlMs` too (else the next caller asks again). */
  keepFailures: boolean;
  /** Bound on what is kept (BoundedCache): the least recently used answers make room. */
  maxBytes: number;
  /** Clock, for tests. */
  now: () => number;
}

/** What one kept answer accounts for: a small object holding a promise and its result. */
const ANSWER_BYTES = objectBytes(4) + 512;

/**
 * Answers that cost a git process (ls-remote, resolving a revision), computed once and shared:
 * concurrent callers of one key wait on the same promise, and a settled answer is reused for
 * `ttlMs` — a burst of requests costs one process. A pending answer never expires (it is
 * reused until it settles, however long that takes); its lifetime starts when it settles.
 * Bounded by bytes: when a pending answer is pushed out, the next caller starts another.
 */
export class SharedAnswers<T> {
  private readonly answers: BoundedCache<{ promise: Promise<T>; pending: boolean }>;

  constructor(private readonly options: SharedAnswersOptions) {
    this.answers = new BoundedCache({
      maxBytes: options.maxBytes,
      sizeOf: () => ANSWER_BYTES,
      now: options.now,
    });
  }

  /** The answer for `key`: a pending or fresh one, else `compute()`'s, shared from now on. */
  get(key: string, compute: () => Promise<T>): Promise<T> {
    const kept = this.answers.get(key);
    if (kept !== undefined) return kept.promise;
    const entry = { promise: compute(), pending: true };
    this.answers.set(key, entry);
    const settle = (ok: boolean): void => {
      entry.pending = false;
      // Only while this is still the answer kept for the key (a primed one may replace it).
      if (this.answers.get(key) !== entry) return;
      if (ok || this.options.keepFailures) this.answers.set(key, entry, this.options.ttlMs);
      else this.answers.delete(key);
    };
    entry.promise.then(
      () => settle(true),
      () => settle(false),
    );
    return entry.promise;
  }

  /** Forgets every answer (pending ones stay with whoever waits for them). */
  clear(): void {
    this.answers.clear();
  }

  /** Takes an answer obtained elsewhere (fresh now), unless one is pending for `key`. */
  prime(key: string, value: T): void {
    if (this.answers.get(key)?.pending === true) return;
    this.answers.set(key, { promise: Promise.resolve(value), pending: false }, this.options.ttlMs);
  }
}
