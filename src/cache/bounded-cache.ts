import { LRUCache } from 'lru-cache';
import { ENTRY_OVERHEAD_BYTES, stringBytes } from './entry-bytes.js';

export interface BoundedCacheOptions<V> {
  /** The most bytes all entries together may account for: keys, values and bookkeeping. */
  maxBytes: number;
  /**
   * What one value keeps alive, in bytes (see entry-bytes.ts); the key and the entry's own
   * bookkeeping are added here. Called once per `set`.
   */
  sizeOf: (value: V) => number;
  /** The largest single entry admitted (bigger ones are not stored). Default `maxBytes`. */
  maxEntryBytes?: number;
  /** The clock of per-entry lifetimes, in ms. Default Date.now. */
  now?: () => number;
  /**
   * Called with a value as it leaves the cache: evicted, replaced by a `set`, deleted, cleared,
   * or expired (lru-cache's `dispose`). It must not change the cache.
   */
  onRemove?: (value: V) => void;
}

/** What a bounded cache holds against its bound: for tests, and for metrics. */
export interface CacheUsage {
  /** How many entries are stored (expired ones not yet dropped included). */
  readonly entries: number;
  /** The bytes the stored entries account for; never more than `maxBytes`. */
  readonly bytes: number;
  readonly maxBytes: number;
}

/**
 * A least-recently-used map bounded by bytes (lru-cache with `maxSize`): every entry is
 * accounted as its key + its value (`sizeOf`) + ENTRY_OVERHEAD_BYTES, and once the total would
 * pass `maxBytes` the least recently used entries go. The bound holds whatever the keys are —
 * many distinct, long request paths just mean fewer entries — and the number of entries is at
 * most `maxBytes / ENTRY_OVERHEAD_BYTES`.
 *
 * An entry may carry its own lifetime (`set(key, value, ttlMs)`): it is never returned once
 * `ttlMs` have passed (age ≥ ttl). Expired entries are dropped when looked up or when they are
 * the least recently used; until then they still count towards the bound, so it holds without
 * timers.
 */
export class BoundedCache<V extends object | string | number | boolean> {
  readonly maxBytes: number;
  private readonly lru: LRUCache<string, V>;
  /** Whether any entry was given a lifetime (until then, `get` skips the lifetime check). */
  private timed = false;

  constructor(options: BoundedCacheOptions<V>) {
    const maxBytes = Math.max(1, Math.floor(options.maxBytes));
    this.maxBytes = maxBytes;
    const clock = options.now ?? Date.now;
    // lru-cache treats a start time of 0 as "no lifetime": keep its clock above 0 whatever the
    // injected clock starts at.
    const origin = clock();
    const sizeOf = options.sizeOf;
    const onRemove = options.onRemove;
    this.lru = new LRUCache<string, V>({
      ...(onRemove === undefined ? {} : { dispose: (value: V) => onRemove(value) }),
      maxSize: maxBytes,
      maxEntrySize: Math.max(1, Math.min(maxBytes, Math.floor(options.maxEntryBytes ?? maxBytes))),
      sizeCalculation: (value, key) => entryBytes(key, sizeOf(value)),
      perf: { now: () => clock() - origin + 1 },
      // Read the clock on every check (the default caches it for 1 ms with a timer).
      ttlResolution: 0,
    });
  }

  /** The value for `key` if it is stored and still within its lifetime; marks it recently used. */
  get(key: string): V | undefined {
    const value = this.lru.get(key);
    if (value === undefined || !this.timed) return value;
    // lru-cache drops an entry once its age is over its lifetime; at exactly its lifetime it
    // is expired too (as an entry stored with a lifetime of ttlMs is fresh for ttlMs).
    if (this.lru.getRemainingTTL(key) <= 0) {
      this.lru.delete(key);
      return undefined;
    }
    return value;
  }

  /**
   * Stores `value` under `key`, replacing any older entry. With `ttlMs`, the entry lives that
   * long; a lifetime of zero or less stores nothing (and forgets an older entry). An entry over
   * `maxEntryBytes` is not stored either.
   */
  set(key: string, value: V, ttlMs?: number): void {
    if (ttlMs === undefined) {
      this.lru.set(key, value);
      return;
    }
    if (!(ttlMs > 0)) {
      this.lru.delete(key);
      return;
    }
    this.timed = true;
    this.lru.set(key, value, { ttl: Math.ceil(ttlMs) });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }

  /** How many entries are stored (expired ones not yet dropped included). */
  get size(): number {
    return this.lru.size;
  }

  /** The bytes the stored entries account for; never more than `maxBytes`. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }

  /**
   * Entries, bytes and bound in one value, so a component built on a BoundedCache can show its
   * usage with one getter.
   */
  get usage(): CacheUsage {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize, maxBytes: this.maxBytes };
  }
}

/** What an entry of `key` whose value accounts for `valueBytes` counts towards the bound. */
export function entryBytes(key: string, valueBytes: number): number {
  return Math.max(1, Math.ceil(ENTRY_OVERHEAD_BYTES + stringBytes(key) + valueBytes));
}
