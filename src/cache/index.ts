/**
 * Small in-memory caches shared by the layers (they depend on nothing else in modgate):
 *
 * - TtlCache: a bounded map whose entries carry their own lifetime (remembered "not found"
 *   answers, discovery results). Expired entries are never returned; when full, the oldest
 *   insertions go first; a lifetime of zero or less stores nothing. The clock is injectable so
 *   expiry is testable without timers.
 */
export { TtlCache } from './ttl-cache.js';
