import { BoundedCache, objectBytes, ownedString, stringBytes } from '../cache/index.js';
import type { CacheUsage } from '../cache/index.js';
import { ModgateError, type ErrorKind } from '../errors/index.js';

/**
 * Default bound: 4 MiB. A remembered answer accounts for ~300–600 bytes (a storage key of
 * 30–80 characters, an upstream's message of 80–200, bookkeeping), so this remembers the
 * ~10,000 most recent "not found" answers: far more than the go command probes within one
 * `cache.not_found_ttl` for any build (a few per missing import path), while a client walking
 * through hundreds of thousands of distinct missing paths costs at most these 4 MiB.
 */
export const NOT_FOUND_MEMORY_MAX_BYTES = 4 * 1024 * 1024;

export interface NotFoundMemoryOptions {
  maxBytes?: number;
  now?: () => number;
}

/** What is kept of a "not found" answer: enough to give the same answer again. */
interface Remembered {
  readonly kind: ErrorKind;
  readonly message: string;
}

/**
 * Recent "not found" answers from the upstreams, by storage key, each for its own lifetime
 * (`cache.not_found_ttl`), so a path the upstreams just said they do not have is not asked
 * again at once. Only the error's kind and message are kept — not the error, whose stack trace
 * and cause (an upstream response, a git failure) can hold kilobytes each — and a fresh
 * ModgateError with the same kind and message is thrown on a hit: the client gets the same
 * status and body. Bounded by bytes (see NOT_FOUND_MEMORY_MAX_BYTES); the least recently used
 * answers make room.
 */
export class NotFoundMemory {
  private readonly entries: BoundedCache<Remembered>;

  constructor(options: NotFoundMemoryOptions = {}) {
    this.entries = new BoundedCache({
      maxBytes: options.maxBytes ?? NOT_FOUND_MEMORY_MAX_BYTES,
      sizeOf: (r) => objectBytes(2) + stringBytes(r.message),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  /** A new error like the one remembered for `key`, if it is still within its lifetime. */
  recall(key: string): ModgateError | undefined {
    const r = this.entries.get(key);
    return r === undefined ? undefined : new ModgateError(r.kind, r.message);
  }

  /** Remembers `err` (a not-found or gone answer) for `ttlMs`; zero or less: not at all. */
  remember(key: string, err: ModgateError, ttlMs: number): void {
    // Copies: the key may be a slice of a request path, the message a concatenation holding
    // an upstream's whole response text.
    this.entries.set(
      ownedString(key),
      { kind: err.kind, message: ownedString(err.message) },
      ttlMs,
    );
  }

  /** Forgets what was remembered for `key` (a module version was published there). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** How many remembered answers there are, the bytes they account for, and the bound. */
  get usage(): CacheUsage {
    return this.entries.usage;
  }
}
