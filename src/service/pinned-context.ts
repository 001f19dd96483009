import { infoOriginHash } from '../protocol/info-json.js';
import { infoKey } from '../storage/module-keys.js';
import type { Storage } from '../storage/storage.js';
import type { FetchContext } from '../upstream/upstream.js';
import type { AnswerCache } from './answer-cache.js';
import type { Stash } from './stash.js';

/**
 * The context for a `.mod` / `.zip` fetch: with the commit the stored `.info` recorded
 * (Origin.Hash), so a direct upstream serves only that commit's files — refusing when the
 * tag has moved since and its git cache no longer remembers the old commit.
 */
export async function pinnedContext(
  req: { escapedPath: string; escapedVersion: string },
  ctx: { signal: AbortSignal },
  cache: AnswerCache,
  stash: Pick<Stash, 'pendingBytes'>,
  storage: Storage,
): Promise<FetchContext> {
  const key = infoKey(req.escapedPath, req.escapedVersion);
  const data = cache.bytesOf(key) ?? stash.pendingBytes(key) ?? (await storage.getBytes(key));
  const hash = data ? infoOriginHash(data) : undefined;
  return hash === undefined ? ctx : { ...ctx, originHash: hash };
}
