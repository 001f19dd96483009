import {
  canonicalVersion,
  escapeVersion,
  isPseudoVersion,
  pseudoVersionTime,
  unescapeVersion,
} from '../module/index.js';
import { isRetracted, parseGoMod, type Retraction } from '../modfile/index.js';
import { formatInfoJson } from '../protocol/info-json.js';
import { formatVersionList } from '../protocol/version-list.js';
import { infoKey, modKey } from '../storage/module-keys.js';
import type { Storage } from '../storage/storage.js';
import * as semver from '../semver/index.js';

/**
 * Offline answers (issue 13 item 5): `@v/list` and `@latest` from the versions this modgate
 * holds, for when no upstream can answer — `upstream: off` (an air-gapped site), or every
 * upstream unreachable — including for modules whose list was never fetched.
 *
 * A version is held when its `.mod` is stored: the go command's own rule for the list it keeps
 * in its module cache (cmd/go/internal/modfetch/cache.go, rewriteVersionList: "if we can't
 * supply the .mod file then there's no point in listing that version"; zips are not required,
 * as graph pruning reads many go.mod files whose zips are never fetched).
 *
 * - `@v/list`: the held versions that are not pseudo-versions, in semver order (as proxies
 *   list them; the go command ignores pseudo-versions in a list anyway).
 * - `@latest`: by the go command's rules for the `latest` query (cmd/go/internal/modload
 *   query.go): the highest release, else the highest pre-release, else the highest
 *   pseudo-version, leaving out versions retracted by the go.mod of the latest version
 *   (itself chosen ignoring retractions); when every version is retracted, the highest of all.
 *   Its body is the stored `.info`, else one made from the version (a pseudo-version's time;
 *   else when its `.mod` was stored).
 */
export class StoredVersions {
  constructor(private readonly storage: Storage) {}

  /** The canonical versions with a stored `.mod`, in semver order. */
  async versions(escapedPath: string, signal?: AbortSignal): Promise<string[]> {
    const prefix = `${escapedPath}/@v/`;
    const out: string[] = [];
    for (const key of await this.storage.list(prefix, signal)) {
      const name = key.slice(prefix.length);
      if (!name.endsWith('.mod') || name.includes('/')) continue;
      try {
        const v = unescapeVersion(name.slice(0, -4));
        if (v !== '' && canonicalVersion(v) === v) out.push(v);
      } catch {
        // not a version's file: skipped
      }
    }
    return semver.sort([...new Set(out)]);
  }

  /** The `@v/list` body from held versions; undefined when none is held. */
  async list(escapedPath: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const versions = await this.versions(escapedPath, signal);
    if (versions.length === 0) return undefined;
    return formatVersionList(versions.filter((v) => !isPseudoVersion(v)));
  }

  /** The `@latest` body (an `.info`) from held versions; undefined when none is held. */
  async latest(escapedPath: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    const versions = await this.versions(escapedPath, signal);
    const newest = chooseLatest(versions, []);
    if (newest === undefined) return undefined;
    const mod = await this.storage.getBytes(modKey(escapedPath, escapeVersion(newest)), signal);
    let retract: readonly Retraction[] = [];
    try {
      retract = mod === null ? [] : parseGoMod(mod).retract;
    } catch {
      // an unparsable go.mod retracts nothing here; the go command reports it when it reads it
    }
    const chosen = chooseLatest(versions, retract) ?? newest;
    const escaped = escapeVersion(chosen);
    const info = await this.storage.getBytes(infoKey(escapedPath, escaped), signal);
    if (info !== null) return info;
    let time: Date;
    if (isPseudoVersion(chosen)) time = pseudoVersionTime(chosen);
    else {
      const stat = await this.storage.stat(modKey(escapedPath, escaped), signal);
      time = stat?.modified ?? new Date(0);
    }
    return Buffer.from(formatInfoJson(chosen, time));
  }
}

/**
 * The `latest` query over `versions` (semver-sorted): highest release, else pre-release, else
 * pseudo-version, not retracted; when all are retracted, the highest of all.
 */
export function chooseLatest(
  versions: readonly string[],
  retract: readonly Retraction[],
): string | undefined {
  const allowed = versions.filter((v) => !isRetracted(v, retract));
  const highest = (pred: (v: string) => boolean): string | undefined => allowed.filter(pred).at(-1);
  return (
    highest((v) => semver.prerelease(v) === '') ??
    highest((v) => !isPseudoVersion(v)) ??
    highest(() => true) ??
    versions.at(-1)
  );
}
