/**
 * The module files `go mod download` (no arguments) fetches in a go.work workspace (Go 1.19,
 * modcmd/download.go: "all" in workspace mode; modload/buildlist.go readModGraph with
 * workspace pruning):
 *
 * - every workspace module's requirements are loaded, each with the pruning of the workspace
 *   module's own go version (below go 1.17: the full transitive graph);
 * - then, repeatedly, a dependency whose selected version is above what a loaded module of
 *   the workspace graph requires is loaded at its selected version, with its requirements;
 * - the whole build list (workspace modules aside) is downloaded.
 *
 * Exclusions of every workspace module apply; the go.work's replacements win over the
 * modules' own (modload.Replacement).
 */
import { compare } from '../semver/index.js';
import type { DownloadSet } from './download-set.js';
import { GoModSummaries, pruningGo, type GoModSource, type Summary } from './go-mod-summaries.js';
import {
  versionKey,
  type MainModule,
  type ModuleVersion,
  type Replacement,
} from './main-module.js';

type Pruning = 'pruned' | 'unpruned' | 'workspace';

/**
 * `workReplace` are the go.work's `replace` directives, which win over the modules' own (the
 * caller resolves relative directories: a go.work's against its directory, a module's against
 * the module's).
 */
export async function computeWorkspaceDownloadSet(
  mains: readonly MainModule[],
  source: GoModSource,
  workReplace: readonly Replacement[] = [],
): Promise<DownloadSet> {
  const exclude = new Set(mains.flatMap((m) => [...m.exclude]));
  const summaries = new GoModSummaries(
    [workReplace, mains.flatMap((m) => m.replace)],
    exclude,
    source,
  );
  const mainByPath = new Map(mains.map((m) => [m.path, m]));
  const mainSummary = (m: MainModule): Summary => ({
    require: m.require.filter((r) => !exclude.has(versionKey(r))),
    pruned: pruningGo(m.go),
  });
  const summary = (m: ModuleVersion): Promise<Summary> => {
    const main = m.version === '' ? mainByPath.get(m.path) : undefined;
    return main === undefined ? summaries.summary(m) : Promise.resolve(mainSummary(main));
  };

  const selected = new Map<string, string>();
  const required = new Map<string, readonly ModuleVersion[]>();
  const select = (m: ModuleVersion): void => {
    if (mainByPath.has(m.path)) return; // a workspace module always selects itself
    const cur = selected.get(m.path);
    if (cur === undefined || compare(cur, m.version) < 0) selected.set(m.path, m.version);
  };
  const loadingUnpruned = new Set<string>();
  const enqueue = async (m: ModuleVersion, pruning: Pruning): Promise<void> => {
    if (pruning === 'unpruned') {
      if (loadingUnpruned.has(versionKey(m))) return;
      loadingUnpruned.add(versionKey(m));
    }
    const s = await summary(m);
    required.set(versionKey(m), s.require);
    s.require.forEach(select);
    if (pruning !== 'pruned' || !s.pruned) {
      const next: Pruning = pruning === 'unpruned' || !s.pruned ? 'unpruned' : 'pruned';
      await Promise.all(s.require.map((r) => enqueue(r, next)));
    }
  };
  const versionOf = (path: string): string =>
    mainByPath.has(path) ? '' : (selected.get(path) ?? '');

  const hasDepsInAll = new Set(mainByPath.keys());
  const seen = new Set<string>();
  for (;;) {
    const needs = new Map<string, ModuleVersion>();
    for (const path of hasDepsInAll) {
      const m = { path, version: versionOf(path) };
      if (!seen.has(versionKey(m))) {
        needs.set(versionKey(m), m);
        continue;
      }
      for (const r of required.get(versionKey(m)) ?? []) {
        const s = { path: r.path, version: versionOf(r.path) };
        if (s.version === '' || mainByPath.has(s.path)) continue;
        if (compare(s.version, r.version) > 0 && !seen.has(versionKey(s))) {
          needs.set(versionKey(s), s);
        }
      }
    }
    if (needs.size === 0) break;
    await Promise.all([...needs.values()].map((m) => enqueue(m, 'workspace')));
    for (const m of needs.values()) {
      seen.add(versionKey(m));
      hasDepsInAll.add(m.path);
    }
  }

  return summaries.downloadSetOf([...selected].map(([path, version]) => ({ path, version })));
}
