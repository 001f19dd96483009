import type { ProxyRequest } from '../protocol/proxy-request.js';
import { infoKey, latestKey, listKey, modKey, zipKey } from '../storage/module-keys.js';

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
