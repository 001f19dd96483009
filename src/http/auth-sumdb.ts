import type { Principal } from '../policy/index.js';
import { parseSumdbPath, type SumdbProxyDeps } from '../sumdb/proxy/index.js';
import type { AuthGate, Denial } from './auth-gate.js';

/**
 * Access to `/sumdb/<name>/…` (issue 14 item 2), decided before the database is asked:
 * - a lookup reveals its module: the principal must be allowed to read it (either database);
 * - modgate's own database's tiles and signed head list (data tiles) or commit to the paths
 *   and hashes of every module it logged, private ones too: while any access rule restricts
 *   reading, only authenticated users get them (see docs/security.md: every authenticated user
 *   may then see the names of all logged modules);
 * - a proxied public database's tiles and head hold only public modules: open to all.
 * A path that does not parse is left to the handler (its 400/404).
 */
export function sumdbDenial(
  gate: AuthGate,
  principal: Principal,
  path: string,
  deps: SumdbProxyDeps,
): Denial | undefined {
  if (!gate.checksReads) return undefined;
  const hosted = deps.hosted ?? [];
  let req;
  try {
    req = parseSumdbPath(path, [
      ...deps.databases.map((db) => db.name),
      ...hosted.map((db) => db.name),
    ]);
  } catch {
    return undefined;
  }
  if (req.kind === 'lookup') return gate.readDenial(principal, req.modulePath);
  if (req.kind === 'supported') return undefined;
  const own = hosted.some((db) => db.name === req.name);
  return own ? gate.listingDenial(principal) : undefined;
}
