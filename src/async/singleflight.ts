/**
 * Coalesces concurrent calls for the same key into one: while a call for `key` is in flight,
 * later callers get the same promise. The entry is dropped as soon as the call settles, so a
 * failure is never cached here (caching answers is the caller's business).
 */
export class Singleflight<V> {
  private readonly inflight = new Map<string, Promise<V>>();

  /** `onJoin`: called each time a caller joins a call already in flight (metrics). */
  constructor(private readonly onJoin?: () => void) {}

  do(key: string, fn: () => Promise<V>): Promise<V> {
    const existing = this.inflight.get(key);
    if (existing) {
      this.onJoin?.();
      return existing;
    }
    const p = fn().finally(() => {
      this.inflight.delete(key);
    });
    this.inflight.set(key, p);
    return p;
  }

  get size(): number {
    return this.inflight.size;
  }
}
