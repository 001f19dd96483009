import { ModgateError } from '../errors/index.js';
import { escapePath, escapeVersion } from '../module/index.js';
import type { ProxyRequest } from '../protocol/proxy-request.js';
import { zipKey } from '../storage/module-keys.js';
import type { Storage } from '../storage/storage.js';
import { hashGoMod } from '../zip/index.js';
import type { Answer, AnswerOptions } from './answer.js';
import type { Stash } from './stash.js';

/**
 * Makes sure a canonical version's `.mod` and `.zip` are stored — fetching them the usual way
 * (upstream or direct, zip rules, checksum gates) when they are not — and returns the `h1:`
 * hashes of the stored bytes. For modgate's own checksum database, which logs exactly what it
 * serves. The caller has checked that `version` is canonical for `modulePath`.
 */
export async function storedHashesOf(
  service: { answer(req: ProxyRequest, opts?: AnswerOptions): Answer | Promise<Answer> },
  storage: Storage,
  stash: Stash,
  modulePath: string,
  version: string,
): Promise<{ modHash: string; zipHash: string }> {
  const file = {
    modulePath,
    escapedPath: escapePath(modulePath),
    version,
    escapedVersion: escapeVersion(version),
  };
  const mod = await service.answer({ kind: 'mod', ...file });
  const key = zipKey(file.escapedPath, file.escapedVersion);
  if ((await storage.stat(key)) === null) {
    const zip = await service.answer({ kind: 'zip', ...file }, { head: true });
    zip.stream?.destroy();
    // A zip verified in memory is answered before it is stored.
    await stash.committed(key);
  }
  if (mod.body === undefined) throw new ModgateError('internal', `${key}: go.mod has no bytes`);
  return { modHash: hashGoMod(mod.body), zipHash: await stash.storedZipHash(key) };
}
