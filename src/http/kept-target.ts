import type { RequestRef } from '../service/answer-cache.js';
import type { ModuleService } from '../service/module-service.js';
import type { SimpleHead } from './fast-path/request-head.js';
import type { ParsedPathCache } from './parsed-path-cache.js';

/**
 * The GOPROXY request a fast-path target names, with the reference to its cached answer
 * (ModuleService.refOf), or null when it names none (node:http answers it). A function of the
 * target alone (`sumdb` is fixed for a server's life), so it is kept in the target's slot
 * (fast-path/target-table.ts): a target seen before costs no parse lookup, and its cached
 * answer no lookup by key. A parse that throws is not kept (the caller hands the request over).
 */
export function keptTarget(
  req: SimpleHead,
  paths: ParsedPathCache,
  service: Pick<ModuleService, 'refOf'>,
  sumdb: unknown,
): RequestRef | null {
  const kept = req.slot?.memo as RequestRef | null | undefined;
  if (kept !== undefined) return kept;
  const target = req.target;
  const q = target.indexOf('?');
  const path = q >= 0 ? target.slice(0, q) : target;
  const preq = sumdb !== undefined && path.startsWith('/sumdb/') ? null : paths.parse(path);
  const made = preq === null ? null : service.refOf(preq);
  if (req.slot !== undefined) req.slot.memo = made;
  return made;
}
