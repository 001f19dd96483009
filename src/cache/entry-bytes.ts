/**
 * Estimates of what cache entries cost on the heap, so that every in-process cache can be
 * bounded by bytes rather than by a count that says nothing about memory. Each estimate is an
 * upper bound for what the entry itself keeps alive; the constants were measured once on
 * Node 20 (V8 11.3, x64, pointer compression off) as `heapUsed + external` after two forced
 * collections, divided over 100,000–200,000 live objects of each kind, then rounded up:
 *
 * - a string: a 16–24 byte header plus 1 byte per character (Latin-1) or 2 (anything else);
 *   counted as 24 + 2 per UTF-16 code unit whatever its encoding.
 * - a plain object: a 24 byte header plus 8 per field (an object of two fields measured 40).
 * - a Buffer with its own ArrayBuffer (`Buffer.allocUnsafeSlow(10)`): 216 bytes besides its
 *   contents (the Uint8Array, the ArrayBuffer, the backing-store record).
 * - a Date: 112 bytes (V8 caches the broken-down fields in the object).
 * - one entry of an lru-cache with per-entry TTL (`LRUCache` without `max`, so its slot arrays
 *   grow on demand): 113 bytes at 200,000 entries — the key map's entry and bucket share, the
 *   key/value/next/prev/size/ttl/start slots, and the growth slack of those arrays.
 */

/** What one cache entry costs besides its key and value (lru-cache bookkeeping, rounded up). */
export const ENTRY_OVERHEAD_BYTES = 128;

/** A Buffer's own cost besides its contents. */
export const BUFFER_OVERHEAD_BYTES = 224;

/** A Date object. */
export const DATE_BYTES = 112;

/** A string's cost: header plus 2 bytes per UTF-16 code unit (an upper bound). */
export function stringBytes(s: string): number {
  return 24 + 2 * s.length;
}

/** A plain object's own cost (its fields' values are counted separately). */
export function objectBytes(fields: number): number {
  return 24 + 8 * fields;
}

/** A Buffer's cost, contents included (see `ownedBuffer` for why the contents are all it holds). */
export function bufferBytes(b: Buffer): number {
  return BUFFER_OVERHEAD_BYTES + b.byteLength;
}

/**
 * `b` itself when it owns its whole ArrayBuffer, else a copy that does. A small Buffer is often
 * a view into a shared 8 KiB pool slab (`Buffer.from`, `Buffer.concat`, `allocUnsafe`); kept
 * in a cache it would keep the whole slab alive, and the cache's byte count would be wrong by
 * up to 8 KiB per entry. Copying once when an entry is stored makes the count true.
 */
export function ownedBuffer(b: Buffer): Buffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b;
  const copy = Buffer.allocUnsafeSlow(b.byteLength);
  b.copy(copy);
  return copy;
}

/**
 * A copy of `s` that shares nothing with other strings. A string built by slicing or
 * concatenation may be a V8 sliced or cons string that keeps its parent(s) alive — an error
 * message quoting 200 characters of an upstream's body can hold the whole body — so a string
 * kept for a long time is copied into a flat one of its own.
 */
export function ownedString(s: string): string {
  // The JSON parser builds a new sequential string, and the round trip is exact for every
  // UTF-16 string (lone surrogates are written as \u escapes and read back).
  return JSON.parse(JSON.stringify(s)) as string;
}
