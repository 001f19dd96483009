/**
 * cmd/go codeRepo.Versions: the module's tagged versions, the content of `@v/list`.
 *
 * A tag `codeDir/V` (just `V` at the root) lists V when V is a canonical semantic version
 * (`v1.2` and `v1.2.3+meta` are not; neither is a tag spelled with `+incompatible`), is not
 * shaped like a pseudo-version, and suits the path's major suffix. Retracted versions stay
 * listed (the go command hides them itself). Pseudo-versions are never listed.
 *
 * For a root module without a suffix, v2+ tags may be listed as `+incompatible`
 * (appendIncompatibleVersions): none at all when the highest compatible version has a
 * go.mod (the author moved to semantic import versioning), and per major version only when
 * that major's highest tag has no go.mod. gopkg.in `-unstable` paths have no versions.
 */
import { isPseudoVersion, matchPathMajor } from '../../module/index.js';
import { canonical, major, sort } from '../../semver/index.js';
import { MAX_GO_MOD } from '../../zip/index.js';
import { codeHostKind, errorText, moduleError } from './code-repo-errors.js';
import type { CodeRepoLayout } from './code-repo-layout.js';
import type { CodeRepoSession } from './code-repo-session.js';

/** The sorted version list of the module. */
export async function listVersions(
  layout: CodeRepoLayout,
  session: CodeRepoSession,
): Promise<string[]> {
  const { modulePath, codeDir, pathMajor, tagPrefix } = layout;
  if (modulePath.startsWith('gopkg.in/') && modulePath.endsWith('-unstable')) return [];

  let tags;
  try {
    tags = await session.tags(tagPrefix);
  } catch (err) {
    throw moduleError(modulePath, errorText(err), codeHostKind(err), err);
  }
  const list: string[] = [];
  /** Candidate versions (no suffix yet) with the commit of their tag. */
  const incompatible = new Map<string, string>();
  for (const tag of tags) {
    if (!tag.name.startsWith(tagPrefix)) continue;
    const v = tag.name.slice(tagPrefix.length);
    if (v === '' || v !== canonical(v)) continue;
    if (isPseudoVersion(v)) continue;
    if (!matchPathMajor(v, pathMajor)) {
      if (codeDir === '' && pathMajor === '' && major(v) > 'v1') incompatible.set(v, tag.hash);
      continue;
    }
    list.push(v);
  }
  const sorted = sort(list);
  if (incompatible.size === 0 || pathMajor !== '') return sorted;

  const hasGoMod = async (hash: string): Promise<boolean> => {
    try {
      return (await session.readFile(hash, 'go.mod', MAX_GO_MOD)) !== null;
    } catch (err) {
      throw moduleError(modulePath, errorText(err), codeHostKind(err), err);
    }
  };
  const tagHash = (v: string): string => tags.find((t) => t.name === tagPrefix + v)?.hash ?? '';

  const highest = sorted[sorted.length - 1];
  if (highest !== undefined && (await hasGoMod(tagHash(highest)))) return sorted;

  const candidates = sort([...incompatible.keys()]);
  const result = [...sorted];
  let i = 0;
  while (i < candidates.length) {
    const m = major(candidates[i]!);
    let j = i;
    while (j < candidates.length && major(candidates[j]!) === m) j++;
    const latestAtMajor = candidates[j - 1]!;
    if (!(await hasGoMod(incompatible.get(latestAtMajor)!))) {
      for (const v of candidates.slice(i, j)) result.push(v + '+incompatible');
    }
    i = j;
  }
  return result;
}
