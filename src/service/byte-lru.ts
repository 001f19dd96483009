import type { StoredStat } from '../storage/storage.js';

/**
 * An LRU of small buffers bounded by total bytes: the hot copy of immutable metadata files
 * (.info, .mod) and of lists, so cached hits do not touch storage. Values carry the time they
 * were fetched from an upstream, which decides list freshness.
 */
export interface CachedBytes {
  data: Buffer;
  fetchedAt: number;
  /** For files served with validators (small zips): their stored stat. */
  stat?: StoredStat;
}

export class ByteLru {
  private readonly entries = new Map<string, CachedBytes>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly maxEntryBytes = Math.max(1, Math.floor(maxBytes / 16)),
  ) {}

  get(key: string): CachedBytes | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Refresh recency: Map iteration order is insertion order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedBytes): void {
    this.delete(key);
    if (entry.data.length > this.maxEntryBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.data.length;
    while (this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.data.length;
  }

  get size(): number {
    return this.bytes;
  }
}
