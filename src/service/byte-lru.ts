import {
  BoundedCache,
  DATE_BYTES,
  bufferBytes,
  objectBytes,
  ownedBuffer,
  stringBytes,
} from '../cache/index.js';
import type { StoredStat } from '../storage/storage.js';

/**
 * An LRU of small buffers bounded by total bytes: the hot copy of immutable metadata files
 * (.info, .mod) and of lists, so cached hits do not touch storage. Values carry the time they
 * were fetched from an upstream, which decides list freshness.
 *
 * The bound counts everything an entry keeps alive — the key, the buffer (with its own
 * overhead: an empty list still costs a few hundred bytes), the stat, the bookkeeping — so
 * it holds however many and however small the entries are. A buffer that is a view into a
 * larger one (a pool slab) is copied when stored, so it keeps only its own bytes.
 */
export interface CachedBytes {
  data: Buffer;
  fetchedAt: number;
  /** For files served with validators (small zips): their stored stat. */
  stat?: StoredStat;
}

export class ByteLru {
  private readonly entries: BoundedCache<CachedBytes>;

  constructor(maxBytes: number, maxEntryBytes = Math.max(1, Math.floor(maxBytes / 16))) {
    this.entries = new BoundedCache({ maxBytes, maxEntryBytes, sizeOf: cachedBytes });
  }

  get(key: string): CachedBytes | undefined {
    return this.entries.get(key);
  }

  /** Stores `entry` (its data copied if it is a view into a larger buffer); too big: not kept. */
  set(key: string, entry: CachedBytes): void {
    const data = ownedBuffer(entry.data);
    this.entries.set(key, data === entry.data ? entry : { ...entry, data });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** How many entries are held. */
  get size(): number {
    return this.entries.size;
  }

  /** The bytes the held entries account for; at most `maxBytes`. */
  get bytes(): number {
    return this.entries.bytes;
  }

  get maxBytes(): number {
    return this.entries.maxBytes;
  }
}

function cachedBytes(entry: CachedBytes): number {
  let bytes = objectBytes(3) + bufferBytes(entry.data);
  if (entry.stat !== undefined) {
    bytes += objectBytes(3) + DATE_BYTES + stringBytes(entry.stat.etag);
  }
  return bytes;
}
