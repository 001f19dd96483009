/**
 * The go.mod files of module versions as the go command's module loader sees them
 * (modload.goModSummary): read once each, through the main modules' `replace` (a
 * version-specific replacement before a path-wide one; a local directory is read from disk),
 * with requirements on `exclude`d versions dropped. Records every `.mod` fetched.
 */
import { compareGoVersions, parseGoMod } from '../modfile/index.js';
import { compare } from '../semver/index.js';
import { versionKey, type ModuleVersion, type Replacement } from './main-module.js';

/** Where go.mod files come from: a GOPROXY (`.mod`) and the local disk (`replace => ./dir`). */
export interface GoModSource {
  /** The `.mod` of a module version (any failure is the caller's error to report). */
  goMod(m: ModuleVersion): Promise<Buffer | string>;
  /** The go.mod in a replacement directory, as written in the replace directive. */
  localGoMod(dir: string): Promise<Buffer | string>;
}

export interface Summary {
  readonly require: readonly ModuleVersion[];
  /** The go.mod says go ≥ 1.17: its requirements list everything its packages need. */
  readonly pruned: boolean;
}

/** modload.pruningForGoVersion: graph pruning from `go 1.17` on; no directive → unpruned. */
export const pruningGo = (go: string | undefined): boolean =>
  go !== undefined && compareGoVersions(`go${go}`, 'go1.17') >= 0;

export class GoModSummaries {
  /** The module versions whose `.mod` was fetched. */
  readonly fetched = new Map<string, ModuleVersion>();
  private readonly cache = new Map<string, Promise<Summary>>();

  /**
   * `replace` lists are tried in order (a go.work's before its modules'); within one, a
   * version-specific replacement wins over a path-wide one.
   */
  constructor(
    private readonly replace: readonly (readonly Replacement[])[],
    private readonly exclude: ReadonlySet<string>,
    private readonly source: GoModSource,
  ) {}

  /** The module version (or local directory, version ``) that stands for `m`. */
  replacementOf(m: ModuleVersion): ModuleVersion {
    for (const list of this.replace) {
      const exact = list.find((r) => r.old.path === m.path && r.old.version === m.version);
      const wide = list.find((r) => r.old.path === m.path && r.old.version === undefined);
      const found = (exact ?? wide)?.new;
      if (found !== undefined) return found;
    }
    return m;
  }

  isExcluded(m: ModuleVersion): boolean {
    return this.exclude.has(versionKey(m));
  }

  summary(m: ModuleVersion): Promise<Summary> {
    const key = versionKey(m);
    let s = this.cache.get(key);
    if (s === undefined) {
      s = this.read(m);
      this.cache.set(key, s);
    }
    return s;
  }

  private async read(m: ModuleVersion): Promise<Summary> {
    const actual = this.replacementOf(m);
    let data: Buffer | string;
    if (actual.version === '') {
      data = await this.source.localGoMod(actual.path);
    } else {
      this.fetched.set(versionKey(actual), actual);
      data = await this.source.goMod(actual);
    }
    const f = parseGoMod(data, `${versionKey(actual)}/go.mod`);
    return {
      require: f.require
        .map(({ path, version }) => ({ path, version }))
        .filter((r) => !this.isExcluded(r)),
      pruned: pruningGo(f.go),
    };
  }

  /**
   * What `go mod download` fetches for the modules it downloads (`downloaded`, as required,
   * before replacement): each one's `.zip` (and `.info`) and `.mod` — after `replace`, local
   * directories skipped — besides every `.mod` read on the way.
   */
  downloadSetOf(downloaded: Iterable<ModuleVersion>): {
    mods: ModuleVersion[];
    zips: ModuleVersion[];
  } {
    const zips = new Map<string, ModuleVersion>();
    for (const m of downloaded) {
      const actual = this.replacementOf(m);
      if (actual.version === '') continue; // a local directory: nothing to download
      zips.set(versionKey(actual), actual);
      this.fetched.set(versionKey(actual), actual);
    }
    return {
      mods: sortModuleVersions(this.fetched.values()),
      zips: sortModuleVersions(zips.values()),
    };
  }
}

/** By path, then semver. */
export function sortModuleVersions(list: Iterable<ModuleVersion>): ModuleVersion[] {
  return [...list].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : compare(a.version, b.version),
  );
}
