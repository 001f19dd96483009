import { parseProxyPath, type ProxyRequest } from '../protocol/proxy-request.js';

/**
 * parseProxyPath behind a bounded map from raw path to its parse. Parsing validates the module
 * path element by element (checkPath, unescaping, storage-key rules): correct, but as costly
 * as serving a cached file, and clients ask for the same few thousand paths over and over.
 *
 * Only paths that parsed to a request are kept (a path that throws or is outside the GOPROXY
 * URL space is parsed again each time), so the cache never changes an answer: a parse depends
 * on the path alone. The cached requests are frozen: every caller shares them. When full, the
 * oldest entry makes room (insertion order): arbitrary paths cannot grow it past `maxEntries`.
 */
export class ParsedPathCache {
  private readonly entries = new Map<string, Readonly<ProxyRequest>>();

  constructor(readonly maxEntries = 10_000) {}

  parse(path: string): Readonly<ProxyRequest> | null {
    const cached = this.entries.get(path);
    if (cached !== undefined) return cached;
    const parsed = parseProxyPath(path);
    if (parsed === null) return null;
    Object.freeze(parsed);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(path, parsed);
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }
}
