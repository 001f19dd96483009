import { compare } from '../semver/index.js';
import { chooseLatest } from '../service/stored-versions.js';
import { parseVersionFileKey } from './catalog-key.js';

/** What the catalog knows of one stored version (numbers, not objects: ~100 bytes each). */
export interface CatalogVersion {
  readonly version: string;
  /** Which of .info, .mod, .zip are stored (bits 1, 2, 4). */
  files: number;
  /** Zip size in bytes; -1 when unknown or no zip. */
  size: number;
  /** The .info Time, ms since the epoch; NaN until read. */
  time: number;
  /** The zip's and go.mod's `h1:` hashes, when learnt (store gates, publish records, own log). */
  h1?: string | undefined;
  goModH1?: string | undefined;
  /** Who published it (hosted modules). */
  publisher?: string | undefined;
  /** The .info carries an Origin (fetched from version control). */
  vcsOrigin?: boolean | undefined;
}

/** One stored module. */
export interface CatalogModule {
  readonly path: string;
  /** The path in lower case, for case-insensitive search. */
  readonly lower: string;
  readonly versions: Map<string, CatalogVersion>;
}

export const FILE_BITS = { info: 1, mod: 2, zip: 4 } as const;

/**
 * The index of what storage holds, by module: built from one full listing, kept current by
 * the writes this process makes (note*), replaced by a new listing every rescan (other
 * replicas' and tools' writes). Answers search and a module's versions from memory, so a
 * page never walks storage; bounded by what is stored (~100 bytes a version plus its path).
 *
 * Everything here is synchronous and pure: the loading (listing, reading .info files) is
 * CatalogLoader's.
 */
export class Catalog {
  private readonly modules = new Map<string, CatalogModule>();
  /** Module paths sorted (UTF-16 order), rebuilt lazily after a module appears or goes. */
  private sorted: CatalogModule[] | undefined;
  private versionCount = 0;
  /** When the last full listing was taken (ms), NaN before any. */
  scannedAt = Number.NaN;

  get size(): { modules: number; versions: number } {
    return { modules: this.modules.size, versions: this.versionCount };
  }

  get(path: string): CatalogModule | undefined {
    return this.modules.get(path);
  }

  /** Every module, sorted by path. */
  all(): readonly CatalogModule[] {
    this.sorted ??= [...this.modules.values()].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
    return this.sorted;
  }

  /** A version file was stored (size: the zip's bytes). Returns its version entry. */
  noteKey(key: string, size = -1): CatalogVersion | undefined {
    const parsed = parseVersionFileKey(key);
    if (parsed === undefined) return undefined;
    const v = this.version(parsed.modulePath, parsed.version, true);
    v.files |= FILE_BITS[parsed.file];
    if (parsed.file === 'zip' && size >= 0) v.size = size;
    return v;
  }

  /** A file was deleted: the version goes when none of its files is left. */
  noteDeleted(key: string): void {
    const parsed = parseVersionFileKey(key);
    if (parsed === undefined) return;
    const m = this.modules.get(parsed.modulePath);
    const v = m?.versions.get(parsed.version);
    if (m === undefined || v === undefined) return;
    v.files &= ~FILE_BITS[parsed.file];
    if (parsed.file === 'zip') v.size = -1;
    if (v.files !== 0) return;
    m.versions.delete(parsed.version);
    this.versionCount--;
    if (m.versions.size === 0) {
      this.modules.delete(m.path);
      this.sorted = undefined;
    }
  }

  /** The entry of a version, made when `create` (else undefined when not stored). */
  version(path: string, version: string, create: true): CatalogVersion;
  version(path: string, version: string, create?: false): CatalogVersion | undefined;
  version(path: string, version: string, create = false): CatalogVersion | undefined {
    let m = this.modules.get(path);
    if (m === undefined) {
      if (!create) return undefined;
      m = { path, lower: path.toLowerCase(), versions: new Map() };
      this.modules.set(path, m);
      this.sorted = undefined;
    }
    let v = m.versions.get(version);
    if (v === undefined && create) {
      v = { version, files: 0, size: -1, time: Number.NaN };
      m.versions.set(version, v);
      this.versionCount++;
    }
    return v;
  }

  /**
   * Replaces the contents with a full listing's (`keys` with sizes where known), keeping what
   * was learnt of versions still stored (times, hashes, publishers).
   */
  replace(listing: Iterable<{ key: string; size?: number }>, at: number): void {
    const old = new Map(this.modules);
    this.modules.clear();
    this.versionCount = 0;
    this.sorted = undefined;
    const paths = new Map<string, string | null>();
    for (const { key, size } of listing) {
      const parsed = parseVersionFileKey(key, paths);
      if (parsed === undefined) continue;
      const v = this.version(parsed.modulePath, parsed.version, true);
      if (v.files === 0) {
        const before = old.get(parsed.modulePath)?.versions.get(parsed.version);
        if (before !== undefined) {
          v.time = before.time;
          v.h1 = before.h1;
          v.goModH1 = before.goModH1;
          v.publisher = before.publisher;
          v.vcsOrigin = before.vcsOrigin;
        }
      }
      v.files |= FILE_BITS[parsed.file];
      if (parsed.file === 'zip' && size !== undefined && size >= 0) v.size = size;
    }
    this.scannedAt = at;
  }
}

/** A module's versions, newest first (semver order). */
export function newestFirst(m: CatalogModule): CatalogVersion[] {
  return [...m.versions.values()].sort((a, b) => compare(b.version, a.version));
}

/** The version `latest` would choose among the stored ones (retractions not applied). */
export function latestOf(m: CatalogModule): string {
  const sorted = [...m.versions.keys()].sort(compare);
  return chooseLatest(sorted, []) ?? sorted.at(-1) ?? '';
}

/** The newest .info time of a module's versions (ms), NaN when none is known. */
export function updatedAt(m: CatalogModule): number {
  let t = Number.NaN;
  for (const v of m.versions.values()) {
    if (Number.isNaN(t) || v.time > t) t = v.time;
  }
  return t;
}
