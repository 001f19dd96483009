import { ModgateError } from '../errors/index.js';
import { escapePath, escapeVersion, unescapeVersion } from '../module/index.js';
import { parseInfoJson } from '../protocol/info-json.js';
import { infoKey } from '../storage/module-keys.js';
import type { Storage } from '../storage/storage.js';
import { compare, isValid, prerelease } from '../semver/index.js';
import type { FetchContext, RevInfo, Upstream, ZipSource } from '../upstream/upstream.js';

/**
 * The "upstream" of modules modgate hosts itself (`publish.modules`, published with
 * `modgate publish`; issue 14 item 6): its own storage, never a proxy or version control —
 * hosted paths are private and must not be looked up anywhere else.
 *
 * A version is published once its `.info` is stored (the publish route writes it last), so
 * the list is the stored `.info` files of the module; @latest the highest of them (releases
 * before pre-releases). `.info`, `.mod` and `.zip` of published versions are found in storage
 * before the service asks an upstream, so asking here means "not published": `not-found`.
 */
export class HostedUpstream implements Upstream {
  readonly description = 'hosted';

  constructor(private readonly storage: Storage) {}

  async list(modulePath: string, ctx: FetchContext): Promise<string[]> {
    const dir = `${escapePath(modulePath)}/@v/`;
    const keys = await this.storage.list(dir, ctx.signal);
    const versions: string[] = [];
    for (const key of keys) {
      const name = key.slice(dir.length);
      if (!name.endsWith('.info') || name.includes('/')) continue;
      try {
        versions.push(unescapeVersion(name.slice(0, -'.info'.length)));
      } catch {
        // not a version's file
      }
    }
    return versions.filter(isValid).sort(compare);
  }

  info(modulePath: string, query: string): Promise<RevInfo> {
    return Promise.reject(notPublished(modulePath, query));
  }

  async latest(modulePath: string, ctx: FetchContext): Promise<RevInfo> {
    const versions = await this.list(modulePath, ctx);
    const releases = versions.filter((v) => prerelease(v) === '');
    const best = (releases.length > 0 ? releases : versions).at(-1);
    if (best === undefined) throw notPublished(modulePath, 'latest');
    const key = infoKey(escapePath(modulePath), escapeVersion(best));
    const raw = await this.storage.getBytes(key, ctx.signal);
    if (raw === null) throw notPublished(modulePath, best);
    return { ...parseInfoJson(raw, `${modulePath}@${best}`), raw };
  }

  mod(modulePath: string, version: string): Promise<Buffer> {
    return Promise.reject(notPublished(modulePath, version));
  }

  zip(modulePath: string, version: string): Promise<ZipSource> {
    return Promise.reject(notPublished(modulePath, version));
  }
}

function notPublished(modulePath: string, version: string): ModgateError {
  return new ModgateError(
    'not-found',
    `${modulePath}@${version}: not published (${modulePath} is hosted by this modgate: publish it with modgate publish)`,
  );
}
