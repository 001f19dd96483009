import { BoundedCache, objectBytes, ownedString, stringBytes } from '../cache/index.js';
import type { CacheUsage } from '../cache/index.js';
import { parseProxyPath, type ProxyRequest } from '../protocol/proxy-request.js';

/**
 * Default bound on the parses kept: 4 MiB. A parse of a typical path accounts for ~400 bytes
 * (the path, the module path twice, the version twice, bookkeeping), so this keeps the ~10,000
 * most recently used paths — the "same few thousand paths" clients repeat — while paths up to
 * the 2 KiB request limit just mean fewer entries.
 */
export const PARSED_PATH_CACHE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * parseProxyPath behind a bounded map from raw path to its parse. Parsing validates the module
 * path element by element (checkPath, unescaping, storage-key rules): correct, but as costly
 * as serving a cached file, and clients ask for the same few thousand paths over and over.
 *
 * Only paths that parsed to a request are kept (a path that throws or is outside the GOPROXY
 * URL space is parsed again each time), so the cache never changes an answer: a parse depends
 * on the path alone. The cached requests are frozen: every caller shares them. Bounded by
 * bytes (a BoundedCache of `maxBytes`, least recently used parses make room): arbitrary paths
 * cannot grow it past its bound.
 */
export class ParsedPathCache {
  private readonly entries: BoundedCache<Readonly<ProxyRequest>>;

  constructor(maxBytes = PARSED_PATH_CACHE_MAX_BYTES) {
    this.entries = new BoundedCache({ maxBytes, sizeOf: requestBytes });
  }

  parse(path: string): Readonly<ProxyRequest> | null {
    const cached = this.entries.get(path);
    if (cached !== undefined) return cached;
    // The path may be a slice of the whole request target (query included): the kept key and
    // the parse's strings (slices of it) must hold only the path's own characters.
    const owned = ownedString(path);
    const parsed = parseProxyPath(owned);
    if (parsed === null) return null;
    Object.freeze(parsed);
    this.entries.set(owned, parsed);
    return parsed;
  }

  /** How many kept parses there are, the bytes they account for, and the bound. */
  get usage(): CacheUsage {
    return this.entries.usage;
  }
}

/** A parse's cost: each of its strings counted on its own (some share the path's characters). */
function requestBytes(req: Readonly<ProxyRequest>): number {
  let bytes = objectBytes(6);
  for (const value of Object.values(req)) {
    if (typeof value === 'string') bytes += stringBytes(value);
  }
  return bytes;
}
