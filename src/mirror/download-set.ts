/**
 * The module files `go mod download` (no arguments, in a module, Go 1.19 semantics) fetches
 * for a main module: every `.mod` it reads while loading the module graph, and the `.zip`
 * (with its `.mod` and `.info`) of each module it downloads. Follows cmd/go:
 *
 * - modcmd/download.go: a main module at `go` ≥ 1.17 downloads the selected versions of the
 *   modules its go.mod requires directly (after loading the whole module graph); below 1.17
 *   it downloads "all", i.e. the whole build list; no requirements → nothing;
 * - modload.LoadModFile: a main go.mod with no `go` directive gets one (the toolchain's
 *   version, so pruned) after its graph was loaded unpruned: the whole graph is read, but
 *   only the direct requirements are downloaded;
 * - modload/buildlist.go readModGraph: from a pruned main module only the roots' go.mod are
 *   read, plus the full transitive graph below any root (or dependency reached that way)
 *   whose own go.mod is below go 1.17 (unpruned); from an unpruned main module the full
 *   transitive graph is read;
 * - mvs.Graph: the selected version of a path is the highest version any read go.mod (or the
 *   main module) requires; the main module's own path always resolves to the main module;
 * - modload/modfile.go goModSummary: requirements on versions the main module `exclude`s are
 *   dropped; `replace` (a version-specific one before a path-wide one) redirects both the
 *   go.mod read and the download, and a local-directory replacement is read from disk and
 *   never fetched;
 * - modload.expandGraph: a pruned main module whose roots are not their selected versions is
 *   brought up to them and the graph loaded again (go.mod files read on the way still count).
 */
import { compare } from '../semver/index.js';
import { GoModSummaries, pruningGo, type GoModSource, type Summary } from './go-mod-summaries.js';
import { versionKey, type MainModule, type ModuleVersion } from './main-module.js';

export type { GoModSource } from './go-mod-summaries.js';

export interface DownloadSet {
  /** Every module version whose `.mod` is fetched, sorted by path then semver. */
  readonly mods: readonly ModuleVersion[];
  /** Every module version whose `.zip` (and `.info`) is fetched, sorted the same way. */
  readonly zips: readonly ModuleVersion[];
}

/** Computes the download set; go.mod read errors propagate (the go command fails too). */
export async function computeDownloadSet(
  main: MainModule,
  source: GoModSource,
): Promise<DownloadSet> {
  const summaries = new GoModSummaries([main.replace], main.exclude, source);
  const summary = (m: ModuleVersion): Promise<Summary> => summaries.summary(m);

  const mainPruned = pruningGo(main.go);
  // requirementsFromModFiles: requirements on excluded versions are dropped.
  let roots = main.require.filter((r) => r.path !== main.path && !summaries.isExcluded(r));
  let selected = await loadGraph(main.path, roots, mainPruned, summary);
  if (mainPruned) {
    // expandGraph: roots that are not selected are raised to their selected versions.
    for (;;) {
      const raised = roots.map((r) => ({ path: r.path, version: selected.get(r.path) ?? '' }));
      if (raised.every((r, i) => r.version === roots[i]?.version)) break;
      roots = raised;
      selected = await loadGraph(main.path, roots, true, summary);
    }
  }

  let listed: ModuleVersion[];
  if (main.require.length === 0) listed = [];
  else if (mainPruned || main.go === undefined) {
    const paths = [...new Set(main.require.map((r) => r.path))];
    listed = paths.map((path) => ({ path, version: selected.get(path) ?? '' }));
  } else {
    listed = [...selected].map(([path, version]) => ({ path, version }));
  }
  return summaries.downloadSetOf(listed.filter((m) => m.path !== main.path && m.version !== ''));
}

/**
 * readModGraph: loads go.mod files from the roots and returns the selected version of every
 * path reached (the main module's path excluded).
 */
async function loadGraph(
  mainPath: string,
  roots: readonly ModuleVersion[],
  mainPruned: boolean,
  summary: (m: ModuleVersion) => Promise<Summary>,
): Promise<Map<string, string>> {
  const selected = new Map<string, string>();
  const select = (m: ModuleVersion): void => {
    if (m.path === mainPath) return;
    const cur = selected.get(m.path);
    if (cur === undefined || compare(cur, m.version) < 0) selected.set(m.path, m.version);
  };
  roots.forEach(select);
  const loadingUnpruned = new Set<string>();
  const loadedPruned = new Set<string>();
  const enqueue = async (m: ModuleVersion, pruned: boolean): Promise<void> => {
    if (m.version === 'none') return;
    const seen = pruned ? loadedPruned : loadingUnpruned;
    if (seen.has(versionKey(m))) return;
    seen.add(versionKey(m));
    const s = await summary(m);
    s.require.forEach(select);
    // Below an unpruned module (or from an unpruned main module) everything is loaded.
    if (!pruned || !s.pruned) await Promise.all(s.require.map((r) => enqueue(r, false)));
  };
  await Promise.all(roots.map((r) => enqueue(r, mainPruned)));
  return selected;
}
