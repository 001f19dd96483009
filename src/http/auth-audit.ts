import type { AccessEntry, AuditLog } from '../log/index.js';
import type { ParsedPathCache } from './parsed-path-cache.js';

/**
 * Writes the audit line of a finished request when it was a module request (`@v/list`,
 * `@latest`, `.info`, `.mod`, `.zip`; issue 14 item 4), from its access entry: both the fast
 * path and node:http record every request through one function, so this sees them all,
 * refused ones included (401/403/404). Other paths (health, sumdb, malformed) write none.
 */
export function auditRequest(audit: AuditLog, paths: ParsedPathCache, entry: AccessEntry): void {
  const target = entry.path;
  if (target === undefined) return;
  const q = target.indexOf('?');
  let req;
  try {
    req = paths.parse(q >= 0 ? target.slice(0, q) : target);
  } catch {
    return; // not a valid GOPROXY path: nothing about a module was asked
  }
  if (req === null) return;
  audit.write({
    reqId: entry.reqId,
    user: entry.user,
    client: entry.client ?? '',
    module: req.modulePath,
    version: req.kind === 'list' || req.kind === 'latest' ? undefined : req.version,
    file: req.kind,
    status: entry.status,
  });
}
