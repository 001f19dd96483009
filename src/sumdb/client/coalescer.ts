/**
 * Joins concurrent calls for the same key: while one is in flight, later callers get its
 * promise. Settled calls are forgotten at once, so failures are never remembered here.
 * (The service layer has its own Singleflight; this layer may not depend on it.)
 */
export class Coalescer<V> {
  private readonly inflight = new Map<string, Promise<V>>();

  do(key: string, fn: () => Promise<V>): Promise<V> {
    const existing = this.inflight.get(key);
    if (existing !== undefined) return existing;
    const p = fn().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }
}
