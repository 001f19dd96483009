import type { ProxyRequest } from '../protocol/proxy-request.js';
import { infoKey, latestKey, listKey, modKey, zipKey } from '../storage/module-keys.js';

/**
 * The storage key of each request (the cache's key too), built once per request object.
 * Parsed requests are shared and frozen (the HTTP layer keeps them per path), so the key is
 * built once per parse, not per request: a cached hit then hashes no new string. A WeakMap:
 * an entry lives as long as its parse, so it is bounded by whatever bounds the parses (http's
 * ParsedPathCache and the fast path's kept targets).
 */
export class StorageKeys {
  private readonly keys = new WeakMap<Readonly<ProxyRequest>, string>();

  of(req: Readonly<ProxyRequest>): string {
    let key = this.keys.get(req);
    if (key === undefined) {
      key = storageKey(req);
      this.keys.set(req, key);
    }
    return key;
  }
}

/** Where a request's file is stored (a non-canonical `.info` query is never stored). */
export function storageKey(req: Readonly<ProxyRequest>): string {
  switch (req.kind) {
    case 'list':
      return listKey(req.escapedPath);
    case 'latest':
      return latestKey(req.escapedPath);
    case 'info':
      return req.canonical
        ? infoKey(req.escapedPath, req.escapedVersion)
        : `query:${req.escapedPath}/@v/${req.escapedVersion}.info`;
    case 'mod':
      return modKey(req.escapedPath, req.escapedVersion);
    case 'zip':
      return zipKey(req.escapedPath, req.escapedVersion);
  }
}
