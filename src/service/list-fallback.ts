import { ModgateError } from '../errors/index.js';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import type { Answer } from './answer.js';
import type { StoredVersions } from './stored-versions.js';

type ListRequest = Extract<ProxyRequest, { kind: 'list' | 'latest' }>;

/**
 * The answer to `@v/list` / `@latest` when refreshing it from the upstreams failed with `err`
 * — an outage, or upstreams that no longer answer at all (`off`, an air-gapped site): modules
 * this proxy holds must stay resolvable. Only a policy refusal is passed on. In order:
 * - the versions held (StoredVersions: their `.mod` stored), saying so in
 *   `X-Modgate-Offline: stored-versions` — what the go command can then actually fetch, even
 *   for a module whose list was never fetched or whose stored list names versions not held;
 * - else the last stored copy of the answer (`stored`), marked stale;
 * - else `err`.
 */
export async function listFallback(
  req: ListRequest,
  err: unknown,
  stored: { body: Buffer } | undefined,
  held: StoredVersions,
): Promise<Answer> {
  if (err instanceof ModgateError && err.kind === 'forbidden') throw err;
  const staleReason = err instanceof Error ? err.message : String(err);
  const body =
    req.kind === 'list' ? await held.list(req.escapedPath) : await held.latest(req.escapedPath);
  if (body === undefined && stored === undefined) throw err;
  return {
    status: 200,
    kind: req.kind,
    body: body ?? stored?.body,
    size: (body ?? stored?.body)?.length,
    cache: 'stale',
    staleReason,
    ...(body === undefined ? {} : { offline: 'stored-versions' as const }),
    maxAge: 0,
    immutable: false,
  };
}
