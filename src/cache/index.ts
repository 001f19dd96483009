/**
 * In-memory caches shared by the layers (they depend on nothing else in modgate). Every cache
 * that grows with what clients ask for is bounded by bytes, not by a count of entries: a
 * count says nothing about memory when keys are request paths of any length and values are
 * anything from a flag to a file.
 *
 * - BoundedCache: a least-recently-used map over lru-cache with `maxSize`, each entry
 *   accounted as key + value + bookkeeping, optionally with a lifetime per entry (remembered
 *   "not found" answers, discovery results). Expired entries are never returned; a lifetime
 *   of zero or less stores nothing. The clock is injectable so expiry is testable without
 *   timers.
 * - entry-bytes: the per-object estimates (strings, objects, Buffers, Dates, entry
 *   bookkeeping) those byte counts are made of, measured once and documented there, and the
 *   copies (`ownedBuffer`, `ownedString`) that make a kept value hold only its own bytes.
 */
export {
  BoundedCache,
  entryBytes,
  type BoundedCacheOptions,
  type CacheUsage,
} from './bounded-cache.js';
export {
  BUFFER_OVERHEAD_BYTES,
  DATE_BYTES,
  ENTRY_OVERHEAD_BYTES,
  bufferBytes,
  objectBytes,
  ownedBuffer,
  ownedString,
  stringBytes,
} from './entry-bytes.js';
